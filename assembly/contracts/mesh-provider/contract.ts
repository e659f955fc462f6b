// mesh-provider (provider chain, one instance per consumer chain). Receives claims from the ILP and stakes them on
// the consumer chain over IBC; users unstake per validator and, after the provider's own unbonding period,
// withdraw, which releases their claim in the ILP.
//
// Commit on success ack, roll back on error ack or timeout: a Stake counts as staked only once acknowledged, and a
// failed one releases its ILP claim; a failed Unstake restores the stake. While a packet is in flight the amount it
// may change is reserved (pending_stake / pending_unstake), so concurrent operations cannot double-spend.
// Invariant: for every owner, ILP claim = Σ_validators (staked + pending_stake + pending_unstake) + Σ unbonding.
//
// Channel: this side opens it (open_init only); only governance closes it (close_channel; a stranger's close_init
// is refused). When it closes — by our governance or, via close_confirm, the consumer's — everything that went
// through it unbonds from that moment on our clock, whatever was in flight: a stake in flight may have been
// delegated and is undelegated by the consumer's close, an unstake in flight is undelegated there too. No ack can
// come later (ibc-go refuses acks on a closed channel) and a late timeout changes nothing. The close is O(1)
// (see "generations" in state.ts), and a new channel may open at once: old stake keeps unbonding on its own.
import {
  ChannelOpenResult, Env, Reply, Fields, IbcChannelMsg, IbcMsg, IbcPacketAckMsg, IbcPacketMsg, IbcTimeout, JsonValue, JsonWriter,
  MessageInfo, Order, ReceiveResult, ReplyOn, SubMsg, Response, Uint128, Variant, WasmMsg, ackSuccess, addSeconds, checkDuration, fail,
  fromUtf8, nonpayable, onlyAdmin, pageLimit, PageRequest, parseJson, storageGet, writePage, u64FromKey, u64Key, utf8, validateAddress,
} from "../../sdk";
import {
  CHANNEL, Counterparty, HandshakeRole, beginOwnClose, checkChannelOpen, checkCloseInit, isOurChannel, recordChannelConnect,
  requireOurChannel,
} from "../../shared/channel";
import { ReceiveClaim } from "../../shared/lien";
import { createReleaseClaim, encodeReleaseClaim, readReceiveClaim } from "../../shared/lien.codec";
import { beginMigration, finishMigration, recordVersion } from "../../shared/migrate";
import { Ack, emptyResult } from "../../shared/ack";
import { ListValidatorsPacket, StakePacket, UnstakePacket, ValidatorSetPacket, ValidatorSetUpdate } from "../../shared/packets";
import {
  createListValidatorsPacket, createStakePacket, createUnstakePacket, decodeConsumerPacket, decodeProviderPacket, decodeValidatorSetUpdate,
  encodeListValidatorsPacket, encodeStakePacket, encodeUnstakePacket,
} from "../../shared/packets.codec";
import {
  CLOSED, CONFIG, Closed, Config, STAKES, STATE, Stake, State, TOTALS, TXS, Tx, TxKind, UNBONDING, Unbonding, VALIDATORS,
  ValidatorSet, encodeConfig, encodeValidatorSet, generationKey, stakeKey, txKey, unbondingKey,
} from "./state";

/** Reply id of the claim release sent when a Stake is rolled back. */
export const REPLY_RELEASE_ON_ROLLBACK: u64 = 1;
const EXECUTE_VARIANTS = "receive_claim, claim_capped, unstake, withdraw_unbonded, refresh_validators, set_consumer, update_admin, close_channel";
const QUERY_VARIANTS = "config, channel, validators, stake, stakes, unbonding, validator_total, tx";
/** Unbonding entries (and closed-channel stakes) one withdraw_unbonded looks at, at most. */
const WITHDRAW_SCAN_DEFAULT: u32 = 30;
const WITHDRAW_SCAN_MAX: u32 = 100;

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
  if (!checkDuration(timeout, "packet_timeout_seconds") || !checkDuration(unbonding, "unbonding_period_seconds")) return null;
  // Release is driven by our clock: it must outlast the consumer's unbonding plus a packet's flight time. The
  // consumer's side of that is checked against what the consumer announces (see coversConsumer).
  if (unbonding <= timeout) return fail<Response>("Invalid unbonding_period_seconds: must exceed packet_timeout_seconds");
  CONFIG.save(new Config(adminAddress, ilp, null, unbonding, timeout));
  STATE.save(new State(1, 0, false));
  recordVersion("mesh-provider");
  VALIDATORS.save(ValidatorSet.empty());
  return new Response().addAttribute("action", "instantiate");
}

export function execute(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const variant = Variant.of(msg, "execute");
  if (variant == null) return null;
  const f = variant.fields;
  const name = variant.name;
  if (name == "receive_claim") {
    const claim = readReceiveClaim(f);
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
    const hasLimit = f.has("limit");
    const limit = pageLimit(f.optU64("limit", 0), hasLimit, WITHDRAW_SCAN_DEFAULT, WITHDRAW_SCAN_MAX);
    if (!f.finish()) return null;
    return withdrawUnbonded(env, info, limit);
  }
  if (name == "refresh_validators") {
    if (!f.finish() || !nonpayable(info)) return null;
    return refreshValidators(env);
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
  if (name == "close_channel") {
    if (!f.finish()) return null;
    if (requireAdmin(info) == null) return null;
    const channel = beginOwnClose();
    if (channel == null) return null;
    closeLiveChannel(env);
    return new Response()
      .addMessage(IbcMsg.closeChannel(channel.channelId))
      .addAttribute("action", "close_channel")
      .addAttribute("channel_id", channel.channelId)
      .addAttribute("generation", STATE.load().generation.toString());
  }
  return fail<Response>("Unknown execute message '" + name + "'; expected one of: " + EXECUTE_VARIANTS);
}

function requireAdmin(info: MessageInfo): Config | null {
  const config = CONFIG.load();
  return nonpayable(info) && onlyAdmin(info, config.admin) ? config : null;
}

function timeoutFrom(env: Env): IbcTimeout | null {
  const at = addSeconds(env.block.timeNanos, CONFIG.load().packetTimeoutSeconds);
  return at == 0 ? null : IbcTimeout.atTimestamp(at);
}

// ---------------------------------------------------------------------------------------------------------------
// Stake records and channel generations

/** When generation `g`'s channel closed (ns), or 0 if it has not. */
function closedAt(generation: u64): u64 {
  const c = CLOSED.may_load(generationKey(generation));
  return c != null ? c.atNanos : 0;
}

/** The stake as it counts now: a record of a closed channel holds nothing live (it is unbonding). */
function liveView(s: Stake): Stake {
  return closedAt(s.generation) > 0 ? Stake.zero(s.generation) : s;
}

function nextId(): u64 {
  const state = STATE.load();
  const id = state.nextId;
  state.nextId = id + 1;
  STATE.save(state);
  return id;
}

/**
 * Turns a closed channel's stake record into an unbonding entry released `unbonding_period` after the close, and
 * returns a fresh record. Returns null only on time overflow (error recorded).
 */
function settleClosed(owner: string, validator: string, s: Stake): Stake | null {
  const closed = closedAt(s.generation);
  if (closed == 0) return s;
  const amount = s.sum();
  if (!amount.isZero()) {
    const releaseAt = addSeconds(closed, CONFIG.load().unbondingPeriodSeconds);
    if (releaseAt == 0) return null;
    UNBONDING.save(unbondingKey(owner, nextId()), new Unbonding(validator, amount, releaseAt));
  }
  STAKES.remove(stakeKey(owner, validator));
  return Stake.zero(STATE.load().generation);
}

/** The owner's record for the live channel (closed-channel stake moved to unbonding first). */
function touchStake(owner: string, validator: string): Stake | null {
  const s = STAKES.may_load(stakeKey(owner, validator));
  if (s == null) return Stake.zero(STATE.load().generation);
  return settleClosed(owner, validator, s);
}

function saveStake(owner: string, validator: string, s: Stake): void {
  if (s.isZero()) STAKES.remove(stakeKey(owner, validator)); else STAKES.save(stakeKey(owner, validator), s);
}

/** Σ over owners on `validator` for the live channel (totals of a closed channel no longer count). */
function loadTotal(validator: string): Stake {
  const s = TOTALS.may_load([utf8(validator)]);
  const generation = STATE.load().generation;
  return s != null && s.generation == generation && closedAt(generation) == 0 ? s : Stake.zero(generation);
}

function saveTotal(validator: string, s: Stake): void {
  if (s.isZero()) TOTALS.remove([utf8(validator)]); else TOTALS.save([utf8(validator)], s);
}

/** Bookkeeping of a close: O(1) whatever the number of stakers (see state.ts). */
function closeLiveChannel(env: Env): void {
  CHANNEL.remove();
  const state = STATE.load();
  CLOSED.save(generationKey(state.generation), new Closed(env.block.timeNanos));
  state.listing = false;
  STATE.save(state);
  // Keep the version (updates stay ordered across channels); the set is the next channel's to announce.
  const set = VALIDATORS.load();
  set.validators = [];
  VALIDATORS.save(set);
}

// ---------------------------------------------------------------------------------------------------------------
// Staking

/** Our unbonding period must cover the consumer's unbonding + its batching epoch + a packet's flight. */
function coversConsumer(config: Config, set: ValidatorSet): bool {
  if (set.consumerUnbondingSeconds == 0) {
    fail<string>("The consumer has not announced its unbonding rules yet: stake is accepted once it has (it does on connect, and when migrated)");
    return false;
  }
  const needed = set.consumerUnbondingSeconds + set.consumerEpochSeconds + config.packetTimeoutSeconds;
  if (needed < set.consumerUnbondingSeconds || config.unbondingPeriodSeconds < needed) {
    fail<string>(
      "The provider's unbonding period (" + config.unbondingPeriodSeconds.toString() + " s) does not cover the consumer's unbonding period (" +
      set.consumerUnbondingSeconds.toString() + " s) + undelegation epoch (" + set.consumerEpochSeconds.toString() + " s) + packet timeout (" +
      config.packetTimeoutSeconds.toString() + " s): governance must raise it before stake is accepted",
    );
    return false;
  }
  return true;
}

function receiveClaim(env: Env, info: MessageInfo, claim: ReceiveClaim): Response | null {
  const config = CONFIG.load();
  if (info.sender != config.ilp) return fail<Response>("Unauthorized: only the ILP (" + config.ilp + ") grants claims");
  if (claim.amount.isZero()) return fail<Response>("Invalid claim: amount must be greater than zero");
  const channel = CHANNEL.may_load();
  if (channel == null) return fail<Response>("No channel to the consumer is open: cannot stake");
  const set = VALIDATORS.load();
  if (!set.has(claim.validator)) {
    return fail<Response>("Unknown or inactive validator '" + claim.validator + "' on the consumer chain");
  }
  if (!coversConsumer(config, set)) return null;
  const timeout = timeoutFrom(env);
  if (timeout == null) return null;
  const stake = touchStake(claim.owner, claim.validator);
  if (stake == null) return null;
  const total = loadTotal(claim.validator);
  const ownerPending = stake.pendingStake.checkedAdd(claim.amount);
  const totalPending = total.pendingStake.checkedAdd(claim.amount);
  if (ownerPending == null || totalPending == null) return null;
  stake.pendingStake = ownerPending;
  total.pendingStake = totalPending;
  saveStake(claim.owner, claim.validator, stake);
  saveTotal(claim.validator, total);
  const id = nextId();
  TXS.save(txKey(id), new Tx(TxKind.Stake, claim.owner, claim.validator, claim.amount, stake.generation));
  return new Response()
    .addMessage(IbcMsg.sendPacket(channel.channelId, utf8(encodeStakePacket(createStakePacket(id, claim.validator, claim.amount))), timeout))
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
  const timeout = timeoutFrom(env);
  if (timeout == null) return null;
  const stake = touchStake(info.sender, validator);
  if (stake == null) return null;
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
  TXS.save(txKey(id), new Tx(TxKind.Unstake, info.sender, validator, amount, stake.generation));
  return new Response()
    .addMessage(IbcMsg.sendPacket(channel.channelId, utf8(encodeUnstakePacket(createUnstakePacket(id, validator, amount))), timeout))
    .addAttribute("action", "unstake")
    .addAttribute("owner", info.sender)
    .addAttribute("validator", validator)
    .addAttribute("amount", amount.toString())
    .addAttribute("tx_id", id.toString());
}

/**
 * Releases matured unbonding in the ILP. Bounded: looks at up to `limit` closed-channel stake records and `limit`
 * unbonding entries of the caller; call again for the rest (the attribute `more` says so).
 */
function withdrawUnbonded(env: Env, info: MessageInfo, limit: i32): Response | null {
  if (!nonpayable(info)) return null;
  const config = CONFIG.load();
  const now = env.block.timeNanos;
  const owner = info.sender;

  // Closed-channel stake becomes unbonding entries first, so it is released by the scan below.
  const closedValidators = new Array<string>();
  const closedStakes = new Array<Stake>();
  const sit = STAKES.range([utf8(owner)], null, false, null, Order.Ascending);
  let more = false;
  for (let e = sit.next(); e != null; e = sit.next()) {
    if (closedAt(e.value.generation) == 0) continue;
    if (closedValidators.length == limit) { more = true; break; }
    closedValidators.push(fromUtf8(e.key));
    closedStakes.push(e.value);
  }
  for (let i = 0; i < closedValidators.length; i++) {
    if (settleClosed(owner, closedValidators[i], closedStakes[i]) == null) return null;
  }

  let released = Uint128.zero();
  let nextRelease: u64 = 0;
  const matured = new Array<u64>();
  const it = UNBONDING.range([utf8(owner)], null, false, null, Order.Ascending);
  let scanned = 0;
  for (let e = it.next(); e != null; e = it.next()) {
    if (scanned == limit) { more = true; break; }
    scanned++;
    if (e.value.releaseAtNanos <= now) {
      matured.push(u64FromKey(e.key));
      released = released.checkedAdd(e.value.amount)!;
    } else if (nextRelease == 0 || e.value.releaseAtNanos < nextRelease) {
      nextRelease = e.value.releaseAtNanos;
    }
  }
  for (let i = 0; i < matured.length; i++) UNBONDING.remove(unbondingKey(owner, matured[i]));

  if (released.isZero()) {
    // Moving closed-channel stake into entries is housekeeping only (queries and this scan read both forms alike),
    // so failing here loses nothing.
    return fail<Response>(nextRelease == 0 ? "Nothing to withdraw" : "Nothing to withdraw yet: the next release is at " + nextRelease.toString() + " (ns)");
  }
  return new Response()
    .addMessage(WasmMsg.execute(config.ilp, encodeReleaseClaim(createReleaseClaim(owner, released)), []))
    .addAttribute("action", "withdraw_unbonded")
    .addAttribute("owner", owner)
    .addAttribute("amount", released.toString())
    .addAttribute("more", more ? "true" : "false");
}

/** Anyone may ask the consumer for its set, but only one request is in flight at a time. */
function refreshValidators(env: Env): Response | null {
  const channel = CHANNEL.may_load();
  if (channel == null) return fail<Response>("No channel to the consumer is open");
  const state = STATE.load();
  if (state.listing) return fail<Response>("A validator-set request is already in flight: wait for its acknowledgement or timeout");
  const timeout = timeoutFrom(env);
  if (timeout == null) return null;
  state.listing = true;
  STATE.save(state);
  return new Response()
    .addMessage(IbcMsg.sendPacket(channel.channelId, utf8(encodeListValidatorsPacket(createListValidatorsPacket())), timeout))
    .addAttribute("action", "refresh_validators");
}

/**
 * Stores a validator-set update unless we already have a newer one (x/staking changes the bonded set only at the end
 * of a block, so two updates of the same version carry the same set). Returns whether it was applied.
 */
function applyValidatorSet(env: Env, update: ValidatorSetUpdate): bool {
  const current = VALIDATORS.load();
  if (update.version < current.version) return false;
  VALIDATORS.save(new ValidatorSet(update.validators, update.version, env.block.height, update.unbondingPeriodSeconds, update.unbondingEpochSeconds));
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// IBC

export function ibcChannelOpen(env: Env, msg: IbcChannelMsg): ChannelOpenResult | null {
  const version = checkChannelOpen(msg, CONFIG.load().consumer, HandshakeRole.Initiator);
  return version != null ? new ChannelOpenResult(version) : null;
}

export function ibcChannelConnect(env: Env, msg: IbcChannelMsg): Response | null {
  const channel = recordChannelConnect(msg);
  if (channel == null) return null;
  const state = STATE.load();
  state.generation += 1;
  state.listing = false;
  STATE.save(state);
  return new Response().addAttribute("action", "channel_connect").addAttribute("channel_id", channel.channelId)
    .addAttribute("generation", state.generation.toString());
}

/**
 * close_init: only our own governance close (bookkeeping done in close_channel) or a channel that is not the live
 * one; a stranger's close of the live channel is refused. close_confirm: the consumer's governance closed it; this
 * cannot fail.
 */
export function ibcChannelClose(env: Env, msg: IbcChannelMsg): Response | null {
  const response = new Response().addAttribute("action", "channel_close").addAttribute("channel_id", msg.channel.endpoint.channelId);
  if (msg.step == "close_init") {
    if (!checkCloseInit(msg)) return null;
    return response;
  }
  if (isOurChannel(msg.channel)) {
    closeLiveChannel(env);
    response.addAttribute("generation", STATE.load().generation.toString());
  }
  return response;
}

/** The consumer's validator_set packet: the active set we accept stake for (older versions are ignored). */
export function ibcPacketReceive(env: Env, msg: IbcPacketMsg): ReceiveResult | null {
  if (requireOurChannel(msg.packet.dest.channelId) == null) return null;
  const packet = decodeConsumerPacket(parseJson(msg.packet.data));
  if (packet == null) return null;
  const update = (<ValidatorSetPacket>packet).update;
  const applied = applyValidatorSet(env, update);
  return new ReceiveResult(
    new Response().addAttribute("action", applied ? "validator_set" : "stale_validator_set")
      .addAttribute("version", update.version.toString()).addAttribute("count", update.validators.length.toString()),
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
  const packet = decodeProviderPacket(parseJson(data));
  if (packet == null) return null;
  const response = new Response().addAttribute("outcome", ok ? "success" : "failure");
  if (!ok) response.addAttribute("reason", reason);
  if (packet instanceof ListValidatorsPacket) {
    const state = STATE.load();
    state.listing = false;
    STATE.save(state);
    if (ok && result != null) {
      const update = decodeValidatorSetUpdate(parseJson(result), "list_validators result");
      if (update == null) return null;
      if (!applyValidatorSet(env, update)) response.addAttribute("stale_version", update.version.toString());
    }
    return response.addAttribute("action", "list_validators_settled");
  }
  const txId = packet instanceof StakePacket ? (<StakePacket>packet).txId : (<UnstakePacket>packet).txId;
  const key = txKey(txId);
  const tx = TXS.may_load(key);
  if (tx == null) return response.addAttribute("action", "unknown_tx").addAttribute("tx_id", txId.toString());
  TXS.remove(key);
  response.addAttribute("tx_id", txId.toString()).addAttribute("owner", tx.owner).addAttribute("validator", tx.validator);
  // Its channel closed meanwhile: the close already counted it as unbonding from then on.
  if (closedAt(tx.generation) > 0) return response.addAttribute("action", "settled_by_close");
  const stake = STAKES.may_load(stakeKey(tx.owner, tx.validator));
  if (stake == null) return response.addAttribute("action", "unknown_stake");
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
      const release = WasmMsg.execute(CONFIG.load().ilp, encodeReleaseClaim(createReleaseClaim(tx.owner, tx.amount)), []);
      response.addSubMessage(new SubMsg(REPLY_RELEASE_ON_ROLLBACK, release, ReplyOn.Error));
      response.addAttribute("action", "stake_rolled_back");
    }
  } else {
    stake.pendingUnstake = stake.pendingUnstake.saturatingSub(tx.amount);
    total.pendingUnstake = total.pendingUnstake.saturatingSub(tx.amount);
    if (ok) {
      const releaseAt = addSeconds(env.block.timeNanos, CONFIG.load().unbondingPeriodSeconds);
      if (releaseAt == 0) return null;
      UNBONDING.save(unbondingKey(tx.owner, txId), new Unbonding(tx.validator, tx.amount, releaseAt));
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

/**
 * `{}`. From 0.1.0: its state recorded one channel and a close time; that channel becomes generation 1 (closed at
 * that time if it was), and records without a generation belong to it (see LEGACY_GENERATION). O(1).
 */
export function migrate(env: Env, msg: JsonValue): Response | null {
  const f = Fields.of(msg, "migrate");
  if (f == null || !f.finish()) return null;
  const from = beginMigration("mesh-provider", ["ilp", "unbonding_period_seconds"]);
  if (from == null) return null;
  const raw = parseJson(storageGet(utf8("state"))!);
  if (raw != null && raw.get("generation") == null) {
    const closedAtField = raw.get("closed_at");
    const closedAt = closedAtField != null ? U64.parseInt(closedAtField.text) : 0;
    const connected = closedAt > 0 || CHANNEL.may_load() != null;
    if (closedAt > 0) CLOSED.save(generationKey(1), new Closed(closedAt));
    STATE.save(new State(U64.parseInt(raw.get("next_id")!.text), connected ? 1 : 0, false));
  }
  VALIDATORS.save(VALIDATORS.load());
  return finishMigration("mesh-provider", from);
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
    w.key("generation").u64(state.generation).key("closed_at").u64String(closedAt(state.generation));
    w.key("listing_validators").bool(state.listing).endObject();
    return w.toString();
  }
  if (name == "validators") {
    if (!f.finish()) return null;
    encodeValidatorSet(VALIDATORS.load(), w);
    return w.toString();
  }
  if (name == "stake") {
    const owner = f.str("owner");
    const validator = f.str("validator");
    if (!f.finish()) return null;
    const s = STAKES.may_load(stakeKey(owner, validator));
    writeStake(w, validator, s != null ? s : Stake.zero(0));
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
    const startAfter = f.optU64("start_after", 0);
    const hasStart = f.has("start_after");
    const limit = pageLimit(f.optU64("limit", 0), f.has("limit"), WITHDRAW_SCAN_MAX, WITHDRAW_SCAN_MAX);
    if (!f.finish()) return null;
    if (validateAddress(owner, "owner") == null) return null;
    writeUnbonding(w, owner, hasStart ? u64Key(startAfter) : null, limit);
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
    w.key("owner").string(tx.owner).key("validator").string(tx.validator).key("amount").string(tx.amount.toString());
    w.key("generation").u64(tx.generation).endObject();
    return w.toString();
  }
  return fail<string>("Unknown query '" + name + "'; expected one of: " + QUERY_VARIANTS);
}

/** A stake as it counts now (a closed channel's record shows zero here and appears under `unbonding`). */
function writeStake(w: JsonWriter, validator: string, stored: Stake): void {
  const s = liveView(stored);
  w.beginObject().key("validator").string(validator).key("staked").string(s.staked.toString());
  w.key("pending_stake").string(s.pendingStake.toString()).key("pending_unstake").string(s.pendingUnstake.toString()).endObject();
}

/**
 * `{"unbonding":[{id, validator, amount, release_at}…], "from_closed_channels":[{validator, amount, release_at}…]}`:
 * a page of the owner's unbonding entries, and the stake of closed channels not yet moved into entries (all of it
 * is unbonding since its close).
 */
function writeUnbonding(w: JsonWriter, owner: string, startAfter: Uint8Array | null, limit: i32): void {
  const unbonding = CONFIG.load().unbondingPeriodSeconds;
  w.beginObject().key("unbonding").beginArray();
  const it = UNBONDING.range([utf8(owner)], startAfter, true, null, Order.Ascending);
  let n = 0;
  for (let e = it.next(); e != null && n < limit; e = it.next()) {
    w.beginObject().key("id").u64(u64FromKey(e.key)).key("validator").string(e.value.validator);
    w.key("amount").string(e.value.amount.toString()).key("release_at").u64String(e.value.releaseAtNanos).endObject();
    n++;
  }
  w.endArray().key("from_closed_channels").beginArray();
  const sit = STAKES.range([utf8(owner)], null, false, null, Order.Ascending);
  n = 0;
  for (let e = sit.next(); e != null && n < limit; e = sit.next()) {
    const closed = closedAt(e.value.generation);
    if (closed == 0) continue;
    w.beginObject().key("validator").string(fromUtf8(e.key)).key("amount").string(e.value.sum().toString());
    w.key("release_at").u64String(addSeconds(closed, unbonding)).endObject();
    n++;
  }
  w.endArray().endObject();
}
