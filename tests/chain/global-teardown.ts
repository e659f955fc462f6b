/**
 * Jest globalTeardown of the "chain" project: stops only the wasmd processes that global-setup
 * of this jest process started (PIDs in .devnet/jest-run-<pid>.json). MESH_KEEP_CHAINS=1 keeps
 * them running (the next run then reuses them; its teardown will not stop them).
 */
import * as fs from "fs";
import { RunRecord, chainConfig, nodePid, runRecordPath, stopChain } from "./helpers";

export default async function globalTeardown(): Promise<void> {
  const file = runRecordPath();
  let record: RunRecord;
  try {
    record = JSON.parse(fs.readFileSync(file, "utf8")) as RunRecord;
  } catch {
    return; // setup did not get far enough to start anything
  }
  if (process.env.MESH_KEEP_CHAINS === "1") {
    console.log(`MESH_KEEP_CHAINS=1: leaving ${record.chains.map((c) => c.chainId).join(", ")} running`);
    fs.rmSync(file, { force: true });
    return;
  }
  for (const c of record.chains) {
    const cfg = chainConfig(c.chainId, c.options);
    const mine = cfg.nodes.map((n) => n.index).filter((i) => {
      const pid = nodePid(cfg, i);
      return pid !== undefined && c.startedPids.includes(pid);
    });
    if (mine.length) await stopChain(cfg, { nodes: mine });
  }
  fs.rmSync(file, { force: true });
}
