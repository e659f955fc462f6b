/**
 * Typed description of a local wasmd chain (one or two validator processes on 127.0.0.1).
 *
 * Layout on disk:   <repo>/.devnet/<chainId>/          home of validator #1 (wasmd --home), node.log, node.pid
 *                   <repo>/.devnet/<chainId>/val2/     home of validator #2 (only when validators === 2)
 *                   <repo>/.devnet/<chainId>/chain.json  the genesis-relevant config the chain was initialised with
 *
 * Ports: chain with index i, node (validator) v uses portBase = 27000 + 100*i + 20*v and
 *   rpc = base+0, p2p = base+1, grpc = base+2, api = base+3 (REST, disabled unless `api: true`),
 *   abci proxy = base+4 (unused by the in-process app, set so nothing binds a default port),
 *   grpc-web and pprof are disabled. mesh-a → 27000.., mesh-b → 27100.., mesh-c → 27200.. (all shifted by
 *   MESH_PORT_OFFSET, see portOffset()).
 */
import * as path from "path";
import { ACCOUNT_NAMES, AccountName } from "./accounts";

/** Repository root (this file lives in <repo>/src/wasmd). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Where chain homes and devnet state live (gitignored). */
export const DEVNET_DIR = path.join(REPO_ROOT, ".devnet");
/** The pinned wasmd binary built by scripts/build-wasmd.sh. */
export const WASMD_BIN = path.join(REPO_ROOT, ".cache", "bin", "wasmd");

export const STAKE_DENOM = "ustake";
export const DEFAULT_EXTRA_DENOM = "ucosm";
export const BECH32_PREFIX = "wasm";
/** Funded at genesis to every test account, in the stake denom and in the extra denom. */
export const GENESIS_BALANCE = "1000000000000"; // 1e12 = 1,000,000 tokens of 6 decimals
/** Default self-bond of the single validator (power 1000). */
export const DEFAULT_SELF_BOND = "1000000000";
/** Two-validator chains: the big one has 90% of the power, the small one 10%. */
export const TWO_VALIDATOR_BONDS: readonly [string, string] = ["900000000", "100000000"];

export type UploadAccess = "everybody" | "governance";

export interface SlashingParams {
  /** Blocks in the liveness window. */
  signedBlocksWindow: number;
  /** Fraction (decimal string) of the window a validator must sign, e.g. "0.5". */
  minSignedPerWindow: string;
  /** Jail duration for downtime, in seconds (SDK 0.50 rejects < 60 in genesis validation). */
  downtimeJailSeconds: number;
  /** Fraction slashed for downtime, e.g. "0.01". */
  slashFractionDowntime: string;
  /** Fraction slashed for double signing, e.g. "0.05". */
  slashFractionDoubleSign: string;
}

export interface NodePorts {
  rpc: number;
  p2p: number;
  grpc: number;
  /** REST API port; only listened on when ChainConfig.api is true. */
  api: number;
  /** ABCI proxy address (not listened on by the in-process app; set to avoid the default 26658). */
  proxy: number;
}

export interface NodeConfig {
  /** 0 for the main validator, 1 for validator2. */
  index: number;
  moniker: string;
  /** Test account that operates this validator. */
  operator: AccountName;
  /** Self-delegation in ustake (gentx amount). */
  selfBond: string;
  /** wasmd --home of this node; node.log and node.pid live here. */
  home: string;
  ports: NodePorts;
  rpcUrl: string;
  grpcAddr: string;
  apiUrl: string;
}

export interface ChainConfig {
  chainId: string;
  /** Port slot of this chain (mesh-a = 0, mesh-b = 1, …). */
  index: number;
  /** Home of the main validator (= nodes[0].home): <repo>/.devnet/<chainId>. */
  home: string;
  /** Staking, fee, gov, mint denom. */
  denom: string;
  /** Second funded denom for tests (e.g. "ucosm"). */
  extraDenom: string;
  prefix: string;
  /** Minimum gas price of the nodes and gas price used by clients, e.g. "0.0025ustake". */
  gasPrice: string;
  /** CometBFT timeout_commit in ms (≈ block time; real blocks take a little longer). */
  blockTimeMs: number;
  unbondingSeconds: number;
  votingPeriodSeconds: number;
  /** Must be < votingPeriodSeconds (SDK 0.50 rule). */
  expeditedVotingPeriodSeconds: number;
  /** gov min_deposit in ustake. */
  govMinDeposit: string;
  slashing: SlashingParams;
  validators: 1 | 2;
  uploadAccess: UploadAccess;
  /** Enable the REST API (off by default: CosmJS and the relayer only need RPC). */
  api: boolean;
  /**
   * Log filter for node.log. Default keeps module info (server, x/wasm, x/slashing, ibc…) but drops
   * the ~10 per-block lines of consensus/state/txindex (≈30 MB/hour at 200ms blocks otherwise).
   */
  logLevel: string;
  /** Validator processes; nodes.length === validators. */
  nodes: NodeConfig[];
  /** RPC of the main validator (what clients use). */
  rpcUrl: string;
  /** Accounts funded at genesis. */
  accounts: readonly AccountName[];
}

export interface ChainOptions {
  /** Port slot; derived from the chain id for "mesh-<letter>" ids, otherwise required. */
  index?: number;
  /** Overrides the computed base port (27000 + 100*index). */
  portBase?: number;
  /** Overrides <repo>/.devnet/<chainId>. */
  home?: string;
  extraDenom?: string;
  gasPrice?: string;
  blockTimeMs?: number;
  unbondingSeconds?: number;
  votingPeriodSeconds?: number;
  expeditedVotingPeriodSeconds?: number;
  govMinDeposit?: string;
  slashing?: Partial<SlashingParams>;
  validators?: 1 | 2;
  uploadAccess?: UploadAccess;
  api?: boolean;
  logLevel?: string;
}

// A validator that stops is jailed after missing 80% of a 40-block window (~7 s at 200 ms blocks). A stricter
// threshold jailed the small validator of a two-validator chain while it was running on a loaded 2-core machine:
// its precommits often arrive after the big validator has already committed.
export const DEFAULT_SLASHING: SlashingParams = {
  signedBlocksWindow: 40,
  minSignedPerWindow: "0.2",
  downtimeJailSeconds: 60, // minimum accepted by x/slashing in SDK 0.50
  slashFractionDowntime: "0.01",
  slashFractionDoubleSign: "0.05",
};

export const DEFAULT_LOG_LEVEL = "*:info,consensus:warn,state:warn,txindex:warn,p2p:warn,pex:warn";

const PORT_BASE = 27000;
const CHAIN_STRIDE = 100;
const NODE_STRIDE = 20;

/**
 * MESH_PORT_OFFSET (default 0) shifts every computed port, e.g. 5000 puts mesh-a on 32000: two checkouts (each with
 * its own .devnet/) can then run their chains side by side without fighting over ports.
 */
export function portOffset(): number {
  const raw = (process.env.MESH_PORT_OFFSET ?? "").trim();
  if (raw === "") return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n % CHAIN_STRIDE !== 0 || PORT_BASE + n > 60000) {
    throw new Error(`MESH_PORT_OFFSET must be a multiple of ${CHAIN_STRIDE} in [0, ${60000 - PORT_BASE}], got "${raw}"`);
  }
  return n;
}

/** "mesh-a" → 0, "mesh-b" → 1, …; undefined for other ids. */
export function chainIndexFromId(chainId: string): number | undefined {
  const m = /^mesh-([a-z])$/.exec(chainId);
  return m ? m[1].charCodeAt(0) - "a".charCodeAt(0) : undefined;
}

/** Devnet chain ids for n chains: mesh-a, mesh-b, … */
export function devnetChainIds(n: number): string[] {
  if (!Number.isInteger(n) || n < 1 || n > 26) throw new Error(`chain count must be 1..26, got ${n}`);
  return Array.from({ length: n }, (_, i) => `mesh-${String.fromCharCode(97 + i)}`);
}

/** Build the full config of a chain from its id plus optional overrides. */
export function chainConfig(chainId: string, opts: ChainOptions = {}): ChainConfig {
  if (!/^[a-z0-9][a-z0-9-]{1,48}$/.test(chainId)) throw new Error(`invalid chain id "${chainId}"`);
  const index = opts.index ?? chainIndexFromId(chainId);
  if (index === undefined && opts.portBase === undefined) {
    throw new Error(`chain id "${chainId}" is not mesh-<letter>: pass opts.index or opts.portBase`);
  }
  const base = opts.portBase ?? PORT_BASE + portOffset() + CHAIN_STRIDE * (index as number);
  const validators = opts.validators ?? 1;
  const home = opts.home ?? path.join(DEVNET_DIR, chainId);
  const bonds = validators === 2 ? TWO_VALIDATOR_BONDS : [DEFAULT_SELF_BOND];
  const operators: AccountName[] = ["validator", "validator2"];
  const nodes: NodeConfig[] = bonds.map((selfBond, v) => {
    const b = base + NODE_STRIDE * v;
    const ports: NodePorts = { rpc: b, p2p: b + 1, grpc: b + 2, api: b + 3, proxy: b + 4 };
    return {
      index: v,
      moniker: `${chainId}-${operators[v]}`,
      operator: operators[v],
      selfBond,
      home: v === 0 ? home : path.join(home, `val${v + 1}`),
      ports,
      rpcUrl: `http://127.0.0.1:${ports.rpc}`,
      grpcAddr: `127.0.0.1:${ports.grpc}`,
      apiUrl: `http://127.0.0.1:${ports.api}`,
    };
  });
  const votingPeriodSeconds = opts.votingPeriodSeconds ?? 20;
  const cfg: ChainConfig = {
    chainId,
    index: index ?? -1,
    home,
    denom: STAKE_DENOM,
    extraDenom: opts.extraDenom ?? DEFAULT_EXTRA_DENOM,
    prefix: BECH32_PREFIX,
    gasPrice: opts.gasPrice ?? `0.0025${STAKE_DENOM}`,
    blockTimeMs: opts.blockTimeMs ?? 200,
    unbondingSeconds: opts.unbondingSeconds ?? 90,
    votingPeriodSeconds,
    expeditedVotingPeriodSeconds: opts.expeditedVotingPeriodSeconds ?? Math.max(1, Math.floor(votingPeriodSeconds / 2)),
    govMinDeposit: opts.govMinDeposit ?? "10000000",
    slashing: { ...DEFAULT_SLASHING, ...(opts.slashing ?? {}) },
    validators,
    uploadAccess: opts.uploadAccess ?? "everybody",
    api: opts.api ?? false,
    logLevel: opts.logLevel ?? DEFAULT_LOG_LEVEL,
    nodes,
    rpcUrl: nodes[0].rpcUrl,
    accounts: ACCOUNT_NAMES,
  };
  validateConfig(cfg);
  return cfg;
}

function validateConfig(cfg: ChainConfig): void {
  if (cfg.validators !== 1 && cfg.validators !== 2) throw new Error(`validators must be 1 or 2`);
  if (cfg.expeditedVotingPeriodSeconds >= cfg.votingPeriodSeconds) {
    throw new Error(`expeditedVotingPeriodSeconds must be < votingPeriodSeconds`);
  }
  if (cfg.slashing.downtimeJailSeconds < 60) {
    throw new Error(`slashing.downtimeJailSeconds must be >= 60 (x/slashing param validation), got ${cfg.slashing.downtimeJailSeconds}`);
  }
  if (cfg.blockTimeMs < 10) throw new Error(`blockTimeMs too small: ${cfg.blockTimeMs}`);
  if (cfg.extraDenom === cfg.denom) throw new Error(`extraDenom must differ from ${cfg.denom}`);
  for (const p of cfg.nodes.flatMap((n) => Object.values(n.ports))) {
    if (p < 1024 || p > 65535) throw new Error(`port ${p} out of range for chain ${cfg.chainId}`);
  }
}

/**
 * The part of the config that is baked into genesis: a chain initialised with a different
 * fingerprint must be re-initialised (--fresh). Ports, block time and log level are not part
 * of it — they are re-applied to config.toml / app.toml at every start.
 */
export function genesisFingerprint(cfg: ChainConfig): Record<string, unknown> {
  return {
    chainId: cfg.chainId,
    denom: cfg.denom,
    extraDenom: cfg.extraDenom,
    prefix: cfg.prefix,
    unbondingSeconds: cfg.unbondingSeconds,
    votingPeriodSeconds: cfg.votingPeriodSeconds,
    expeditedVotingPeriodSeconds: cfg.expeditedVotingPeriodSeconds,
    govMinDeposit: cfg.govMinDeposit,
    slashing: cfg.slashing,
    validators: cfg.validators,
    bonds: cfg.nodes.map((n) => n.selfBond),
    uploadAccess: cfg.uploadAccess,
    accounts: [...cfg.accounts],
    genesisBalance: GENESIS_BALANCE,
  };
}
