// meta-staking: the consumer chain's bridge to x/staking. Governance (the admin) funds it and grants each consumer
// contract an allowance; a consumer delegates and undelegates the contract's own tokens on behalf of remote stake.
// Rules: a consumer never exceeds its allowance and never touches another consumer's delegations.
// Invariant: Σ delegations per validator = validators[validator]; validators + queue = our x/staking delegation
// (until a slash, which lowers x/staking's side).
//
// Undelegations are batched. x/staking keeps at most max_entries (7) unbonding entries per (delegator, validator),
// and meta-staking is one delegator for every user of every consumer: undelegating on every unstake would let a few
// tiny unstakes block everyone's for a whole unbonding period. So an undelegate only books the amount and queues it;
// the queue of a validator is undelegated at most once per epoch (⌈unbonding period / (max_entries − 1)⌉), by the
// next undelegate that finds the epoch over or by the permissionless `process_unbonding` crank. Each batch takes
// its pro-rata share of what x/staking still holds (so after a slash it never asks for more than exists) and runs
// as a sub-message whose failure puts the amount back in the queue instead of failing the caller.
import {
  addSeconds, BankMsg, capLimit, checkDuration, Coin, Env, fail, failCheck, fromUtf8, isActiveValidator, JsonValue,
  MessageInfo, mustPay, nonpayable, onlyAdmin, Order, parseJson, queryBalance, queryBondedDenom,
  queryDelegationAmount, readPage, Reply, ReplyOn, Response, StakingMsg, SubMsg, Uint128, utf8, validateAddress,
  wrongDenom, zeroAmount,
} from "../../sdk";
import { Delegate, Undelegate } from "../../shared/meta-staking";
import { beginMigration, finishMigration, recordVersion } from "../../shared/migrate";
import {
  allowanceExhausted, consumerNotFound, insufficientDelegation, insufficientFunds, insufficientLiquidFunds, invalidMaxUnbondingEntries,
  unauthorizedConsumer, unbondingPeriodRequired, unknownValidator,
} from "./errors";
import { ConfigQuery, ConsumerQuery, ConsumerResponse, DelegationInfo } from "../../shared/meta-staking";
import {
  createConfigResponse, createConsumerResponse, createDelegationInfo, encodeConfigResponse, encodeConsumerResponse,
} from "../../shared/meta-staking.codec";
import {
  AllConsumersQuery, Fund, ProcessUnbonding, QueueEntry, SetAllowance, UnbondingQueueQuery, UpdateAdmin, ValidatorQuery, WithdrawFunds,
} from "./msg";
import {
  createAllConsumersResponse, createBatchPayload, createQueueEntry, createUnbondingQueueResponse, createValidatorResponse, decodeBatchPayload,
  decodeExecuteMsg, decodeInstantiateMsg, decodeMigrateMsg, decodeQueryMsg, encodeAllConsumersResponse, encodeBatchPayload,
  encodeUnbondingQueueResponse, encodeValidatorResponse,
} from "./msg.codec";
import {
  Amount, BatchTime, CONFIG, CONSUMERS, Config, Consumer, DELEGATIONS, LAST_BATCH, QUEUE, VALIDATORS, consumerKey, delegationKey,
  validatorKey,
} from "./state";

/** Reply id of a batch undelegation; only failures come back, with the batch in the payload. */
export const REPLY_BATCH_FAILED: u64 = 1;

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
  if (msg instanceof Fund) {
    const amount = mustPay(info, CONFIG.load().denom);
    if (amount == null) return null;
    return new Response().addAttribute("action", "fund").addAttribute("amount", amount.toString());
  }
  if (msg instanceof SetAllowance) return setAllowance(info, (<SetAllowance>msg).consumer, (<SetAllowance>msg).amount);
  if (msg instanceof UpdateAdmin) return updateAdmin(info, (<UpdateAdmin>msg).admin);
  if (msg instanceof WithdrawFunds) return withdrawFunds(env, info, (<WithdrawFunds>msg).amount, (<WithdrawFunds>msg).recipient);
  if (msg instanceof ProcessUnbonding) {
    // Permissionless crank: anyone may push due batches to x/staking.
    if (!nonpayable(info)) return null;
    const page = <ProcessUnbonding>msg;
    return processUnbonding(env, page.startAfter, <i32>capLimit(page.limit));
  }
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
  const existing = CONSUMERS.may_load(consumerKey(consumer));
  const record = existing != null ? existing : new Consumer(Uint128.zero(), Uint128.zero());
  // Lowering the allowance below what is delegated is allowed: it blocks new delegations until the consumer unbonds.
  record.allowance = amount;
  CONSUMERS.save(consumerKey(consumer), record);
  return new Response()
    .addAttribute("action", "set_allowance")
    .addAttribute("consumer", consumer)
    .addAttribute("allowance", amount.toString())
    .addAttribute("delegated", record.delegated.toString());
}

function updateAdmin(info: MessageInfo, admin: string): Response | null {
  if (!nonpayable(info)) return null;
  const config = requireAdmin(info);
  if (config == null || validateAddress(admin, "admin") == null) return null;
  config.admin = admin;
  CONFIG.save(config);
  return new Response().addAttribute("action", "update_admin").addAttribute("admin", admin);
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

function delegate(env: Env, info: MessageInfo, validator: string, amount: Uint128): Response | null {
  if (!nonpayable(info) || !positive(amount, "delegate")) return null;
  const consumer = consumerFor(info);
  if (consumer == null) return null;
  const delegated = consumer.delegated.checkedAdd(amount);
  if (delegated == null) return null;
  if (delegated.gt(consumer.allowance)) {
    return fail<Response>(allowanceExhausted(amount, info.sender, delegated, consumer.allowance));
  }
  const active = isActiveValidator(validator);
  if (active < 0) return null;
  if (active == 0) return fail<Response>(unknownValidator(validator));
  const config = CONFIG.load();
  const liquid = queryBalance(env.contractAddress, config.denom);
  if (liquid == null) return null;
  if (liquid.lt(amount)) return fail<Response>(insufficientFunds(liquid, config.denom, amount));
  consumer.delegated = delegated;
  CONSUMERS.save(consumerKey(info.sender), consumer);
  const dkey = delegationKey(info.sender, validator);
  const d = addTo(DELEGATIONS.may_load(dkey), amount);
  const vkey = validatorKey(validator);
  const v = addTo(VALIDATORS.may_load(vkey), amount);
  if (d == null || v == null) return null;
  DELEGATIONS.save(dkey, d);
  VALIDATORS.save(vkey, v);
  return new Response()
    .addMessage(StakingMsg.delegate(validator, new Coin(config.denom, amount)))
    .addAttribute("action", "delegate")
    .addAttribute("consumer", info.sender)
    .addAttribute("validator", validator)
    .addAttribute("amount", amount.toString());
}

function undelegate(env: Env, info: MessageInfo, validator: string, amount: Uint128): Response | null {
  if (!nonpayable(info) || !positive(amount, "undelegate")) return null;
  const consumer = consumerFor(info);
  if (consumer == null) return null;
  const dkey = delegationKey(info.sender, validator);
  const d = DELEGATIONS.may_load(dkey);
  const have = d != null ? d.amount : Uint128.zero();
  if (amount.gt(have)) return fail<Response>(insufficientDelegation(amount, validator, info.sender, have));
  const vkey = validatorKey(validator);
  const v = VALIDATORS.may_load(vkey)!;
  v.amount = v.amount.checkedSub(amount)!;
  if (v.amount.isZero()) VALIDATORS.remove(vkey); else VALIDATORS.save(vkey, v);
  const left = have.checkedSub(amount)!;
  if (left.isZero()) DELEGATIONS.remove(dkey); else DELEGATIONS.save(dkey, new Amount(left));
  consumer.delegated = consumer.delegated.checkedSub(amount)!;
  CONSUMERS.save(consumerKey(info.sender), consumer);
  const queued = addTo(QUEUE.may_load(vkey), amount);
  if (queued == null) return null;
  QUEUE.save(vkey, queued);
  const response = new Response()
    .addAttribute("action", "undelegate")
    .addAttribute("consumer", info.sender)
    .addAttribute("validator", validator)
    .addAttribute("amount", amount.toString())
    .addAttribute("queued", queued.amount.toString());
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
  const onChain = queryDelegationAmount(env.contractAddress, validator);
  if (onChain == null) return false;
  const booked = VALIDATORS.may_load(vkey);
  const backing = queued.checkedAdd(booked != null ? booked.amount : Uint128.zero());
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
  const payload = utf8(encodeBatchPayload(createBatchPayload(validator, queued)));
  const undelegate = StakingMsg.undelegate(validator, new Coin(config.denom, amount));
  response.addSubMessage(new SubMsg(REPLY_BATCH_FAILED, undelegate, ReplyOn.Error, payload));
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
    if (!flushBatch(env, config, validators[i], response)) return null;
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
  return finishMigration("meta-staking", from).addAttribute("unbonding_epoch_seconds", config.epochSeconds().toString());
}

/** A batch that x/staking refused goes back to the queue (retried after the next epoch); nothing is lost. */
export function reply(env: Env, reply: Reply): Response | null {
  const response = new Response();
  const error = reply.error;
  if (reply.id != REPLY_BATCH_FAILED || error == null) return response.addAttribute("action", "unknown_reply");
  const batch = decodeBatchPayload(parseJson(reply.payload), "batch payload");
  if (batch == null) return null;
  const vkey = validatorKey(batch.validator);
  const requeued = addTo(QUEUE.may_load(vkey), batch.queued);
  if (requeued == null) return null;
  QUEUE.save(vkey, requeued);
  return response.addAttribute("action", "batch_requeued").addAttribute("validator", batch.validator)
    .addAttribute("queued", requeued.amount.toString()).addAttribute("error", error);
}

/** Governance takes back liquid funds (returned unbondings, unused funding); delegated tokens are not liquid. */
function withdrawFunds(env: Env, info: MessageInfo, amount: Uint128, recipient: string | null): Response | null {
  if (!nonpayable(info) || !positive(amount, "withdraw_funds")) return null;
  const config = requireAdmin(info);
  if (config == null) return null;
  const to = recipient != null ? recipient : info.sender;
  if (validateAddress(to, "recipient") == null) return null;
  const liquid = queryBalance(env.contractAddress, config.denom);
  if (liquid == null) return null;
  if (amount.gt(liquid)) return fail<Response>(insufficientLiquidFunds(liquid, config.denom, amount));
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
  if (msg instanceof AllConsumersQuery) {
    const page = <AllConsumersQuery>msg;
    return encodeAllConsumersResponse(createAllConsumersResponse(readPage(CONSUMERS, [], page.startAfter, capLimit(page.limit), consumerResponse)));
  }
  if (msg instanceof ValidatorQuery) {
    const validator = (<ValidatorQuery>msg).validator;
    const v = VALIDATORS.may_load(validatorKey(validator));
    const onChain = queryDelegationAmount(env.contractAddress, validator);
    if (onChain == null) return null;
    const q = QUEUE.may_load(validatorKey(validator));
    return encodeValidatorResponse(createValidatorResponse(validator, v != null ? v.amount : Uint128.zero(),
      q != null ? q.amount : Uint128.zero(), onChain));
  }
  // unbonding_queue
  const page = <UnbondingQueueQuery>msg;
  const queue = readPage(QUEUE, [], page.startAfter, capLimit(page.limit), (validator: string, queued: Amount): QueueEntry =>
    createQueueEntry(validator, queued.amount, 0));
  const config = CONFIG.load();
  for (let i = 0; i < queue.length; i++) queue[i].batchAt = nextBatchAt(config, queue[i].validator);
  return encodeUnbondingQueueResponse(createUnbondingQueueResponse(queue));
}

function consumerResponse(address: string, consumer: Consumer): ConsumerResponse {
  const delegations = new Array<DelegationInfo>();
  const it = DELEGATIONS.range([utf8(address)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) delegations.push(createDelegationInfo(fromUtf8(e.key), e.value.amount));
  return createConsumerResponse(address, consumer.allowance, consumer.delegated, delegations);
}
