// meta-staking: the consumer chain's bridge to x/staking. Governance (the admin) funds it and grants each consumer
// contract an allowance; a consumer delegates and undelegates the contract's own tokens on behalf of remote stake.
// Rules: a consumer never exceeds its allowance and never touches another consumer's delegations.
// Invariant: Σ delegations per validator = validators[validator] = our x/staking delegation (until a slash).
import {
  Coin, Env, Fields, JsonValue, JsonWriter, MessageInfo, Order, Response, StakingMsg, Uint128, Variant, fail, fromUtf8,
  mustPay, nonpayable, onlyAdmin, PageRequest, writePage, queryBalance, queryBondedDenom, queryDelegationAmount, isActiveValidator, utf8,
  validateAddress,
} from "../../sdk";
import {
  Amount, CONFIG, CONSUMERS, Config, Consumer, DELEGATIONS, VALIDATORS, consumerKey, delegationKey, validatorKey,
} from "./state";

const EXECUTE_VARIANTS = "fund, set_allowance, update_admin, delegate, undelegate";
const QUERY_VARIANTS = "config, consumer, all_consumers, validator";

export function instantiate(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const f = Fields.of(msg, "instantiate");
  if (f == null) return null;
  const admin = f.optStr("admin");
  if (!f.finish()) return null;
  const adminAddress = admin != null ? admin : info.sender;
  if (validateAddress(adminAddress, "admin") == null) return null;
  const denom = queryBondedDenom();
  if (denom == null) return null;
  // Funding at instantiation is allowed, in the bond denom only.
  for (let i = 0; i < info.funds.length; i++) {
    if (info.funds[i].denom != denom) return fail<Response>("Must send '" + denom + "' to this message, got '" + info.funds[i].denom + "'");
  }
  CONFIG.save(new Config(adminAddress, denom));
  return new Response().addAttribute("action", "instantiate").addAttribute("admin", adminAddress).addAttribute("denom", denom);
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
  if (name == "delegate" || name == "undelegate") {
    const validator = f.str("validator");
    const amount = f.uint128("amount");
    if (!f.finish()) return null;
    return name == "delegate" ? delegate(env, info, validator, amount) : undelegate(info, validator, amount);
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

function undelegate(info: MessageInfo, validator: string, amount: Uint128): Response | null {
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
  const config = CONFIG.load();
  return new Response()
    .addMessage(StakingMsg.undelegate(validator, new Coin(config.denom, amount)))
    .addAttribute("action", "undelegate")
    .addAttribute("consumer", info.sender)
    .addAttribute("validator", validator)
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
    const config = CONFIG.load();
    const w = new JsonWriter();
    w.beginObject().key("admin").string(config.admin).key("denom").string(config.denom).endObject();
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
    w.key("delegated").string(v != null ? v.amount.toString() : "0").key("on_chain").string(onChain.toString()).endObject();
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
