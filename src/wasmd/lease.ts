/**
 * Leases: "process P is using chain C right now" (a jest run, a test worker, …), as files
 * <repo>/.devnet/leases/<chainId>.<pid>. A lease whose PID is dead is stale and ignored/removed.
 * ensureChain/initChain refuse to wipe a chain leased by another live process, and the devnet
 * stop script leaves such chains running.
 */
import * as fs from "fs";
import * as path from "path";
import { DEVNET_DIR } from "./config";
import { pidAlive } from "./proc";

export const LEASE_DIR = path.join(DEVNET_DIR, "leases");

const leaseFile = (chainId: string, pid: number) => path.join(LEASE_DIR, `${chainId}.${pid}`);

export function acquireLease(chainId: string, pid: number = process.pid): void {
  fs.mkdirSync(LEASE_DIR, { recursive: true });
  fs.writeFileSync(leaseFile(chainId, pid), `${new Date().toISOString()}\n`);
}

export function releaseLease(chainId: string, pid: number = process.pid): void {
  fs.rmSync(leaseFile(chainId, pid), { force: true });
}

/** PIDs of live processes holding a lease on the chain (stale lease files are removed). */
export function activeLeases(chainId: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(LEASE_DIR);
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const f of entries) {
    if (!f.startsWith(`${chainId}.`)) continue;
    const pid = Number(f.slice(chainId.length + 1));
    if (!Number.isInteger(pid)) continue;
    if (pidAlive(pid)) pids.push(pid);
    else fs.rmSync(path.join(LEASE_DIR, f), { force: true });
  }
  return pids;
}

/** Live leases held by processes other than `self`. */
export function otherLeases(chainId: string, self: number = process.pid): number[] {
  return activeLeases(chainId).filter((p) => p !== self);
}
