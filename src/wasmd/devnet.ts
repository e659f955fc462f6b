/**
 * The local devnet: N chains (mesh-a, mesh-b, …) described in <repo>/.devnet/devnet.json.
 * scripts/devnet.ts and scripts/devnet-stop.ts are thin wrappers around this module.
 */
import * as fs from "fs";
import * as path from "path";
import { ACCOUNT_NAMES, TEST_ACCOUNTS } from "./accounts";
import { ChainConfig, ChainOptions, DEVNET_DIR, chainConfig, devnetChainIds } from "./config";
import { activeLeases } from "./lease";
import { ensureChain, nodeLogPath, nodePid, stopChain } from "./node";
import { log } from "./proc";

export const DEVNET_STATE_FILE = path.join(DEVNET_DIR, "devnet.json");

export interface DevnetNodeInfo {
  moniker: string;
  home: string;
  log: string;
  pid: number | null;
  /** True when this devnet invocation (or an earlier one) started this PID. */
  startedByDevnet: boolean;
  rpc: string;
  grpc: string;
  p2p: string;
  api: string | null;
}

export interface DevnetChainInfo {
  chainId: string;
  /** Options to rebuild the ChainConfig: chainConfig(chainId, options). */
  options: ChainOptions;
  rpc: string;
  grpc: string;
  denoms: { stake: string; extra: string };
  prefix: string;
  gasPrice: string;
  validators: number;
  uploadAccess: string;
  nodes: DevnetNodeInfo[];
}

export interface DevnetState {
  updatedAt: string;
  chains: DevnetChainInfo[];
  accounts: { name: string; address: string; mnemonic: string }[];
}

export interface DevnetArgs {
  chains: { chainId: string; options: ChainOptions }[];
  fresh: boolean;
  help: boolean;
  /** Stay attached: follow the node logs, stop the chains on SIGTERM/SIGINT (one container per chain). */
  foreground: boolean;
}

export const DEVNET_USAGE = `usage: npm run devnet -- [options]
  --chains N              number of chains: mesh-a, mesh-b, … (default 2)
  --validators 2          two validators (the 2nd with 10% of the power, own process) on every
                          consumer chain (all but mesh-a; mesh-a when it is the only chain)
  --validators mesh-b:2,mesh-c:2   … or per chain
  --gov-upload [ids]      code upload only via governance (all chains, or a comma list of ids)
  --block-time MS         CometBFT timeout_commit (default 200)
  --fresh                 wipe the chains' homes and re-init (otherwise existing state is reused)
  --only IDS              start only these chains of the N (same ports and genesis as in the full devnet)
  --foreground            stay attached: print the node log, stop the chain on Ctrl-C / SIGTERM (docker-compose)
Stop with: npm run devnet:stop [-- --force]   (--force also stops chains a jest run is using)`;

/** Parse devnet CLI arguments into per-chain options. */
export function parseDevnetArgs(argv: string[]): DevnetArgs {
  let n = 2;
  let fresh = false;
  let help = false;
  let foreground = false;
  let only: string[] | undefined;
  let validatorsSpec: string | undefined;
  let govSpec: string | undefined;
  let blockTimeMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (optional = false): string | undefined => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith("--")) {
        i++;
        return next;
      }
      if (optional) return undefined;
      throw new Error(`${flag} needs a value\n${DEVNET_USAGE}`);
    };
    switch (flag) {
      case "--chains":
        n = Number(value());
        break;
      case "--validators":
        validatorsSpec = value();
        break;
      case "--gov-upload":
        govSpec = value(true) ?? "*";
        break;
      case "--block-time":
        blockTimeMs = Number(value());
        break;
      case "--fresh":
        fresh = true;
        break;
      case "--only":
        only = (value() ?? "").split(",").filter(Boolean);
        break;
      case "--foreground":
        foreground = true;
        break;
      case "-h":
      case "--help":
        help = true;
        break;
      default:
        throw new Error(`unknown argument ${a}\n${DEVNET_USAGE}`);
    }
  }
  const ids = devnetChainIds(n);
  const validators = new Map<string, 1 | 2>();
  if (validatorsSpec !== undefined) {
    if (/^\d+$/.test(validatorsSpec)) {
      const v = toValidators(validatorsSpec);
      for (const id of ids.length > 1 ? ids.slice(1) : ids) validators.set(id, v);
    } else {
      for (const part of validatorsSpec.split(",")) {
        const [id, v] = part.split(":");
        if (!ids.includes(id) || v === undefined) throw new Error(`bad --validators entry "${part}" (chains: ${ids.join(", ")})`);
        validators.set(id, toValidators(v));
      }
    }
  }
  const gov = new Set<string>();
  if (govSpec === "*") ids.forEach((id) => gov.add(id));
  else if (govSpec !== undefined) {
    for (const id of govSpec.split(",")) {
      if (!ids.includes(id)) throw new Error(`bad --gov-upload chain "${id}" (chains: ${ids.join(", ")})`);
      gov.add(id);
    }
  }
  for (const id of only ?? []) if (!ids.includes(id)) throw new Error(`bad --only chain "${id}" (chains: ${ids.join(", ")})`);
  return {
    fresh,
    help,
    foreground,
    chains: ids.filter((id) => !only || only.includes(id)).map((chainId) => {
      const options: ChainOptions = {};
      if (validators.has(chainId)) options.validators = validators.get(chainId);
      if (gov.has(chainId)) options.uploadAccess = "governance";
      if (blockTimeMs !== undefined) options.blockTimeMs = blockTimeMs;
      return { chainId, options };
    }),
  };
}

function toValidators(v: string): 1 | 2 {
  if (v === "1" || v === "2") return Number(v) as 1 | 2;
  throw new Error(`--validators must be 1 or 2, got "${v}"`);
}

export function readDevnetState(): DevnetState | undefined {
  try {
    return JSON.parse(fs.readFileSync(DEVNET_STATE_FILE, "utf8")) as DevnetState;
  } catch {
    return undefined;
  }
}

/** Start (or reuse) the chains and write .devnet/devnet.json. */
export async function startDevnet(args: DevnetArgs): Promise<DevnetState> {
  const previous = readDevnetState();
  const chains: DevnetChainInfo[] = [];
  // Sequential: on 2 cores parallel init/start gains little and interleaves the progress output.
  for (const { chainId, options } of args.chains) {
    const cfg = chainConfig(chainId, options);
    const { startedNodes } = await ensureChain(cfg, { fresh: args.fresh });
    const prevChain = previous?.chains.find((c) => c.chainId === chainId);
    chains.push(describeChain(cfg, options, (i, pid) => {
      const prev = prevChain?.nodes[i];
      return startedNodes.includes(i) || (!!prev && prev.startedByDevnet && prev.pid === pid);
    }));
  }
  const state: DevnetState = {
    updatedAt: new Date().toISOString(),
    chains,
    accounts: ACCOUNT_NAMES.map((name) => ({ name, address: TEST_ACCOUNTS[name].address, mnemonic: TEST_ACCOUNTS[name].mnemonic })),
  };
  fs.writeFileSync(DEVNET_STATE_FILE, JSON.stringify(state, null, 2) + "\n");
  return state;
}

function describeChain(
  cfg: ChainConfig,
  options: ChainOptions,
  ownedBy: (nodeIndex: number, pid: number | null) => boolean,
): DevnetChainInfo {
  return {
    chainId: cfg.chainId,
    options,
    rpc: cfg.rpcUrl,
    grpc: cfg.nodes[0].grpcAddr,
    denoms: { stake: cfg.denom, extra: cfg.extraDenom },
    prefix: cfg.prefix,
    gasPrice: cfg.gasPrice,
    validators: cfg.validators,
    uploadAccess: cfg.uploadAccess,
    nodes: cfg.nodes.map((n) => {
      const pid = nodePid(cfg, n.index) ?? null;
      return {
        moniker: n.moniker,
        home: n.home,
        log: nodeLogPath(n),
        pid,
        startedByDevnet: pid !== null && ownedBy(n.index, pid),
        rpc: n.rpcUrl,
        grpc: n.grpcAddr,
        p2p: `tcp://127.0.0.1:${n.ports.p2p}`,
        api: cfg.api ? n.apiUrl : null,
      };
    }),
  };
}

/** Human-readable summary of a devnet state. */
export function formatDevnet(state: DevnetState): string {
  const out: string[] = [];
  for (const c of state.chains) {
    out.push(`chain ${c.chainId}  (${c.validators} validator${c.validators > 1 ? "s" : ""}, upload: ${c.uploadAccess})`);
    out.push(`  rpc ${c.rpc}   grpc ${c.grpc}   denoms ${c.denoms.stake} (stake/fees), ${c.denoms.extra}   gas price ${c.gasPrice}`);
    for (const n of c.nodes) {
      out.push(`  ${n.moniker}: pid ${n.pid ?? "-"}${n.startedByDevnet ? "" : " (not started by devnet)"}  rpc ${n.rpc}  p2p ${n.p2p}${n.api ? `  api ${n.api}` : ""}`);
      out.push(`    home ${n.home}   log ${n.log}`);
    }
  }
  out.push("", "accounts (funded on every chain in both denoms; PUBLIC test mnemonics):");
  for (const a of state.accounts) out.push(`  ${a.name.padEnd(10)} ${a.address}\n             ${a.mnemonic}`);
  const c0 = state.chains[0];
  out.push("", `state: ${DEVNET_STATE_FILE}`);
  if (c0) {
    // wasmd 0.54 (SDK 0.50) ignores <home>/config/client.toml when --home is not the default
    // home, so pass --node (and --chain-id for txs) explicitly.
    const node = c0.rpc.replace(/^http/, "tcp");
    out.push(
      `CLI:   .cache/bin/wasmd q bank balances <addr> --node ${node}`,
      `       .cache/bin/wasmd tx bank send alice <addr> 1${c0.denoms.extra} --home .devnet/${c0.chainId} --node ${node} \\`,
      `         --chain-id ${c0.chainId} --keyring-backend test --gas auto --gas-adjustment 1.4 --gas-prices ${c0.gasPrice} -y`,
    );
  }
  return out.join("\n");
}

/**
 * Stop exactly the processes recorded as started by the devnet (PID still `wasmd start --home <home>`).
 * Chains leased by a live process (e.g. a jest chain run reusing them) are left running unless force.
 */
export async function stopDevnet(opts: { force?: boolean } = {}): Promise<void> {
  const state = readDevnetState();
  if (!state) {
    log(`no ${DEVNET_STATE_FILE}: nothing to stop`);
    return;
  }
  let kept = false;
  for (const c of state.chains) {
    const cfg = chainConfig(c.chainId, c.options);
    const leases = activeLeases(c.chainId);
    if (leases.length && !opts.force) {
      log(`[${c.chainId}] in use by pid ${leases.join(", ")} (lease), leaving it running (--force to stop anyway)`);
      kept = true;
      continue;
    }
    for (let i = 0; i < c.nodes.length && i < cfg.nodes.length; i++) {
      const n = c.nodes[i];
      if (!n.startedByDevnet || n.pid === null) {
        log(`[${c.chainId}] ${n.moniker}: not started by the devnet, leaving it alone`);
        continue;
      }
      const current = nodePid(cfg, i);
      if (current !== n.pid) {
        log(`[${c.chainId}] ${n.moniker}: recorded pid ${n.pid} is ${current ? `replaced by pid ${current}` : "not running"}, leaving it alone`);
        continue;
      }
      await stopChain(cfg, { nodes: [i] });
    }
  }
  if (!kept) fs.rmSync(DEVNET_STATE_FILE, { force: true });
}
