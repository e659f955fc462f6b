// npm run build: regenerates the message codecs, schemas and clients (npm run codegen; with CI=true it only checks
// that they are up to date), compiles every contract
// under assembly/contracts/<name>/index.ts (optimised) into artifacts/<name>.wasm, writes artifacts/checksums.txt
// (sha256), and fails on any wasm-gate error.
//   --test-contracts   build the test-only contracts of tests/assembly/ into build/test-contracts/
//   --cosmwasm-check   also run the VM's own cosmwasm-check (implied by CI=true for shipped contracts)
import { writeGenerated } from "../src/codegen";
import { compileAll } from "../src/compile/contracts";

const args = process.argv.slice(2);
const testContracts = args.includes("--test-contracts");
const cosmwasmCheck = args.includes("--cosmwasm-check") || (process.env.CI === "true" && !testContracts);

async function main(): Promise<boolean> {
  // In CI the committed generated files must already match the declarations: regenerating them here would hide a
  // forgotten `npm run codegen` from the staleness test.
  const check = process.env.CI === "true";
  const changed = await writeGenerated(process.cwd(), { check });
  if (check && changed.length > 0) {
    console.error(`build: generated files are stale; run npm run codegen and commit:\n  ${changed.join("\n  ")}`);
    return false;
  }
  if (changed.length > 0) console.log(`build: regenerated ${changed.join(", ")}`);
  return compileAll({ testContracts, cosmwasmCheck });
}

main().then((ok) => process.exit(ok ? 0 : 1), (e) => {
  console.error(e);
  process.exit(1);
});
