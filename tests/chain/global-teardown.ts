/**
 * Jest globalTeardown of the "chain" project: releases this run's leases and stops only the wasmd
 * processes that this run's global-setup started (or adopted from a crashed run), and only when
 * no other live process (another jest run) holds a lease on the chain; those stay recorded and a
 * later run stops them. MESH_KEEP_CHAINS=1 leaves everything running (the next run reuses it).
 */
import * as fs from "fs";
import { RunRecord, chainConfig, nodePid, otherLeases, releaseLease, runRecordPath, stopChain } from "./helpers";

export default async function globalTeardown(): Promise<void> {
  const file = runRecordPath();
  let record: RunRecord;
  try {
    record = JSON.parse(fs.readFileSync(file, "utf8")) as RunRecord;
  } catch {
    return; // setup did not get far enough to start anything
  }
  for (const c of record.chains) if (c.leased) releaseLease(c.chainId);
  if (process.env.MESH_KEEP_CHAINS === "1") {
    console.log(`MESH_KEEP_CHAINS=1: leaving ${record.chains.map((c) => c.chainId).join(", ")} running`);
    fs.rmSync(file, { force: true });
    return;
  }
  const remaining: RunRecord["chains"] = [];
  for (const c of record.chains) {
    const cfg = chainConfig(c.chainId, c.options);
    const mine = cfg.nodes.map((n) => n.index).filter((i) => c.startedPids.includes(nodePid(cfg, i) ?? -1));
    if (!mine.length) continue;
    const others = otherLeases(c.chainId);
    if (others.length) {
      console.log(`${c.chainId}: still used by pid ${others.join(", ")}, not stopping it (a later run will)`);
      remaining.push({ ...c, leased: false });
      continue;
    }
    await stopChain(cfg, { nodes: mine });
  }
  if (remaining.length) fs.writeFileSync(file, JSON.stringify({ ...record, chains: remaining }, null, 2) + "\n");
  else fs.rmSync(file, { force: true });
}
