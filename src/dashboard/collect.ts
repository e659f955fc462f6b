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

export interface LinkView extends LinkStatus {
  lightClients: LightClient[];
  validatorSet: ValidatorView[] | null;
  slashes: SlashView[];
  rewards: { consumer: MeshConsumer.RewardTotal[]; provider: MeshProvider.RewardTotal[] } | null;
}

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

export async function collectDashboard(config: MeshConfig, sessions: Sessions, record: DeploymentRecord): Promise<DashboardState> {
  const status = await collectStatus(config, sessions, record);
  const links: LinkView[] = [];
  for (const l of status.links) {
    const view: LinkView = { ...l, lightClients: [], validatorSet: null, slashes: [], rewards: null };
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
