// npm run build: compiles every contract under assembly/contracts/<name>/index.ts (optimised) into
// artifacts/<name>.wasm, writes artifacts/checksums.txt (sha256), and fails on any wasm-gate error.
// --test-contracts builds the helper contracts under tests/assembly/ into build/test-contracts/ instead.
// --cosmwasm-check (or CI=true) also runs the VM's own cosmwasm-check on the output.
import { createHash } from "crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "fs";
import * as path from "path";
import { compileContract } from "../src/build/asc";
import { COSMWASM_CHECK_BIN, runGate } from "../src/wasm/gate-cli";

const root = path.resolve(__dirname, "..");

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const testContracts = args.includes("--test-contracts");
  const cosmwasmCheck = args.includes("--cosmwasm-check") || (process.env.CI === "true" && !testContracts);
  const sourceDir = path.join(root, testContracts ? "tests/assembly" : "assembly/contracts");
  const outDir = path.join(root, testContracts ? "build/test-contracts" : "artifacts");
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
    return 1;
  }
  outputs.sort();
  console.log(`build: compiled ${outputs.length} contract(s) in ${((Date.now() - started) / 1000).toFixed(1)}s`);

  if (cosmwasmCheck && !existsSync(COSMWASM_CHECK_BIN)) {
    console.error("build: cosmwasm-check is required here but not installed; run `npm run deps:cosmwasm-check`");
    return 1;
  }
  if (!(await runGate(outputs, { cosmwasmCheck }))) return 1;

  if (!testContracts) {
    const lines = outputs.map((file) => `${createHash("sha256").update(readFileSync(file)).digest("hex")}  ${path.basename(file)}`);
    writeFileSync(path.join(outDir, "checksums.txt"), lines.join("\n") + "\n");
    console.log(`build: wrote ${path.relative(root, path.join(outDir, "checksums.txt"))}`);
  }
  return 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
