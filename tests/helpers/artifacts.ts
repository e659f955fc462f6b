// Built contracts for tests (`npm test` builds them first).
export { artifact, localStakingCodes, meshCodes, testContract } from "../../src/compile/artifacts";
