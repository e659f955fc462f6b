// Built contracts for tests (`npm test` builds them first).
export { artifact, meshCodes, testContract } from "../../src/compile/artifacts";
