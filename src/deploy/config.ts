// The operator's config file (mesh.config.json): which chains, how to reach and sign on them, and which chain
// provides security to which. Keys never live in it: a key is named by an environment variable or a mnemonic file
// (the public devnet test accounts are allowed by name, for the local devnet only).
import * as fs from "fs";
import * as path from "path";
import { MeshError } from "./errors";
import { minimumProviderUnbonding, unbondingEpochSeconds } from "../protocol";

export type KeySource =
  | { mnemonic_env: string }
  | { mnemonic_file: string }
  /** One of the PUBLIC test accounts of src/wasmd/accounts.ts: local devnets only. */
  | { devnet_account: string };

export interface ChainSpec {
  /** Chain id; the RPC must serve exactly this chain. */
  id: string;
  /** CometBFT RPC, http(s)://host:port. */
  rpc: string;
  /** Bech32 account prefix, e.g. "wasm". */
  prefix: string;
  /** Fee price, e.g. "0.025ustake". */
  gas_price: string;
  /** Staking denom: the ILP collateral on a provider chain, what meta-staking delegates on a consumer chain. */
  denom: string;
  key: KeySource;
  /** Typical block time; sets how often transactions are polled for (default 1000). */
  block_time_ms: number;
  /**
   * x/staking's unbonding period on this chain. Required where the chain consumes: meta-staking batches its
   * undelegations by it, and the provider's unbonding period must cover it.
   */
  unbonding_period_seconds?: number;
}

export interface MeshLinkSpec {
  /** Chain id of the provider (ILP + mesh-provider). */
  provider: string;
  /** Chain id of the consumer (meta-staking + mesh-consumer). */
  consumer: string;
  /**
   * The provider's unbonding period: at least the consumer chain's unbonding period + meta-staking's batch epoch
   * (⌈unbonding / 6⌉) + packet_timeout_seconds.
   */
  unbonding_period_seconds: number;
  packet_timeout_seconds: number;
  /** Consumer tokens per provider token and the haircut in [0, 1), decimal strings. */
  rate: string;
  discount: string;
  /** Sent to meta-staking by the deployer for this consumer (integer, in the consumer's denom). */
  meta_staking_funds: string;
  /** meta-staking allowance of this link's consumer contract. */
  allowance: string;
  /** The part of the rewards the consumer chain keeps, in [0, 1) (decimal string; default "0"). */
  reward_commission: string;
  /** Who receives the commission on the consumer chain; required when reward_commission is not zero. */
  reward_commission_recipient?: string;
}

/** Local staking of a provider chain's ILP collateral on that chain (docs/local-staking.md). */
export interface LocalStakingSpec {
  /** A chain that provides (it has the ILP); its unbonding_period_seconds is required. */
  chain: string;
  /** The chain's slash_fraction_double_sign, in [0, 1): the margin the ILP keeps beside a local claim. */
  max_slash: string;
}

export interface MeshConfig {
  /** Directory relative paths in the config resolve against (the config file's directory). */
  baseDir: string;
  chains: ChainSpec[];
  mesh: MeshLinkSpec[];
  /** Chains whose ILP collateral may also be staked on the chain itself (absent: none). */
  localStaking?: LocalStakingSpec[];
  /** Directory with the built contracts (default "artifacts"). */
  artifacts: string;
  /** Where the deployment is recorded (default "mesh.deployment.json"). */
  deployment: string;
}

export const DEFAULT_CONFIG_FILE = "mesh.config.json";

type Json = Record<string, unknown>;

class Reader {
  constructor(private readonly obj: Json, private readonly where: string) {}

  private fail(msg: string): never {
    throw new MeshError(`config: ${this.where}: ${msg}`);
  }

  str(key: string, fallback?: string): string {
    const v = this.obj[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== "string" || v.trim() === "") this.fail(`"${key}" must be a non-empty string`);
    return v;
  }

  int(key: string, fallback?: number): number {
    const v = this.obj[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) this.fail(`"${key}" must be a positive integer`);
    return v;
  }

  /** Integer amounts as strings (JSON numbers lose precision above 2^53). */
  amount(key: string, fallback: string): string {
    const v = this.obj[key] ?? fallback;
    const s = typeof v === "number" && Number.isSafeInteger(v) ? String(v) : v;
    if (typeof s !== "string" || !/^\d+$/.test(s)) this.fail(`"${key}" must be an integer amount as a string, e.g. "1000000"`);
    return s;
  }

  decimal(key: string, fallback: string): string {
    const v = this.obj[key] ?? fallback;
    if (typeof v !== "string" || !/^\d+(\.\d{1,18})?$/.test(v)) this.fail(`"${key}" must be a decimal string, e.g. "0.1"`);
    return v;
  }

  object(key: string): Json {
    const v = this.obj[key];
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(`"${key}" must be an object`);
    return v as Json;
  }

  only(keys: string[]): void {
    const unknown = Object.keys(this.obj).filter((k) => !keys.includes(k));
    if (unknown.length) this.fail(`unknown field${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")} (known: ${keys.join(", ")})`);
  }
}

function parseKey(obj: Json, where: string): KeySource {
  const kinds = ["mnemonic_env", "mnemonic_file", "devnet_account"].filter((k) => k in obj);
  if (Object.keys(obj).some((k) => /mnemonic$|private|secret|^priv/i.test(k)) && !kinds.length) {
    throw new MeshError(`config: ${where}.key: keys must not be written into the config; use {"mnemonic_env": "VAR"} or {"mnemonic_file": "path"}`);
  }
  if (kinds.length !== 1 || Object.keys(obj).length !== 1) {
    throw new MeshError(`config: ${where}.key must be exactly one of {"mnemonic_env": "VAR"}, {"mnemonic_file": "path"}, {"devnet_account": "admin"}`);
  }
  const r = new Reader(obj, `${where}.key`);
  const kind = kinds[0];
  const value = r.str(kind);
  if (kind === "mnemonic_env") {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) throw new MeshError(`config: ${where}.key.mnemonic_env must be an environment variable name, got "${value}"`);
    return { mnemonic_env: value };
  }
  if (kind === "mnemonic_file") return { mnemonic_file: value };
  return { devnet_account: value };
}

function parseChain(obj: Json, i: number): ChainSpec {
  const where = `chains[${i}]`;
  const r = new Reader(obj, where);
  r.only(["id", "rpc", "prefix", "gas_price", "denom", "key", "block_time_ms", "unbonding_period_seconds"]);
  const spec: ChainSpec = {
    id: r.str("id"),
    rpc: r.str("rpc").replace(/\/+$/, ""),
    prefix: r.str("prefix"),
    gas_price: r.str("gas_price"),
    denom: r.str("denom"),
    key: parseKey(r.object("key"), where),
    block_time_ms: r.int("block_time_ms", 1000),
    ...(obj.unbonding_period_seconds === undefined ? {} : { unbonding_period_seconds: r.int("unbonding_period_seconds") }),
  };
  if (!/^https?:\/\/[^\s/]+(\/.*)?$/.test(spec.rpc)) throw new MeshError(`config: ${where}.rpc must be an http(s) URL, got "${spec.rpc}"`);
  if (!/^\d+(\.\d+)?[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/.test(spec.gas_price)) {
    throw new MeshError(`config: ${where}.gas_price must look like "0.025${spec.denom}", got "${spec.gas_price}"`);
  }
  if (!/^[a-z]{1,83}$/.test(spec.prefix)) throw new MeshError(`config: ${where}.prefix must be a bech32 prefix such as "wasm", got "${spec.prefix}"`);
  return spec;
}

function parseLink(obj: Json, i: number, chainIds: string[]): MeshLinkSpec {
  const where = `mesh[${i}]`;
  const r = new Reader(obj, where);
  r.only(["provider", "consumer", "unbonding_period_seconds", "packet_timeout_seconds", "rate", "discount", "meta_staking_funds", "allowance",
    "reward_commission", "reward_commission_recipient"]);
  const link: MeshLinkSpec = {
    provider: r.str("provider"),
    consumer: r.str("consumer"),
    unbonding_period_seconds: r.int("unbonding_period_seconds"),
    packet_timeout_seconds: r.int("packet_timeout_seconds", 600),
    rate: r.decimal("rate", "1"),
    discount: r.decimal("discount", "0"),
    meta_staking_funds: r.amount("meta_staking_funds", "0"),
    allowance: r.amount("allowance", "0"),
    reward_commission: r.decimal("reward_commission", "0"),
  };
  const recipient = obj.reward_commission_recipient;
  if (recipient !== undefined) {
    if (typeof recipient !== "string" || recipient === "") throw new MeshError(`config: ${where}.reward_commission_recipient must be an address`);
    link.reward_commission_recipient = recipient;
  }
  for (const side of ["provider", "consumer"] as const) {
    if (!chainIds.includes(link[side])) throw new MeshError(`config: ${where}.${side} "${link[side]}" is not one of the chains (${chainIds.join(", ")})`);
  }
  if (link.provider === link.consumer) throw new MeshError(`config: ${where}: a chain cannot provide security to itself`);
  if (link.unbonding_period_seconds <= link.packet_timeout_seconds) {
    throw new MeshError(`config: ${where}.unbonding_period_seconds must exceed packet_timeout_seconds (and cover the consumer's unbonding period)`);
  }
  if (Number(link.discount) >= 1) throw new MeshError(`config: ${where}.discount must be < 1`);
  if (Number(link.rate) === 0) throw new MeshError(`config: ${where}.rate must be > 0`);
  if (Number(link.reward_commission) >= 1) throw new MeshError(`config: ${where}.reward_commission must be < 1`);
  if (Number(link.reward_commission) > 0 && !link.reward_commission_recipient) {
    throw new MeshError(`config: ${where}.reward_commission needs a reward_commission_recipient`);
  }
  return link;
}

/** The consumer chain's unbonding period is known, and the provider's covers it (the provider refuses stake otherwise). */
function checkUnbondingCover(link: MeshLinkSpec, consumer: ChainSpec, i: number): void {
  const u = consumer.unbonding_period_seconds;
  if (u === undefined) {
    throw new MeshError(`config: chain "${consumer.id}" consumes security (mesh[${i}]): give its x/staking unbonding_period_seconds`);
  }
  const needed = minimumProviderUnbonding(u, link.packet_timeout_seconds);
  if (link.unbonding_period_seconds < needed) {
    throw new MeshError(
      `config: mesh[${i}].unbonding_period_seconds is ${link.unbonding_period_seconds}: it must cover ${consumer.id}'s unbonding period (${u} s) + ` +
      `meta-staking's batch epoch (${unbondingEpochSeconds(u)} s) + packet_timeout_seconds (${link.packet_timeout_seconds} s) = ${needed} s`,
    );
  }
}

function parseLocalStaking(obj: Json, i: number, chains: ChainSpec[], mesh: MeshLinkSpec[]): LocalStakingSpec {
  const where = `local_staking[${i}]`;
  const r = new Reader(obj, where);
  r.only(["chain", "max_slash"]);
  const spec: LocalStakingSpec = { chain: r.str("chain"), max_slash: r.decimal("max_slash", "0") };
  const chain = chains.find((c) => c.id === spec.chain);
  if (!chain) throw new MeshError(`config: ${where}.chain "${spec.chain}" is not one of the chains (${chains.map((c) => c.id).join(", ")})`);
  if (!mesh.some((l) => l.provider === spec.chain)) {
    throw new MeshError(`config: ${where}: local staking stakes ILP collateral, and "${spec.chain}" has no ILP: it must provide to some chain in "mesh"`);
  }
  if (chain.unbonding_period_seconds === undefined) {
    throw new MeshError(`config: ${where}: give chain "${spec.chain}"'s x/staking unbonding_period_seconds (its meta-staking batches undelegations by it)`);
  }
  if (Number(spec.max_slash) >= 1) throw new MeshError(`config: ${where}.max_slash must be < 1`);
  return spec;
}

/** Validates a parsed config; every message names the field at fault. */
export function parseMeshConfig(raw: unknown, baseDir: string): MeshConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new MeshError("config: the top level must be an object");
  const r = new Reader(raw as Json, "top level");
  r.only(["chains", "mesh", "local_staking", "artifacts", "deployment"]);
  const top = raw as Json;
  if (!Array.isArray(top.chains) || top.chains.length === 0) throw new MeshError(`config: "chains" must be a non-empty array`);
  const chains = top.chains.map((c, i) => {
    if (typeof c !== "object" || c === null) throw new MeshError(`config: chains[${i}] must be an object`);
    return parseChain(c as Json, i);
  });
  const ids = chains.map((c) => c.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new MeshError(`config: chain "${dup}" is listed twice`);
  const meshRaw = top.mesh ?? [];
  if (!Array.isArray(meshRaw)) throw new MeshError(`config: "mesh" must be an array of {"provider", "consumer", …}`);
  const mesh = meshRaw.map((l, i) => parseLink(l as Json, i, ids));
  mesh.forEach((l, i) => checkUnbondingCover(l, chains.find((c) => c.id === l.consumer)!, i));
  const pairs = mesh.map((l) => `${l.provider}->${l.consumer}`);
  const dupPair = pairs.find((p, i) => pairs.indexOf(p) !== i);
  if (dupPair) throw new MeshError(`config: mesh link ${dupPair} is listed twice`);
  const localRaw = top.local_staking ?? [];
  if (!Array.isArray(localRaw)) throw new MeshError(`config: "local_staking" must be an array of {"chain", "max_slash"}`);
  const localStaking = localRaw.map((l, i) => {
    if (typeof l !== "object" || l === null) throw new MeshError(`config: local_staking[${i}] must be an object`);
    return parseLocalStaking(l as Json, i, chains, mesh);
  });
  const localIds = localStaking.map((l) => l.chain);
  const dupLocal = localIds.find((id, i) => localIds.indexOf(id) !== i);
  if (dupLocal) throw new MeshError(`config: local staking on "${dupLocal}" is listed twice`);
  return {
    baseDir,
    chains,
    mesh,
    ...(localStaking.length ? { localStaking } : {}),
    artifacts: path.resolve(baseDir, r.str("artifacts", "artifacts")),
    deployment: path.resolve(baseDir, r.str("deployment", "mesh.deployment.json")),
  };
}

export function loadMeshConfig(file: string): MeshConfig {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch {
    throw new MeshError(`config file ${file} not found (pass --config <file>; docs/testnet.md has an example)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MeshError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseMeshConfig(raw, path.dirname(abs));
}

export function chainSpec(config: MeshConfig, chainId: string): ChainSpec {
  const c = config.chains.find((x) => x.id === chainId);
  if (!c) throw new MeshError(`chain "${chainId}" is not in the config (chains: ${config.chains.map((x) => x.id).join(", ")})`);
  return c;
}

export function meshLink(config: MeshConfig, provider: string, consumer: string): MeshLinkSpec {
  const l = config.mesh.find((x) => x.provider === provider && x.consumer === consumer);
  if (!l) throw new MeshError(`the config has no mesh link ${provider} -> ${consumer}`);
  return l;
}

export const linkKey = (l: { provider: string; consumer: string }) => `${l.provider}->${l.consumer}`;
