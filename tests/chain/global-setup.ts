/**
 * Jest globalSetup of the "chain" project: starts (or reuses, if already running and healthy)
 * the chains listed by testChainConfigs() and records in .devnet/jest-run-<pid>.json which
 * wasmd PIDs this run started, so global-teardown stops exactly those.
 */
import * as fs from "fs";
import {
  DEVNET_DIR,
  RunRecord,
  ensureChain,
  nodePid,
  pidAlive,
  runRecordPath,
  testChainConfigs,
  testChainOptions,
} from "./helpers";

export default async function globalSetup(): Promise<void> {
  console.log(""); // jest's progress line has no trailing newline
  fs.mkdirSync(DEVNET_DIR, { recursive: true });
  const adopted = adoptOrphans();
  const record: RunRecord = { jestPid: process.pid, startedAt: new Date().toISOString(), chains: [] };
  const t0 = Date.now();
  try {
    for (const cfg of testChainConfigs()) {
      const { startedNodes } = await ensureChain(cfg);
      const pids = cfg.nodes.map((_, i) => nodePid(cfg, i));
      const startedPids = pids.filter((p, i): p is number => p !== undefined && (startedNodes.includes(i) || adopted.has(p)));
      const reusedPids = pids.filter((p): p is number => p !== undefined && !startedPids.includes(p));
      record.chains.push({ chainId: cfg.chainId, options: testChainOptions(cfg.chainId), startedPids, reusedPids });
    }
  } finally {
    // Written even on failure, so teardown (or the next run) can stop what did start.
    fs.writeFileSync(runRecordPath(), JSON.stringify(record, null, 2) + "\n");
  }
  console.log(`chain tests: ${record.chains.map((c) => `${c.chainId} (${c.startedPids.length ? "started" : "reused"})`).join(", ")} ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

/**
 * A previous jest run that died before its teardown leaves a record whose jest PID is gone: take
 * over the PIDs it started (if they are still running) so this run's teardown stops them.
 */
function adoptOrphans(): Set<number> {
  const adopted = new Set<number>();
  for (const f of fs.readdirSync(DEVNET_DIR)) {
    const m = /^jest-run-(\d+)\.json$/.exec(f);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    try {
      const rec = JSON.parse(fs.readFileSync(`${DEVNET_DIR}/${f}`, "utf8")) as RunRecord;
      rec.chains.forEach((c) => c.startedPids.forEach((p) => adopted.add(p)));
    } catch {
      /* unreadable: drop it */
    }
    fs.rmSync(`${DEVNET_DIR}/${f}`, { force: true });
  }
  return adopted;
}
