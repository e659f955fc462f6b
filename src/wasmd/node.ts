/**
 * Initialising, starting and stopping local wasmd chains as plain processes on 127.0.0.1.
 *
 *   initChain(cfg)   wipe <home>, wasmd init / keys add / genesis add-genesis-account / gentx /
 *                    collect-gentxs, genesis + config.toml + app.toml edits (all in TS).
 *   startChain(cfg)  spawn `wasmd start --home …` per validator (detached, output → <home>/node.log,
 *                    PID → <home>/node.pid) and wait until the RPC answers and blocks are produced.
 *   stopChain(cfg)   SIGTERM exactly the recorded PIDs, SIGKILL after a timeout.
 *   ensureChain(cfg) reuse a healthy running chain, start an initialised one, or init + start.
 *
 * Errors from a node carry the last ~40 lines of its node.log.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { spawn } from "child_process";
import { TEST_ACCOUNTS } from "./accounts";
import { ChainConfig, DEVNET_DIR, GENESIS_BALANCE, NodeConfig, genesisFingerprint } from "./config";
import { log, pidAlive, pidArgv, rssKiB, sleep, tailFile, waitForExit, withLock } from "./proc";
import { acquireLease, otherLeases } from "./lease";
import { setTomlKeys } from "./toml";
import { ensureWasmd, wasmd } from "./wasmd";

const LOG_TAIL_LINES = 40;

// ---------------------------------------------------------------------------------------------
// Paths and state

export const nodeLogPath = (node: NodeConfig) => path.join(node.home, "node.log");
export const nodePidPath = (node: NodeConfig) => path.join(node.home, "node.pid");
/** Written at the end of a successful initChain: the genesis fingerprint and node ids. */
export const chainStatePath = (cfg: ChainConfig) => path.join(cfg.home, "chain.json");
const chainLockPath = (cfg: ChainConfig) => path.join(DEVNET_DIR, `${cfg.chainId}.lock`);

export interface ChainState {
  chainId: string;
  initializedAt: string;
  fingerprint: Record<string, unknown>;
  nodeIds: string[];
}

export function readChainState(cfg: ChainConfig): ChainState | undefined {
  try {
    return JSON.parse(fs.readFileSync(chainStatePath(cfg), "utf8")) as ChainState;
  } catch {
    return undefined;
  }
}

/** Initialised (chain.json present) with the same genesis-relevant config. */
export function isInitialized(cfg: ChainConfig): boolean {
  const st = readChainState(cfg);
  return !!st && JSON.stringify(st.fingerprint) === JSON.stringify(genesisFingerprint(cfg));
}

/** CometBFT node id: hex of the first 20 bytes of sha256(ed25519 pubkey) from node_key.json. */
export function nodeId(node: NodeConfig): string {
  const key = JSON.parse(fs.readFileSync(path.join(node.home, "config", "node_key.json"), "utf8"));
  const raw = Buffer.from(key.priv_key.value, "base64"); // 64 bytes: seed ‖ pubkey
  return crypto.createHash("sha256").update(raw.subarray(32)).digest().subarray(0, 20).toString("hex");
}

export function logTail(cfg: ChainConfig, nodeIndex = 0, lines = LOG_TAIL_LINES): string {
  return tailFile(nodeLogPath(cfg.nodes[nodeIndex]), lines);
}

function withTail(node: NodeConfig, msg: string): Error {
  const tail = tailFile(nodeLogPath(node), LOG_TAIL_LINES);
  // A Go panic's stack trace can push its cause out of the tail: quote error lines of this run.
  const run = tailFile(nodeLogPath(node), 2000).split("\n");
  const since = run.map((l) => l.startsWith("===== ")).lastIndexOf(true);
  const errors = run
    .slice(since + 1)
    .filter((l) => /^panic:|^Error:| ERR /.test(l) && !tail.includes(l))
    .slice(0, 8);
  const errBlock = errors.length ? `\n--- error lines earlier in this run ---\n${errors.join("\n")}` : "";
  return new Error(`${msg}${errBlock}\n--- last ${LOG_TAIL_LINES} lines of ${nodeLogPath(node)} ---\n${tail || "(empty)"}`);
}

// ---------------------------------------------------------------------------------------------
// PIDs

/** The PID recorded for a node if that process is alive and is `wasmd start --home <its home>`. */
export function nodePid(cfg: ChainConfig, nodeIndex = 0): number | undefined {
  const node = cfg.nodes[nodeIndex];
  let pid: number;
  try {
    pid = Number(fs.readFileSync(nodePidPath(node), "utf8").trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return undefined;
  const argv = pidArgv(pid) ?? [];
  const h = argv.indexOf("--home");
  const ok = argv.includes("start") && path.basename(argv[0] ?? "") === "wasmd" && h >= 0 && argv[h + 1] === node.home;
  return ok ? pid : undefined; // PID reused by an unrelated process → not ours
}

/** True when the node's recorded wasmd process is alive (default: the main validator). */
export function isRunning(cfg: ChainConfig, nodeIndex = 0): boolean {
  return nodePid(cfg, nodeIndex) !== undefined;
}

/** VmRSS in KiB of a running node, or undefined. */
export function nodeRssKiB(cfg: ChainConfig, nodeIndex = 0): number | undefined {
  const pid = nodePid(cfg, nodeIndex);
  return pid === undefined ? undefined : rssKiB(pid);
}

// ---------------------------------------------------------------------------------------------
// RPC status

export interface NodeStatus {
  network: string;
  nodeId: string;
  height: number;
  catchingUp: boolean;
  votingPower: number;
}

/** GET <rpc>/status; undefined when the RPC does not answer. */
export async function rpcStatus(rpcUrl: string, timeoutMs = 1000): Promise<NodeStatus | undefined> {
  try {
    const res = await fetch(`${rpcUrl}/status`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const r = ((await res.json()) as any).result;
    return {
      network: r.node_info.network,
      nodeId: r.node_info.id,
      height: Number(r.sync_info.latest_block_height),
      catchingUp: Boolean(r.sync_info.catching_up),
      votingPower: Number(r.validator_info?.voting_power ?? 0),
    };
  } catch {
    return undefined;
  }
}

/** Healthy = every validator process is ours and alive, and the main RPC answers for this chain. */
export async function isHealthy(cfg: ChainConfig): Promise<boolean> {
  if (!cfg.nodes.every((_, i) => isRunning(cfg, i))) return false;
  const st = await rpcStatus(cfg.rpcUrl);
  return !!st && st.network === cfg.chainId && st.height >= 1;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.setTimeout(500);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("timeout", () => {
      s.destroy();
      resolve(false);
    });
    s.once("error", () => resolve(false));
  });
}

// ---------------------------------------------------------------------------------------------
// init

const secs = (n: number) => `${n}s`;
const dec18 = (s: string) => Number(s).toFixed(18);

/** Apply the config's genesis parameters to a parsed genesis.json (SDK 0.50 / wasmd 0.54 layout). */
export function editGenesis(g: any, cfg: ChainConfig): any {
  const a = g.app_state;
  a.staking.params.unbonding_time = secs(cfg.unbondingSeconds);
  a.staking.params.bond_denom = cfg.denom;

  const gp = a.gov.params;
  gp.voting_period = secs(cfg.votingPeriodSeconds);
  gp.expedited_voting_period = secs(cfg.expeditedVotingPeriodSeconds);
  gp.max_deposit_period = secs(Math.max(cfg.votingPeriodSeconds, 60));
  gp.min_deposit = [{ denom: cfg.denom, amount: cfg.govMinDeposit }];
  gp.expedited_min_deposit = [{ denom: cfg.denom, amount: (BigInt(cfg.govMinDeposit) * 5n).toString() }];
  // Legacy (pre-0.47) param copies, when a genesis still carries them.
  if (a.gov.deposit_params) {
    a.gov.deposit_params.min_deposit = gp.min_deposit;
    a.gov.deposit_params.max_deposit_period = gp.max_deposit_period;
  }
  if (a.gov.voting_params) a.gov.voting_params.voting_period = gp.voting_period;

  a.mint.params.mint_denom = cfg.denom;
  if (a.crisis?.constant_fee) a.crisis.constant_fee.denom = cfg.denom;

  const s = a.slashing.params;
  s.signed_blocks_window = String(cfg.slashing.signedBlocksWindow);
  s.min_signed_per_window = dec18(cfg.slashing.minSignedPerWindow);
  s.downtime_jail_duration = secs(cfg.slashing.downtimeJailSeconds);
  s.slash_fraction_downtime = dec18(cfg.slashing.slashFractionDowntime);
  s.slash_fraction_double_sign = dec18(cfg.slashing.slashFractionDoubleSign);

  // "governance": nobody may upload directly; MsgStoreCode only through a gov proposal
  // (the gov module account is the wasm authority and bypasses code_upload_access).
  a.wasm.params.code_upload_access =
    cfg.uploadAccess === "everybody" ? { permission: "Everybody", addresses: [] } : { permission: "Nobody", addresses: [] };
  a.wasm.params.instantiate_default_permission = "Everybody";
  return g;
}

/** Write config.toml / app.toml / client.toml settings (ports, block timing, peers). Idempotent. */
export function writeNodeConfigs(cfg: ChainConfig): void {
  const ids = cfg.nodes.map((n) => nodeId(n));
  const t = cfg.blockTimeMs;
  for (const node of cfg.nodes) {
    const dir = path.join(node.home, "config");
    const peers = cfg.nodes
      .filter((o) => o.index !== node.index)
      .map((o) => `${ids[o.index]}@127.0.0.1:${o.ports.p2p}`)
      .join(",");
    const configToml = path.join(dir, "config.toml");
    fs.writeFileSync(
      configToml,
      setTomlKeys(fs.readFileSync(configToml, "utf8"), {
        "": {
          moniker: node.moniker,
          proxy_app: `tcp://127.0.0.1:${node.ports.proxy}`,
          log_level: cfg.logLevel,
          log_format: "plain",
        },
        rpc: {
          laddr: `tcp://127.0.0.1:${node.ports.rpc}`,
          pprof_laddr: "",
          cors_allowed_origins: ["*"],
          timeout_broadcast_tx_commit: "30s",
        },
        p2p: {
          laddr: `tcp://127.0.0.1:${node.ports.p2p}`,
          external_address: "",
          persistent_peers: peers,
          seeds: "",
          addr_book_strict: false,
          allow_duplicate_ip: true,
          flush_throttle_timeout: "10ms",
        },
        consensus: {
          // Fast blocks (SDK 0.50: block time lives in CometBFT's config). With one validator only
          // timeout_commit matters; the others bound rounds whose proposer (validator2) is down.
          // Two validators: the big one has > 2/3 alone and never waits for the small one, which
          // therefore must enter each height *before* the big one proposes, or it only ever sees
          // finished commits and never signs (→ jailed for downtime at height ~21). So the small
          // validator uses a much shorter timeout_commit, and gossip is not throttled at 100ms.
          timeout_commit: node.index === 0 ? `${t}ms` : `${Math.max(10, Math.floor(t / 5))}ms`,
          peer_gossip_sleep_duration: "10ms",
          timeout_propose: `${Math.max(300, 2 * t)}ms`,
          timeout_propose_delta: "100ms",
          timeout_prevote: `${Math.max(100, t)}ms`,
          timeout_prevote_delta: "100ms",
          timeout_precommit: `${Math.max(100, t)}ms`,
          timeout_precommit_delta: "100ms",
        },
        instrumentation: { prometheus: false },
        tx_index: { indexer: "kv" },
      }),
    );
    const appToml = path.join(dir, "app.toml");
    fs.writeFileSync(
      appToml,
      setTomlKeys(fs.readFileSync(appToml, "utf8"), {
        "": { "minimum-gas-prices": cfg.gasPrice, pruning: "default" },
        telemetry: { enabled: false },
        api: { enable: cfg.api, address: `tcp://127.0.0.1:${node.ports.api}`, "enabled-unsafe-cors": cfg.api },
        grpc: { enable: true, address: `127.0.0.1:${node.ports.grpc}` },
        "grpc-web": { enable: false },
        "state-sync": { "snapshot-interval": 0 },
      }),
    );
    const clientToml = path.join(dir, "client.toml");
    fs.writeFileSync(
      clientToml,
      setTomlKeys(fs.readFileSync(clientToml, "utf8"), {
        "": { "chain-id": cfg.chainId, "keyring-backend": "test", node: `tcp://127.0.0.1:${node.ports.rpc}` },
      }),
    );
  }
}

/**
 * Create the chain from scratch in cfg.home (wiping anything there). Throws if a node of this
 * chain is running. Does not start it.
 */
export async function initChain(cfg: ChainConfig): Promise<void> {
  for (let i = 0; i < cfg.nodes.length; i++) {
    if (isRunning(cfg, i)) throw new Error(`initChain(${cfg.chainId}): node ${i} is running, stop it first`);
  }
  assertNotLeased(cfg, "re-initialise");
  await ensureWasmd();
  const t0 = Date.now();
  log(`[${cfg.chainId}] init: ${cfg.validators} validator(s), home ${cfg.home}`);
  fs.rmSync(cfg.home, { recursive: true, force: true });
  const [main, ...others] = cfg.nodes;
  const home = (n: NodeConfig) => ["--home", n.home];
  const kb = ["--keyring-backend", "test"];

  for (const n of cfg.nodes) {
    fs.mkdirSync(n.home, { recursive: true });
    await wasmd(["init", n.moniker, "--chain-id", cfg.chainId, "--default-denom", cfg.denom, ...home(n)]);
  }

  const genesisFile = (n: NodeConfig) => path.join(n.home, "config", "genesis.json");
  const g = editGenesis(JSON.parse(fs.readFileSync(genesisFile(main), "utf8")), cfg);
  fs.writeFileSync(genesisFile(main), JSON.stringify(g, null, 2));

  // Keys: every test account in the main home's keyring (handy for the CLI); each validator's
  // operator key in its own home (gentx signs with it).
  const addKey = (n: NodeConfig, name: keyof typeof TEST_ACCOUNTS) =>
    wasmd(["keys", "add", name, "--recover", ...kb, ...home(n)], { input: `${TEST_ACCOUNTS[name].mnemonic}\n` });
  for (const name of cfg.accounts) await addKey(main, name);
  for (const n of others) await addKey(n, n.operator);

  const coins = `${GENESIS_BALANCE}${cfg.denom},${GENESIS_BALANCE}${cfg.extraDenom}`;
  for (const name of cfg.accounts) {
    await wasmd(["genesis", "add-genesis-account", TEST_ACCOUNTS[name].address, coins, ...home(main)]);
  }
  for (const n of others) fs.copyFileSync(genesisFile(main), genesisFile(n));

  for (const n of cfg.nodes) {
    await wasmd([
      "genesis", "gentx", n.operator, `${n.selfBond}${cfg.denom}`,
      "--chain-id", cfg.chainId, "--moniker", n.moniker,
      "--commission-rate", "0.1", "--commission-max-rate", "0.2", "--commission-max-change-rate", "0.01",
      "--min-self-delegation", "1", "--ip", "127.0.0.1", "--p2p-port", String(n.ports.p2p),
      ...kb, ...home(n),
    ]);
  }
  const gentxDir = (n: NodeConfig) => path.join(n.home, "config", "gentx");
  for (const n of others) {
    for (const f of fs.readdirSync(gentxDir(n))) fs.copyFileSync(path.join(gentxDir(n), f), path.join(gentxDir(main), f));
  }
  await wasmd(["genesis", "collect-gentxs", ...home(main)]);
  await wasmd(["genesis", "validate", genesisFile(main), ...home(main)]);
  for (const n of others) fs.copyFileSync(genesisFile(main), genesisFile(n));

  writeNodeConfigs(cfg);
  const state: ChainState = {
    chainId: cfg.chainId,
    initializedAt: new Date().toISOString(),
    fingerprint: genesisFingerprint(cfg),
    nodeIds: cfg.nodes.map(nodeId),
  };
  fs.writeFileSync(chainStatePath(cfg), JSON.stringify(state, null, 2) + "\n");
  log(`[${cfg.chainId}] init done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

// ---------------------------------------------------------------------------------------------
// start / stop

export interface StartOptions {
  /** Which validators to start (default: all that are not running). */
  nodes?: number[];
  /** Max wait for RPC + block production, per call (default 90s). */
  timeoutMs?: number;
}

/**
 * Start the chain's validator processes that are not running (config.toml/app.toml are refreshed
 * from cfg first) and wait until the main RPC answers for this chain, height ≥ 2 and the height
 * advances; started non-main nodes must answer and finish catching up. Returns the indices of
 * the nodes it started.
 */
export async function startChain(cfg: ChainConfig, opts: StartOptions = {}): Promise<number[]> {
  if (!isInitialized(cfg)) {
    throw new Error(
      readChainState(cfg)
        ? `chain ${cfg.chainId} in ${cfg.home} was initialised with a different genesis config: re-init it (devnet --fresh)`
        : `chain ${cfg.chainId} is not initialised in ${cfg.home}: call initChain first`,
    );
  }
  const bin = await ensureWasmd();
  const which = opts.nodes ?? cfg.nodes.map((n) => n.index);
  const timeoutMs = opts.timeoutMs ?? 90_000;
  writeNodeConfigs(cfg);

  const started: NodeConfig[] = [];
  const exited = new Map<number, string>();
  for (const i of which) {
    const node = cfg.nodes[i];
    if (isRunning(cfg, i)) continue;
    for (const p of [node.ports.rpc, node.ports.p2p, node.ports.grpc]) {
      // A node just killed (kill -9 in a restart) can hold its ports for a moment while the kernel tears it down.
      for (let waited = 0; waited < 5_000 && (await portOpen(p)); waited += 250) await sleep(250);
      if (await portOpen(p)) {
        throw withTail(node, `[${cfg.chainId}] cannot start node ${i}: port ${p} is already in use by another process`);
      }
    }
    const logFile = nodeLogPath(node);
    fs.appendFileSync(logFile, `\n===== ${new Date().toISOString()} wasmd start --home ${node.home} =====\n`);
    const fd = fs.openSync(logFile, "a");
    const child = spawn(bin, ["start", "--home", node.home, "--log_no_color"], { detached: true, stdio: ["ignore", fd, fd] });
    fs.closeSync(fd);
    if (child.pid === undefined) throw withTail(node, `[${cfg.chainId}] failed to spawn ${bin}`);
    child.on("exit", (code, sig) => exited.set(i, sig ?? `exit code ${code}`));
    child.unref();
    fs.writeFileSync(nodePidPath(node), `${child.pid}\n`);
    started.push(node);
    log(`[${cfg.chainId}] started ${node.moniker} pid ${child.pid}, rpc ${node.rpcUrl}, log ${logFile}`);
  }
  if (started.length === 0) return [];

  const t0 = Date.now();
  const deadline = t0 + timeoutMs;
  let lastNote = t0;
  for (const node of started) {
    let firstHeight: number | undefined;
    for (;;) {
      const died = exited.get(node.index) ?? (isRunning(cfg, node.index) ? undefined : "process gone");
      if (died) throw withTail(node, `[${cfg.chainId}] ${node.moniker} exited during startup (${died})`);
      const st = await rpcStatus(node.rpcUrl);
      if (st && st.network !== cfg.chainId) {
        throw withTail(node, `[${cfg.chainId}] RPC ${node.rpcUrl} answers for chain "${st.network}"`);
      }
      if (st) {
        firstHeight ??= st.height;
        const producing = node.index === 0 ? st.height >= 2 && st.height > firstHeight : st.height >= 2 && !st.catchingUp;
        if (producing) break;
      }
      if (Date.now() > deadline) {
        throw withTail(
          node,
          `[${cfg.chainId}] ${node.moniker} not producing blocks after ${timeoutMs}ms ` +
            `(rpc ${st ? `height ${st.height}, catching_up ${st.catchingUp}` : "not answering"})`,
        );
      }
      if (Date.now() - lastNote > 5000) {
        lastNote = Date.now();
        log(`[${cfg.chainId}] waiting for ${node.moniker}: ${st ? `height ${st.height}` : "rpc not up yet"}... (${((Date.now() - t0) / 1000).toFixed(0)}s)`);
      }
      await sleep(100);
    }
  }
  log(`[${cfg.chainId}] up in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return started.map((n) => n.index);
}

export interface StopOptions {
  /** Which validators to stop (default: all). */
  nodes?: number[];
  /** "SIGTERM" (default; SIGKILL after timeoutMs) or "SIGKILL" (kill -9 right away). */
  signal?: "SIGTERM" | "SIGKILL";
  /** Grace period before SIGKILL (default 15s). */
  timeoutMs?: number;
}

/** Stop exactly the recorded wasmd PIDs of the chain. No-op for nodes that are not running. */
export async function stopChain(cfg: ChainConfig, opts: StopOptions = {}): Promise<void> {
  const which = opts.nodes ?? cfg.nodes.map((n) => n.index);
  const signal = opts.signal ?? "SIGTERM";
  await Promise.all(
    which.map(async (i) => {
      const node = cfg.nodes[i];
      const pid = nodePid(cfg, i);
      if (pid !== undefined) {
        process.kill(pid, signal);
        if (!(await waitForExit(pid, signal === "SIGKILL" ? 5000 : opts.timeoutMs ?? 15_000))) {
          log(`[${cfg.chainId}] ${node.moniker} (pid ${pid}) ignored SIGTERM, sending SIGKILL`);
          process.kill(pid, "SIGKILL");
          if (!(await waitForExit(pid, 5000))) throw withTail(node, `[${cfg.chainId}] pid ${pid} did not die`);
        }
        log(`[${cfg.chainId}] stopped ${node.moniker} (pid ${pid}, ${signal})`);
      }
      fs.rmSync(nodePidPath(node), { force: true });
    }),
  );
}

export interface EnsureResult {
  /** True when this call (re)initialised the chain. */
  initialized: boolean;
  /** True when this call started at least one process (so the caller owns stopping it). */
  started: boolean;
  /** Indices of the validator processes this call started. */
  startedNodes: number[];
}

function assertNotLeased(cfg: ChainConfig, what: string): void {
  const others = otherLeases(cfg.chainId);
  if (others.length) {
    throw new Error(
      `refusing to ${what} chain ${cfg.chainId}: it is in use by pid ${others.join(", ")} ` +
        `(leases in .devnet/leases; e.g. a running jest chain run). Wait for it or stop it first.`,
    );
  }
}

export interface EnsureOptions {
  /** Wipe and re-init (refused while another live process holds a lease on the chain). */
  fresh?: boolean;
  timeoutMs?: number;
  /** Take a lease on the chain for this PID (inside the chain lock); release with releaseLease. */
  leaseFor?: number;
}

/**
 * Make the chain available: reuse it if it is running and healthy, start it if initialised,
 * otherwise (or with fresh) init and start it. Serialised across processes by a lock file.
 */
export async function ensureChain(cfg: ChainConfig, opts: EnsureOptions = {}): Promise<EnsureResult> {
  fs.mkdirSync(DEVNET_DIR, { recursive: true });
  return withLock(
    chainLockPath(cfg),
    async () => {
      const anyRunning = cfg.nodes.some((_, i) => isRunning(cfg, i));
      if (opts.fresh || !isInitialized(cfg)) assertNotLeased(cfg, "wipe and re-initialise");
      if (opts.fresh && anyRunning) await stopChain(cfg);
      if (!opts.fresh && anyRunning) {
        if (!isInitialized(cfg)) {
          throw new Error(`chain ${cfg.chainId} is running with a different genesis config; stop it or use --fresh`);
        }
        if (await isHealthy(cfg)) {
          log(`[${cfg.chainId}] already running and healthy (rpc ${cfg.rpcUrl})`);
          if (opts.leaseFor !== undefined) acquireLease(cfg.chainId, opts.leaseFor);
          return { initialized: false, started: false, startedNodes: [] };
        }
        const allRunning = cfg.nodes.every((_, i) => isRunning(cfg, i));
        if (allRunning) throw withTail(cfg.nodes[0], `[${cfg.chainId}] is running but its RPC does not answer`);
      }
      let initialized = false;
      if (opts.fresh || !isInitialized(cfg)) {
        if (!opts.fresh && readChainState(cfg)) {
          log(`[${cfg.chainId}] existing state in ${cfg.home} has a different genesis config: re-initialising`);
        }
        await initChain(cfg);
        initialized = true;
      }
      const startedNodes = await startChain(cfg, { timeoutMs: opts.timeoutMs });
      if (opts.leaseFor !== undefined) acquireLease(cfg.chainId, opts.leaseFor);
      return { initialized, started: startedNodes.length > 0, startedNodes };
    },
    { what: `chain ${cfg.chainId}` },
  );
}
