// local-staking (docs/local-staking.md): ILP collateral staked on its own chain. It is a custody lienholder of the
// ILP — a grant_claim to it sends the claim's tokens, which it delegates — and the administrator and only consumer
// of its own meta-staking instance, which does everything that touches x/staking: slash evidence from chain state,
// undelegation batches within x/staking's max_entries, and the ledger that finds slashed unbonding entries when they
// mature. What this contract adds is the per-owner side:
//   * an owner's stake is a share of our delegation to the validator: a slash lowers every owner's value at once;
//   * an unstake becomes an entry of meta-staking's open batch of that validator; the batch's later slash events
//     (queue slashes, then x/staking's on its entry) lower it; once meta-staking reports the batch paid, the owner's
//     withdraw takes the tokens out of meta-staking's fund and returns them to the ILP with release_claim;
//   * each record keeps `settled`, the part of the owner's claim it holds; settling sends the ILP the difference to
//     the record's value (slash_claim), which caps the owner's remote claims (their providers unstake the excess);
//   * a cap from the ILP (a remote slash left less collateral than staked here) unstakes the excess at once.
// Invariant (tests): Σ settled over an owner's records = what the ILP counts as held for the owner; Σ of owners'
// stake values on a validator ≤ our delegation there; Σ entry values of a paid batch ≤ what meta-staking received.
import {
  Coin, Decimal, Env, JsonValue, MessageInfo, Order, Response, Uint128, WasmMsg, fail, fromUtf8, mustPay, nonpayable, querySmart,
  readLenient, u64FromKey, utf8, validateAddress, zeroAmount,
} from "../../sdk";
import { ClaimCapped, LienTermsQuery, PendingSlashQuery, ReceiveClaim } from "../../shared/lien";
import {
  createLienTermsResponse, createPendingSlashResponse, createReleaseClaim, createSlashClaim, encodeLienTermsResponse, encodePendingSlashResponse,
  encodeReleaseClaim, encodeSlashClaim,
} from "../../shared/lien.codec";
import { DelegationResponse, SLASH_EVENTS_PAGE, UnbondingBatchResponse } from "../../shared/meta-staking";
import {
  createConfigQuery, createDelegate, createDelegationQuery, createFund, createRewardTotalsQuery, createSlashEventsQuery, createUnbondingBatchQuery,
  createUndelegate, createWithdrawFunds, encodeConfigQuery, encodeDelegate, encodeDelegationQuery, encodeFund, encodeRewardTotalsQuery,
  encodeSlashEventsQuery, encodeUnbondingBatchQuery, encodeUndelegate, encodeWithdrawFunds, readConfigResponse, readDelegationResponse,
  readRewardTotalsResponse, readSlashEventsResponse, readUnbondingBatchResponse,
} from "../../shared/meta-staking.codec";
import { beginMigration, finishMigration, recordVersion } from "../../shared/migrate";
import {
  custodyFundsMismatch, insufficientStake, invalidMaxSlash, notIlp, nothingToWithdraw, slashedToZero, tooManyUnbonding,
} from "./errors";
import {
  CollectRewards, ConfigQuery, MAX_UNBONDING_ENTRIES, RewardsQuery, Settle, StakeInfo, StakesQuery, UnbondingInfo, Unstake, WithdrawRewards,
  WithdrawUnbonded,
} from "./msg";
import { collectRewards, foldRewards, forgetPaid, owedRewards, settleRewards, withdrawRewards } from "./rewards";
export { reply } from "./rewards";
import {
  createConfigResponse, createRewardsResponse, createStakeInfo, createStakesResponse, createUnbondingInfo, createUnbondingResponse, decodeExecuteMsg,
  decodeInstantiateMsg, decodeMigrateMsg, decodeQueryMsg, encodeConfigResponse, encodeRewardsResponse, encodeStakesResponse, encodeUnbondingResponse,
} from "./msg.codec";
import {
  CONFIG, Config, NEXT_ID, NextId, POOLS, STAKES, Shares, Stake, UNBONDING, Unbonding, ownerKey, stakeKey, unbondingKey, validatorKey,
} from "./state";
import { UnbondingQuery } from "./msg";

export function instantiate(env: Env, info: MessageInfo, json: JsonValue): Response | null {
  const msg = decodeInstantiateMsg(json);
  if (msg == null || !nonpayable(info)) return null;
  if (validateAddress(msg.ilp, "ilp") == null || validateAddress(msg.metaStaking, "meta_staking") == null) return null;
  if (!msg.maxSlash.lt(Decimal.one())) return fail<Response>(invalidMaxSlash(msg.maxSlash.toString()));
  const meta = readLenient(querySmart(msg.metaStaking, encodeConfigQuery(createConfigQuery())), "meta-staking config", readConfigResponse);
  if (meta == null) return null;
  CONFIG.save(new Config(msg.ilp, msg.metaStaking, msg.maxSlash, meta.denom));
  NEXT_ID.save(new NextId(1));
  recordVersion("local-staking");
  return new Response().addAttribute("action", "instantiate").addAttribute("denom", meta.denom);
}

export function execute(env: Env, info: MessageInfo, json: JsonValue): Response | null {
  const msg = decodeExecuteMsg(json);
  if (msg == null) return null;
  if (msg instanceof ReceiveClaim) return receiveClaim(env, info, <ReceiveClaim>msg);
  if (msg instanceof ClaimCapped) return claimCapped(env, info, (<ClaimCapped>msg).owner, (<ClaimCapped>msg).amount);
  if (msg instanceof Unstake) return unstake(env, info, (<Unstake>msg).validator, (<Unstake>msg).amount);
  if (msg instanceof WithdrawUnbonded) return withdrawUnbonded(env, info);
  if (msg instanceof CollectRewards) return collectRewards(info, (<CollectRewards>msg).limit);
  if (msg instanceof WithdrawRewards) return withdrawRewards(info);
  return settle(env, info, (<Settle>msg).owner);
}

export function migrate(env: Env, json: JsonValue): Response | null {
  if (decodeMigrateMsg(json) == null) return null;
  const from = beginMigration("local-staking", ["ilp", "meta_staking"]);
  if (from == null) return null;
  return finishMigration("local-staking", from);
}

// ---------------------------------------------------------------------------------------------------------------
// meta-staking

function delegationOf(env: Env, validator: string): DelegationResponse | null {
  const answer = querySmart(CONFIG.load().metaStaking, encodeDelegationQuery(createDelegationQuery(env.contractAddress, validator)));
  return readLenient(answer, "meta-staking delegation", readDelegationResponse);
}

function poolShares(validator: string): Uint128 {
  const p = POOLS.may_load(validatorKey(validator));
  return p != null ? p.shares : Uint128.zero();
}

function savePool(validator: string, shares: Uint128): void {
  if (shares.isZero()) POOLS.remove(validatorKey(validator)); else POOLS.save(validatorKey(validator), new Shares(shares));
}

/** What `shares` of our delegation `delegated` (all owners' `total` shares) are worth, rounded down. */
function valueOf(shares: Uint128, total: Uint128, delegated: Uint128): Uint128 {
  return total.isZero() ? Uint128.zero() : shares.mulDivFloor(delegated, total)!;
}

/**
 * An entry's value now: its amount × Π (1 − fraction) over the slash events of its batch after it joined — the
 * queue's while the batch waited, then x/staking's on the batch's entry (found when it matured). Rounded down.
 */
function entryValue(u: Unbonding): Uint128 | null {
  const meta = CONFIG.load().metaStaking;
  let kept = Decimal.one();
  let after = u.joinSeq;
  for (;;) {
    const answer = querySmart(meta, encodeSlashEventsQuery(createSlashEventsQuery(u.validator, after, SLASH_EVENTS_PAGE)));
    const page = readLenient(answer, "meta-staking slash_events", readSlashEventsResponse);
    if (page == null) return null;
    for (let i = 0; i < page.events.length; i++) {
      const e = page.events[i];
      after = e.seq;
      if (e.batch != u.batch) continue;
      const next = kept.checkedMul(Decimal.one().checkedSub(e.fraction)!);
      if (next == null) return null;
      kept = next;
    }
    if (<u32>page.events.length < SLASH_EVENTS_PAGE) break;
  }
  return kept.mulFloor(u.amount);
}

/** meta-staking's status of the entry's batch: "open", "unbonding" (with its completion) or "paid". */
function batchStatus(u: Unbonding): UnbondingBatchResponse | null {
  const answer = querySmart(CONFIG.load().metaStaking, encodeUnbondingBatchQuery(createUnbondingBatchQuery(u.validator, u.batch)));
  return readLenient(answer, "meta-staking unbonding_batch", readUnbondingBatchResponse);
}

// ---------------------------------------------------------------------------------------------------------------
// Stake

function receiveClaim(env: Env, info: MessageInfo, claim: ReceiveClaim): Response | null {
  const config = CONFIG.load();
  if (info.sender != config.ilp) return fail<Response>(notIlp(info.sender, config.ilp));
  const paid = mustPay(info, config.denom);
  if (paid == null) return null;
  if (!paid.eq(claim.amount)) return fail<Response>(custodyFundsMismatch(claim.amount, paid));
  const validator = claim.validator;
  const d = delegationOf(env, validator);
  if (d == null) return null;
  const total = poolShares(validator);
  if (!total.isZero() && d.amount.isZero()) return fail<Response>(slashedToZero(validator));
  // New shares at the pool's rate, rounded down (against the one joining, so nobody else's value drops).
  const added = total.isZero() ? claim.amount : claim.amount.mulDivFloor(total, d.amount)!;
  const key = stakeKey(claim.owner, validator);
  const existing = STAKES.may_load(key);
  const stake = existing != null ? existing : new Stake(Uint128.zero(), Uint128.zero());
  // Rewards accrued so far belong to the shares that earned them: fold them in before new shares join.
  if (!foldRewards(env, validator)) return null;
  settleRewards(claim.owner, validator, stake.shares);
  stake.shares = stake.shares.checkedAdd(added)!;
  stake.settled = stake.settled.checkedAdd(claim.amount)!;
  STAKES.save(key, stake);
  savePool(validator, total.checkedAdd(added)!);
  // meta-staking delegates from its fund: the tokens go there first (its delegate refuses an unknown validator).
  return new Response()
    .addMessage(WasmMsg.execute(config.metaStaking, encodeFund(createFund()), [new Coin(config.denom, claim.amount)]))
    .addMessage(WasmMsg.execute(config.metaStaking, encodeDelegate(createDelegate(validator, claim.amount)), []))
    .addAttribute("action", "stake")
    .addAttribute("owner", claim.owner)
    .addAttribute("validator", validator)
    .addAttribute("amount", claim.amount.toString())
    .addAttribute("shares", added.toString());
}

function countEntries(owner: string): u32 {
  let n: u32 = 0;
  const it = UNBONDING.range(ownerKey(owner), null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) n++;
  return n;
}

/**
 * Moves `amount` of the owner's stake on `validator` into an unbonding entry of meta-staking's open batch and
 * undelegates it there. Returns the loss the stake had taken since it was last settled (for slash_claim), or null.
 */
function unstakeFrom(env: Env, owner: string, validator: string, amount: Uint128, response: Response, capped: bool = false): Uint128 | null {
  const key = stakeKey(owner, validator);
  const stake = STAKES.may_load(key);
  const d = delegationOf(env, validator);
  if (d == null) return null;
  const total = poolShares(validator);
  const value = stake != null ? valueOf(stake.shares, total, d.amount) : Uint128.zero();
  if (stake == null || amount.gt(value)) return fail<Uint128>(insufficientStake(amount, validator, value));
  // A cap's unstake is never refused for it: an owner must not be able to keep stake the ILP no longer backs.
  if (!capped && countEntries(owner) >= MAX_UNBONDING_ENTRIES) return fail<Uint128>(tooManyUnbonding(owner, MAX_UNBONDING_ENTRIES));
  if (!foldRewards(env, validator)) return null;
  settleRewards(owner, validator, stake.shares);
  // Settle the stake first: its claim follows its value, then the entry takes `amount` of it.
  let loss = stake.settled.saturatingSub(value);
  stake.settled = stake.settled.min(value);
  // Shares leave rounded up (against the one leaving), at most all of the owner's. The entry carries its amount of
  // the claim, or what is left of it: a stake can be worth a unit more than its claim (others' rounding).
  // Unstaking the whole value takes every share, so no dust shares stay behind.
  const removed = amount.eq(value) ? stake.shares : amount.mulDivCeil(total, d.amount)!.min(stake.shares);
  const carried = amount.min(stake.settled);
  stake.shares = stake.shares.checkedSub(removed)!;
  stake.settled = stake.settled.checkedSub(carried)!;
  if (stake.shares.isZero()) {
    // Nothing left: whatever claim remains is worth nothing (rounding) and is taken as a loss.
    loss = loss.checkedAdd(stake.settled)!;
    STAKES.remove(key);
    forgetPaid(owner, validator);
  } else {
    STAKES.save(key, stake);
  }
  savePool(validator, total.checkedSub(removed)!);
  const next = NEXT_ID.load();
  UNBONDING.save(unbondingKey(owner, next.id), new Unbonding(validator, d.batch, d.slashSeq, amount, carried));
  response.addAttribute("unbonding_id", next.id.toString()).addAttribute("batch", d.batch.toString());
  next.id += 1;
  NEXT_ID.save(next);
  response.addMessage(WasmMsg.execute(CONFIG.load().metaStaking, encodeUndelegate(createUndelegate(validator, amount)), []));
  return loss;
}

function unstake(env: Env, info: MessageInfo, validator: string, amount: Uint128): Response | null {
  if (!nonpayable(info)) return null;
  if (amount.isZero()) return fail<Response>(zeroAmount("unstake"));
  const response = new Response().addAttribute("action", "unstake").addAttribute("owner", info.sender)
    .addAttribute("validator", validator).addAttribute("amount", amount.toString());
  const loss = unstakeFrom(env, info.sender, validator, amount, response);
  if (loss == null) return null;
  toIlp(info.sender, Uint128.zero(), loss, response);
  return response;
}

/**
 * The ILP capped the owner's claim to `amount` (a slash elsewhere left less collateral): the stake beyond it is
 * unstaked at once; its tokens, back after the batch, pay what the ILP could not burn.
 */
function claimCapped(env: Env, info: MessageInfo, owner: string, amount: Uint128): Response | null {
  const config = CONFIG.load();
  if (info.sender != config.ilp) return fail<Response>(notIlp(info.sender, config.ilp));
  const response = new Response().addAttribute("action", "claim_capped").addAttribute("owner", owner).addAttribute("claim", amount.toString());
  // What the stakes hold once settled (a slash already took its part: settling takes it, no unstake needed) beyond
  // the capped claim is unstaked. Entries already unbonding come back anyway and lower what is held first.
  const validators = new Array<string>();
  const stakes = new Array<Stake>();
  const values = new Array<Uint128>();
  let staked = Uint128.zero();
  const it = STAKES.range(ownerKey(owner), null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    validators.push(fromUtf8(e.key));
    stakes.push(e.value);
  }
  for (let i = 0; i < validators.length; i++) {
    const stake = stakes[i];
    const d = delegationOf(env, validators[i]);
    if (d == null) return null;
    const value = valueOf(stake.shares, poolShares(validators[i]), d.amount);
    values.push(value);
    staked = staked.checkedAdd(value.min(stake.settled))!;
  }
  let excess = staked.saturatingSub(amount);
  response.addAttribute("unstaked", excess.toString());
  let loss = Uint128.zero();
  for (let i = 0; i < validators.length && !excess.isZero(); i++) {
    const take = excess.min(values[i]);
    excess = excess.checkedSub(take)!;
    if (take.isZero()) continue;
    const l = unstakeFrom(env, owner, validators[i], take, response, true);
    if (l == null) return null;
    loss = loss.checkedAdd(l)!;
  }
  toIlp(owner, Uint128.zero(), loss, response);
  return response;
}

/**
 * Tells the ILP: `loss` of the owner's held tokens were slashed (x/staking burned them), and `release` come back
 * (the tokens, taken out of meta-staking's fund first). Slash first: it lowers the collateral, then the release.
 */
function toIlp(owner: string, release: Uint128, loss: Uint128, response: Response): void {
  const config = CONFIG.load();
  if (!loss.isZero()) response.addMessage(WasmMsg.execute(config.ilp, encodeSlashClaim(createSlashClaim(owner, loss)), []));
  if (!release.isZero()) {
    response.addMessage(WasmMsg.execute(config.ilp, encodeReleaseClaim(createReleaseClaim(owner, release)), [new Coin(config.denom, release)]));
  }
  response.addAttribute("slashed", loss.toString()).addAttribute("released", release.toString());
}

function withdrawUnbonded(env: Env, info: MessageInfo): Response | null {
  if (!nonpayable(info)) return null;
  const owner = info.sender;
  const ids = new Array<Uint8Array>();
  const entries = new Array<Unbonding>();
  const it = UNBONDING.range(ownerKey(owner), null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    ids.push(e.key);
    entries.push(e.value);
  }
  let release = Uint128.zero();
  let loss = Uint128.zero();
  let done: u32 = 0;
  for (let i = 0; i < entries.length; i++) {
    const u = entries[i];
    const value = entryValue(u);
    if (value == null) return null;
    // Paid: every slash of the batch is a recorded event. Worth nothing: nothing to wait for.
    if (!value.isZero()) {
      const status = batchStatus(u);
      if (status == null) return null;
      if (status.status != "paid") continue;
    }
    const back = value.min(u.settled);
    release = release.checkedAdd(back)!;
    loss = loss.checkedAdd(u.settled.checkedSub(back)!)!;
    UNBONDING.remove([utf8(owner), ids[i]]);
    done++;
  }
  if (done == 0) return fail<Response>(nothingToWithdraw(owner));
  const config = CONFIG.load();
  // x/staking truncates (an undelegation may pay a unit less than asked, within meta-staking's one-unit tolerance, so
  // no slash event says so): never take more than meta-staking's fund has; the shortfall is the owner's loss.
  const totals = readLenient(querySmart(config.metaStaking, encodeRewardTotalsQuery(createRewardTotalsQuery())), "meta-staking reward_totals",
    readRewardTotalsResponse);
  if (totals == null) return null;
  if (release.gt(totals.fund)) {
    loss = loss.checkedAdd(release.checkedSub(totals.fund)!)!;
    release = totals.fund;
  }
  const response = new Response().addAttribute("action", "withdraw_unbonded").addAttribute("owner", owner)
    .addAttribute("entries", done.toString());
  if (!release.isZero()) {
    response.addMessage(WasmMsg.execute(config.metaStaking, encodeWithdrawFunds(createWithdrawFunds(release, env.contractAddress)), []));
  }
  toIlp(owner, release, loss, response);
  return response;
}

/** Settles every record of the owner; returns the loss, or null. */
function settleOwner(env: Env, owner: string): Uint128 | null {
  let loss = Uint128.zero();
  const validators = new Array<string>();
  const stakes = new Array<Stake>();
  const it = STAKES.range(ownerKey(owner), null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    validators.push(fromUtf8(e.key));
    stakes.push(e.value);
  }
  for (let i = 0; i < validators.length; i++) {
    const d = delegationOf(env, validators[i]);
    if (d == null) return null;
    const total = poolShares(validators[i]);
    const value = valueOf(stakes[i].shares, total, d.amount);
    if (value.gte(stakes[i].settled)) continue;
    loss = loss.checkedAdd(stakes[i].settled.checkedSub(value)!)!;
    stakes[i].settled = value;
    if (value.isZero()) {
      // Slashed away: the shares are worth nothing and could never be unstaked; they leave the pool (with what
      // they earned until the last fold or collection: nothing harvests the validator here).
      settleRewards(owner, validators[i], stakes[i].shares);
      savePool(validators[i], total.checkedSub(stakes[i].shares)!);
      STAKES.remove(stakeKey(owner, validators[i]));
      forgetPaid(owner, validators[i]);
    } else {
      STAKES.save(stakeKey(owner, validators[i]), stakes[i]);
    }
  }
  const ids = new Array<Uint8Array>();
  const entries = new Array<Unbonding>();
  const uit = UNBONDING.range(ownerKey(owner), null, false, null, Order.Ascending);
  for (let e = uit.next(); e != null; e = uit.next()) {
    ids.push(e.key);
    entries.push(e.value);
  }
  for (let i = 0; i < entries.length; i++) {
    const value = entryValue(entries[i]);
    if (value == null) return null;
    if (value.gte(entries[i].settled)) continue;
    loss = loss.checkedAdd(entries[i].settled.checkedSub(value)!)!;
    entries[i].settled = value;
    UNBONDING.save([utf8(owner), ids[i]], entries[i]);
  }
  return loss;
}

function settle(env: Env, info: MessageInfo, owner: string): Response | null {
  if (!nonpayable(info) || validateAddress(owner, "owner") == null) return null;
  const loss = settleOwner(env, owner);
  if (loss == null) return null;
  const response = new Response().addAttribute("action", "settle").addAttribute("owner", owner);
  toIlp(owner, Uint128.zero(), loss, response);
  return response;
}

// ---------------------------------------------------------------------------------------------------------------
// Queries

export function query(env: Env, json: JsonValue): string | null {
  const msg = decodeQueryMsg(json);
  if (msg == null) return null;
  const config = CONFIG.load();
  if (msg instanceof ConfigQuery) return encodeConfigResponse(createConfigResponse(config.ilp, config.metaStaking, config.maxSlash, config.denom));
  if (msg instanceof LienTermsQuery) return encodeLienTermsResponse(createLienTermsResponse(config.maxSlash, true));
  if (msg instanceof PendingSlashQuery) {
    const p = pendingSlash(env, (<PendingSlashQuery>msg).owner);
    return p != null ? encodePendingSlashResponse(createPendingSlashResponse(p)) : null;
  }
  if (msg instanceof RewardsQuery) {
    const owner = (<RewardsQuery>msg).owner;
    if (validateAddress(owner, "owner") == null) return null;
    return encodeRewardsResponse(createRewardsResponse(owedRewards(owner)));
  }
  if (msg instanceof StakesQuery) {
    const owner = (<StakesQuery>msg).owner;
    if (validateAddress(owner, "owner") == null) return null;
    const stakes = new Array<StakeInfo>();
    const it = STAKES.range(ownerKey(owner), null, false, null, Order.Ascending);
    for (let e = it.next(); e != null; e = it.next()) {
      const validator = fromUtf8(e.key);
      const d = delegationOf(env, validator);
      if (d == null) return null;
      stakes.push(createStakeInfo(validator, e.value.shares, valueOf(e.value.shares, poolShares(validator), d.amount), e.value.settled));
    }
    return encodeStakesResponse(createStakesResponse(stakes));
  }
  const owner = (<UnbondingQuery>msg).owner;
  if (validateAddress(owner, "owner") == null) return null;
  const entries = new Array<UnbondingInfo>();
  const it = UNBONDING.range(ownerKey(owner), null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    const u = e.value;
    const value = entryValue(u);
    const status = batchStatus(u);
    if (value == null || status == null) return null;
    entries.push(createUnbondingInfo(u64FromKey(e.key), u.validator, u.batch, value, u.settled, status.status, status.completion));
  }
  return encodeUnbondingResponse(createUnbondingResponse(entries));
}

/** What settling the owner would take from the collateral now: Σ (settled − value) over stakes and entries. */
function pendingSlash(env: Env, owner: string): Uint128 | null {
  if (validateAddress(owner, "owner") == null) return null;
  let pending = Uint128.zero();
  const it = STAKES.range(ownerKey(owner), null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    const validator = fromUtf8(e.key);
    const d = delegationOf(env, validator);
    if (d == null) return null;
    pending = pending.checkedAdd(e.value.settled.saturatingSub(valueOf(e.value.shares, poolShares(validator), d.amount)))!;
  }
  const uit = UNBONDING.range(ownerKey(owner), null, false, null, Order.Ascending);
  for (let e = uit.next(); e != null; e = uit.next()) {
    const value = entryValue(e.value);
    if (value == null) return null;
    pending = pending.checkedAdd(e.value.settled.saturatingSub(value))!;
  }
  return pending;
}
