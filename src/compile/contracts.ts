// Compiles every contract and runs the wasm gate: the logic behind `npm run build`.
import { createHash } from "crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "fs";
import * as path from "path";
import { compileContract } from "./asc";
import { COSMWASM_CHECK_BIN, runGate } from "../gate/gate-cli";

const root = path.resolve(__dirname, "..", "..");

export interface CompileAllOptions {
  /** Build the test-only contracts of tests/assembly/ into build/test-contracts/ instead of the shipped ones. */
  testContracts: boolean;
  /** Also run the VM's cosmwasm-check (must be installed). */
  cosmwasmCheck?: boolean;
}

/** Compiles, gates and (for shipped contracts) writes checksums.txt. Prints progress; returns false on failure. */
export async function compileAll(opts: CompileAllOptions): Promise<boolean> {
  const sourceDir = path.join(root, opts.testContracts ? "tests/assembly" : "assembly/contracts");
  const outDir = path.join(root, opts.testContracts ? "build/test-contracts" : "artifacts");
  mkdirSync(outDir, { recursive: true });
  const names = readdirSync(sourceDir).filter((n) => existsSync(path.join(sourceDir, n, "index.ts"))).sort();
  const started = Date.now();
  // Two at a time: asc is single-threaded and CI has two cores.
  const queue = [...names];
  const outputs: string[] = [];
  const failures: string[] = [];
  await Promise.all([0, 1].map(async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const out = path.join(outDir, `${name}.wasm`);
      const result = await compileContract(path.join(sourceDir, name, "index.ts"), out);
      if (result.ok) outputs.push(out);
      else failures.push(`${name}:\n${result.output}`);
    }
  }));
  if (failures.length > 0) {
    console.error(`build: compile errors\n${failures.join("\n")}`);
    return false;
  }
  outputs.sort();
  console.log(`build: compiled ${outputs.length} contract(s) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (opts.cosmwasmCheck && !existsSync(COSMWASM_CHECK_BIN)) {
    console.error("build: cosmwasm-check is required here but not installed; run `npm run deps:cosmwasm-check`");
    return false;
  }
  if (!(await runGate(outputs, { cosmwasmCheck: !!opts.cosmwasmCheck }))) return false;
  if (!opts.testContracts) {
    const lines = outputs.map((file) => `${createHash("sha256").update(readFileSync(file)).digest("hex")}  ${path.basename(file)}`);
    writeFileSync(path.join(outDir, "checksums.txt"), lines.join("\n") + "\n");
    console.log(`build: wrote ${path.relative(root, path.join(outDir, "checksums.txt"))}`);
  }
  return true;
}
