// npm start: the main job. Builds the contracts, starts the local devnet (or reuses it), deploys, and runs the
// full flow on a real chain, checking every step against on-chain state and printing its gas.
// Leaves the devnet running for you to explore (stop with `npm run devnet:stop`).
import { readFileSync } from "fs";
import * as path from "path";
import { compileAll } from "../src/build/contracts";
import { connectSigner, formatDevnet, parseDevnetArgs, startDevnet, chainConfig, ensureWasmd } from "../src/chain";
import { runIlpFlow } from "../src/flows/ilp-flow";

const root = path.resolve(__dirname, "..");

async function main() {
  const started = Date.now();
  console.log("1/4 building contracts");
  if (!(await compileAll({ testContracts: false })) || !(await compileAll({ testContracts: true }))) process.exit(1);

  console.log("2/4 preparing wasmd and the devnet");
  await ensureWasmd();
  const args = parseDevnetArgs(process.argv.slice(2));
  const state = await startDevnet(args);
  console.log(formatDevnet(state));

  const provider = state.chains[0];
  const cfg = chainConfig(provider.chainId, provider.options);
  console.log(`3/4 deploying on ${cfg.chainId}`);
  const admin = await connectSigner(cfg, "admin");
  const user = await connectSigner(cfg, "alice");

  console.log("4/4 ILP flow: bond → grant claim → refused unbond → release → slash → unbond (gas per step)");
  const result = await runIlpFlow({
    cfg, admin, user,
    ilpWasm: readFileSync(path.join(root, "artifacts/ilp.wasm")),
    lienholderWasm: readFileSync(path.join(root, "build/test-contracts/test-lienholder.wasm")),
    log: (line) => console.log(line),
  });
  console.log(`  unbond beyond free refused: ${result.unbondBeyondFreeError.replace(/^.*message index: 0: /, "").replace(/: execute wasm.*$/, "")}`);
  console.log(`\nILP ${result.ilp}\nflow ok in ${((Date.now() - started) / 1000).toFixed(1)}s; devnet still running (npm run devnet:stop)`);
}

main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
