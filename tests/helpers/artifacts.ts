// Locates compiled contracts. `npm test` builds them first; running jest alone needs `npm run build` and
// `npm run build:test-contracts` beforehand, and this says so instead of failing obscurely.
import { existsSync, readFileSync } from "fs";
import * as path from "path";

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
