// mesh-provider (provider chain, one instance per consumer chain). Receives claims from the ILP and stakes them on
// the consumer chain over IBC; users unstake per validator and, after the provider's own unbonding period,
// withdraw, which releases their claim in the ILP.
//
// Commit on success ack, roll back on error ack or timeout: a Stake counts as staked only once acknowledged, and a
// failed one releases its ILP claim; a failed Unstake restores the stake. While a packet is in flight the amount it
// may change is reserved (pending_stake / pending_unstake), so concurrent operations cannot double-spend.
// Invariant: for every owner, ILP claim = Σ_validators (staked + pending_stake + pending_unstake) + Σ unbonding.
import {
  ChannelOpenResult, Env, Reply, Fields, IbcChannelMsg, IbcMsg, IbcPacketAckMsg, IbcPacketMsg, IbcTimeout, JsonValue, JsonWriter,
  MessageInfo, Order, ReceiveResult, ReplyOn, SubMsg, parseJson, Response, Uint128, Variant, WasmMsg, ackSuccess, fail, fromUtf8, nonpayable, onlyAdmin, PageRequest, writePage,
  u64FromKey, utf8, validateAddress,
} from "../../sdk";
import { CHANNEL, Counterparty, checkChannelOpen, isOurChannel, recordChannelConnect, requireOurChannel } from "../../shared/channel";
import { LienAmountMsg, ReceiveClaimMsg } from "../../shared/lien";
import { Ack, PacketKind, ProviderPacket, ValidatorSetPacket, emptyResult, readValidatorList } from "../../shared/packets";
import {
  CONFIG, Config, STAKES, STATE, Stake, State, TOTALS, TXS, Tx, TxKind, UNBONDING, Unbonding, VALIDATORS, ValidatorSet,
  encodeConfig, stakeKey, txKey, unbondingKey,
} from "./state";

const NANOS: u64 = 1_000_000_000;
/** Reply id of the claim release sent when a Stake is rolled back. */
export const REPLY_RELEASE_ON_ROLLBACK: u64 = 1;
const EXECUTE_VARIANTS = "receive_claim, claim_capped, unstake, withdraw_unbonded, refresh_validators, set_consumer, update_admin";
const QUERY_VARIANTS = "config, channel, validators, stake, stakes, unbonding, validator_total, tx";

export function instantiate(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const f = Fields.of(msg, "instantiate");
  if (f == null) return null;
  const admin = f.optStr("admin");
  const ilp = f.str("ilp");
  const unbonding = f.u64("unbonding_period_seconds");
  const timeout = f.optU64("packet_timeout_seconds", 600);
  if (!f.finish() || !nonpayable(info)) return null;
  const adminAddress = admin != null ? admin : info.sender;
  if (validateAddress(adminAddress, "admin") == null || validateAddress(ilp, "ilp") == null) return null;
  if (timeout == 0) return fail<Response>("Invalid packet_timeout_seconds: must be greater than zero");
  // Release is driven by our clock: it must outlast the consumer's unbonding plus a packet's flight time.
  if (unbonding <= timeout) return fail<Response>("Invalid unbonding_period_seconds: must exceed packet_timeout_seconds");
  CONFIG.save(new Config(adminAddress, ilp, null, unbonding, timeout));
  STATE.save(new State(1, 0, Uint128.zero()));
  VALIDATORS.save(new ValidatorSet([], 0));
  return new Response().addAttribute("action", "instantiate");
}

export function execute(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const variant = Variant.of(msg, "execute");
  if (variant == null) return null;
  const f = variant.fields;
  const name = variant.name;
  if (name == "receive_claim") {
    const claim = ReceiveClaimMsg.read(f);
    if (!f.finish()) return null;
    return receiveClaim(env, info, claim);
  }
  if (name == "claim_capped") {
    // A slash through another provider cut this owner's collateral. Reducing the stake here is the cascade of
    // the slashing work; until then the notification is refused, which the ILP records without failing.
    f.ignore("owner");
    f.ignore("amount");
    if (!f.finish()) return null;
    return fail<Response>("claim_capped is not handled yet");
  }
  if (name == "unstake") {
    const validator = f.str("validator");
    const amount = f.uint128("amount");
    if (!f.finish()) return null;
    return unstake(env, info, validator, amount);
  }
  if (name == "withdraw_unbonded") {
    if (!f.finish()) return null;
    return withdrawUnbonded(env, info);
  }
  if (name == "refresh_validators") {
    if (!f.finish() || !nonpayable(info)) return null;
    const channel = CHANNEL.may_load();
    if (channel == null) return fail<Response>("No channel to the consumer is open");
    return new Response()
      .addMessage(IbcMsg.sendPacket(channel.channelId, ProviderPacket.listValidators().toBytes(), timeoutFrom(env)))
      .addAttribute("action", "refresh_validators");
  }
  if (name == "set_consumer") {
    const connectionId = f.str("connection_id");
    const portId = f.str("port_id");
    if (!f.finish()) return null;
    const config = requireAdmin(info);
    if (config == null) return null;
    if (CHANNEL.may_load() != null) return fail<Response>("Cannot change the consumer while a channel is open");
    if (connectionId.length == 0 || portId.length == 0) return fail<Response>("Invalid consumer: connection_id and port_id must not be empty");
    config.consumer = new Counterparty(connectionId, portId);
    CONFIG.save(config);
    return new Response().addAttribute("action", "set_consumer").addAttribute("connection_id", connectionId).addAttribute("port_id", portId);
  }
  if (name == "update_admin") {
    const admin = f.str("admin");
    if (!f.finish()) return null;
    const config = requireAdmin(info);
    if (config == null || validateAddress(admin, "admin") == null) return null;
    config.admin = admin;
    CONFIG.save(config);
    return new Response().addAttribute("action", "update_admin").addAttribute("admin", admin);
  }
  return fail<Response>("Unknown execute message '" + name + "'; expected one of: " + EXECUTE_VARIANTS);
}

function requireAdmin(info: MessageInfo): Config | null {
  const config = CONFIG.load();
  return nonpayable(info) && onlyAdmin(info, config.admin) ? config : null;
}

function timeoutFrom(env: Env): IbcTimeout {
  return IbcTimeout.atTimestamp(env.block.timeNanos + CONFIG.load().packetTimeoutSeconds * NANOS);
}

function loadStake(owner: string, validator: string): Stake {
  const s = STAKES.may_load(stakeKey(owner, validator));
  return s != null ? s : Stake.zero();
}

function saveStake(owner: string, validator: string, s: Stake): void {
  if (s.isZero()) STAKES.remove(stakeKey(owner, validator)); else STAKES.save(stakeKey(owner, validator), s);
}

function loadTotal(validator: string): Stake {
  const s = TOTALS.may_load([utf8(validator)]);
  return s != null ? s : Stake.zero();
}

function saveTotal(validator: string, s: Stake): void {
  if (s.isZero()) TOTALS.remove([utf8(validator)]); else TOTALS.save([utf8(validator)], s);
}

function nextId(): u64 {
  const state = STATE.load();
  const id = state.nextId;
  state.nextId = id + 1;
  STATE.save(state);
  return id;
}

function addOutstanding(delta: Uint128, add: bool): void {
  const state = STATE.load();
  state.outstanding = add ? state.outstanding.checkedAdd(delta)! : state.outstanding.saturatingSub(delta);
  STATE.save(state);
}

function receiveClaim(env: Env, info: MessageInfo, claim: ReceiveClaimMsg): Response | null {
  const config = CONFIG.load();
  if (info.sender != config.ilp) return fail<Response>("Unauthorized: only the ILP (" + config.ilp + ") grants claims");
  if (claim.amount.isZero()) return fail<Response>("Invalid claim: amount must be greater than zero");
  const channel = CHANNEL.may_load();
  if (channel == null) return fail<Response>("No channel to the consumer is open: cannot stake");
  if (!VALIDATORS.load().has(claim.validator)) {
    return fail<Response>("Unknown or inactive validator '" + claim.validator + "' on the consumer chain");
  }
  const stake = loadStake(claim.owner, claim.validator);
  const total = loadTotal(claim.validator);
  const ownerPending = stake.pendingStake.checkedAdd(claim.amount);
  const totalPending = total.pendingStake.checkedAdd(claim.amount);
  if (ownerPending == null || totalPending == null) return null;
  stake.pendingStake = ownerPending;
  total.pendingStake = totalPending;
  saveStake(claim.owner, claim.validator, stake);
  saveTotal(claim.validator, total);
  addOutstanding(claim.amount, true);
  const id = nextId();
  TXS.save(txKey(id), new Tx(TxKind.Stake, claim.owner, claim.validator, claim.amount));
  return new Response()
    .addMessage(IbcMsg.sendPacket(channel.channelId, ProviderPacket.stake(id, claim.validator, claim.amount).toBytes(), timeoutFrom(env)))
    .addAttribute("action", "stake")
    .addAttribute("owner", claim.owner)
    .addAttribute("validator", claim.validator)
    .addAttribute("amount", claim.amount.toString())
    .addAttribute("tx_id", id.toString());
}

function unstake(env: Env, info: MessageInfo, validator: string, amount: Uint128): Response | null {
  if (!nonpayable(info)) return null;
  if (amount.isZero()) return fail<Response>("Invalid unstake: amount must be greater than zero");
  const channel = CHANNEL.may_load();
  if (channel == null) return fail<Response>("No channel to the consumer is open: stake is released through withdraw_unbonded after the unbonding period");
  const stake = loadStake(info.sender, validator);
  if (amount.gt(stake.staked)) {
    return fail<Response>("Cannot unstake " + amount.toString() + " from " + validator + ": only " + stake.staked.toString() + " is staked (and acknowledged) there");
  }
  const total = loadTotal(validator);
  stake.staked = stake.staked.checkedSub(amount)!;
  stake.pendingUnstake = stake.pendingUnstake.checkedAdd(amount)!;
  total.staked = total.staked.saturatingSub(amount);
  total.pendingUnstake = total.pendingUnstake.checkedAdd(amount)!;
  saveStake(info.sender, validator, stake);
  saveTotal(validator, total);
  const id = nextId();
  TXS.save(txKey(id), new Tx(TxKind.Unstake, info.sender, validator, amount));
  return new Response()
    .addMessage(IbcMsg.sendPacket(channel.channelId, ProviderPacket.unstake(id, validator, amount).toBytes(), timeoutFrom(env)))
    .addAttribute("action", "unstake")
    .addAttribute("owner", info.sender)
    .addAttribute("validator", validator)
    .addAttribute("amount", amount.toString())
    .addAttribute("tx_id", id.toString());
}

function withdrawUnbonded(env: Env, info: MessageInfo): Response | null {
  if (!nonpayable(info)) return null;
  const config = CONFIG.load();
  const state = STATE.load();
  const now = env.block.timeNanos;
  const owner = info.sender;
  let released = Uint128.zero();
  let nextRelease: u64 = 0;

  const matured = new Array<u64>();
  const it = UNBONDING.range([utf8(owner)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    if (e.value.releaseAtNanos <= now) {
      matured.push(u64FromKey(e.key));
      released = released.checkedAdd(e.value.amount)!;
    } else if (nextRelease == 0 || e.value.releaseAtNanos < nextRelease) {
      nextRelease = e.value.releaseAtNanos;
    }
  }
  for (let i = 0; i < matured.length; i++) UNBONDING.remove(unbondingKey(owner, matured[i]));

  // After a channel close, all acknowledged stake unbonds from the close time (the consumer undelegated it all).
  if (state.closedAtNanos > 0) {
    const closedRelease = state.closedAtNanos + config.unbondingPeriodSeconds * NANOS;
    if (closedRelease <= now) {
      const validators = new Array<string>();
      const stakes = new Array<Stake>();
      const sit = STAKES.range([utf8(owner)], null, false, null, Order.Ascending);
      for (let e = sit.next(); e != null; e = sit.next()) {
        validators.push(fromUtf8(e.key));
        stakes.push(e.value);
      }
      for (let i = 0; i < validators.length; i++) {
        const s = stakes[i];
        if (s.staked.isZero()) continue;
        released = released.checkedAdd(s.staked)!;
        const total = loadTotal(validators[i]);
        total.staked = total.staked.saturatingSub(s.staked);
        saveTotal(validators[i], total);
        addOutstanding(s.staked, false);
        s.staked = Uint128.zero();
        saveStake(owner, validators[i], s);
      }
    } else if (nextRelease == 0 || closedRelease < nextRelease) {
      nextRelease = closedRelease;
    }
  }

  if (released.isZero()) {
    return fail<Response>(nextRelease == 0 ? "Nothing to withdraw" : "Nothing to withdraw yet: the next release is at " + nextRelease.toString() + " (ns)");
  }
  return new Response()
    .addMessage(WasmMsg.execute(config.ilp, LienAmountMsg.release(owner, released).toJson(), []))
    .addAttribute("action", "withdraw_unbonded")
    .addAttribute("owner", owner)
    .addAttribute("amount", released.toString());
}

// ---------------------------------------------------------------------------------------------------------------
// IBC

export function ibcChannelOpen(env: Env, msg: IbcChannelMsg): ChannelOpenResult | null {
  const state = STATE.load();
  if (state.closedAtNanos > 0 && !state.outstanding.isZero()) {
    return fail<ChannelOpenResult>("The previous channel's stake is still unbonding: a new channel may open once it is all withdrawn");
  }
  const version = checkChannelOpen(msg, CONFIG.load().consumer);
  return version != null ? new ChannelOpenResult(version) : null;
}

export function ibcChannelConnect(env: Env, msg: IbcChannelMsg): Response | null {
  const channel = recordChannelConnect(msg);
  if (channel == null) return null;
  const state = STATE.load();
  state.closedAtNanos = 0;
  STATE.save(state);
  return new Response().addAttribute("action", "channel_connect").addAttribute("channel_id", channel.channelId);
}

/** A closed channel never blocks collateral: everything staked through it unbonds on our clock from now. */
export function ibcChannelClose(env: Env, msg: IbcChannelMsg): Response | null {
  const response = new Response().addAttribute("action", "channel_close").addAttribute("channel_id", msg.channel.endpoint.channelId);
  if (!isOurChannel(msg.channel)) return response;
  CHANNEL.remove();
  const state = STATE.load();
  state.closedAtNanos = env.block.timeNanos;
  STATE.save(state);
  VALIDATORS.save(new ValidatorSet([], env.block.height));
  return response;
}

/** The consumer's validator_set packet: the active set we accept stake for. */
export function ibcPacketReceive(env: Env, msg: IbcPacketMsg): ReceiveResult | null {
  if (requireOurChannel(msg.packet.dest.channelId) == null) return null;
  const packet = ValidatorSetPacket.decode(msg.packet.data);
  if (packet == null) return null;
  VALIDATORS.save(new ValidatorSet(packet.validators, env.block.height));
  return new ReceiveResult(
    new Response().addAttribute("action", "validator_set").addAttribute("count", packet.validators.length.toString()),
    ackSuccess(emptyResult()),
  );
}

export function ibcPacketAck(env: Env, msg: IbcPacketAckMsg): Response | null {
  const ack = Ack.parse(msg.acknowledgement);
  return settle(env, msg.originalPacket.data, ack.ok, ack.ok ? ack.result : null, ack.error);
}

export function ibcPacketTimeout(env: Env, msg: IbcPacketMsg): Response | null {
  return settle(env, msg.packet.data, false, null, "timeout");
}

/** Commits or rolls back the operation a packet carried. Never fails on unknown or repeated outcomes. */
function settle(env: Env, data: Uint8Array, ok: bool, result: Uint8Array | null, reason: string): Response | null {
  const packet = ProviderPacket.decode(data);
  if (packet == null) return null;
  const response = new Response().addAttribute("outcome", ok ? "success" : "failure");
  if (!ok) response.addAttribute("reason", reason);
  if (packet.kind == PacketKind.ListValidators) {
    if (ok && result != null) {
      const parsed = Fields.of(parseJson(result), "list_validators result");
      if (parsed == null) return null;
      const list = readValidatorList(parsed);
      if (list == null || !parsed.finishLenient()) return null;
      VALIDATORS.save(new ValidatorSet(list, env.block.height));
    }
    return response.addAttribute("action", "list_validators_settled");
  }
  const key = txKey(packet.txId);
  const tx = TXS.may_load(key);
  if (tx == null) return response.addAttribute("action", "unknown_tx").addAttribute("tx_id", packet.txId.toString());
  TXS.remove(key);
  response.addAttribute("tx_id", packet.txId.toString()).addAttribute("owner", tx.owner).addAttribute("validator", tx.validator);
  const stake = loadStake(tx.owner, tx.validator);
  const total = loadTotal(tx.validator);
  if (tx.kind == TxKind.Stake) {
    stake.pendingStake = stake.pendingStake.saturatingSub(tx.amount);
    total.pendingStake = total.pendingStake.saturatingSub(tx.amount);
    if (ok) {
      stake.staked = stake.staked.checkedAdd(tx.amount)!;
      total.staked = total.staked.checkedAdd(tx.amount)!;
      response.addAttribute("action", "stake_committed");
    } else {
      // The consumer never delegated it: the claim goes back to the owner. As a sub-message that may fail on its
      // own (reply on error), so that the ILP can never make this ack fail and leave the packet stuck.
      addOutstanding(tx.amount, false);
      const release = WasmMsg.execute(CONFIG.load().ilp, LienAmountMsg.release(tx.owner, tx.amount).toJson(), []);
      response.addSubMessage(new SubMsg(REPLY_RELEASE_ON_ROLLBACK, release, ReplyOn.Error));
      response.addAttribute("action", "stake_rolled_back");
    }
  } else {
    stake.pendingUnstake = stake.pendingUnstake.saturatingSub(tx.amount);
    total.pendingUnstake = total.pendingUnstake.saturatingSub(tx.amount);
    if (ok) {
      const releaseAt = env.block.timeNanos + CONFIG.load().unbondingPeriodSeconds * NANOS;
      UNBONDING.save(unbondingKey(tx.owner, packet.txId), new Unbonding(tx.validator, tx.amount, releaseAt));
      addOutstanding(tx.amount, false);
      response.addAttribute("action", "unstake_committed").addAttribute("release_at", releaseAt.toString());
    } else {
      stake.staked = stake.staked.checkedAdd(tx.amount)!;
      total.staked = total.staked.checkedAdd(tx.amount)!;
      response.addAttribute("action", "unstake_rolled_back");
    }
  }
  saveStake(tx.owner, tx.validator, stake);
  saveTotal(tx.validator, total);
  return response;
}

/** Only failures come back (reply on error): record them for operators; never fail. */
export function reply(env: Env, reply: Reply): Response | null {
  const error = reply.error;
  return new Response()
    .addAttribute("action", reply.id == REPLY_RELEASE_ON_ROLLBACK ? "release_on_rollback_failed" : "unknown_reply")
    .addAttribute("error", error != null ? error : "");
}

// ---------------------------------------------------------------------------------------------------------------
// Queries

export function query(env: Env, msg: JsonValue): string | null {
  const variant = Variant.of(msg, "query");
  if (variant == null) return null;
  const f = variant.fields;
  const name = variant.name;
  const w = new JsonWriter();
  if (name == "config") {
    if (!f.finish()) return null;
    encodeConfig(CONFIG.load(), w);
    return w.toString();
  }
  if (name == "channel") {
    if (!f.finish()) return null;
    const channel = CHANNEL.may_load();
    const state = STATE.load();
    w.beginObject().key("channel_id").nullableString(channel != null ? channel.channelId : null);
    w.key("closed_at").u64String(state.closedAtNanos).endObject();
    return w.toString();
  }
  if (name == "validators") {
    if (!f.finish()) return null;
    const set = VALIDATORS.load();
    w.beginObject().key("validators").beginArray();
    for (let i = 0; i < set.validators.length; i++) w.string(set.validators[i]);
    w.endArray().key("updated_height").u64(set.updatedHeight).endObject();
    return w.toString();
  }
  if (name == "stake") {
    const owner = f.str("owner");
    const validator = f.str("validator");
    if (!f.finish()) return null;
    writeStake(w, validator, loadStake(owner, validator));
    return w.toString();
  }
  if (name == "stakes") {
    const owner = f.str("owner");
    const page = PageRequest.read(f);
    if (!f.finish()) return null;
    if (validateAddress(owner, "owner") == null) return null;
    w.beginObject();
    writePage<Stake>(w, "stakes", STAKES, [utf8(owner)], page, writeStake);
    w.endObject();
    return w.toString();
  }
  if (name == "unbonding") {
    const owner = f.str("owner");
    if (!f.finish()) return null;
    if (validateAddress(owner, "owner") == null) return null;
    const it = UNBONDING.range([utf8(owner)], null, false, null, Order.Ascending);
    w.beginObject().key("unbonding").beginArray();
    let n = 0;
    for (let e = it.next(); e != null && n < 100; e = it.next()) {
      w.beginObject().key("id").u64(u64FromKey(e.key)).key("validator").string(e.value.validator);
      w.key("amount").string(e.value.amount.toString()).key("release_at").u64String(e.value.releaseAtNanos).endObject();
      n++;
    }
    w.endArray().endObject();
    return w.toString();
  }
  if (name == "validator_total") {
    const validator = f.str("validator");
    if (!f.finish()) return null;
    writeStake(w, validator, loadTotal(validator));
    return w.toString();
  }
  if (name == "tx") {
    const id = f.u64("id");
    if (!f.finish()) return null;
    const tx = TXS.may_load(txKey(id));
    if (tx == null) return "null";
    w.beginObject().key("id").u64(id).key("kind").string(tx.kind == TxKind.Stake ? "stake" : "unstake");
    w.key("owner").string(tx.owner).key("validator").string(tx.validator).key("amount").string(tx.amount.toString()).endObject();
    return w.toString();
  }
  return fail<string>("Unknown query '" + name + "'; expected one of: " + QUERY_VARIANTS);
}

function writeStake(w: JsonWriter, validator: string, s: Stake): void {
  w.beginObject().key("validator").string(validator).key("staked").string(s.staked.toString());
  w.key("pending_stake").string(s.pendingStake.toString()).key("pending_unstake").string(s.pendingUnstake.toString()).endObject();
}
