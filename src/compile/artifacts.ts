// Reading built contracts. `npm run build` writes artifacts/; `npm run build:test-contracts` writes
// build/test-contracts/. A missing file says which command to run instead of failing obscurely.
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import type { MeshCodes } from "../scenario/scenarios/mesh";

const root = path.resolve(__dirname, "..", "..");

function load(file: string, buildCommand: string): Uint8Array {
  if (!existsSync(file)) throw new Error(`${path.relative(root, file)} is missing: run \`${buildCommand}\` first`);
  return readFileSync(file);
}

/** A shipped contract from artifacts/. */
export function artifact(name: string): Uint8Array {
  return load(path.join(root, "artifacts", `${name}.wasm`), "npm run build");
}

/** A test-only contract from build/test-contracts/. */
export function testContract(name: string): Uint8Array {
  return load(path.join(root, "build", "test-contracts", `${name}.wasm`), "npm run build:test-contracts");
}

/** The four mesh-security contracts. */
export function meshCodes(): MeshCodes {
  return { ilp: artifact("ilp"), provider: artifact("mesh-provider"), consumer: artifact("mesh-consumer"), metaStaking: artifact("meta-staking") };
}

/** Local staking: the local-staking contract and the meta-staking instance it administers. */
export function localStakingCodes(): { localStaking: Uint8Array; metaStaking: Uint8Array } {
  return { localStaking: artifact("local-staking"), metaStaking: artifact("meta-staking") };
}
