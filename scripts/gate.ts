// Usage: tsx scripts/gate.ts [--cosmwasm-check] file.wasm...
// --cosmwasm-check also runs the VM's own cosmwasm-check (must be installed: npm run deps:cosmwasm-check).
// With CI=true it runs whenever the binary is installed; only the explicit flag makes a missing binary an error,
// so local CI-like runs without the Rust toolchain still get the static gate.

import { existsSync } from "fs";
import { COSMWASM_CHECK_BIN, runGate } from "../src/gate/gate-cli";

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flag = args.includes("--cosmwasm-check");
  const unknown = args.filter((a) => a.startsWith("-") && a !== "--cosmwasm-check");
  const files = args.filter((a) => !a.startsWith("-"));
  if (unknown.length > 0 || files.length === 0) {
    console.error("usage: tsx scripts/gate.ts [--cosmwasm-check] file.wasm...");
    return 2;
  }
  let cosmwasmCheck = flag;
  if (!flag && process.env.CI === "true") {
    cosmwasmCheck = existsSync(COSMWASM_CHECK_BIN);
    if (!cosmwasmCheck) console.error("gate: CI=true but cosmwasm-check is not installed; skipping it (npm run deps:cosmwasm-check)");
  }
  return (await runGate(files, { cosmwasmCheck })) ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
