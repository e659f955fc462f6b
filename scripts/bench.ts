// npm run bench: prints what the contracts cost. Wasm sizes of every artifact, and gas per operation measured on a
// real wasmd node (the devnet's first chain, reused if running, started and stopped otherwise), and contract
// executions per second on the in-process host. `--host-only` skips the real node.
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { chainConfig, connectSigner, ensureChain, stopChain } from "../src/chain";
import { runIlpFlow } from "../src/flows/ilp-flow";
import { Chain } from "../src/host";

const root = path.resolve(__dirname, "..");

async function main() {
  console.log("wasm sizes (artifacts/)");
  for (const file of readdirSync(path.join(root, "artifacts")).filter((f) => f.endsWith(".wasm")).sort()) {
    const bytes = readFileSync(path.join(root, "artifacts", file)).length;
    console.log(`  ${file.padEnd(24)} ${bytes.toString().padStart(8)} bytes  ${(bytes / 1024).toFixed(1)} KiB`);
  }

  benchHost();
  if (process.argv.includes("--host-only")) return;

  const cfg = chainConfig("mesh-a");
  const { startedNodes } = await ensureChain(cfg);
  try {
    const admin = await connectSigner(cfg, "admin");
    const user = await connectSigner(cfg, "alice");
    console.log(`\ngas on a real wasmd node (${cfg.chainId}, wasmd v0.54.9)`);
    await runIlpFlow({
      cfg, admin, user,
      ilpWasm: readFileSync(path.join(root, "artifacts/ilp.wasm")),
      lienholderWasm: readFileSync(path.join(root, "build/test-contracts/test-lienholder.wasm")),
      log: (line) => console.log(line),
    });
  } finally {
    if (startedNodes.length > 0) await stopChain(cfg);
  }
}

/** Contract executions per second on the in-process host (compiled ILP, fresh instance per call). */
function benchHost(): void {
  const chain = new Chain({ chainId: "bench", prefix: "wasm", bondDenom: "ustake" });
  const users = Array.from({ length: 100 }, (_, i) => chain.addr(`user${i}`));
  for (const u of users) chain.fund(u, [{ denom: "ustake", amount: "1000000000" }]);
  const ilp = chain.instantiate(users[0], chain.storeCode(readFileSync(path.join(root, "artifacts/ilp.wasm"))), { denom: "ustake" }, { label: "ilp" }).address!;
  const rounds = 3000;
  const before = chain.stats.calls;
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    const u = users[i % users.length];
    const res = chain.execute(u, ilp, { bond: {} }, [{ denom: "ustake", amount: "10" }]);
    if (!res.ok) throw new Error(res.error);
    chain.query(ilp, { account: { address: u } });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const calls = chain.stats.calls - before;
  console.log(`\nin-process host: ${calls} contract calls (bond + account query) in ${seconds.toFixed(2)}s = ${Math.round(calls / seconds)} calls/s`);
}

main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
