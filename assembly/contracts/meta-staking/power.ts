// The power rules (docs/economics.md §3–4): how much of the chain's bonded stake one consumer, and all consumers
// together, may hold. meta-staking is the one place that sees every consumer, so the rules live here: consumers ask
// (the power query) before they stake or re-value, and every delegate is checked against them.
//
//   bonded     x/staking's bonded tokens (the bonded_tokens_pool module account's balance)
//   remote     Σ booked for consumers; queued undelegations are still bonded but no consumer's
//   local      bonded − remote − queued: unaffected by anything a consumer does
//   max_remote local × (1 − m) ÷ m, so that remote ≤ (1 − m) × (local + remote) — the local share stays ≥ m
//   cap        (bonded − queued − delegated) × s ÷ (1 − s), so that delegated ≤ s × (bonded − queued) whatever this
//              consumer does (queued stake is leaving: it counts for nobody)
//   scale      min(1, max_remote ÷ Σ capped): every consumer's capped request is scaled by the same factor
import {
  Amount, Decimal, Env, fromUtf8, Map, Order, Uint128, queryBondedTokens,
} from "../../sdk";
import { PowerResponse } from "../../shared/meta-staking";
import { createPowerResponse } from "../../shared/meta-staking.codec";
import { CONFIG, CONSUMERS, Consumer, Pool, QUEUE, VALIDATORS } from "./state";

/** Σ of `amount` over every entry of `map` (validators with consumer stake: bounded by the chain's validators). */
function total<T>(map: Map<T>, amount: (value: T) => Uint128): Uint128 | null {
  let sum = Uint128.zero();
  const it = map.range([], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    const next = sum.checkedAdd(amount(e.value));
    if (next == null) return null;
    sum = next;
  }
  return sum;
}

/** What `share` of everything may be, given `rest` that is not ours: rest × share ÷ (1 − share), rounded down. */
function shareOfRest(rest: Uint128, share: Decimal): Uint128 | null {
  return rest.mulDivFloor(share.atomics, Decimal.one().checkedSub(share)!.atomics);
}

/** `consumer`'s cap with `delegated` booked for it, of `staying` bonded tokens; null: no cap. */
function capOf(c: Consumer, staying: Uint128, delegated: Uint128): Uint128 | null {
  const share = c.maxPowerShare;
  return share != null ? shareOfRest(staying.saturatingSub(delegated), share) : null;
}

/**
 * The rules as they apply to `consumer` (booked `delegated`), with `requested` instead of its last report when
 * given. Bounded by the validators with consumer stake and the number of consumers (set by governance).
 */
export function computePower(env: Env, consumer: string, record: Consumer, delegated: Uint128, requested: Uint128 | null): PowerResponse | null {
  const config = CONFIG.load();
  const bonded = queryBondedTokens(config.denom);
  if (bonded == null) return null;
  const remote = total<Pool>(VALIDATORS, (p: Pool): Uint128 => p.tokens);
  const queued = total<Amount>(QUEUE, (q: Amount): Uint128 => q.amount);
  if (remote == null || queued == null) return null;
  const local = bonded.saturatingSub(remote).saturatingSub(queued);
  const m = config.minLocalShare;
  let maxRemote: Uint128 | null = null;
  if (!m.isZero()) {
    maxRemote = local.mulDivFloor(Decimal.one().checkedSub(m)!.atomics, m.atomics);
    if (maxRemote == null) return null;
  }
  const cap = capOf(record, bonded.saturatingSub(queued), delegated);
  const asked = requested != null ? requested : record.requested;
  const capped = cap != null ? asked.min(cap) : asked;
  let total = capped;
  const it = CONSUMERS.range([], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    if (fromUtf8(e.key) == consumer) continue;
    const sum = total.checkedAdd(e.value.capped);
    if (sum == null) return null;
    total = sum;
  }
  let scale = Decimal.one();
  if (maxRemote != null && total.gt(maxRemote!)) scale = Decimal.fromRatio(maxRemote!, total)!;
  const effective = scale.mulFloor(capped);
  if (effective == null) return null;
  const factor = asked.isZero() ? Decimal.one() : Decimal.fromRatio(effective, asked);
  if (factor == null) return null;
  return createPowerResponse(bonded, remote, queued, local, m, maxRemote, record.maxPowerShare, cap, delegated, asked, capped, total, scale,
    effective, factor);
}

/** Whether either rule is set for `consumer` (neither: a delegate needs no bonded-stake query). */
export function powerRulesApply(record: Consumer): bool {
  return record.maxPowerShare != null || !CONFIG.load().minLocalShare.isZero();
}
