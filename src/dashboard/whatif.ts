// What-if: what a slash of `fraction` of validator V on a consumer chain would do, computed from the current state
// with the contracts' own rules (docs/slashing.md): each staker's stake on V through that provider loses the
// fraction (the provider's pool multiplier), the ILP takes the loss from the staker's collateral, and every other
// claim above what is left is capped to it — the other lienholders unstake the excess (the cascade to other chains).
// Unbonding stake is reached too: what waits in the validator's open batch on the consumer (still delegated there)
// loses the fraction at once; with `sinceBatch` (a double-sign whose infraction precedes those batches) the entries
// of batches already undelegated to x/staking lose it as well, found by meta-staking when they mature
// (docs/slashing.md §1, §3).
// The state comes through `query`, so the same code reads real chains (the dashboard) or the in-process host (the
// test that applies the slash afterwards and compares).
import { IlpQueryMsgBuilder } from "../contracts/Ilp.message-builder";
import type * as Ilp from "../contracts/Ilp.types";
import { MeshConsumerQueryMsgBuilder } from "../contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../contracts/MeshConsumer.types";
import { MeshProviderQueryMsgBuilder } from "../contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../contracts/MeshProvider.types";
import { MetaStakingQueryMsgBuilder } from "../contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../contracts/MetaStaking.types";

export type ContractQuery = <T>(chain: string, contract: string, msg: unknown) => Promise<T>;

export interface WhatIfClaim {
  lienholder: string;
  before: string;
  after: string;
}

export interface WhatIfOwner {
  owner: string;
  /** the owner's stake on the validator through the slashed link, and what the slash takes of it */
  stake: string;
  loss: string;
  /** the owner's unbonding entries on the validator the slash reaches (their batch ≥ the first batch reached) */
  unbonding: { id: number; batch: number; amount: string; loss: string }[];
  bondedBefore: string;
  bondedAfter: string;
  claims: WhatIfClaim[];
}

export interface WhatIf {
  validator: string;
  fraction: string;
  /** the validator's open batch on the consumer (its queue, still delegated) and the first batch the slash reaches */
  openBatch: number;
  fromBatch: number;
  owners: WhatIfOwner[];
  /** per other lienholder: how much its claims shrink (what it unstakes on its own consumer chain) */
  cascade: { lienholder: string; unstaked: string }[];
}

const ATOMICS = 10n ** 18n;

function atomics(d: string): bigint {
  if (!/^\d+(\.\d{1,18})?$/.test(d)) throw new Error(`not a decimal in [0, 1]: "${d}"`);
  const [whole, frac = ""] = d.split(".");
  return BigInt(whole) * ATOMICS + BigInt(frac.padEnd(18, "0"));
}

/** Every ILP account, page by page. */
async function accounts(query: ContractQuery, chain: string, ilp: string): Promise<Ilp.AccountResponse[]> {
  const out: Ilp.AccountResponse[] = [];
  for (let startAfter: string | undefined; ;) {
    const page = await query<Ilp.AllAccountsResponse>(chain, ilp, IlpQueryMsgBuilder.allAccounts({ startAfter, limit: 30 }));
    out.push(...page.accounts);
    if (!page.next_start_after) return out;
    startAfter = page.next_start_after;
  }
}

/** One mesh link: the provider chain's ILP and mesh-provider, the consumer chain's mesh-consumer. */
export interface WhatIfLink {
  providerChain: string;
  ilp: string;
  meshProvider: string;
  consumerChain: string;
  meshConsumer: string;
}

/** Every unbonding entry of the owner at the provider, page by page. */
async function unbondingEntries(query: ContractQuery, link: WhatIfLink, owner: string): Promise<MeshProvider.UnbondingEntry[]> {
  const out: MeshProvider.UnbondingEntry[] = [];
  for (let startAfter: number | undefined; ;) {
    const page = await query<MeshProvider.UnbondingResponse>(link.providerChain, link.meshProvider,
      MeshProviderQueryMsgBuilder.unbonding({ owner, startAfter, limit: 100 }));
    out.push(...page.unbonding);
    if (page.unbonding.length < 100) return out;
    startAfter = page.unbonding[page.unbonding.length - 1].id;
  }
}

/**
 * `sinceBatch`: the first undelegation batch of the validator the slash reaches (default: the open one — a slash now,
 * e.g. for downtime; an earlier one for a double-sign whose infraction precedes the batches after it).
 */
export async function predictSlash(query: ContractQuery, link: WhatIfLink, validator: string, fraction: string, sinceBatch?: number): Promise<WhatIf> {
  const f = atomics(fraction);
  if (f > ATOMICS) throw new Error(`a slash fraction is at most 1, got ${fraction}`);
  const consumerConfig = await query<MeshConsumer.ConfigResponse>(link.consumerChain, link.meshConsumer, MeshConsumerQueryMsgBuilder.config());
  const onConsumer = await query<MetaStaking.ValidatorResponse>(link.consumerChain, consumerConfig.meta_staking, MetaStakingQueryMsgBuilder.validator({ validator }));
  const openBatch = onConsumer.batch;
  const fromBatch = sinceBatch === undefined ? openBatch : Math.min(Math.max(sinceBatch, 1), openBatch);
  // The pools keep value = shares × multiplier, rounded down: what stays is the value × (1 − fraction), rounded down.
  const lossOf = (value: bigint) => value - (value * (ATOMICS - f)) / ATOMICS;
  const owners: WhatIfOwner[] = [];
  const cascade = new Map<string, bigint>();
  const { providerChain, ilp, meshProvider } = link;
  for (const account of await accounts(query, providerChain, ilp)) {
    const s = await query<MeshProvider.StakeResponse>(providerChain, meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: account.address, validator }));
    const stake = BigInt(s.staked);
    // Entries of a closed channel are in no batch (0): nothing on the consumer can slash them any more.
    const unbonding = (await unbondingEntries(query, link, account.address))
      .filter((e) => e.validator === validator && e.batch >= fromBatch && e.batch !== 0 && BigInt(e.amount) > 0n)
      .map((e) => ({ id: e.id, batch: e.batch, amount: e.amount, loss: lossOf(BigInt(e.amount)).toString() }));
    if (stake === 0n && unbonding.length === 0) continue;
    const loss = unbonding.reduce((sum, e) => sum + BigInt(e.loss), lossOf(stake));
    const bondedBefore = BigInt(account.bonded);
    const bondedAfter = bondedBefore > loss ? bondedBefore - loss : 0n;
    const claims = account.claims.map((c) => {
      const before = BigInt(c.amount);
      const own = c.lienholder === meshProvider ? (before > loss ? before - loss : 0n) : before;
      const after = own < bondedAfter ? own : bondedAfter;
      if (c.lienholder !== meshProvider && after < before) cascade.set(c.lienholder, (cascade.get(c.lienholder) ?? 0n) + before - after);
      return { lienholder: c.lienholder, before: before.toString(), after: after.toString() };
    });
    owners.push({ owner: account.address, stake: stake.toString(), loss: loss.toString(), unbonding, bondedBefore: bondedBefore.toString(), bondedAfter: bondedAfter.toString(), claims });
  }
  return {
    validator, fraction, openBatch, fromBatch, owners,
    cascade: [...cascade].map(([lienholder, unstaked]) => ({ lienholder, unstaked: unstaked.toString() })),
  };
}

export interface WhatIfUnstake {
  owner: string;
  validator: string;
  /** what the unstake would take: the stake's value now, at most what is staked */
  amount: string;
  /** the owner's claim on the provider afterwards stays until the release (ns as a decimal string) */
  earliestReleaseAt: string;
  /** the packet must be acknowledged first: at the latest the release moves by the packet timeout */
  latestReleaseAt: string;
  /** the owner's free collateral in the ILP once released (with the owner's earlier unbondings released too) */
  freeAfterRelease: string;
}

/**
 * What unstaking `amount` of the owner's stake on `validator` would return and when: the provider releases the claim
 * one unbonding period after the acknowledgement (which comes within the packet timeout); a slash in between would
 * take its part of it (see predictSlash).
 */
export async function predictUnstake(
  query: ContractQuery, providerChain: string, ilp: string, meshProvider: string, owner: string, validator: string, amount: bigint, nowNs: bigint,
): Promise<WhatIfUnstake> {
  const stake = await query<MeshProvider.StakeResponse>(providerChain, meshProvider, MeshProviderQueryMsgBuilder.stake({ owner, validator }));
  const config = await query<MeshProvider.ConfigResponse>(providerChain, meshProvider, MeshProviderQueryMsgBuilder.config());
  const account = await query<Ilp.AccountResponse>(providerChain, ilp, IlpQueryMsgBuilder.account({ address: owner }));
  const staked = BigInt(stake.staked);
  const taken = amount < staked ? amount : staked;
  const earliest = nowNs + BigInt(config.unbonding_period_seconds) * 1_000_000_000n;
  // By then the owner's earlier unbondings on this provider have been released too (same period, started earlier).
  const unbonding = await query<MeshProvider.UnbondingResponse>(providerChain, meshProvider, MeshProviderQueryMsgBuilder.unbonding({ owner }));
  const releasedBefore = [...unbonding.unbonding, ...unbonding.from_closed_channels]
    .filter((e) => BigInt(e.release_at) <= earliest).reduce((sum, e) => sum + BigInt(e.amount), 0n);
  // The claim on this provider shrinks by what is released; the largest claim then bounds the free collateral.
  const claims = account.claims.map((c) => {
    if (c.lienholder !== meshProvider) return BigInt(c.amount);
    const left = BigInt(c.amount) - taken - releasedBefore;
    return left > 0n ? left : 0n;
  });
  const largest = claims.reduce((m, c) => (c > m ? c : m), 0n);
  return {
    owner, validator, amount: taken.toString(), earliestReleaseAt: earliest.toString(),
    latestReleaseAt: (earliest + BigInt(config.packet_timeout_seconds) * 1_000_000_000n).toString(),
    freeAfterRelease: (BigInt(account.bonded) - largest).toString(),
  };
}
