// Rewards kept apart from the governance fund and attributed per consumer and validator (docs/rewards.md §1).
// x/distribution pays meta-staking's rewards into its balance on an explicit withdrawal and on every change of a
// delegation. Before any staking message for a validator, harvest() books what x/distribution would pay now and
// withdraws it with a message of its own, placed first, so the staking message's automatic withdrawal pays nothing:
// every unit booked is a unit received, and nothing else ever moves meta-staking's rewards.
import {
  Amount, addCoin, BankMsg, Coin, Decimal, DistributionMsg, Order, Response, Uint128, fromUtf8, queryDelegationRewards, splitFirstKey,
  utf8, RewardIndex,
} from "../../sdk";
import { RewardInfo } from "../../shared/meta-staking";
import { createRewardInfo } from "../../shared/meta-staking.codec";
import { noteInflow, noteOutflow, noteWithdrawal } from "./ledger";
import {
  CONFIG, Pool, REWARDS_HELD, REWARDS_OWED, REWARD_INDEX, REWARD_PAID, consumerRewardKey, denomKey, rewardIndexKey, validatorKey,
} from "./state";

/** Validators harvested in this execution: x/distribution pays once, when the first withdrawal message runs. */
const harvested = new Array<string>();

export function heldOf(denom: string): Uint128 {
  const h = REWARDS_HELD.may_load(denomKey(denom));
  return h != null ? h.amount : Uint128.zero();
}

function addHeld(denom: string, delta: Uint128, add: bool): bool {
  const now = heldOf(denom);
  const next = add ? now.checkedAdd(delta) : now.checkedSub(delta);
  if (next == null) return false;
  if (next.isZero()) REWARDS_HELD.remove(denomKey(denom)); else REWARDS_HELD.save(denomKey(denom), new Amount(next));
  return true;
}

function indexOf(validator: string, denom: string): Decimal {
  const i = REWARD_INDEX.may_load(rewardIndexKey(validator, denom));
  return i != null ? i.index : Decimal.zero();
}

/** The pool's part of `accrued`: pro rata to pool tokens among everything delegated (pool + queue), rounded down. */
function poolPart(accrued: Uint128, pool: Pool, queued: Uint128): Uint128 | null {
  if (pool.shares.isZero() || pool.tokens.isZero()) return Uint128.zero();
  const staked = pool.tokens.checkedAdd(queued);
  if (staked == null) return null;
  return accrued.mulDivFloor(pool.tokens, staked);
}

/** The index after `part` is shared among `shares`, rounded down. */
function raisedIndex(index: Decimal, part: Uint128, shares: Uint128): Decimal | null {
  const delta = Decimal.fromRatio(part, shares);
  return delta != null ? index.checkedAdd(delta) : null;
}

/**
 * Books the rewards x/distribution has accrued on `validator` since the last harvest and withdraws them: the pool's
 * part raises the validator's index per share and is held for consumers; the queue's part and the rounding are the
 * fund's (an undelegation stops earning when it is requested). `pool` and `queued` must be current (slashes
 * booked). Once per validator and execution. Returns false when a query or the arithmetic failed (error recorded).
 */
export function harvest(contract: string, validator: string, pool: Pool, queued: Uint128, response: Response): bool {
  if (harvested.includes(validator)) return true;
  harvested.push(validator);
  const accrued = queryDelegationRewards(contract, validator);
  if (accrued == null) return false;
  if (accrued.length == 0) return true;
  const bondDenom = CONFIG.load().denom;
  for (let i = 0; i < accrued.length; i++) {
    const coin = accrued[i];
    if (coin.denom == bondDenom) noteInflow(coin.amount);
    const part = poolPart(coin.amount, pool, queued);
    if (part == null) return false;
    if (part.isZero()) continue;
    const index = raisedIndex(indexOf(validator, coin.denom), part, pool.shares);
    if (index == null || !addHeld(coin.denom, part, true)) return false;
    REWARD_INDEX.save(rewardIndexKey(validator, coin.denom), new RewardIndex(index));
    response.addAttribute("reward_" + coin.denom, validator + ":" + coin.amount.toString() + ":" + part.toString());
  }
  response.addMessage(DistributionMsg.withdrawDelegatorReward(validator));
  noteWithdrawal();
  return true;
}

/**
 * Adds what `shares` of the validator's pool earned since the consumer was last settled to what it is owed, and
 * marks it settled at the current index (a new delegation starts there). Call before the consumer's shares change.
 */
export function settleRewards(consumer: string, validator: string, shares: Uint128): bool {
  const it = REWARD_INDEX.range(validatorKey(validator), null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    const denom = fromUtf8(e.key);
    const key = consumerRewardKey(consumer, validator, denom);
    const paid = REWARD_PAID.may_load(key);
    const earned = unsettled(e.value.index, paid != null ? paid.index : Decimal.zero(), shares);
    if (earned == null) return false;
    if (!earned.isZero()) {
      const owed = REWARDS_OWED.may_load(key);
      const total = earned.checkedAdd(owed != null ? owed.amount : Uint128.zero());
      if (total == null) return false;
      REWARDS_OWED.save(key, new Amount(total));
    }
    REWARD_PAID.save(key, new RewardIndex(e.value.index));
  }
  return true;
}

function unsettled(index: Decimal, paid: Decimal, shares: Uint128): Uint128 | null {
  if (shares.isZero() || !paid.lt(index)) return Uint128.zero();
  const gap = index.checkedSub(paid);
  return gap != null ? gap.mulFloor(shares) : null;
}

/** Pays everything the consumer is owed (every validator, every denom) and returns the split; removes what it pays. */
export function payOwed(consumer: string, response: Response): RewardInfo[] | null {
  const paid = new Array<RewardInfo>();
  const totals = new Array<Coin>();
  const keys = new Array<Uint8Array[]>();
  const it = REWARDS_OWED.range([utf8(consumer)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    const parts = splitFirstKey(e.key);
    const validator = fromUtf8(parts[0]);
    const denom = fromUtf8(parts[1]);
    paid.push(createRewardInfo(validator, denom, e.value.amount));
    keys.push(consumerRewardKey(consumer, validator, denom));
    if (!addCoin(totals, denom, e.value.amount)) return null;
  }
  for (let i = 0; i < keys.length; i++) REWARDS_OWED.remove(keys[i]);
  const bondDenom = CONFIG.load().denom;
  for (let i = 0; i < totals.length; i++) {
    if (!addHeld(totals[i].denom, totals[i].amount, false)) return null;
    if (totals[i].denom == bondDenom) noteOutflow(totals[i].amount);
  }
  if (totals.length > 0) response.addMessage(BankMsg.send(consumer, totals));
  return paid;
}

/**
 * What a claim would pay the consumer on `validator` now, per denom: owed + unsettled at the index + its part of
 * what x/distribution accrued and is not harvested yet (as harvest would book it). For queries; writes nothing.
 */
export function pendingRewards(contract: string, consumer: string, validator: string, pool: Pool, queued: Uint128, shares: Uint128): RewardInfo[] | null {
  const out = new Array<RewardInfo>();
  const accrued = shares.isZero() ? new Array<Coin>() : queryDelegationRewards(contract, validator);
  if (accrued == null) return null;
  const denoms = new Array<string>();
  const it = REWARD_INDEX.range(validatorKey(validator), null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) denoms.push(fromUtf8(e.key));
  const owedIt = REWARDS_OWED.range([utf8(consumer), utf8(validator)], null, false, null, Order.Ascending);
  for (let e = owedIt.next(); e != null; e = owedIt.next()) if (!denoms.includes(fromUtf8(e.key))) denoms.push(fromUtf8(e.key));
  for (let i = 0; i < accrued.length; i++) if (!denoms.includes(accrued[i].denom)) denoms.push(accrued[i].denom);
  denoms.sort((a: string, b: string): i32 => (a < b ? -1 : a > b ? 1 : 0));
  for (let d = 0; d < denoms.length; d++) {
    const denom = denoms[d];
    const key = consumerRewardKey(consumer, validator, denom);
    const owed = REWARDS_OWED.may_load(key);
    const paid = REWARD_PAID.may_load(key);
    let index = indexOf(validator, denom);
    for (let i = 0; i < accrued.length; i++) {
      if (accrued[i].denom != denom) continue;
      const part = poolPart(accrued[i].amount, pool, queued);
      if (part == null) return null;
      if (part.isZero()) continue;
      const next = raisedIndex(index, part, pool.shares);
      if (next == null) return null;
      index = next;
    }
    const earned = unsettled(index, paid != null ? paid.index : Decimal.zero(), shares);
    if (earned == null) return null;
    const total = earned.checkedAdd(owed != null ? owed.amount : Uint128.zero());
    if (total == null) return null;
    if (!total.isZero()) out.push(createRewardInfo(validator, denom, total));
  }
  return out;
}
