/**
 * Shared helpers for real-chain tests (jest project "chain").
 *
 * Which chains a run needs is decided HERE, in testChainConfigs():
 *   MESH_CHAINS=1 → mesh-a;  MESH_CHAINS=2 (default) → mesh-a, mesh-b;  MESH_CHAINS=mesh-a,mesh-c → those.
 *   MESH_CONSUMER_VALIDATORS=2 → every chain but mesh-a runs two validators.
 * tests/chain/global-setup.ts starts (or reuses) exactly these; global-teardown.ts stops only what
 * setup started (set MESH_KEEP_CHAINS=1 to leave them running for the next run).
 */
import * as fs from "fs";
import * as path from "path";
import {
  AccountName,
  ChainConfig,
  ChainOptions,
  ConnectedSigner,
  DEVNET_DIR,
  chainConfig,
  connectSigner,
  devnetChainIds,
  pidAlive,
  queryClient,
  setChainLogger,
} from "../../src/wasmd";
import type { CosmWasmClient } from "@cosmjs/cosmwasm-stargate";

export * from "../../src/wasmd";

// Plain progress lines (jest's console.log adds a stack location to every line).
setChainLogger((msg) => process.stderr.write(`${msg}\n`));

/** Per-run record written by global-setup: which chains/PIDs this jest process started. */
export const runRecordPath = (jestPid: number = process.pid) => path.join(DEVNET_DIR, `jest-run-${jestPid}.json`);

export interface RunRecord {
  jestPid: number;
  startedAt: string;
  chains: {
    chainId: string;
    options: ChainOptions;
    /** wasmd PIDs this run started (or adopted from a crashed run): teardown stops these. */
    startedPids: number[];
    /** wasmd PIDs that were already running (devnet, another jest run): never stopped here. */
    reusedPids: number[];
    /** Whether this run holds a lease on the chain (released by teardown). */
    leased?: boolean;
  }[];
}

/** Records of earlier jest runs whose process is gone (they died before their teardown). */
export function readOrphanRecords(): RunRecord[] {
  const out: RunRecord[] = [];
  let files: string[] = [];
  try {
    files = fs.readdirSync(DEVNET_DIR);
  } catch {
    return out;
  }
  for (const f of files) {
    const m = /^jest-run-(\d+)\.json$/.exec(f);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    try {
      out.push(JSON.parse(fs.readFileSync(path.join(DEVNET_DIR, f), "utf8")) as RunRecord);
    } catch {
      fs.rmSync(path.join(DEVNET_DIR, f), { force: true }); // unreadable
    }
  }
  return out;
}

export function testChainOptions(chainId: string): ChainOptions {
  const consumerValidators = process.env.MESH_CONSUMER_VALIDATORS === "2" ? 2 : 1;
  return chainId === "mesh-a" ? {} : { validators: consumerValidators };
}

/** The chains the real-chain test run needs (configured via MESH_CHAINS; default one chain, mesh-a). */
export function testChainConfigs(): ChainConfig[] {
  const spec = (process.env.MESH_CHAINS ?? "2").trim();
  const ids = /^\d+$/.test(spec) ? devnetChainIds(Number(spec)) : spec.split(",").map((s) => s.trim()).filter(Boolean);
  return ids.map((id) => chainConfig(id, testChainOptions(id)));
}

/** Config of one of the run's chains (default mesh-a); throws if the run did not start it. */
export function testChain(chainId = "mesh-a"): ChainConfig {
  const cfg = testChainConfigs().find((c) => c.chainId === chainId);
  if (!cfg) throw new Error(`chain ${chainId} is not part of this run (MESH_CHAINS=${process.env.MESH_CHAINS ?? "1"})`);
  return cfg;
}

/**
 * A chain of its own for a suite that disturbs its chain (kill -9, stopping a validator):
 * index ≥ 20 keeps its ports (27000 + 100*index) clear of the devnet chains mesh-a…mesh-t.
 */
export function isolatedChain(chainId: string, index: number, opts: ChainOptions = {}): ChainConfig {
  if (index < 20) throw new Error(`isolated chains use port slots >= 20 (got ${index})`);
  return chainConfig(chainId, { ...opts, index });
}

const openClients: { disconnect(): void }[] = [];

/** Signing client for a test account; closed by disconnectAll(). */
export async function signer(cfg: ChainConfig, name: AccountName): Promise<ConnectedSigner> {
  const s = await connectSigner(cfg, name);
  openClients.push(s.client);
  return s;
}

/** Read-only client; closed by disconnectAll(). */
export async function reader(cfg: ChainConfig): Promise<CosmWasmClient> {
  const c = await queryClient(cfg);
  openClients.push(c);
  return c;
}

/** Call in afterAll: disconnect every client made through signer()/reader(). */
export function disconnectAll(): void {
  for (const c of openClients.splice(0)) c.disconnect();
}
