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
  BankMsg, Coin, Env, Fields, JsonValue, JsonWriter, MessageInfo, Order, Reply, ReplyOn, Response, StakingMsg, SubMsg, Uint128,
  Variant, addSeconds, checkDuration, fail, fromUtf8, mustPay, nonpayable, onlyAdmin, PageRequest, pageLimit, parseJson, writePage,
  queryBalance, queryBondedDenom, queryDelegationAmount, isActiveValidator, utf8, validateAddress,
} from "../../sdk";
import {
  Amount, BatchTime, CONFIG, CONSUMERS, Config, Consumer, DELEGATIONS, LAST_BATCH, QUEUE, VALIDATORS, consumerKey, delegationKey,
  encodeConfig, validatorKey,
} from "./state";
import { beginMigration, finishMigration, recordVersion } from "../../shared/migrate";

const EXECUTE_VARIANTS = "fund, set_allowance, update_admin, withdraw_funds, delegate, undelegate, process_unbonding";
const QUERY_VARIANTS = "config, consumer, all_consumers, validator, unbonding_queue";
/** Reply id of a batch undelegation; only failures come back, with the batch in the payload. */
export const REPLY_BATCH_FAILED: u64 = 1;
const DEFAULT_MAX_UNBONDING_ENTRIES: u64 = 7;

export function instantiate(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const f = Fields.of(msg, "instantiate");
  if (f == null) return null;
  const admin = f.optStr("admin");
  const unbonding = f.u64("unbonding_period_seconds");
  const maxEntries = f.optU64("max_unbonding_entries", DEFAULT_MAX_UNBONDING_ENTRIES);
  if (!f.finish()) return null;
  if (!checkDuration(unbonding, "unbonding_period_seconds") || !checkMaxEntries(maxEntries)) return null;
  const adminAddress = admin != null ? admin : info.sender;
  if (validateAddress(adminAddress, "admin") == null) return null;
  const denom = queryBondedDenom();
  if (denom == null) return null;
  // Funding at instantiation is allowed, in the bond denom only.
  for (let i = 0; i < info.funds.length; i++) {
    if (info.funds[i].denom != denom) return fail<Response>("Must send '" + denom + "' to this message, got '" + info.funds[i].denom + "'");
  }
  const config = new Config(adminAddress, denom, unbonding, <u32>maxEntries);
  CONFIG.save(config);
  recordVersion("meta-staking");
  return new Response().addAttribute("action", "instantiate").addAttribute("admin", adminAddress).addAttribute("denom", denom)
    .addAttribute("unbonding_epoch_seconds", config.epochSeconds().toString());
}

/** x/staking's max_entries as configured: at least 2 (one entry must stay free), at most 1000. */
function checkMaxEntries(maxEntries: u64): bool {
  if (maxEntries >= 2 && maxEntries <= 1000) return true;
  fail<string>("Invalid max_unbonding_entries: must be between 2 and 1000 (x/staking's max_entries), got " + maxEntries.toString());
  return false;
}

export function execute(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const variant = Variant.of(msg, "execute");
  if (variant == null) return null;
  const f = variant.fields;
  const name = variant.name;
  if (name == "fund") {
    if (!f.finish()) return null;
    const amount = mustPay(info, CONFIG.load().denom);
    if (amount == null) return null;
    return new Response().addAttribute("action", "fund").addAttribute("amount", amount.toString());
  }
  if (name == "set_allowance") {
    const consumer = f.str("consumer");
    const amount = f.uint128("amount");
    if (!f.finish()) return null;
    return setAllowance(info, consumer, amount);
  }
  if (name == "update_admin") {
    const admin = f.str("admin");
    if (!f.finish()) return null;
    return updateAdmin(info, admin);
  }
  if (name == "withdraw_funds") {
    const amount = f.uint128("amount");
    const recipient = f.optStr("recipient");
    if (!f.finish()) return null;
    return withdrawFunds(env, info, amount, recipient);
  }
  if (name == "delegate" || name == "undelegate") {
    const validator = f.str("validator");
    const amount = f.uint128("amount");
    if (!f.finish()) return null;
    return name == "delegate" ? delegate(env, info, validator, amount) : undelegate(env, info, validator, amount);
  }
  if (name == "process_unbonding") {
    // Permissionless crank: anyone may push due batches to x/staking.
    const startAfter = f.optStr("start_after");
    const hasLimit = f.has("limit");
    const limit = pageLimit(f.optU64("limit", 0), hasLimit, 10, 30);
    if (!f.finish() || !nonpayable(info)) return null;
    return processUnbonding(env, startAfter, limit);
  }
  return fail<Response>("Unknown execute message '" + name + "'; expected one of: " + EXECUTE_VARIANTS);
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
  if (consumer == null) return fail<Consumer>("Unauthorized: " + info.sender + " is not a registered consumer");
  return consumer;
}

function positive(amount: Uint128, action: string): bool {
  if (!amount.isZero()) return true;
  fail<string>("Invalid " + action + ": amount must be greater than zero");
  return false;
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
    return fail<Response>(
      "Allowance exhausted: delegating " + amount.toString() + " would bring " + info.sender + " to " + delegated.toString() +
      ", above its allowance of " + consumer.allowance.toString(),
    );
  }
  const active = isActiveValidator(validator);
  if (active < 0) return null;
  if (active == 0) return fail<Response>("Unknown or inactive validator '" + validator + "'");
  const config = CONFIG.load();
  const liquid = queryBalance(env.contractAddress, config.denom);
  if (liquid == null) return null;
  if (liquid.lt(amount)) {
    return fail<Response>("Insufficient funds in meta-staking: " + liquid.toString() + config.denom + " available, " + amount.toString() + " needed");
  }
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
  if (amount.gt(have)) {
    return fail<Response>("Cannot undelegate " + amount.toString() + " from " + validator + ": " + info.sender + " has " + have.toString() + " delegated there");
  }
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
  const w = new JsonWriter();
  w.beginObject().key("validator").string(validator).key("queued").string(queued.toString()).endObject();
  const undelegate = StakingMsg.undelegate(validator, new Coin(config.denom, amount));
  response.addSubMessage(new SubMsg(REPLY_BATCH_FAILED, undelegate, ReplyOn.Error, w.toBytes()));
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
  if (validators.length == limit) response.addAttribute("next_start_after", validators[validators.length - 1]);
  return response;
}

/**
 * `{"unbonding_period_seconds"?, "max_unbonding_entries"?}`: either updates the batching rules; migrating from
 * 0.1.0, which had none, requires the unbonding period.
 */
export function migrate(env: Env, msg: JsonValue): Response | null {
  const f = Fields.of(msg, "migrate");
  if (f == null) return null;
  const hasUnbonding = f.has("unbonding_period_seconds");
  const unbonding = f.optU64("unbonding_period_seconds", 0);
  const hasEntries = f.has("max_unbonding_entries");
  const maxEntries = f.optU64("max_unbonding_entries", 0);
  if (!f.finish()) return null;
  const from = beginMigration("meta-staking", ["admin", "denom"]);
  if (from == null) return null;
  const config = CONFIG.load();
  if (hasUnbonding) {
    if (!checkDuration(unbonding, "unbonding_period_seconds")) return null;
    config.unbondingPeriodSeconds = unbonding;
  }
  if (config.unbondingPeriodSeconds == 0) {
    return fail<Response>("Migrating from " + from.version + " requires unbonding_period_seconds (x/staking's unbonding period on this chain)");
  }
  if (hasEntries) {
    if (!checkMaxEntries(maxEntries)) return null;
    config.maxUnbondingEntries = <u32>maxEntries;
  }
  CONFIG.save(config);
  return finishMigration("meta-staking", from).addAttribute("unbonding_epoch_seconds", config.epochSeconds().toString());
}

/** A batch that x/staking refused goes back to the queue (retried after the next epoch); nothing is lost. */
export function reply(env: Env, reply: Reply): Response | null {
  const response = new Response();
  const error = reply.error;
  if (reply.id != REPLY_BATCH_FAILED || error == null) return response.addAttribute("action", "unknown_reply");
  const f = Fields.of(parseJson(reply.payload), "batch payload");
  if (f == null) return null;
  const validator = f.str("validator");
  const queued = f.uint128("queued");
  if (!f.finish()) return null;
  const vkey = validatorKey(validator);
  const requeued = addTo(QUEUE.may_load(vkey), queued);
  if (requeued == null) return null;
  QUEUE.save(vkey, requeued);
  return response.addAttribute("action", "batch_requeued").addAttribute("validator", validator)
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
  if (amount.gt(liquid)) {
    return fail<Response>("Insufficient liquid funds: " + liquid.toString() + config.denom + " available, " + amount.toString() + " requested");
  }
  return new Response()
    .addMessage(BankMsg.send(to, [new Coin(config.denom, amount)]))
    .addAttribute("action", "withdraw_funds")
    .addAttribute("recipient", to)
    .addAttribute("amount", amount.toString());
}

// ---------------------------------------------------------------------------------------------------------------
// Queries

export function query(env: Env, msg: JsonValue): string | null {
  const variant = Variant.of(msg, "query");
  if (variant == null) return null;
  const f = variant.fields;
  const name = variant.name;
  if (name == "config") {
    if (!f.finish()) return null;
    const w = new JsonWriter();
    encodeConfig(CONFIG.load(), w);
    return w.toString();
  }
  if (name == "consumer") {
    const address = f.str("address");
    if (!f.finish()) return null;
    if (validateAddress(address, "address") == null) return null;
    const consumer = CONSUMERS.may_load(consumerKey(address));
    if (consumer == null) return fail<string>("Not a registered consumer: " + address);
    const w = new JsonWriter();
    writeConsumer(w, address, consumer);
    return w.toString();
  }
  if (name == "all_consumers") {
    const page = PageRequest.read(f);
    if (!f.finish()) return null;
    const w = new JsonWriter();
    w.beginObject();
    writePage<Consumer>(w, "consumers", CONSUMERS, [], page, writeConsumer);
    w.endObject();
    return w.toString();
  }
  if (name == "validator") {
    // What we account for a validator next to what x/staking reports: a shortfall is a slash.
    const validator = f.str("validator");
    if (!f.finish()) return null;
    const v = VALIDATORS.may_load(validatorKey(validator));
    const onChain = queryDelegationAmount(env.contractAddress, validator);
    if (onChain == null) return null;
    const w = new JsonWriter();
    w.beginObject().key("validator").string(validator);
    const q = QUEUE.may_load(validatorKey(validator));
    w.key("delegated").string(v != null ? v.amount.toString() : "0").key("queued").string(q != null ? q.amount.toString() : "0");
    w.key("on_chain").string(onChain.toString()).endObject();
    return w.toString();
  }
  if (name == "unbonding_queue") {
    const page = PageRequest.read(f);
    if (!f.finish()) return null;
    const w = new JsonWriter();
    w.beginObject();
    writePage<Amount>(w, "queue", QUEUE, [], page, (w: JsonWriter, validator: string, a: Amount): void => {
      w.beginObject().key("validator").string(validator).key("queued").string(a.amount.toString());
      w.key("batch_at").u64String(nextBatchAt(CONFIG.load(), validator)).endObject();
    });
    w.endObject();
    return w.toString();
  }
  return fail<string>("Unknown query '" + name + "'; expected one of: " + QUERY_VARIANTS);
}

function writeConsumer(w: JsonWriter, address: string, consumer: Consumer): void {
  w.beginObject().key("address").string(address);
  w.key("allowance").string(consumer.allowance.toString()).key("delegated").string(consumer.delegated.toString());
  w.key("delegations").beginArray();
  const it = DELEGATIONS.range([utf8(address)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    w.beginObject().key("validator").string(fromUtf8(e.key)).key("amount").string(e.value.amount.toString()).endObject();
  }
  w.endArray().endObject();
}
