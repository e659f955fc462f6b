// Built contracts for tests (`npm test` builds them first).
export { artifact, meshCodes, testContract } from "../../src/build/artifacts";
