// meta-staking: the consumer chain's bridge to x/staking. Governance (the admin) funds it and grants each consumer
// contract an allowance; a consumer delegates and undelegates the contract's own tokens on behalf of remote stake.
// Rules: a consumer never exceeds its allowance and never touches another consumer's delegations.
// Invariant: Σ consumers' shares = the pool's shares; pool tokens + queue ≤ our x/staking delegation, and equal
// (within x/staking's one-unit truncation) once the validator is checked.
//
// Slashes (docs/slashing.md): x/staking lowers our delegation's value without telling us. Every change on a
// validator, and check_validator (anyone), first compares the booking with x/staking's `Delegation`: a shortfall of
// more than one unit is a slash. Its fraction (rounded up) scales the pool's tokens and the queue, so every consumer
// loses the same fraction at once and nobody escapes it by undelegating first, and it is recorded as a numbered
// slash event, once: the booking then matches the chain, so a repeated check finds nothing.
//
// Undelegations are batched. x/staking keeps at most max_entries (7) unbonding entries per (delegator, validator),
// and meta-staking is one delegator for every user of every consumer: undelegating on every unstake would let a few
// tiny unstakes block everyone's for a whole unbonding period. So an undelegate only books the amount and queues it;
// the queue of a validator is undelegated at most once per epoch (⌈unbonding period / (max_entries − 1)⌉), by the
// next undelegate that finds the epoch over or by the permissionless `process_unbonding` crank. Each batch takes
// its pro-rata share of what x/staking still holds (so after a slash it never asks for more than exists) and runs
// as a sub-message whose failure puts the amount back in the queue instead of failing the caller, and whose success
// records x/staking's entry for the ledger (ledger.ts: entries that mature short are slashes of their batch).
//
// Rewards (rewards.ts, docs/rewards.md) are held apart from the governance fund and attributed per consumer and
// validator; the fund is the bond-denom balance minus what is held for consumers.
import {
  Amount, addSeconds, BankMsg, capLimit, checkDuration, clearError, Coin, Decimal, Env, fail, failCheck, fromUtf8, isActiveValidator,
  JsonValue, Message, MessageInfo, mustPay, nonpayable, onlyAdmin, Order, parseJson, queryBalance, queryBondedDenom, queryDelegationAmount,
  readPage, Reply, ReplyOn, Response, splitFirstKey, StakingMsg, SubMsg, u64FromKey, u64Key, Uint128, UndelegateResponse, utf8,
  validateAddress, wrongDenom, zeroAmount,
} from "../../sdk";
import {
  CheckValidator, ClaimRewards, Delegate, DelegationQuery, Fund, HeldRewards, PowerQuery, ReportRequested, REWARDS_PAGE, RewardInfo, RewardsQuery,
  RewardTotalsQuery, SlashEvent, SlashEventsQuery, Undelegate, UnbondingBatchQuery, WithdrawFunds,
} from "../../shared/meta-staking";
import { beginMigration, finishMigration, recordVersion } from "../../shared/migrate";
import {
  allowanceExhausted, consumerNotFound, insufficientDelegation, insufficientFunds, insufficientLiquidFunds, invalidMaxUnbondingEntries,
  invalidShare, localShareExceeded, powerCapExceeded, slashedToZero, unauthorizedConsumer, unbondingPeriodRequired, unknownValidator,
} from "./errors";
import { computePower, powerRulesApply } from "./power";
import { ConfigQuery, ConsumerQuery, ConsumerResponse, DelegationInfo } from "../../shared/meta-staking";
import {
  createConfigResponse, createConsumerResponse, createDelegationInfo, createDelegationResponse, createHeldRewards, createRewardInfo,
  createRewardsResponse, createRewardTotalsResponse, createSlashEvent, createSlashEventsResponse, createUnbondingBatchResponse, encodeConfigResponse,
  encodeConsumerResponse, encodeDelegationResponse, encodePowerResponse, encodeRewardsResponse, encodeRewardTotalsResponse, encodeSlashEventsResponse,
  encodeUnbondingBatchResponse,
} from "../../shared/meta-staking.codec";
import {
  AllConsumersQuery, MaturingEntry, MaturingQuery, ProcessUnbonding, QueueEntry, SetAllowance,
  SetMaxPowerShare, SetMinLocalShare,
  UnbondingQueueQuery, UpdateAdmin, ValidatorQuery,
} from "./msg";
import {
  createAllConsumersResponse, createBatchPayload, createMaturingEntry, createMaturingResponse, createQueueEntry,
  createUnbondingQueueResponse, createValidatorResponse, decodeBatchPayload, decodeExecuteMsg,
  decodeInstantiateMsg, decodeMigrateMsg, decodeQueryMsg, encodeAllConsumersResponse, encodeBatchPayload, encodeMaturingResponse,
  encodeUnbondingQueueResponse, encodeValidatorResponse,
} from "./msg.codec";
import { harvest, heldOf, payOwed, pendingRewards, settleRewards } from "./rewards";
import { beginLedger, endLedger, noteOutflow, recordMaturing } from "./ledger";
import { BATCH_ENTRIES, BatchTime, CONFIG, CONSUMERS, Config, Consumer, DELEGATIONS, LAST_BATCH, MATURING, Pool, QUEUE, REWARDS_HELD, REWARDS_OWED, SLASHING, SLASH_EVENTS, Shares, SlashState, VALIDATORS, batchEntryKey, consumerKey, delegationKey, loadSlashState, slashEventKey, validatorKey } from "./state";

/** Reply id of a batch undelegation, with the batch in the payload. */
export const REPLY_BATCH: u64 = 1;

export function instantiate(env: Env, info: MessageInfo, json: JsonValue): Response | null {
  const msg = decodeInstantiateMsg(json);
  if (msg == null) return null;
  if (!checkDuration(msg.unbondingPeriodSeconds, "unbonding_period_seconds") || !checkMaxEntries(msg.maxUnbondingEntries)) return null;
  const admin = msg.admin;
  const adminAddress = admin != null ? admin : info.sender;
  if (validateAddress(adminAddress, "admin") == null) return null;
  const denom = queryBondedDenom();
  if (denom == null) return null;
  // Funding at instantiation is allowed, in the bond denom only.
  for (let i = 0; i < info.funds.length; i++) {
    if (info.funds[i].denom != denom) return fail<Response>(wrongDenom(denom, info.funds[i].denom));
  }
  const config = new Config(adminAddress, denom, msg.unbondingPeriodSeconds, msg.maxUnbondingEntries);
  CONFIG.save(config);
  recordVersion("meta-staking");
  return new Response().addAttribute("action", "instantiate").addAttribute("admin", adminAddress).addAttribute("denom", denom)
    .addAttribute("unbonding_epoch_seconds", config.epochSeconds().toString());
}

/** x/staking's max_entries as configured: at least 2 (one entry must stay free), at most 1000. */
function checkMaxEntries(maxEntries: u32): bool {
  if (maxEntries >= 2 && maxEntries <= 1000) return true;
  return failCheck(invalidMaxUnbondingEntries(maxEntries));
}

export function execute(env: Env, info: MessageInfo, json: JsonValue): Response | null {
  const msg = decodeExecuteMsg(json);
  if (msg == null) return null;
  // Every execution first reconciles matured unbonding entries, and books what its own messages do to the balance.
  if (!beginLedger(env, info, CONFIG.load().denom)) return null;
  const response = dispatch(env, info, msg);
  if (response == null || !endLedger(response)) return null;
  return response;
}

function dispatch(env: Env, info: MessageInfo, msg: Message): Response | null {
  if (msg instanceof Fund) {
    const amount = mustPay(info, CONFIG.load().denom);
    if (amount == null) return null;
    return new Response().addAttribute("action", "fund").addAttribute("amount", amount.toString());
  }
  if (msg instanceof SetAllowance) return setAllowance(info, (<SetAllowance>msg).consumer, (<SetAllowance>msg).amount);
  if (msg instanceof UpdateAdmin) return updateAdmin(info, (<UpdateAdmin>msg).admin);
  if (msg instanceof SetMinLocalShare) return setMinLocalShare(info, (<SetMinLocalShare>msg).share);
  if (msg instanceof SetMaxPowerShare) return setMaxPowerShare(info, (<SetMaxPowerShare>msg).consumer, (<SetMaxPowerShare>msg).share);
  if (msg instanceof ReportRequested) return reportRequested(env, info, (<ReportRequested>msg).value);
  if (msg instanceof WithdrawFunds) return withdrawFunds(env, info, (<WithdrawFunds>msg).amount, (<WithdrawFunds>msg).recipient);
  if (msg instanceof ProcessUnbonding) {
    // Permissionless crank: anyone may push due batches to x/staking.
    if (!nonpayable(info)) return null;
    const page = <ProcessUnbonding>msg;
    return processUnbonding(env, page.startAfter, <i32>capLimit(page.limit));
  }
  if (msg instanceof CheckValidator) return checkValidator(env, info, (<CheckValidator>msg).validator);
  if (msg instanceof ClaimRewards) return claimRewards(env, info, (<ClaimRewards>msg).startAfter, (<ClaimRewards>msg).limit);
  if (msg instanceof Delegate) return delegate(env, info, (<Delegate>msg).validator, (<Delegate>msg).amount);
  const undelegation = <Undelegate>msg;
  return undelegate(env, info, undelegation.validator, undelegation.amount);
}

function requireAdmin(info: MessageInfo): Config | null {
  const config = CONFIG.load();
  return onlyAdmin(info, config.admin) ? config : null;
}

function setAllowance(info: MessageInfo, consumer: string, amount: Uint128): Response | null {
  if (!nonpayable(info) || requireAdmin(info) == null) return null;
  if (validateAddress(consumer, "consumer") == null) return null;
  // Lowering the allowance below what is delegated is allowed: it blocks new delegations until the consumer unbonds.
  const existing = CONSUMERS.may_load(consumerKey(consumer));
  const record = existing != null ? existing : new Consumer(amount);
  record.allowance = amount;
  CONSUMERS.save(consumerKey(consumer), record);
  return new Response()
    .addAttribute("action", "set_allowance")
    .addAttribute("consumer", consumer)
    .addAttribute("allowance", amount.toString())
    .addAttribute("delegated", delegatedBy(consumer, null, null).toString());
}

function updateAdmin(info: MessageInfo, admin: string): Response | null {
  if (!nonpayable(info)) return null;
  const config = requireAdmin(info);
  if (config == null || validateAddress(admin, "admin") == null) return null;
  config.admin = admin;
  CONFIG.save(config);
  return new Response().addAttribute("action", "update_admin").addAttribute("admin", admin);
}

function setMinLocalShare(info: MessageInfo, share: Decimal): Response | null {
  if (!nonpayable(info)) return null;
  const config = requireAdmin(info);
  if (config == null) return null;
  if (!share.lt(Decimal.one())) return fail<Response>(invalidShare("min_local_share", share, "[0, 1)"));
  config.minLocalShare = share;
  CONFIG.save(config);
  return new Response().addAttribute("action", "set_min_local_share").addAttribute("min_local_share", share.toString());
}

function setMaxPowerShare(info: MessageInfo, consumer: string, share: Decimal | null): Response | null {
  if (!nonpayable(info) || requireAdmin(info) == null) return null;
  if (share != null && (share.isZero() || !share.lt(Decimal.one()))) return fail<Response>(invalidShare("max_power_share", share, "(0, 1)"));
  const key = consumerKey(consumer);
  const record = CONSUMERS.may_load(key);
  if (record == null) return fail<Response>(consumerNotFound(consumer));
  record.maxPowerShare = share;
  CONSUMERS.save(key, record);
  return new Response().addAttribute("action", "set_max_power_share").addAttribute("consumer", consumer)
    .addAttribute("max_power_share", share != null ? share.toString() : "");
}

/** A consumer's requested value, kept capped by its cap now (the scale of every consumer uses it). */
function reportRequested(env: Env, info: MessageInfo, value: Uint128): Response | null {
  if (!nonpayable(info)) return null;
  const record = consumerFor(info);
  if (record == null) return null;
  const power = computePower(env, info.sender, record, delegatedBy(info.sender, null, null), value);
  if (power == null) return null;
  record.requested = value;
  record.capped = power.capped;
  CONSUMERS.save(consumerKey(info.sender), record);
  return new Response().addAttribute("action", "report_requested").addAttribute("consumer", info.sender)
    .addAttribute("requested", value.toString()).addAttribute("capped", power.capped.toString()).addAttribute("scale", power.scale.toString());
}

function consumerFor(info: MessageInfo): Consumer | null {
  const consumer = CONSUMERS.may_load(consumerKey(info.sender));
  if (consumer == null) return fail<Consumer>(unauthorizedConsumer(info.sender));
  return consumer;
}

function positive(amount: Uint128, action: string): bool {
  return !amount.isZero() || failCheck(zeroAmount(action));
}

function addTo(current: Amount | null, delta: Uint128): Amount | null {
  const base = current != null ? current.amount : Uint128.zero();
  const sum = base.checkedAdd(delta);
  return sum != null ? new Amount(sum) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Slash evidence

/** A validator's booking as x/staking's state implies it: the stored one, or the one a new slash event sets. */
class Observed {
  constructor(public pool: Pool, public queued: Uint128, public state: SlashState, public event: SlashEvent | null) {}
}

function loadPool(validator: string): Pool {
  const p = VALIDATORS.may_load(validatorKey(validator));
  return p != null ? p : Pool.empty();
}

function loadQueued(validator: string): Uint128 {
  const q = QUEUE.may_load(validatorKey(validator));
  return q != null ? q.amount : Uint128.zero();
}

/**
 * Compares the booking (pool tokens + queue) with what x/staking holds for us. A shortfall of more than one unit
 * (x/staking truncates a delegation's value) is a slash of fraction shortfall ÷ booked, rounded up; the pool and
 * the queue keep their part of what is left, rounded down, so the booking never exceeds the chain. Writes nothing.
 */
function observe(env: Env, validator: string): Observed | null {
  const pool = loadPool(validator);
  const queued = loadQueued(validator);
  const state = loadSlashState(validator);
  const booked = pool.tokens.checkedAdd(queued);
  if (booked == null) return null;
  if (booked.isZero()) return new Observed(pool, queued, state, null);
  const onChain = queryDelegationAmount(env.contractAddress, validator);
  if (onChain == null) return null;
  const tolerated = onChain.checkedAdd(Uint128.one());
  if (tolerated == null || booked.lte(tolerated)) return new Observed(pool, queued, state, null);
  const fraction = Decimal.fromRatioCeil(booked.checkedSub(onChain)!, booked);
  const cumulative = fraction != null ? state.cumulative.checkedMul(Decimal.one().checkedSub(fraction)!) : null;
  const tokens = pool.tokens.mulDivFloor(onChain, booked);
  const queue = queued.mulDivFloor(onChain, booked);
  if (fraction == null || cumulative == null || tokens == null || queue == null) return null;
  const active = isActiveValidator(validator);
  if (active < 0) return null;
  const seq = state.seq + 1;
  const event = createSlashEvent(validator, seq, fraction, cumulative, state.batch, env.block.height, env.block.timeNanos, active == 0, false);
  return new Observed(new Pool(tokens, pool.shares), queue, new SlashState(seq, cumulative, state.batch), event);
}

/** observe() and, when it found a slash, books it: the pool, the queue, the slash state and the event. */
function sync(env: Env, validator: string, response: Response): Observed | null {
  const o = observe(env, validator);
  if (o == null) return null;
  const event = o.event;
  if (event == null) return o;
  const key = validatorKey(validator);
  VALIDATORS.save(key, o.pool);
  if (o.queued.isZero()) QUEUE.remove(key); else QUEUE.save(key, new Amount(o.queued));
  SLASHING.save(key, o.state);
  SLASH_EVENTS.save(slashEventKey(validator, event.seq), event);
  response.addAttribute("slash_validator", validator).addAttribute("slash_seq", event.seq.toString())
    .addAttribute("slash_fraction", event.fraction.toString()).addAttribute("slash_cumulative", event.cumulative.toString())
    .addAttribute("slash_jailed", event.jailed ? "true" : "false");
  return o;
}

function checkValidator(env: Env, info: MessageInfo, validator: string): Response | null {
  if (!nonpayable(info)) return null;
  const response = new Response().addAttribute("action", "check_validator").addAttribute("validator", validator);
  const o = sync(env, validator, response);
  if (o == null) return null;
  response.addAttribute("slashed", o.event != null ? "true" : "false");
  // A new event already wrote its slash_seq (sync).
  return o.event != null ? response : response.addAttribute("slash_seq", o.state.seq.toString());
}

// ---------------------------------------------------------------------------------------------------------------
// Delegations

function loadShares(consumer: string, validator: string): Uint128 {
  const d = DELEGATIONS.may_load(delegationKey(consumer, validator));
  return d != null ? d.shares : Uint128.zero();
}

/**
 * Σ of the consumer's delegations at their stored pools' value, except `validator`'s, valued with `pool` (a
 * freshly observed one). Bounded by the validators the consumer delegated to.
 */
function delegatedBy(consumer: string, validator: string | null, pool: Pool | null): Uint128 {
  let sum = Uint128.zero();
  const it = DELEGATIONS.range([utf8(consumer)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    const v = fromUtf8(e.key);
    const p = validator != null && pool != null && v == validator ? pool : loadPool(v);
    sum = sum.checkedAdd(p.value(e.value.shares))!;
  }
  return sum;
}

function delegate(env: Env, info: MessageInfo, validator: string, amount: Uint128): Response | null {
  if (!nonpayable(info) || !positive(amount, "delegate")) return null;
  const consumer = consumerFor(info);
  if (consumer == null) return null;
  const response = new Response();
  const o = sync(env, validator, response);
  if (o == null) return null;
  const pool = o.pool;
  const delegated = delegatedBy(info.sender, validator, pool).checkedAdd(amount);
  if (delegated == null) return null;
  if (delegated.gt(consumer.allowance)) {
    return fail<Response>(allowanceExhausted(amount, info.sender, delegated, consumer.allowance));
  }
  if (powerRulesApply(consumer) && !withinPowerRules(env, info.sender, consumer, delegated.checkedSub(amount)!, amount)) return null;
  // Shares of a pool that a slash emptied would be worth nothing: such a validator takes no new stake.
  if (pool.tokens.isZero() && !pool.shares.isZero()) return fail<Response>(slashedToZero(validator));
  const active = isActiveValidator(validator);
  if (active < 0) return null;
  if (active == 0) return fail<Response>(unknownValidator(validator));
  const config = CONFIG.load();
  const fund = governanceFund(env, config.denom);
  if (fund == null) return null;
  if (fund.lt(amount)) return fail<Response>(insufficientFunds(fund, config.denom, amount));
  if (!harvest(env.contractAddress, validator, pool, o.queued, response)) return null;
  if (!settleRewards(info.sender, validator, loadShares(info.sender, validator))) return null;
  // New shares at the pool's rate, rounded down (against the depositor, so the others' value never drops).
  const added = pool.shares.isZero() ? amount : amount.mulDivFloor(pool.shares, pool.tokens);
  if (added == null) return null;
  const tokens = pool.tokens.checkedAdd(amount);
  const shares = pool.shares.checkedAdd(added);
  const mine = loadShares(info.sender, validator).checkedAdd(added);
  if (tokens == null || shares == null || mine == null) return null;
  VALIDATORS.save(validatorKey(validator), new Pool(tokens, shares));
  DELEGATIONS.save(delegationKey(info.sender, validator), new Shares(mine));
  noteOutflow(amount);
  return response
    .addMessage(StakingMsg.delegate(validator, new Coin(config.denom, amount)))
    .addAttribute("action", "delegate")
    .addAttribute("consumer", info.sender)
    .addAttribute("validator", validator)
    .addAttribute("amount", amount.toString())
    .addAttribute("shares", added.toString());
}

/** A delegate of `amount` keeps the consumer within its cap and all consumers within the local minimum's room. */
function withinPowerRules(env: Env, consumer: string, record: Consumer, delegated: Uint128, amount: Uint128): bool {
  const power = computePower(env, consumer, record, delegated, null);
  if (power == null) return false;
  const cap = power.cap;
  const after = delegated.checkedAdd(amount)!;
  if (cap != null && after.gt(cap)) return failCheck(powerCapExceeded(amount, consumer, after, cap));
  const maxRemote = power.maxRemote;
  const remote = power.remote.checkedAdd(amount);
  if (remote == null) return false;
  if (maxRemote != null && remote.gt(maxRemote)) return failCheck(localShareExceeded(amount, remote, maxRemote));
  return true;
}

function undelegate(env: Env, info: MessageInfo, validator: string, amount: Uint128): Response | null {
  if (!nonpayable(info) || !positive(amount, "undelegate")) return null;
  const consumer = consumerFor(info);
  if (consumer == null) return null;
  const response = new Response();
  const o = sync(env, validator, response);
  if (o == null) return null;
  const pool = o.pool;
  const dkey = delegationKey(info.sender, validator);
  const mine = loadShares(info.sender, validator);
  const have = pool.value(mine);
  if (amount.gt(have)) return fail<Response>(insufficientDelegation(amount, validator, info.sender, have));
  if (!harvest(env.contractAddress, validator, pool, o.queued, response) || !settleRewards(info.sender, validator, mine)) return null;
  // Shares removed rounded up (against the one leaving), at most all of the consumer's.
  const removedExact = amount.mulDivCeil(pool.shares, pool.tokens);
  if (removedExact == null) return null;
  const removed = removedExact.min(mine);
  const left = mine.checkedSub(removed)!;
  if (left.isZero()) DELEGATIONS.remove(dkey); else DELEGATIONS.save(dkey, new Shares(left));
  const shares = pool.shares.checkedSub(removed)!;
  let tokens = pool.tokens.checkedSub(amount)!;
  let toQueue = amount;
  // The last shares leave: the rounding remainder of the pool leaves with them (nobody owns it any more).
  if (shares.isZero()) {
    toQueue = toQueue.checkedAdd(tokens)!;
    tokens = Uint128.zero();
  }
  const vkey = validatorKey(validator);
  if (shares.isZero()) VALIDATORS.remove(vkey); else VALIDATORS.save(vkey, new Pool(tokens, shares));
  const queued = addTo(QUEUE.may_load(vkey), toQueue);
  if (queued == null) return null;
  QUEUE.save(vkey, queued);
  response
    .addAttribute("action", "undelegate")
    .addAttribute("consumer", info.sender)
    .addAttribute("validator", validator)
    .addAttribute("amount", amount.toString())
    .addAttribute("queued", queued.amount.toString())
    .addAttribute("batch", o.state.batch.toString());
  const config = CONFIG.load();
  if (batchDue(env, config, validator)) {
    if (!flushBatch(env, config, validator, response)) return null;
  } else {
    response.addAttribute("batch_at", nextBatchAt(config, validator).toString());
  }
  return response;
}

function lastBatchAt(validator: string): u64 {
  const last = LAST_BATCH.may_load(validatorKey(validator));
  return last != null ? last.atNanos : 0;
}

/** When the validator's queue may next be undelegated (ns); 0 when it may be now. */
function nextBatchAt(config: Config, validator: string): u64 {
  const last = lastBatchAt(validator);
  if (last == 0) return 0;
  return addSeconds(last, config.epochSeconds());
}

function batchDue(env: Env, config: Config, validator: string): bool {
  const next = nextBatchAt(config, validator);
  return next <= env.block.timeNanos;
}

/**
 * Undelegates the validator's queue as one x/staking entry: its pro-rata part of what x/staking holds for us there
 * (queue × on-chain / (booked + queue)), which is the whole queue unless the validator was slashed. Returns false
 * only when a query fails (error recorded).
 */
function flushBatch(env: Env, config: Config, validator: string, response: Response): bool {
  const vkey = validatorKey(validator);
  const q = QUEUE.may_load(vkey);
  if (q == null) return true;
  const queued = q.amount;
  const booked = VALIDATORS.may_load(vkey);
  if (!harvest(env.contractAddress, validator, booked != null ? booked : Pool.empty(), queued, response)) return false;
  const onChain = queryDelegationAmount(env.contractAddress, validator);
  if (onChain == null) return false;
  const backing = queued.checkedAdd(booked != null ? booked.tokens : Uint128.zero());
  if (backing == null) return false;
  let amount = queued;
  if (onChain.lt(backing)) {
    const share = queued.mulDivFloor(onChain, backing);
    if (share == null) return false;
    amount = share;
  }
  QUEUE.remove(vkey);
  response.addAttribute("batch_validator", validator).addAttribute("batch_queued", queued.toString())
    .addAttribute("batch_undelegated", amount.toString());
  // Nothing left on chain (slashed away): the queue is settled without an x/staking call, and without an entry the
  // epoch need not wait.
  if (amount.isZero()) return true;
  LAST_BATCH.save(vkey, new BatchTime(env.block.timeNanos));
  // Later undelegations join the next batch: a slash from now on no longer reaches this one through the queue.
  const state = loadSlashState(validator);
  const payload = utf8(encodeBatchPayload(createBatchPayload(validator, queued, state.batch)));
  state.batch += 1;
  SLASHING.save(vkey, state);
  const undelegate = StakingMsg.undelegate(validator, new Coin(config.denom, amount));
  // Both outcomes reply: a refusal requeues, a success records x/staking's entry for the ledger.
  response.addSubMessage(new SubMsg(REPLY_BATCH, undelegate, ReplyOn.Always, payload));
  return true;
}

function processUnbonding(env: Env, startAfter: string | null, limit: i32): Response | null {
  const config = CONFIG.load();
  const response = new Response().addAttribute("action", "process_unbonding");
  const validators = new Array<string>();
  const it = QUEUE.range([], startAfter != null ? utf8(startAfter) : null, true, null, Order.Ascending);
  for (let e = it.next(); e != null && validators.length < limit; e = it.next()) validators.push(fromUtf8(e.key));
  let flushed = 0;
  for (let i = 0; i < validators.length; i++) {
    if (!batchDue(env, config, validators[i])) continue;
    if (sync(env, validators[i], response) == null || !flushBatch(env, config, validators[i], response)) return null;
    flushed++;
  }
  response.addAttribute("scanned", validators.length.toString()).addAttribute("flushed", flushed.toString());
  if (limit > 0 && validators.length == limit) response.addAttribute("next_start_after", validators[validators.length - 1]);
  return response;
}

/**
 * `{"unbonding_period_seconds"?, "max_unbonding_entries"?}`: either updates the batching rules (absent or null keeps
 * the current value); migrating from 0.1.0, which had none, requires the unbonding period.
 */
export function migrate(env: Env, json: JsonValue): Response | null {
  const msg = decodeMigrateMsg(json);
  if (msg == null) return null;
  const from = beginMigration("meta-staking", ["admin", "denom"]);
  if (from == null) return null;
  const config = CONFIG.load();
  const period = msg.unbondingPeriodSeconds;
  if (period != null) {
    if (!checkDuration(period.value, "unbonding_period_seconds")) return null;
    config.unbondingPeriodSeconds = period.value;
  }
  if (config.unbondingPeriodSeconds == 0) return fail<Response>(unbondingPeriodRequired(from.version));
  const entries = msg.maxUnbondingEntries;
  if (entries != null) {
    if (!checkMaxEntries(entries.value)) return null;
    config.maxUnbondingEntries = entries.value;
  }
  CONFIG.save(config);
  // Entries undelegated before the batch index existed: index them, so unbonding_batch answers for them too.
  const it = MATURING.range([], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    BATCH_ENTRIES.save(batchEntryKey(e.value.validator, e.value.batch), new BatchTime(u64FromKey(e.key.slice(0, 8))));
  }
  return finishMigration("meta-staking", from).addAttribute("unbonding_epoch_seconds", config.epochSeconds().toString());
}

/**
 * A batch that x/staking refused goes back to the queue (retried after the next epoch); nothing is lost. A batch it
 * accepted leaves its unbonding entry (amount, completion) for the ledger, which compares it with what is paid out.
 */
export function reply(env: Env, reply: Reply): Response | null {
  const response = new Response();
  if (reply.id != REPLY_BATCH) return response.addAttribute("action", "unknown_reply");
  const batch = decodeBatchPayload(parseJson(reply.payload), "batch payload");
  if (batch == null) return null;
  const error = reply.error;
  if (error == null) {
    const entry = reply.msgResponses.length == 1 ? UndelegateResponse.decode(reply.msgResponses[0].value) : null;
    // Unreadable (never from x/staking): the entry's payout will count as a gift to the fund; never fail the batch.
    if (entry == null) {
      clearError();
      return response.addAttribute("action", "batch_unrecorded").addAttribute("validator", batch.validator);
    }
    recordMaturing(env, batch.validator, batch.batch, entry.amount, entry.completionNanos);
    return response.addAttribute("action", "batch_undelegated").addAttribute("validator", batch.validator)
      .addAttribute("batch", batch.batch.toString()).addAttribute("amount", entry.amount.toString())
      .addAttribute("completion", entry.completionNanos.toString());
  }
  const vkey = validatorKey(batch.validator);
  const requeued = addTo(QUEUE.may_load(vkey), batch.queued);
  if (requeued == null) return null;
  QUEUE.save(vkey, requeued);
  // The queue is that batch again (its unstakes were acknowledged with its id, and its slashes must reach them).
  const state = loadSlashState(batch.validator);
  if (batch.batch > 0 && state.batch == batch.batch + 1) {
    state.batch = batch.batch;
    SLASHING.save(vkey, state);
  }
  return response.addAttribute("action", "batch_requeued").addAttribute("validator", batch.validator)
    .addAttribute("queued", requeued.amount.toString()).addAttribute("error", error);
}

/** The bond denom balance that is not consumers' rewards: what may be delegated or withdrawn by governance. */
function governanceFund(env: Env, denom: string): Uint128 | null {
  const balance = queryBalance(env.contractAddress, denom);
  return balance != null ? balance.saturatingSub(heldOf(denom)) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Rewards (docs/rewards.md, rewards.ts)

/**
 * Harvests and settles a page of the caller's validators, then pays everything it is owed (any validator, any
 * denom) in one bank send; the response data lists what was paid per validator and denom.
 */
function claimRewards(env: Env, info: MessageInfo, startAfter: string | null, limit: u32): Response | null {
  if (!nonpayable(info) || consumerFor(info) == null) return null;
  const response = new Response().addAttribute("action", "claim_rewards").addAttribute("consumer", info.sender);
  const page = capLimit(limit, REWARDS_PAGE);
  // One more than the page tells whether anything follows: a cursor is returned only then, so a caller that claims
  // from it never gets an empty page at the end (with exactly a page of validators, it would never wrap around).
  const validators = readPage(DELEGATIONS, [utf8(info.sender)], startAfter, page + 1, (validator: string, _: Shares): string => validator);
  const more = <u32>validators.length > page;
  if (more) validators.pop();
  for (let i = 0; i < validators.length; i++) {
    const validator = validators[i];
    const o = sync(env, validator, response);
    if (o == null || !harvest(env.contractAddress, validator, o.pool, o.queued, response)) return null;
    if (!settleRewards(info.sender, validator, loadShares(info.sender, validator))) return null;
  }
  const paid = payOwed(info.sender, response);
  if (paid == null) return null;
  const next = more && validators.length > 0 ? validators[validators.length - 1] : null;
  if (next != null) response.addAttribute("next_start_after", next);
  return response.addAttribute("paid", paid.length.toString()).setData(utf8(encodeRewardsResponse(createRewardsResponse(paid, next))));
}

/** Governance takes back liquid funds (returned unbondings, unused funding); delegated tokens are not liquid. */
function withdrawFunds(env: Env, info: MessageInfo, amount: Uint128, recipient: string | null): Response | null {
  if (!nonpayable(info) || !positive(amount, "withdraw_funds")) return null;
  const config = requireAdmin(info);
  if (config == null) return null;
  const to = recipient != null ? recipient : info.sender;
  if (validateAddress(to, "recipient") == null) return null;
  const liquid = governanceFund(env, config.denom);
  if (liquid == null) return null;
  if (amount.gt(liquid)) return fail<Response>(insufficientLiquidFunds(liquid, config.denom, amount));
  noteOutflow(amount);
  return new Response()
    .addMessage(BankMsg.send(to, [new Coin(config.denom, amount)]))
    .addAttribute("action", "withdraw_funds")
    .addAttribute("recipient", to)
    .addAttribute("amount", amount.toString());
}

// ---------------------------------------------------------------------------------------------------------------
// Queries

export function query(env: Env, json: JsonValue): string | null {
  const msg = decodeQueryMsg(json);
  if (msg == null) return null;
  if (msg instanceof ConfigQuery) {
    const c = CONFIG.load();
    return encodeConfigResponse(createConfigResponse(c.admin, c.denom, c.unbondingPeriodSeconds, c.maxUnbondingEntries, c.epochSeconds()));
  }
  if (msg instanceof ConsumerQuery) {
    const address = (<ConsumerQuery>msg).address;
    if (validateAddress(address, "address") == null) return null;
    const consumer = CONSUMERS.may_load(consumerKey(address));
    if (consumer == null) return fail<string>(consumerNotFound(address));
    return encodeConsumerResponse(consumerResponse(address, consumer));
  }
  if (msg instanceof DelegationQuery) return delegationQuery(env, <DelegationQuery>msg);
  if (msg instanceof PowerQuery) {
    const q = <PowerQuery>msg;
    if (validateAddress(q.consumer, "consumer") == null) return null;
    const record = CONSUMERS.may_load(consumerKey(q.consumer));
    if (record == null) return fail<string>(consumerNotFound(q.consumer));
    const power = computePower(env, q.consumer, record, delegatedBy(q.consumer, null, null), q.requested);
    return power != null ? encodePowerResponse(power) : null;
  }
  if (msg instanceof RewardsQuery) return rewardsQuery(env, (<RewardsQuery>msg).consumer, (<RewardsQuery>msg).validator);
  if (msg instanceof UnbondingBatchQuery) {
    const q = <UnbondingBatchQuery>msg;
    const entry = BATCH_ENTRIES.may_load(batchEntryKey(q.validator, q.batch));
    if (entry != null) return encodeUnbondingBatchResponse(createUnbondingBatchResponse("unbonding", entry.atNanos));
    // Not undelegated yet (a refused batch is the open one again), or undelegated and reconciled.
    const open = q.batch >= loadSlashState(q.validator).batch;
    return encodeUnbondingBatchResponse(createUnbondingBatchResponse(open ? "open" : "paid", 0));
  }
  if (msg instanceof MaturingQuery) {
    const entries = new Array<MaturingEntry>();
    const limit = capLimit((<MaturingQuery>msg).limit);
    const it = MATURING.range([], null, false, null, Order.Ascending);
    for (let e = it.next(); e != null && <u32>entries.length < limit; e = it.next()) {
      entries.push(createMaturingEntry(e.value.validator, e.value.batch, e.value.amount, u64FromKey(e.key.slice(0, 8))));
    }
    return encodeMaturingResponse(createMaturingResponse(entries));
  }
  if (msg instanceof RewardTotalsQuery) {
    const held = new Array<HeldRewards>();
    const it = REWARDS_HELD.range([], null, false, null, Order.Ascending);
    for (let e = it.next(); e != null; e = it.next()) held.push(createHeldRewards(fromUtf8(e.key), e.value.amount));
    const fund = governanceFund(env, CONFIG.load().denom);
    if (fund == null) return null;
    return encodeRewardTotalsResponse(createRewardTotalsResponse(held, fund));
  }
  if (msg instanceof SlashEventsQuery) {
    const q = <SlashEventsQuery>msg;
    const events = new Array<SlashEvent>();
    const limit = capLimit(q.limit);
    const it = SLASH_EVENTS.range([utf8(q.validator)], u64Key(q.startAfter), true, null, Order.Ascending);
    for (let e = it.next(); e != null && <u32>events.length < limit; e = it.next()) events.push(e.value);
    return encodeSlashEventsResponse(createSlashEventsResponse(events));
  }
  if (msg instanceof AllConsumersQuery) {
    const page = <AllConsumersQuery>msg;
    return encodeAllConsumersResponse(createAllConsumersResponse(readPage(CONSUMERS, [], page.startAfter, capLimit(page.limit), consumerResponse)));
  }
  if (msg instanceof ValidatorQuery) {
    const validator = (<ValidatorQuery>msg).validator;
    const o = observe(env, validator);
    if (o == null) return null;
    const onChain = queryDelegationAmount(env.contractAddress, validator);
    if (onChain == null) return null;
    return encodeValidatorResponse(createValidatorResponse(validator, o.pool.tokens, o.queued, onChain, o.pool.shares, o.state.seq,
      o.state.cumulative, o.state.batch));
  }
  // unbonding_queue
  const page = <UnbondingQueueQuery>msg;
  const queue = readPage(QUEUE, [], page.startAfter, capLimit(page.limit), (validator: string, queued: Amount): QueueEntry =>
    createQueueEntry(validator, queued.amount, 0));
  const config = CONFIG.load();
  for (let i = 0; i < queue.length; i++) queue[i].batchAt = nextBatchAt(config, queue[i].validator);
  return encodeUnbondingQueueResponse(createUnbondingQueueResponse(queue));
}

/** Delegations at their booked value (check_validator books slashes not yet seen; delegation shows them at once). */
function consumerResponse(address: string, consumer: Consumer): ConsumerResponse {
  const delegations = new Array<DelegationInfo>();
  let delegated = Uint128.zero();
  const it = DELEGATIONS.range([utf8(address)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    const validator = fromUtf8(e.key);
    const value = loadPool(validator).value(e.value.shares);
    delegated = delegated.checkedAdd(value)!;
    delegations.push(createDelegationInfo(validator, value));
  }
  return createConsumerResponse(address, consumer.allowance, delegated, delegations);
}

/** One consumer's delegation on one validator with any unrecorded slash applied, and the validator's slash state. */
function delegationQuery(env: Env, q: DelegationQuery): string | null {
  if (validateAddress(q.consumer, "consumer") == null) return null;
  const consumer = CONSUMERS.may_load(consumerKey(q.consumer));
  if (consumer == null) return fail<string>(consumerNotFound(q.consumer));
  const o = observe(env, q.validator);
  if (o == null) return null;
  const amount = o.pool.value(loadShares(q.consumer, q.validator));
  return encodeDelegationResponse(createDelegationResponse(consumer.allowance, delegatedBy(q.consumer, q.validator, o.pool), amount,
    o.state.seq, o.state.cumulative, o.state.batch));
}

/** Per (validator, denom): what claim_rewards would pay the consumer now, including rewards not harvested yet. */
function rewardsQuery(env: Env, consumer: string, only: string | null): string | null {
  if (validateAddress(consumer, "consumer") == null) return null;
  if (!CONSUMERS.has(consumerKey(consumer))) return fail<string>(consumerNotFound(consumer));
  const out = new Array<RewardInfo>();
  const delegated = new Array<string>();
  const it = DELEGATIONS.range([utf8(consumer)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    const validator = fromUtf8(e.key);
    if (only != null && validator != only) continue;
    delegated.push(validator);
    const o = observe(env, validator);
    if (o == null) return null;
    const pending = pendingRewards(env.contractAddress, consumer, validator, o.pool, o.queued, e.value.shares);
    if (pending == null) return null;
    for (let i = 0; i < pending.length; i++) out.push(pending[i]);
  }
  // Owed on validators the consumer has left.
  const owed = REWARDS_OWED.range([utf8(consumer)], null, false, null, Order.Ascending);
  for (let e = owed.next(); e != null; e = owed.next()) {
    const parts = splitFirstKey(e.key);
    const validator = fromUtf8(parts[0]);
    if (only != null && validator != only) continue;
    if (!delegated.includes(validator)) out.push(createRewardInfo(validator, fromUtf8(parts[1]), e.value.amount));
  }
  out.sort((a: RewardInfo, b: RewardInfo): i32 => {
    if (a.validator != b.validator) return a.validator < b.validator ? -1 : 1;
    return a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0;
  });
  return encodeRewardsResponse(createRewardsResponse(out, null));
}
