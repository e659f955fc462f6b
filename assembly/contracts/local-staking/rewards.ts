// Rewards of local stake (docs/local-staking.md §4): meta-staking holds them per consumer and validator. Before the
// shares of a validator change, what meta-staking would pay for it now (its `rewards` query for that validator) is
// folded into the validator's index (rewards per share), so rewards are shared by the shares that earned them: a
// later staker gets none of what accrued before, a leaving one keeps what accrued while staked. Every share change
// comes with a delegate or undelegate, in which meta-staking harvests the validator and owes us what it folded, so
// any later claim pays it. A permissionless collect_rewards (and every withdraw_rewards, before paying) claims a page
// of validators into this contract; what it pays beyond what was folded is folded then. An owner's stake is settled at the index before its shares change and when the owner withdraws:
// owed += shares × (index − paid). O(1) per owner and validator, whatever the number of stakers or collections.
import {
  Amount, BankMsg, Coin, CosmosMsg, Decimal, Env, MessageInfo, Order, Reply, ReplyOn, Response, SubMsg, Uint128, WasmMsg, fail, fromUtf8,
  nonpayable, querySmart, readLenient, unknownReplyId, utf8, RewardIndex,
} from "../../sdk";
import { claimedRewards } from "../../shared/claimed-rewards";
import {
  createClaimRewards, createRewardsQuery, encodeClaimRewards, encodeRewardsQuery, readRewardsResponse,
} from "../../shared/meta-staking.codec";
import { REWARDS_PAGE } from "../../shared/meta-staking";
import { noRewards } from "./errors";
import { RewardAmount } from "./msg";
import { createRewardAmount } from "./msg.codec";
import {
  COLLECT_CURSOR, CONFIG, Cursor, POOLS, REWARDS_OWED, REWARD_FOLDED, REWARD_INDEX, REWARD_PAID, STAKES, ownerKey, validatorKey,
} from "./state";

export const REPLY_COLLECT: u64 = 1;

function folded(validator: string, denom: string): Uint128 {
  const f = REWARD_FOLDED.may_load([utf8(validator), utf8(denom)]);
  return f != null ? f.amount : Uint128.zero();
}

function saveFolded(validator: string, denom: string, amount: Uint128): void {
  if (amount.isZero()) REWARD_FOLDED.remove([utf8(validator), utf8(denom)]);
  else REWARD_FOLDED.save([utf8(validator), utf8(denom)], new Amount(amount));
}

/** Raises the validator's index by `amount` ÷ its stakers' shares; with no shares nobody earned it (false). */
function raiseIndex(validator: string, denom: string, amount: Uint128): bool {
  const pool = POOLS.may_load(validatorKey(validator));
  if (pool == null || pool.shares.isZero() || amount.isZero()) return false;
  const key = [utf8(validator), utf8(denom)];
  const current = REWARD_INDEX.may_load(key);
  REWARD_INDEX.save(key, new RewardIndex((current != null ? current.index : Decimal.zero()).checkedAdd(Decimal.fromRatio(amount, pool.shares)!)!));
  return true;
}

/**
 * Folds what meta-staking would pay for `validator` now, and has not been folded yet, into its index: call before
 * the validator's shares change. Returns false when the query failed (error recorded).
 */
export function foldRewards(env: Env, validator: string): bool {
  const answer = querySmart(CONFIG.load().metaStaking, encodeRewardsQuery(createRewardsQuery(env.contractAddress, validator)));
  const pending = readLenient(answer, "meta-staking rewards", readRewardsResponse);
  if (pending == null) return false;
  for (let i = 0; i < pending.rewards.length; i++) {
    const r = pending.rewards[i];
    if (r.validator != validator) continue;
    const already = folded(validator, r.denom);
    if (r.amount.gt(already) && raiseIndex(validator, r.denom, r.amount.checkedSub(already)!)) saveFolded(validator, r.denom, r.amount);
  }
  return true;
}

function addOwed(owner: string, denom: string, amount: Uint128): void {
  if (amount.isZero()) return;
  const key = [utf8(owner), utf8(denom)];
  const o = REWARDS_OWED.may_load(key);
  REWARDS_OWED.save(key, new Amount(amount.checkedAdd(o != null ? o.amount : Uint128.zero())!));
}

/** Settles the owner's stake of `shares` on the validator at its current index (call before the shares change). */
export function settleRewards(owner: string, validator: string, shares: Uint128): void {
  const it = REWARD_INDEX.range(validatorKey(validator), null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    const denom = fromUtf8(e.key);
    const key = [utf8(owner), utf8(validator), utf8(denom)];
    const paid = REWARD_PAID.may_load(key);
    const delta = e.value.index.checkedSub(paid != null ? paid.index : Decimal.zero())!;
    addOwed(owner, denom, delta.mulFloor(shares)!);
    REWARD_PAID.save(key, new RewardIndex(e.value.index));
  }
}

/** The owner left the validator: its settled indexes are no longer needed. */
export function forgetPaid(owner: string, validator: string): void {
  const keys = new Array<Uint8Array>();
  const it = REWARD_PAID.range([utf8(owner), utf8(validator)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) keys.push(e.key);
  for (let i = 0; i < keys.length; i++) REWARD_PAID.remove([utf8(owner), utf8(validator), keys[i]]);
}

/** meta-staking's claim_rewards from where the last collection stopped (wrapping around at the end). */
function claimFromCursor(limit: u32): CosmosMsg {
  const cursor = COLLECT_CURSOR.may_load();
  return WasmMsg.execute(CONFIG.load().metaStaking, encodeClaimRewards(createClaimRewards(cursor != null ? cursor.startAfter : null, limit)), []);
}

export function collectRewards(info: MessageInfo, limit: u32): Response | null {
  if (!nonpayable(info)) return null;
  return new Response().addSubMessage(new SubMsg(REPLY_COLLECT, claimFromCursor(limit), ReplyOn.Success)).addAttribute("action", "collect_rewards");
}

/** After the claim: each validator's index rises by what it paid ÷ its stakers' shares (stakeless: left as dust). */
export function reply(env: Env, reply: Reply): Response | null {
  if (reply.id != REPLY_COLLECT) return fail<Response>(unknownReplyId(reply.id));
  const paid = claimedRewards(reply);
  if (paid == null) return null;
  COLLECT_CURSOR.save(new Cursor(paid.nextStartAfter));
  const response = new Response().addAttribute("action", "rewards_collected");
  for (let i = 0; i < paid.rewards.length; i++) {
    const r = paid.rewards[i];
    // What was folded before is in the index already; only the rest is new (accrued since the last fold).
    const already = folded(r.validator, r.denom);
    saveFolded(r.validator, r.denom, already.saturatingSub(r.amount));
    raiseIndex(r.validator, r.denom, r.amount.saturatingSub(already));
    response.addAttribute("validator", r.validator).addAttribute("denom", r.denom).addAttribute("amount", r.amount.toString());
  }
  const next = paid.nextStartAfter;
  return response.addAttribute("next_start_after", next != null ? next : "");
}

function addTo(denoms: string[], amounts: Uint128[], denom: string, amount: Uint128): void {
  const i = denoms.indexOf(denom);
  if (i >= 0) amounts[i] = amounts[i].checkedAdd(amount)!;
  else {
    denoms.push(denom);
    amounts.push(amount);
  }
}

/** What withdraw_rewards would pay the owner now, per denom in denom order; reads only (the rewards query). */
export function owedRewards(owner: string): RewardAmount[] {
  const denoms = new Array<string>();
  const amounts = new Array<Uint128>();
  const owed = REWARDS_OWED.range(ownerKey(owner), null, false, null, Order.Ascending);
  for (let e = owed.next(); e != null; e = owed.next()) addTo(denoms, amounts, fromUtf8(e.key), e.value.amount);
  const it = STAKES.range(ownerKey(owner), null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    const validator = fromUtf8(e.key);
    const idx = REWARD_INDEX.range(validatorKey(validator), null, false, null, Order.Ascending);
    for (let x = idx.next(); x != null; x = idx.next()) {
      const denom = fromUtf8(x.key);
      const paid = REWARD_PAID.may_load([utf8(owner), utf8(validator), utf8(denom)]);
      addTo(denoms, amounts, denom, x.value.index.checkedSub(paid != null ? paid.index : Decimal.zero())!.mulFloor(e.value.shares)!);
    }
  }
  const out = new Array<RewardAmount>();
  const order = denoms.slice(0).sort();
  for (let i = 0; i < order.length; i++) {
    const amount = amounts[denoms.indexOf(order[i])];
    if (!amount.isZero()) out.push(createRewardAmount(order[i], amount));
  }
  return out;
}

export function withdrawRewards(info: MessageInfo): Response | null {
  if (!nonpayable(info)) return null;
  const owner = info.sender;
  const it = STAKES.range(ownerKey(owner), null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) settleRewards(owner, fromUtf8(e.key), e.value.shares);
  const coins = new Array<Coin>();
  const denoms = new Array<string>();
  const owed = REWARDS_OWED.range(ownerKey(owner), null, false, null, Order.Ascending);
  for (let e = owed.next(); e != null; e = owed.next()) {
    denoms.push(fromUtf8(e.key));
    if (!e.value.amount.isZero()) coins.push(new Coin(fromUtf8(e.key), e.value.amount));
  }
  for (let i = 0; i < denoms.length; i++) REWARDS_OWED.remove([utf8(owner), utf8(denoms[i])]);
  if (coins.length == 0) return fail<Response>(noRewards(owner));
  // Claim first: what was folded and not collected yet is owed by meta-staking, and arrives before the send.
  return new Response().addSubMessage(new SubMsg(REPLY_COLLECT, claimFromCursor(REWARDS_PAGE), ReplyOn.Success))
    .addMessage(BankMsg.send(owner, coins)).addAttribute("action", "withdraw_rewards")
    .addAttribute("owner", owner).addAttribute("denoms", coins.length.toString());
}
