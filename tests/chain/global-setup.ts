/**
 * Jest globalSetup of the "chain" project: starts (or reuses, if already running and healthy)
 * the chains listed by testChainConfigs() (helpers.ts; MESH_CHAINS), takes a lease on each for
 * this jest process, and records in .devnet/jest-run-<pid>.json which wasmd PIDs it started, so
 * global-teardown stops exactly those.
 */
import * as fs from "fs";
import { DEVNET_DIR, RunRecord, ensureChain, nodePid, readOrphanRecords, runRecordPath, testChainConfigs, testChainOptions } from "./helpers";

export default async function globalSetup(): Promise<void> {
  console.log(""); // jest's progress line has no trailing newline
  fs.mkdirSync(DEVNET_DIR, { recursive: true });
  // Chains started by earlier runs that died before their teardown become ours to stop.
  const orphans = readOrphanRecords();
  const adopted = new Set(orphans.flatMap((r) => r.chains.flatMap((c) => c.startedPids)));
  const record: RunRecord = { jestPid: process.pid, startedAt: new Date().toISOString(), chains: [] };
  for (const r of orphans) {
    for (const c of r.chains) if (c.startedPids.length) record.chains.push({ ...c, reusedPids: [] });
  }
  const write = () => fs.writeFileSync(runRecordPath(), JSON.stringify(record, null, 2) + "\n");
  write();
  orphans.forEach((r) => fs.rmSync(runRecordPath(r.jestPid), { force: true }));

  const t0 = Date.now();
  const summary: string[] = [];
  for (const cfg of testChainConfigs()) {
    const { startedNodes } = await ensureChain(cfg, { leaseFor: process.pid });
    const pids = cfg.nodes.map((_, i) => nodePid(cfg, i)).filter((p): p is number => p !== undefined);
    const startedPids = pids.filter((p) => startedNodes.some((i) => nodePid(cfg, i) === p) || adopted.has(p));
    record.chains = record.chains.filter((c) => c.chainId !== cfg.chainId);
    record.chains.push({
      chainId: cfg.chainId,
      options: testChainOptions(cfg.chainId),
      startedPids,
      reusedPids: pids.filter((p) => !startedPids.includes(p)),
      leased: true,
    });
    write(); // after each chain, so teardown can stop what did start even if a later one fails
    summary.push(`${cfg.chainId} (${startedNodes.length ? "started" : "reused"}, rpc ${cfg.rpcUrl})`);
  }
  console.log(`chain tests: ${summary.join(", ")} ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}
