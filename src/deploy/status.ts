// `mesh status`: what the chains say about the deployment — reachability, code ids with on-chain checksums against
// the local artifacts, contracts (code, admin), totals, the mesh channel's state, the validator set the provider
// knows against the consumer's bonded set, and packets still waiting for a relayer.
import { State } from "cosmjs-types/ibc/core/channel/v1/channel";
import { IlpQueryClient } from "../contracts/Ilp.client";
import { MeshConsumerQueryClient } from "../contracts/MeshConsumer.client";
import { MeshProviderQueryClient } from "../contracts/MeshProvider.client";
import { MetaStakingQueryClient } from "../contracts/MetaStaking.client";
import { wasmPort } from "../relay/channel";
import { MESH_CONTRACTS, loadArtifact } from "./artifacts";
import { MeshConfig } from "./config";
import { contractsFor, localStakingOf } from "./plan";
import { DeploymentRecord } from "./record";
import { ChainSession, Sessions, checkRpc } from "./session";
import { codeChecksum } from "./upload";

export interface CodeStatus {
  contract: string;
  codeId: number | null;
  onChainChecksum: string | null;
  artifactChecksum: string | null;
  /** on chain = artifact */
  matches: boolean;
}

export interface ContractStatus {
  name: string;
  address: string | null;
  exists: boolean;
  codeId?: number;
  admin?: string;
  info?: Record<string, string>;
}

export interface ChainStatus {
  chainId: string;
  rpc: string;
  reachable: boolean;
  error?: string;
  height?: number;
  deployer?: string;
  codes: CodeStatus[];
  contracts: ContractStatus[];
}

export interface LinkStatus {
  provider: string;
  consumer: string;
  connection: { provider: string; consumer: string } | null;
  channel: { provider: string; consumer: string; state: string } | null;
  validators: { consumerBonded: number; knownByProvider: number; inSync: boolean; updatedHeight?: number } | null;
  /** Packets sent but not yet received on the other side, per direction. */
  pendingPackets: { toConsumer: number; toProvider: number } | null;
  /** Stake in flight: consumer-side records and the meta-staking allowance use. */
  consumerDelegated?: string;
  allowance?: string;
  /** The consumer's price and meta-staking's power rules for it (docs/economics.md). */
  economics?: {
    price: string | null; priceError: string | null; priceUpdatedAt: string; requested: string | null; factor: string;
    cap: string | null; maxRemote: string | null; remote: string; local: string; minLocalShare: string;
  };
  error?: string;
}

export interface MeshStatus {
  chains: ChainStatus[];
  links: LinkStatus[];
}

async function contractStatus(s: ChainSession, name: string, address: string | undefined, info: (a: string) => Promise<Record<string, string>>): Promise<ContractStatus> {
  if (!address) return { name, address: null, exists: false };
  try {
    const c = await s.client.getContract(address);
    return { name, address, exists: true, codeId: c.codeId, admin: c.admin ?? "", info: await info(address).catch((e) => ({ error: (e as Error).message.split("\n")[0] })) };
  } catch {
    return { name, address, exists: false };
  }
}

async function chainStatus(config: MeshConfig, sessions: Sessions, record: DeploymentRecord, chainId: string): Promise<{ status: ChainStatus; session?: ChainSession }> {
  const spec = config.chains.find((c) => c.id === chainId)!;
  const status: ChainStatus = { chainId, rpc: spec.rpc, reachable: false, codes: [], contracts: [] };
  let s: ChainSession;
  try {
    status.height = (await checkRpc(spec)).height;
    s = await sessions.get(chainId);
  } catch (e) {
    status.error = (e as Error).message;
    return { status };
  }
  status.reachable = true;
  status.deployer = s.address;
  const cr = record.chains[chainId];
  for (const name of MESH_CONTRACTS.filter((n) => contractsFor(config, chainId).includes(n) || cr?.codes[n])) {
    const code = cr?.codes[name];
    let artifactChecksum: string | null = null;
    try {
      artifactChecksum = loadArtifact(config.artifacts, name).checksum;
    } catch {
      /* not built here: reported as unknown */
    }
    const onChain = code ? ((await codeChecksum(s, code.code_id)) ?? null) : null;
    status.codes.push({ contract: name, codeId: code?.code_id ?? null, onChainChecksum: onChain, artifactChecksum, matches: !!onChain && onChain === artifactChecksum });
  }
  const none = async () => ({});
  if (cr?.ilp || contractsFor(config, chainId).includes("ilp")) {
    status.contracts.push(await contractStatus(s, "ilp", cr?.ilp, async (a) => ({ bonded: (await new IlpQueryClient(s.client, a).totals()).bonded })));
  }
  if (cr?.meta_staking || config.mesh.some((l) => l.consumer === chainId)) {
    status.contracts.push(await contractStatus(s, "meta-staking", cr?.meta_staking, async (a) => ({
      balance: `${(await s.client.getBalance(a, spec.denom)).amount}${spec.denom}`,
    })));
  }
  if (cr?.local_staking || localStakingOf(config, chainId)) {
    status.contracts.push(await contractStatus(s, "local meta-staking", cr?.local_meta_staking, async (a) => ({
      "handed to local-staking": (await new MetaStakingQueryClient(s.client, a).config()).admin === cr?.local_staking ? "yes" : "NO (run mesh deploy again)",
    })));
    status.contracts.push(await contractStatus(s, "local-staking", cr?.local_staking, none));
  }
  for (const l of config.mesh) {
    const lr = record.links[`${l.provider}->${l.consumer}`];
    if (l.provider === chainId) status.contracts.push(await contractStatus(s, `mesh-provider for ${l.consumer}`, lr?.mesh_provider, none));
    if (l.consumer === chainId) status.contracts.push(await contractStatus(s, `mesh-consumer for ${l.provider}`, lr?.mesh_consumer, none));
  }
  return { status, session: s };
}

async function unreceived(from: ChainSession, port: string, channel: string, to: ChainSession, toPort: string, toChannel: string): Promise<number> {
  const commitments = await from.query.ibc.channel.packetCommitments(port, channel);
  const sequences = commitments.commitments.map((c) => Number(c.sequence));
  if (!sequences.length) return 0;
  return (await to.query.ibc.channel.unreceivedPackets(toPort, toChannel, sequences)).sequences.length;
}

async function linkStatus(p: ChainSession, c: ChainSession, record: DeploymentRecord, provider: string, consumer: string): Promise<LinkStatus> {
  const lr = record.links[`${provider}->${consumer}`];
  const out: LinkStatus = { provider, consumer, connection: lr?.connection ?? null, channel: null, validators: null, pendingPackets: null };
  if (!lr?.mesh_provider || !lr.mesh_consumer) return { ...out, error: "contracts not instantiated" };
  try {
    const consumerChannel = await new MeshConsumerQueryClient(c.client, lr.mesh_consumer).channel();
    if (consumerChannel?.channel_id) {
      const ch = await p.query.ibc.channel.channel(wasmPort(lr.mesh_provider), consumerChannel.counterparty_channel_id);
      const state = ch.channel ? State[ch.channel.state].replace("STATE_", "").toLowerCase() : "missing";
      out.channel = { provider: consumerChannel.counterparty_channel_id, consumer: consumerChannel.channel_id, state };
      const [pp, cp] = [wasmPort(lr.mesh_provider), wasmPort(lr.mesh_consumer)];
      out.pendingPackets = {
        toConsumer: await unreceived(p, pp, out.channel.provider, c, cp, out.channel.consumer),
        toProvider: await unreceived(c, cp, out.channel.consumer, p, pp, out.channel.provider),
      };
    }
    const bonded = (await c.query.staking.validators("BOND_STATUS_BONDED")).validators.map((v) => v.operatorAddress).sort();
    const known = await new MeshProviderQueryClient(p.client, lr.mesh_provider).validators();
    const knownSorted = [...known.validators].sort();
    out.validators = {
      consumerBonded: bonded.length, knownByProvider: knownSorted.length, updatedHeight: known.updated_height,
      inSync: bonded.length === knownSorted.length && bonded.every((v, i) => v === knownSorted[i]),
    };
    const metaStaking = record.chains[consumer]?.meta_staking;
    if (metaStaking) {
      const entry = await new MetaStakingQueryClient(c.client, metaStaking).consumer({ address: lr.mesh_consumer }).catch(() => null);
      out.allowance = entry?.allowance ?? "0";
      out.consumerDelegated = entry?.delegated ?? "0";
    }
    const e = await new MeshConsumerQueryClient(c.client, lr.mesh_consumer).economics().catch(() => null);
    if (e) {
      out.economics = {
        price: e.price ?? null, priceError: e.price_error ?? null, priceUpdatedAt: e.price_updated_at, requested: e.requested ?? null,
        factor: e.power.factor, cap: e.power.cap ?? null, maxRemote: e.power.max_remote ?? null, remote: e.power.remote,
        local: e.power.local, minLocalShare: e.power.min_local_share,
      };
    }
  } catch (e) {
    out.error = (e as Error).message.split("\n")[0];
  }
  return out;
}

export async function collectStatus(config: MeshConfig, sessions: Sessions, record: DeploymentRecord): Promise<MeshStatus> {
  const chains: ChainStatus[] = [];
  const open = new Map<string, ChainSession>();
  for (const spec of config.chains) {
    const { status, session } = await chainStatus(config, sessions, record, spec.id);
    chains.push(status);
    if (session) open.set(spec.id, session);
  }
  const links: LinkStatus[] = [];
  for (const l of config.mesh) {
    const [p, c] = [open.get(l.provider), open.get(l.consumer)];
    if (!p || !c) links.push({ provider: l.provider, consumer: l.consumer, connection: null, channel: null, validators: null, pendingPackets: null, error: "a chain is unreachable" });
    else links.push(await linkStatus(p, c, record, l.provider, l.consumer));
  }
  return { chains, links };
}

const short = (h: string | null) => (h ? `${h.slice(0, 16)}…` : "-");

export function formatStatus(st: MeshStatus): string {
  const out: string[] = [];
  for (const c of st.chains) {
    if (!c.reachable) {
      out.push(`chain ${c.chainId}  UNREACHABLE  ${c.error}`);
      continue;
    }
    out.push(`chain ${c.chainId}  height ${c.height}  rpc ${c.rpc}  deployer ${c.deployer}`);
    for (const code of c.codes) {
      const verdict = code.codeId === null ? "not stored" : code.matches ? "checksum matches artifact" : code.onChainChecksum === null ? "MISSING on chain" : "CHECKSUM DIFFERS from artifact";
      out.push(`  code ${code.contract.padEnd(14)} ${String(code.codeId ?? "-").padStart(4)}  sha256 ${short(code.onChainChecksum)}  ${verdict}`);
    }
    for (const k of c.contracts) {
      const info = k.info && Object.keys(k.info).length ? `  ${Object.entries(k.info).map(([a, b]) => `${a} ${b}`).join(", ")}` : "";
      out.push(`  ${k.name.padEnd(28)} ${k.address ?? "-"}${k.address && !k.exists ? "  MISSING" : ""}${k.exists ? `  code ${k.codeId}  admin ${k.admin || "none"}` : ""}${info}`);
    }
  }
  for (const l of st.links) {
    out.push(`mesh ${l.provider} -> ${l.consumer}`);
    if (l.error) out.push(`  ${l.error}`);
    out.push(`  connection  ${l.connection ? `${l.connection.provider} / ${l.connection.consumer}` : "-"}`);
    out.push(`  channel     ${l.channel ? `${l.channel.provider} / ${l.channel.consumer} (${l.channel.state})` : "not open"}`);
    if (l.validators) {
      out.push(`  validators  ${l.validators.knownByProvider} known by the provider, ${l.validators.consumerBonded} bonded on ${l.consumer}${l.validators.inSync ? " (in sync)" : " (OUT OF SYNC: relay, or execute send_validator_set on the consumer)"}`);
    }
    if (l.pendingPackets) out.push(`  pending     ${l.pendingPackets.toConsumer} packet(s) to ${l.consumer}, ${l.pendingPackets.toProvider} to ${l.provider}`);
    if (l.allowance !== undefined) out.push(`  stake       ${l.consumerDelegated} delegated of an allowance of ${l.allowance}`);
    if (l.economics) out.push(`  economics   ${formatEconomics(l.economics)}`);
  }
  return out.join("\n");
}

/** The consumer chain's own share of its bonded stake (local ÷ (local + remote)); null when nothing is bonded. */
export function localShare(e: Pick<NonNullable<LinkStatus["economics"]>, "local" | "remote">): number | null {
  const [local, remote] = [Number(e.local), Number(e.remote)];
  return local + remote > 0 ? local / (local + remote) : null;
}

/** `price 2 (fed 12 s ago), requested 2250, factor 1, cap 350000, local share 71.3 % (min 40 %)`. */
function formatEconomics(e: NonNullable<LinkStatus["economics"]>): string {
  const price = e.price === null ? `NO PRICE (${e.priceError?.split("\n")[0]})`
    : `price ${e.price}${e.priceUpdatedAt !== "0" ? ` (fed ${Math.max(0, Math.round((Date.now() - Number(BigInt(e.priceUpdatedAt) / 1_000_000n)) / 1000))} s ago)` : " (fixed rate)"}`;
  const share = localShare(e);
  const shown = share !== null ? `${(100 * share).toFixed(1)} %` : "-";
  const min = Number(e.minLocalShare) > 0 ? ` (min ${(100 * Number(e.minLocalShare)).toFixed(1)} %)` : "";
  return `${price}, requested ${e.requested ?? "-"}, factor ${e.factor}, cap ${e.cap ?? "none"}, local share ${shown}${min}`;
}
