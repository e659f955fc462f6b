// What the dashboard shows, read from the chains through the generated clients: `mesh status` (chains, codes,
// contracts, channel state, pending packets, economics) plus, per mesh link, the light clients' time to expiry, the
// consumer's validators with their remote stake, status and slashes, the slash timeline (event on the consumer →
// applied by the provider) and the rewards; and, per user, the ILP account, stakes, pending unbondings with their
// release time and rewards. Every figure is what a chain query answered at `generated_at`.
import { MeshConsumerQueryClient } from "../contracts/MeshConsumer.client";
import type * as MeshConsumer from "../contracts/MeshConsumer.types";
import { MeshProviderQueryClient } from "../contracts/MeshProvider.client";
import type * as MeshProvider from "../contracts/MeshProvider.types";
import { MetaStakingQueryClient } from "../contracts/MetaStaking.client";
import { IlpQueryClient } from "../contracts/Ilp.client";
import type * as Ilp from "../contracts/Ilp.types";
import { MeshConfig } from "../deploy/config";
import { DeploymentRecord } from "../deploy/record";
import { ChainSession, Sessions } from "../deploy/session";
import { LinkStatus, MeshStatus, collectStatus } from "../deploy/status";
import { ContractQuery, WhatIf, WhatIfUnstake, predictSlash, predictUnstake } from "./whatif";

export interface LightClient {
  /** the chain that holds the client */
  chain: string;
  clientId: string;
  trustingPeriodSeconds: number;
  /** when the client's latest consensus state was made (ms since the epoch) */
  latestUpdateMs: number;
  /** when it expires unless updated (ms since the epoch) */
  expiresAtMs: number;
}

export interface ValidatorView {
  validator: string;
  moniker: string;
  status: "bonded" | "unbonding" | "unbonded";
  jailed: boolean;
  /** what meta-staking holds for all consumers there (booked) and what x/staking holds for it */
  remoteStake: string;
  onChain: string;
  slashSeq: number;
  cumulative: string;
}

export interface SlashView {
  validator: string;
  seq: number;
  fraction: string;
  /** consumer-chain height and time (ms) meta-staking observed it at */
  height: number;
  timeMs: number;
  jailed: boolean;
  unbonding: boolean;
  /** the provider's pool has applied it (its slash_seq reached it) */
  appliedByProvider: boolean;
}

/**
 * The books of a link side by side (docs/dashboard.md): collateral the ILP holds against Σ bonded, the stake the
 * provider's pools hold against what the consumer records for them, and what the consumer records as delegated
 * against meta-staking's booking. Each check holds once packets have settled; `settled` says whether they have.
 */
export interface Solvency {
  ilpBonded: string;
  ilpBalance: string;
  providerStake: string;
  consumerProviderAmount: string;
  consumerLocal: string;
  metaDelegated: string;
  /** no packet in flight and every slash the consumer saw applied by the provider */
  settled: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}

/** A packet the consumer refused (error ack) or that timed out: the provider rolled the operation back. */
export interface FailureView {
  height: number;
  txHash: string;
  action: string;
  txId: string;
  owner: string;
  validator: string;
  reason: string;
}

export interface LinkView extends LinkStatus {
  lightClients: LightClient[];
  validatorSet: ValidatorView[] | null;
  slashes: SlashView[];
  rewards: { consumer: MeshConsumer.RewardTotal[]; provider: MeshProvider.RewardTotal[] } | null;
  solvency: Solvency | null;
  /** the latest rolled-back operations (newest first, at most FAILURES) */
  failures: FailureView[];
}

const FAILURES = 20;

export interface DashboardState extends MeshStatus {
  generatedAtMs: number;
  links: LinkView[];
}

const nsToMs = (ns: bigint | string) => Number(BigInt(ns) / 1_000_000n);

async function lightClient(s: ChainSession, connectionId: string): Promise<LightClient> {
  const connection = await s.query.ibc.connection.connection(connectionId);
  const clientId = connection.connection!.clientId;
  const state = await s.query.ibc.client.stateTm(clientId);
  const consensus = await s.query.ibc.client.consensusStateTm(clientId, state.latestHeight);
  const trusting = Number(state.trustingPeriod?.seconds ?? 0n);
  const updated = Number(consensus.timestamp?.seconds ?? 0n) * 1000 + Math.floor((consensus.timestamp?.nanos ?? 0) / 1e6);
  return { chain: s.spec.id, clientId, trustingPeriodSeconds: trusting, latestUpdateMs: updated, expiresAtMs: updated + trusting * 1000 };
}

const STATUS: Record<number, ValidatorView["status"]> = { 1: "unbonded", 2: "unbonding", 3: "bonded" };

async function validatorsOf(c: ChainSession, metaStaking: string): Promise<ValidatorView[]> {
  const all = [
    ...(await c.query.staking.validators("BOND_STATUS_BONDED")).validators,
    ...(await c.query.staking.validators("BOND_STATUS_UNBONDING")).validators,
  ];
  const meta = new MetaStakingQueryClient(c.client, metaStaking);
  const out: ValidatorView[] = [];
  for (const v of all) {
    const m = await meta.validator({ validator: v.operatorAddress });
    out.push({
      validator: v.operatorAddress, moniker: v.description?.moniker ?? "", status: STATUS[v.status] ?? "unbonded", jailed: v.jailed,
      remoteStake: m.delegated, onChain: m.on_chain, slashSeq: m.slash_seq, cumulative: m.cumulative,
    });
  }
  return out.sort((a, b) => a.validator.localeCompare(b.validator));
}

async function slashesOf(c: ChainSession, p: ChainSession, metaStaking: string, provider: string, validators: ValidatorView[]): Promise<SlashView[]> {
  const meta = new MetaStakingQueryClient(c.client, metaStaking);
  const prov = new MeshProviderQueryClient(p.client, provider);
  const out: SlashView[] = [];
  for (const v of validators.filter((x) => x.slashSeq > 0)) {
    const applied = (await prov.pool({ validator: v.validator })).slash_seq;
    for (let after = 0; ;) {
      const { events } = await meta.slashEvents({ validator: v.validator, startAfter: after, limit: 30 });
      for (const e of events) {
        out.push({
          validator: e.validator, seq: e.seq, fraction: e.fraction, height: e.height, timeMs: nsToMs(e.time), jailed: e.jailed,
          unbonding: e.unbonding ?? false, appliedByProvider: applied >= e.seq,
        });
      }
      if (events.length < 30) break;
      after = events[events.length - 1].seq;
    }
  }
  return out.sort((a, b) => a.timeMs - b.timeMs);
}

/** From the provider chain's tx index: acks and timeouts the provider settled as failures, with their reason. */
async function failuresOf(p: ChainSession, provider: string): Promise<FailureView[]> {
  const txs = await p.client.searchTx(`wasm._contract_address='${provider}' AND wasm.outcome='failure'`);
  const out: FailureView[] = [];
  for (const tx of txs) {
    for (const e of tx.events.filter((x) => x.type === "wasm")) {
      const attr = (k: string) => e.attributes.find((a) => a.key === k)?.value ?? "";
      if (attr("_contract_address") !== provider || attr("outcome") !== "failure") continue;
      out.push({ height: tx.height, txHash: tx.hash, action: attr("action"), txId: attr("tx_id"), owner: attr("owner"), validator: attr("validator"), reason: attr("reason") });
    }
  }
  return out.sort((a, b) => b.height - a.height).slice(0, FAILURES);
}

async function solvencyOf(p: ChainSession, c: ChainSession, ilp: string, provider: string, consumer: string, view: LinkView): Promise<Solvency> {
  const ilpBonded = BigInt((await new IlpQueryClient(p.client, ilp).totals()).bonded);
  const ilpBalance = BigInt((await p.client.getBalance(ilp, p.spec.denom)).amount);
  const records: MeshConsumer.RecordResponse[] = [];
  const cq = new MeshConsumerQueryClient(c.client, consumer);
  for (let after: string | undefined; ;) {
    const page = await cq.records({ startAfter: after, limit: 30 });
    records.push(...page.records);
    if (page.records.length < 30) break;
    after = page.records[page.records.length - 1].validator;
  }
  const pq = new MeshProviderQueryClient(p.client, provider);
  let providerStake = 0n;
  let slashesApplied = true;
  for (const r of records) {
    const pool = await pq.pool({ validator: r.validator });
    providerStake += BigInt(pool.value);
    const seen = view.validatorSet?.find((v) => v.validator === r.validator)?.slashSeq ?? 0;
    if (pool.slash_seq < seen) slashesApplied = false;
  }
  const consumerProviderAmount = records.reduce((sum, r) => sum + BigInt(r.provider_amount), 0n);
  const consumerLocal = records.reduce((sum, r) => sum + BigInt(r.local_amount), 0n);
  const metaDelegated = BigInt(view.consumerDelegated ?? "0");
  const inFlight = view.pendingPackets ? view.pendingPackets.toConsumer + view.pendingPackets.toProvider : 0;
  const settled = inFlight === 0 && slashesApplied;
  // Each side rounds its own slash arithmetic: one token per validator is rounding, not a shortfall.
  const slack = BigInt(records.length);
  const diff = (x: bigint, y: bigint) => (x > y ? x - y : y - x);
  return {
    ilpBonded: ilpBonded.toString(), ilpBalance: ilpBalance.toString(), providerStake: providerStake.toString(),
    consumerProviderAmount: consumerProviderAmount.toString(), consumerLocal: consumerLocal.toString(), metaDelegated: metaDelegated.toString(),
    settled,
    checks: [
      { name: "ILP holds its collateral", ok: ilpBalance >= ilpBonded, detail: `balance ${ilpBalance}, Σ bonded ${ilpBonded}` },
      { name: "provider stake = consumer records", ok: !settled || diff(providerStake, consumerProviderAmount) <= slack,
        detail: `${providerStake} in the provider's pools, ${consumerProviderAmount} recorded by the consumer${settled ? "" : " (packets or slashes in flight)"}` },
      { name: "consumer records = meta-staking", ok: consumerLocal === metaDelegated, detail: `${consumerLocal} recorded, ${metaDelegated} booked by meta-staking` },
    ],
  };
}

export async function collectDashboard(config: MeshConfig, sessions: Sessions, record: DeploymentRecord): Promise<DashboardState> {
  const status = await collectStatus(config, sessions, record);
  const links: LinkView[] = [];
  for (const l of status.links) {
    const view: LinkView = { ...l, lightClients: [], validatorSet: null, slashes: [], rewards: null, solvency: null, failures: [] };
    links.push(view);
    const lr = record.links[`${l.provider}->${l.consumer}`];
    const metaStaking = record.chains[l.consumer]?.meta_staking;
    if (!lr?.mesh_provider || !lr.mesh_consumer || !metaStaking) continue;
    try {
      const [p, c] = [await sessions.get(l.provider), await sessions.get(l.consumer)];
      if (lr.connection) view.lightClients = [await lightClient(p, lr.connection.provider), await lightClient(c, lr.connection.consumer)];
      view.validatorSet = await validatorsOf(c, metaStaking);
      view.slashes = await slashesOf(c, p, metaStaking, lr.mesh_provider, view.validatorSet);
      view.rewards = {
        consumer: (await new MeshConsumerQueryClient(c.client, lr.mesh_consumer).distribution()).totals,
        provider: (await new MeshProviderQueryClient(p.client, lr.mesh_provider).rewardTotals()).totals,
      };
      // A node without a tx index cannot answer: the panel stays empty rather than hiding the rest.
      view.failures = await failuresOf(p, lr.mesh_provider).catch(() => []);
      const ilp = record.chains[l.provider]?.ilp;
      if (ilp) view.solvency = await solvencyOf(p, c, ilp, lr.mesh_provider, lr.mesh_consumer, view);
    } catch (e) {
      view.error = (e as Error).message.split("\n")[0];
    }
  }
  return { ...status, links, generatedAtMs: Date.now() };
}

export interface UserLinkView {
  provider: string;
  consumer: string;
  meshProvider: string;
  stakes: MeshProvider.StakeResponse[];
  unbonding: MeshProvider.UnbondingEntry[];
  fromClosedChannels: MeshProvider.ClosedChannelStake[];
  rewards: MeshProvider.StakerReward[];
}

export interface UserView {
  address: string;
  /** per provider chain with an ILP: the account, settled */
  accounts: { chain: string; ilp: string; account: Ilp.AccountResponse }[];
  links: UserLinkView[];
}

/** One user's view: ILP accounts, and per mesh link the stakes, pending unbondings (release times) and rewards. */
export async function collectUser(config: MeshConfig, sessions: Sessions, record: DeploymentRecord, address: string): Promise<UserView> {
  const view: UserView = { address, accounts: [], links: [] };
  for (const chain of new Set(config.mesh.map((l) => l.provider))) {
    const ilp = record.chains[chain]?.ilp;
    if (!ilp) continue;
    const s = await sessions.get(chain);
    view.accounts.push({ chain, ilp, account: await new IlpQueryClient(s.client, ilp).account({ address }) });
  }
  for (const l of config.mesh) {
    const provider = record.links[`${l.provider}->${l.consumer}`]?.mesh_provider;
    if (!provider) continue;
    const q = new MeshProviderQueryClient((await sessions.get(l.provider)).client, provider);
    const unbonding = await q.unbonding({ owner: address });
    view.links.push({
      provider: l.provider, consumer: l.consumer, meshProvider: provider, stakes: (await q.stakes({ owner: address })).stakes,
      unbonding: unbonding.unbonding, fromClosedChannels: unbonding.from_closed_channels, rewards: (await q.rewards({ owner: address })).rewards,
    });
  }
  return view;
}

/** The link's contracts from the deployment record; throws when the mesh is not deployed. */
function linkContracts(record: DeploymentRecord, providerChain: string, consumerChain: string): { ilp: string; provider: string; consumer: string } {
  const lr = record.links[`${providerChain}->${consumerChain}`];
  const ilp = record.chains[providerChain]?.ilp;
  if (!lr?.mesh_provider || !lr.mesh_consumer || !ilp) throw new Error(`no mesh ${providerChain} -> ${consumerChain} in the deployment`);
  return { ilp, provider: lr.mesh_provider, consumer: lr.mesh_consumer };
}

const sessionQuery = (sessions: Sessions): ContractQuery => async (chain, contract, msg) => (await sessions.get(chain)).client.queryContractSmart(contract, msg);

export interface TraceStep {
  chain: string;
  height: number;
  txHash: string;
  step: string;
}

/**
 * One cross-stake (or unstake) followed through both chains by the provider's tx id: the user's transaction that
 * sent the packet, its receipt on the consumer (the delegation or the refusal), and the acknowledgement or timeout
 * that committed or rolled it back on the provider. From the chains' tx indexes.
 */
export async function traceOperation(
  sessions: Sessions, record: DeploymentRecord, providerChain: string, consumerChain: string, txId: number,
): Promise<TraceStep[]> {
  const link = linkContracts(record, providerChain, consumerChain);
  const [p, c] = [await sessions.get(providerChain), await sessions.get(consumerChain)];
  const txs = (await p.client.searchTx(`wasm._contract_address='${link.provider}' AND wasm.tx_id='${txId}'`)).sort((x, y) => x.height - y.height);
  if (txs.length === 0) throw new Error(`no operation with tx id ${txId} on ${providerChain}'s mesh-provider`);
  const attrs = (events: readonly { type: string; attributes: readonly { key: string; value: string }[] }[], type: string, contract?: string) =>
    events.filter((e) => e.type === type && (!contract || e.attributes.some((a) => a.key === "_contract_address" && a.value === contract)))
      .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])) as Record<string, string>);
  const steps: TraceStep[] = [];
  const [sent, ...later] = txs;
  const op = attrs(sent.events, "wasm", link.provider).find((a) => a.tx_id === String(txId)) ?? {};
  const grant = attrs(sent.events, "wasm").find((a) => a.action === "grant_claim");
  const packet = attrs(sent.events, "send_packet")[0];
  steps.push({
    chain: providerChain, height: sent.height, txHash: sent.hash,
    step: `${grant ? `grant_claim of ${grant.amount} by ${grant.owner} on the ILP → ` : ""}${op.action ?? "?"} ${op.amount ?? ""} to ${op.validator ?? "?"}`
      + (packet ? `: packet ${packet.packet_sequence} sent on ${packet.packet_src_channel}` : ""),
  });
  if (packet) {
    const received = await c.client.searchTx(`recv_packet.packet_sequence='${packet.packet_sequence}' AND recv_packet.packet_dst_channel='${packet.packet_dst_channel}'`);
    for (const r of received) {
      const mine = attrs(r.events, "wasm", link.consumer).find((a) => a.action === "stake" || a.action === "unstake");
      const ack = attrs(r.events, "write_acknowledgement")[0];
      const refused = ack?.packet_ack?.includes('"error"') ? JSON.parse(ack.packet_ack).error as string : null;
      steps.push({
        chain: consumerChain, height: r.height, txHash: r.hash,
        step: refused !== null ? `received and refused: ${refused}`
          : mine ? `received: ${mine.action} of ${mine.amount} → ${mine.local_amount} ${mine.action === "stake" ? "delegated" : "undelegated"} through meta-staking to ${mine.validator}`
            : "received",
      });
    }
  }
  for (const t of later) {
    const settled = attrs(t.events, "wasm", link.provider).find((a) => a.tx_id === String(txId));
    if (!settled) continue;
    steps.push({
      chain: providerChain, height: t.height, txHash: t.hash,
      step: `${settled.action}${settled.reason ? `: ${settled.reason}` : ""}${settled.shares ? ` (${settled.shares} shares)` : ""}${settled.release_at ? ` (released at ${new Date(Number(BigInt(settled.release_at) / 1_000_000n)).toISOString()})` : ""}`,
    });
  }
  return steps;
}

/** The what-if of a slash of `fraction` on `validator` of the link's consumer chain (src/dashboard/whatif.ts). */
export async function whatIfSlash(
  sessions: Sessions, record: DeploymentRecord, providerChain: string, consumerChain: string, validator: string, fraction: string, sinceBatch?: number,
): Promise<WhatIf> {
  const { ilp, provider, consumer } = linkContracts(record, providerChain, consumerChain);
  return predictSlash(sessionQuery(sessions), { providerChain, ilp, meshProvider: provider, consumerChain, meshConsumer: consumer }, validator, fraction, sinceBatch);
}

/** What unstaking `amount` of `owner`'s stake on `validator` through the link would return and when. */
export async function whatIfUnstake(
  sessions: Sessions, record: DeploymentRecord, providerChain: string, consumerChain: string, owner: string, validator: string, amount: bigint,
): Promise<WhatIfUnstake> {
  const { ilp, provider } = linkContracts(record, providerChain, consumerChain);
  const block = await (await sessions.get(providerChain)).client.getBlock();
  const nowNs = BigInt(Date.parse(block.header.time)) * 1_000_000n;
  return predictUnstake(sessionQuery(sessions), providerChain, ilp, provider, owner, validator, amount, nowNs);
}
