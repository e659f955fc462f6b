// npm run bench: prints what the contracts cost. Wasm sizes of every artifact, and gas per operation measured on a
// real wasmd node (the devnet's first chain, reused if running, started and stopped otherwise).
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { chainConfig, connectSigner, ensureChain, stopChain } from "../src/chain";
import { runIlpFlow } from "../src/flows/ilp-flow";

const root = path.resolve(__dirname, "..");

async function main() {
  console.log("wasm sizes (artifacts/)");
  for (const file of readdirSync(path.join(root, "artifacts")).filter((f) => f.endsWith(".wasm")).sort()) {
    const bytes = readFileSync(path.join(root, "artifacts", file)).length;
    console.log(`  ${file.padEnd(24)} ${bytes.toString().padStart(8)} bytes  ${(bytes / 1024).toFixed(1)} KiB`);
  }

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

main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
