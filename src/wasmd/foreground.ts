/**
 * `npm run devnet -- --foreground`: chains whose lifetime is this process's (a docker-compose service per chain).
 * Starts them, prints their node logs as they grow, stops them on SIGTERM/SIGINT, and exits non-zero with the log
 * tail when a node dies on its own.
 */
import * as fs from "fs";
import { ChainConfig } from "./config";
import { ensureChain, isRunning, logTail, nodeLogPath, stopChain } from "./node";
import { log, sleep } from "./proc";

function follow(file: string, from: number, print: (line: string) => void): number {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return from;
  }
  if (size <= from) return size;
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(Math.min(size - from, 1 << 20));
    fs.readSync(fd, buf, 0, buf.length, size - buf.length);
    buf.toString("utf8").split("\n").filter((l) => l.trim()).forEach(print);
  } finally {
    fs.closeSync(fd);
  }
  return size;
}

/** Resolves with the exit code once the chains were stopped by a signal (0) or a node died (1). */
export async function runForeground(chains: ChainConfig[], opts: { fresh?: boolean } = {}): Promise<number> {
  let stopping = false;
  const onSignal = () => {
    stopping = true;
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  for (const cfg of chains) await ensureChain(cfg, { fresh: opts.fresh });
  const offsets = new Map(chains.flatMap((c) => c.nodes.map((n) => [nodeLogPath(n), fs.existsSync(nodeLogPath(n)) ? fs.statSync(nodeLogPath(n)).size : 0] as const)));
  log(`devnet: ${chains.map((c) => `${c.chainId} (rpc ${c.rpcUrl})`).join(", ")} running in the foreground; stop with Ctrl-C / SIGTERM`);
  while (!stopping) {
    for (const cfg of chains) {
      for (const n of cfg.nodes) {
        const file = nodeLogPath(n);
        offsets.set(file, follow(file, offsets.get(file) ?? 0, (line) => log(`[${n.moniker}] ${line}`)));
      }
      const dead = cfg.nodes.findIndex((_, i) => !isRunning(cfg, i));
      if (dead >= 0) {
        log(`devnet: ${cfg.nodes[dead].moniker} exited; last lines of its log:\n${logTail(cfg, dead)}`);
        for (const c of chains) await stopChain(c);
        return 1;
      }
    }
    await sleep(1000);
  }
  for (const cfg of chains) await stopChain(cfg);
  return 0;
}
