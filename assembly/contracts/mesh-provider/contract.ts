// mesh-provider (provider chain, one instance per consumer chain). Receives claims from the ILP and stakes them on
// the consumer chain over IBC; users unstake per validator and, after the provider's own unbonding period,
// withdraw, which releases their claim in the ILP. This file: instantiate, execute, query, migrate and reply; the
// IBC entry points (and the commit / roll back of what a packet carried) are in ibc.ts. See README.md.
//
// Commit on success ack, roll back on error ack or timeout: a Stake counts as staked only once acknowledged, and a
// failed one releases its ILP claim; a failed Unstake restores the stake. While a packet is in flight the amount it
// may change is reserved (pending_stake / pending_unstake), so concurrent operations cannot double-spend.
// Invariant: for every owner, ILP claim = Σ_validators (settled + pending_stake) + Σ unbonding settled − unbacked.
// Slashes (docs/slashing.md): stake is held as shares of a per-validator pool whose multiplier the consumer's slash
// events set (O(1) per event); settlement.ts takes what the shares lost from the owner's collateral.
//
// Channel: this side opens it (open_init only); only governance closes it (close_channel; a stranger's close_init
// is refused). When it closes — by our governance or, via close_confirm, the consumer's — everything that went
// through it unbonds from that moment on our clock, whatever was in flight: a stake in flight may have been
// delegated and is undelegated by the consumer's close, an unstake in flight is undelegated there too. No ack can
// come later (ibc-go refuses acks on a closed channel) and a late timeout changes nothing. The close is O(1)
// (see "generations" in state.ts), and a new channel may open at once: old stake keeps unbonding on its own.
import {
  addSeconds, capLimit, checkDuration, Decimal, Env, fail, fromUtf8, IbcMsg, IbcTimeout, JsonValue, MessageInfo, nonpayable,
  onlyAdmin, Order, parseJson, readPage, Reply, Response, storageGet, u64FromKey, u64Key, Uint128, utf8,
  validateAddress, zeroAmount,
} from "../../sdk";
import { CHANNEL, ChannelInfo, Counterparty, beginOwnClose } from "../../shared/channel";
import { ClaimCapped, LienTermsQuery, PendingSlashQuery, ReceiveClaim } from "../../shared/lien";
import { createLienTermsResponse, createPendingSlashResponse, encodeLienTermsResponse, encodePendingSlashResponse } from "../../shared/lien.codec";
import { beginMigration, finishMigration, recordVersion } from "../../shared/migrate";
import { createListValidatorsPacket, createStakePacket, createUnstakePacket, encodeListValidatorsPacket, encodeStakePacket, encodeUnstakePacket } from "../../shared/packets.codec";
import {
  consumerLocked, consumerRulesUnknown, emptyConsumer, insufficientStake, invalidMaxSlash, listingInFlight, noChannel, notIlp,
  nothingToWithdraw, nothingToWithdrawYet, unbondingNotAboveTimeout, unbondingTooShort, unknownValidator,
} from "./errors";
import { REPLY_RELEASE_ON_ROLLBACK } from "./ibc";
import {
  ChannelQuery, ClosedChannelStake, ConfigQuery, PoolQuery, RewardPoolQuery, RewardTotalsQuery, RewardsQuery, SetConsumer, SetRewardChannel,
  Settle, WithdrawRewards, StakeQuery, StakeResponse, StakesQuery, TxQuery,
  UnbondingEntry, UnbondingQuery, Unstake, UpdateAdmin, ValidatorTotalQuery, ValidatorsQuery, WithdrawUnbonded, RefreshValidators,
  UNBONDING_PAGE_MAX, WITHDRAW_SCAN_MAX,
} from "./msg";
import {
  createChannelResponse, createClosedChannelStake, createConfigResponse, createCounterpartyInfo, createPoolResponse, createStakeResponse,
  createStakesResponse, createTxResponse, createUnbondingEntry, createUnbondingResponse, createValidatorsResponse, decodeExecuteMsg,
  decodeInstantiateMsg, decodeMigrateMsg, decodeQueryMsg, encodeChannelResponse, encodeConfigResponse, encodePoolResponse,
  encodeStakeResponse, encodeStakesResponse, encodeTxResponse, encodeUnbondingResponse, encodeValidatorsResponse,
} from "./msg.codec";
import {
  CLOSED, CONFIG, Closed, Config, NO_BATCH, POOLS, Pool, STAKES, STATE, Stake, State, TXS, Tx, TxKind, UNBONDING, Unbonding, VALIDATORS,
  ValidatorSet, closeLiveChannel, closedAt, generationKey, livePool, loadPool, poolKey, saveStake, savePool, stakeKey, txKey, unbondingKey,
} from "./state";
import {
  rewardChannel, rewardPoolQuery, rewardTotalsQuery, rewardsQuery, setRewardChannel, settleStakerRewards, withdrawRewards,
} from "./rewards";
import { isClosed, loadUnbacked, ownerBook, pendingSlash, saveUnbacked, settleEntry, settleOwner, settleStake, stakeValue, toIlp } from "./settlement";

export function instantiate(env: Env, info: MessageInfo, json: JsonValue): Response | null {
  const msg = decodeInstantiateMsg(json);
  if (msg == null || !nonpayable(info)) return null;
  const admin = msg.admin;
  const adminAddress = admin != null ? admin : info.sender;
  const unbonding = msg.unbondingPeriodSeconds;
  const timeout = msg.packetTimeoutSeconds;
  if (validateAddress(adminAddress, "admin") == null || validateAddress(msg.ilp, "ilp") == null) return null;
  if (!checkDuration(timeout, "packet_timeout_seconds") || !checkDuration(unbonding, "unbonding_period_seconds")) return null;
  // Release is driven by our clock: it must outlast the consumer's unbonding plus a packet's flight time. The
  // consumer's side of that is checked against what the consumer announces (see coversConsumer).
  if (unbonding <= timeout) return fail<Response>(unbondingNotAboveTimeout());
  if (!msg.maxSlash.lt(Decimal.one())) return fail<Response>(invalidMaxSlash(msg.maxSlash));
  CONFIG.save(new Config(adminAddress, msg.ilp, null, unbonding, timeout, msg.maxSlash));
  STATE.save(new State(1, 0, false));
  recordVersion("mesh-provider");
  VALIDATORS.save(ValidatorSet.empty());
  return new Response().addAttribute("action", "instantiate");
}

export function execute(env: Env, info: MessageInfo, json: JsonValue): Response | null {
  const msg = decodeExecuteMsg(json);
  if (msg == null) return null;
  if (msg instanceof ReceiveClaim) return receiveClaim(env, info, <ReceiveClaim>msg);
  if (msg instanceof ClaimCapped) return claimCapped(env, info, (<ClaimCapped>msg).owner, (<ClaimCapped>msg).amount);
  if (msg instanceof Settle) return settle(info, (<Settle>msg).owner);
  if (msg instanceof SetRewardChannel) return setRewardChannel(info, <SetRewardChannel>msg);
  if (msg instanceof WithdrawRewards) return withdrawRewards(info, <WithdrawRewards>msg);
  if (msg instanceof Unstake) return unstake(env, info, (<Unstake>msg).validator, (<Unstake>msg).amount);
  if (msg instanceof WithdrawUnbonded) {
    const limit = (<WithdrawUnbonded>msg).limit;
    return withdrawUnbonded(env, info, <i32>capLimit(limit, WITHDRAW_SCAN_MAX));
  }
  if (msg instanceof RefreshValidators) return refreshValidators(env, info);
  if (msg instanceof SetConsumer) return setConsumer(info, <SetConsumer>msg);
  if (msg instanceof UpdateAdmin) return updateAdmin(info, (<UpdateAdmin>msg).admin);
  return closeChannel(env, info);
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
// Governance

function setConsumer(info: MessageInfo, msg: SetConsumer): Response | null {
  const config = requireAdmin(info);
  if (config == null) return null;
  if (CHANNEL.may_load() != null) return fail<Response>(consumerLocked());
  if (msg.connectionId.length == 0 || msg.portId.length == 0) return fail<Response>(emptyConsumer());
  config.consumer = new Counterparty(msg.connectionId, msg.portId);
  CONFIG.save(config);
  return new Response().addAttribute("action", "set_consumer").addAttribute("connection_id", msg.connectionId)
    .addAttribute("port_id", msg.portId);
}

function updateAdmin(info: MessageInfo, admin: string): Response | null {
  const config = requireAdmin(info);
  if (config == null || validateAddress(admin, "admin") == null) return null;
  config.admin = admin;
  CONFIG.save(config);
  return new Response().addAttribute("action", "update_admin").addAttribute("admin", admin);
}

function closeChannel(env: Env, info: MessageInfo): Response | null {
  if (requireAdmin(info) == null) return null;
  const channel = beginOwnClose();
  if (channel == null) return null;
  closeLiveChannel(env.block.timeNanos);
  return new Response()
    .addMessage(IbcMsg.closeChannel(channel.channelId))
    .addAttribute("action", "close_channel")
    .addAttribute("channel_id", channel.channelId)
    .addAttribute("generation", STATE.load().generation.toString());
}

// ---------------------------------------------------------------------------------------------------------------
// Stake records of closed channels

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
  // Its rewards so far are settled, and its shares leave the closed generation's pool, which may still be credited
  // rewards in flight: they go to the shares still there.
  if (!settleStakerRewards(owner, validator, s.generation, s.shares)) return null;
  const pool = loadPool(s.generation, validator);
  pool.shares = pool.shares.saturatingSub(s.shares);
  savePool(s.generation, validator, pool);
  // Its value as the last slash left it, in no batch (no packet can slash it any more); the claim it held moves along.
  const amount = stakeValue(validator, s).checkedAdd(s.pendingStake)!;
  const claim = s.claim();
  if (!claim.isZero() || !amount.isZero()) {
    const releaseAt = addSeconds(closed, CONFIG.load().unbondingPeriodSeconds);
    if (releaseAt == 0) return null;
    UNBONDING.save(unbondingKey(owner, nextId()), new Unbonding(validator, s.generation, NO_BATCH, 0, amount, claim, releaseAt));
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

// ---------------------------------------------------------------------------------------------------------------
// Staking

/** Our unbonding period must cover the consumer's unbonding + its batching epoch + a packet's flight. */
function coversConsumer(config: Config, set: ValidatorSet): bool {
  if (set.consumerUnbondingSeconds == 0) {
    fail<string>(consumerRulesUnknown());
    return false;
  }
  const needed = set.consumerUnbondingSeconds + set.consumerEpochSeconds + config.packetTimeoutSeconds;
  if (needed < set.consumerUnbondingSeconds || config.unbondingPeriodSeconds < needed) {
    fail<string>(unbondingTooShort(config.unbondingPeriodSeconds, set.consumerUnbondingSeconds, set.consumerEpochSeconds,
      config.packetTimeoutSeconds));
    return false;
  }
  return true;
}

function receiveClaim(env: Env, info: MessageInfo, claim: ReceiveClaim): Response | null {
  const config = CONFIG.load();
  if (info.sender != config.ilp) return fail<Response>(notIlp(config.ilp));
  if (claim.amount.isZero()) return fail<Response>(zeroAmount("receive_claim"));
  const channel = CHANNEL.may_load();
  if (channel == null) return fail<Response>(noChannel("cannot stake"));
  const set = VALIDATORS.load();
  if (!set.has(claim.validator)) return fail<Response>(unknownValidator(claim.validator));
  if (!coversConsumer(config, set)) return null;
  const timeout = timeoutFrom(env);
  if (timeout == null) return null;
  const stake = touchStake(claim.owner, claim.validator);
  if (stake == null) return null;
  const pool = loadPool(stake.generation, claim.validator);
  const ownerPending = stake.pendingStake.checkedAdd(claim.amount);
  const totalPending = pool.pendingStake.checkedAdd(claim.amount);
  if (ownerPending == null || totalPending == null) return null;
  stake.pendingStake = ownerPending;
  pool.pendingStake = totalPending;
  saveStake(claim.owner, claim.validator, stake);
  savePool(stake.generation, claim.validator, pool);
  const id = nextId();
  TXS.save(txKey(id), new Tx(TxKind.Stake, claim.owner, claim.validator, claim.amount, stake.generation, Uint128.zero()));
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
  if (amount.isZero()) return fail<Response>(zeroAmount("unstake"));
  const channel = CHANNEL.may_load();
  if (channel == null) return fail<Response>(noChannel("stake is released through withdraw_unbonded after the unbonding period"));
  const timeout = timeoutFrom(env);
  if (timeout == null) return null;
  const stake = touchStake(info.sender, validator);
  if (stake == null) return null;
  // Slashes already applied leave the owner's collateral first: the owner unstakes what is left.
  const loss = settleStake(validator, stake);
  const response = new Response();
  if (!sendUnstake(info.sender, validator, stake, amount, channel, timeout, response)) return null;
  toIlp(info.sender, Uint128.zero(), loss, response);
  return response;
}

/** What `s` may still unstake: the value of its shares not reserved by unstakes in flight. */
function freeValue(pool: Pool, s: Stake): Uint128 {
  return pool.value(s.shares).checkedSub(pool.value(s.reserved))!;
}

/**
 * Reserves the shares worth `amount` (rounded up, at most the free ones) and sends the unstake packet; saves the
 * record. False (error recorded) when the free stake is smaller.
 */
function sendUnstake(owner: string, validator: string, stake: Stake, amount: Uint128, channel: ChannelInfo, timeout: IbcTimeout,
  response: Response): bool {
  const pool = loadPool(stake.generation, validator);
  const free = freeValue(pool, stake);
  if (amount.gt(free)) {
    fail<string>(insufficientStake(amount, validator, free));
    return false;
  }
  const freeShares = stake.shares.checkedSub(stake.reserved)!;
  const needed = pool.multiplier.divCeil(amount);
  if (needed == null) return false;
  // Unstaking everything takes every free share, including those worth less than a token after a slash: they
  // would otherwise stay delegated on the consumer for good.
  const shares = amount.eq(free) ? freeShares : needed.min(freeShares);
  stake.reserved = stake.reserved.checkedAdd(shares)!;
  saveStake(owner, validator, stake);
  const id = nextId();
  TXS.save(txKey(id), new Tx(TxKind.Unstake, owner, validator, amount, stake.generation, shares));
  response
    .addMessage(IbcMsg.sendPacket(channel.channelId, utf8(encodeUnstakePacket(createUnstakePacket(id, validator, amount, shares))), timeout))
    .addAttribute("action", "unstake")
    .addAttribute("owner", owner)
    .addAttribute("validator", validator)
    .addAttribute("amount", amount.toString())
    .addAttribute("shares", shares.toString())
    .addAttribute("tx_id", id.toString());
  return true;
}

/** Anyone: takes every slash that hit the owner's stake from their collateral in the ILP. */
function settle(info: MessageInfo, owner: string): Response | null {
  if (!nonpayable(info) || validateAddress(owner, "owner") == null) return null;
  const response = new Response().addAttribute("action", "settle").addAttribute("owner", owner);
  toIlp(owner, Uint128.zero(), settleOwner(owner), response);
  return response;
}

/**
 * The ILP capped the owner's claim at `amount` (a slash through another lienholder left less collateral). What we
 * record above it is no longer backed: it becomes unbacked (taken first from later releases and slashes), and the
 * owner's live stake is unstaked by that much, largest free stake first, so the power on the consumer chain stays
 * backed. Bounded by the owner's own records.
 */
function claimCapped(env: Env, info: MessageInfo, owner: string, amount: Uint128): Response | null {
  const config = CONFIG.load();
  if (info.sender != config.ilp) return fail<Response>(notIlp(config.ilp));
  const unbacked = loadUnbacked(owner);
  const recorded = ownerBook(owner).claim.saturatingSub(unbacked);
  const response = new Response().addAttribute("action", "claim_capped").addAttribute("owner", owner).addAttribute("cap", amount.toString());
  if (recorded.lte(amount)) return response.addAttribute("excess", "0");
  const excess = recorded.checkedSub(amount)!;
  saveUnbacked(owner, unbacked.checkedAdd(excess)!);
  response.addAttribute("excess", excess.toString());
  const channel = CHANNEL.may_load();
  const timeout = timeoutFrom(env);
  if (channel == null || timeout == null) return response;
  let left = excess;
  while (!left.isZero()) {
    // The largest free live stake (a few validators per owner: a scan per step is fine).
    let best: string | null = null;
    let bestStake: Stake | null = null;
    let bestFree = Uint128.zero();
    const it = STAKES.range([utf8(owner)], null, false, null, Order.Ascending);
    for (let e = it.next(); e != null; e = it.next()) {
      if (isClosed(e.value)) continue;
      const free = freeValue(loadPool(e.value.generation, fromUtf8(e.key)), e.value);
      if (free.gt(bestFree)) {
        best = fromUtf8(e.key);
        bestStake = e.value;
        bestFree = free;
      }
    }
    if (best == null || bestStake == null) break;
    const take = bestFree.min(left);
    if (!sendUnstake(owner, best, bestStake, take, channel, timeout, response)) return null;
    left = left.checkedSub(take)!;
  }
  return response.addAttribute("cascade_unstaked", excess.checkedSub(left)!.toString());
}

/**
 * Releases matured unbonding in the ILP. Bounded: looks at up to `limit` closed-channel stake records and `limit`
 * unbonding entries of the caller; call again for the rest (the attribute `more` says so).
 */
function withdrawUnbonded(env: Env, info: MessageInfo, limit: i32): Response | null {
  if (!nonpayable(info)) return null;
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

  // A matured entry releases what it is worth now; what slashes of its batch took leaves the collateral.
  let released = Uint128.zero();
  let slashed = Uint128.zero();
  let nextRelease: u64 = 0;
  const matured = new Array<u64>();
  const it = UNBONDING.range([utf8(owner)], null, false, null, Order.Ascending);
  let scanned = 0;
  for (let e = it.next(); e != null; e = it.next()) {
    if (scanned == limit) { more = true; break; }
    scanned++;
    if (e.value.releaseAtNanos <= now) {
      matured.push(u64FromKey(e.key));
      slashed = slashed.checkedAdd(settleEntry(e.value))!;
      released = released.checkedAdd(e.value.settled)!;
    } else if (nextRelease == 0 || e.value.releaseAtNanos < nextRelease) {
      nextRelease = e.value.releaseAtNanos;
    }
  }
  for (let i = 0; i < matured.length; i++) UNBONDING.remove(unbondingKey(owner, matured[i]));

  if (matured.length == 0) {
    // Moving closed-channel stake into entries is housekeeping only (queries and this scan read both forms alike),
    // so failing here loses nothing.
    return fail<Response>(nextRelease == 0 ? nothingToWithdraw() : nothingToWithdrawYet(nextRelease));
  }
  const response = new Response()
    .addAttribute("action", "withdraw_unbonded")
    .addAttribute("owner", owner)
    .addAttribute("amount", released.toString())
    .addAttribute("more", more ? "true" : "false");
  toIlp(owner, released, slashed, response);
  return response;
}

/** Anyone may ask the consumer for its set, but only one request is in flight at a time. */
function refreshValidators(env: Env, info: MessageInfo): Response | null {
  if (!nonpayable(info)) return null;
  const channel = CHANNEL.may_load();
  if (channel == null) return fail<Response>(noChannel("cannot ask for the validator set"));
  const state = STATE.load();
  if (state.listing) return fail<Response>(listingInFlight());
  const timeout = timeoutFrom(env);
  if (timeout == null) return null;
  state.listing = true;
  STATE.save(state);
  return new Response()
    .addMessage(IbcMsg.sendPacket(channel.channelId, utf8(encodeListValidatorsPacket(createListValidatorsPacket())), timeout))
    .addAttribute("action", "refresh_validators");
}

// ---------------------------------------------------------------------------------------------------------------
// Migrate and reply

/**
 * `{}`. From 0.1.0: its state recorded one channel and a close time; that channel becomes generation 1 (closed at
 * that time if it was), and records without a generation belong to it (see LEGACY_GENERATION). O(1).
 */
export function migrate(env: Env, json: JsonValue): Response | null {
  if (decodeMigrateMsg(json) == null) return null;
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

export function query(env: Env, json: JsonValue): string | null {
  const msg = decodeQueryMsg(json);
  if (msg == null) return null;
  if (msg instanceof ConfigQuery) {
    const c = CONFIG.load();
    const consumer = c.consumer;
    return encodeConfigResponse(createConfigResponse(c.admin, c.ilp,
      consumer != null ? createCounterpartyInfo(consumer.connectionId, consumer.portId) : null, c.unbondingPeriodSeconds, c.packetTimeoutSeconds,
      c.maxSlash, rewardChannel()));
  }
  if (msg instanceof ChannelQuery) {
    const channel = CHANNEL.may_load();
    const state = STATE.load();
    return encodeChannelResponse(createChannelResponse(channel != null ? channel.channelId : null, state.generation,
      closedAt(state.generation), state.listing));
  }
  if (msg instanceof ValidatorsQuery) {
    const v = VALIDATORS.load();
    return encodeValidatorsResponse(createValidatorsResponse(v.validators, v.version, v.updatedHeight, v.consumerUnbondingSeconds,
      v.consumerEpochSeconds));
  }
  if (msg instanceof StakeQuery) {
    const q = <StakeQuery>msg;
    const s = STAKES.may_load(stakeKey(q.owner, q.validator));
    return encodeStakeResponse(stakeResponse(q.validator, s != null ? s : Stake.zero(0)));
  }
  if (msg instanceof StakesQuery) return stakes(<StakesQuery>msg);
  if (msg instanceof UnbondingQuery) return unbonding(<UnbondingQuery>msg);
  if (msg instanceof ValidatorTotalQuery) {
    const validator = (<ValidatorTotalQuery>msg).validator;
    const pool = livePool(validator);
    return encodeStakeResponse(createStakeResponse(validator, pool.value(pool.shares), pool.pendingStake, Uint128.zero(), Uint128.zero()));
  }
  if (msg instanceof PoolQuery) {
    const validator = (<PoolQuery>msg).validator;
    const pool = livePool(validator);
    return encodePoolResponse(createPoolResponse(validator, pool.shares, pool.multiplier, pool.seq, pool.value(pool.shares), pool.pendingStake));
  }
  if (msg instanceof RewardsQuery) return rewardsQuery((<RewardsQuery>msg).owner, (<RewardsQuery>msg).startAfter, (<RewardsQuery>msg).limit);
  if (msg instanceof RewardTotalsQuery) return rewardTotalsQuery();
  if (msg instanceof RewardPoolQuery) return rewardPoolQuery((<RewardPoolQuery>msg).validator);
  if (msg instanceof LienTermsQuery) return encodeLienTermsResponse(createLienTermsResponse(CONFIG.load().maxSlash, false));
  if (msg instanceof PendingSlashQuery) {
    const owner = (<PendingSlashQuery>msg).owner;
    if (validateAddress(owner, "owner") == null) return null;
    return encodePendingSlashResponse(createPendingSlashResponse(pendingSlash(owner)));
  }
  const id = (<TxQuery>msg).id;
  const tx = TXS.may_load(txKey(id));
  if (tx == null) return "null";
  return encodeTxResponse(createTxResponse(id, tx.kind == TxKind.Stake ? "stake" : "unstake", tx.owner, tx.validator, tx.amount, tx.generation));
}

/** A stake as it counts now (a closed channel's record shows zero here and appears under `unbonding`). */
function stakeResponse(validator: string, s: Stake): StakeResponse {
  if (isClosed(s)) return createStakeResponse(validator, Uint128.zero(), Uint128.zero(), Uint128.zero(), Uint128.zero());
  const pool = loadPool(s.generation, validator);
  const value = pool.value(s.shares);
  const unstaking = pool.value(s.reserved);
  return createStakeResponse(validator, value.checkedSub(unstaking)!, s.pendingStake, unstaking, s.settled.saturatingSub(value));
}

function stakes(q: StakesQuery): string | null {
  if (validateAddress(q.owner, "owner") == null) return null;
  return encodeStakesResponse(createStakesResponse(readPage(STAKES, [utf8(q.owner)], q.startAfter, capLimit(q.limit), stakeResponse)));
}

/**
 * A page of the owner's unbonding entries, and the stake of closed channels not yet moved into entries (all of it
 * is unbonding since its close), at most `limit` of each.
 */
function unbonding(q: UnbondingQuery): string | null {
  if (validateAddress(q.owner, "owner") == null) return null;
  const limit = capLimit(q.limit, UNBONDING_PAGE_MAX);
  const unbondingPeriod = CONFIG.load().unbondingPeriodSeconds;
  const entries = new Array<UnbondingEntry>();
  const after = q.startAfter;
  const it = UNBONDING.range([utf8(q.owner)], after != null ? u64Key(after.value) : null, true, null, Order.Ascending);
  for (let e = it.next(); e != null && <u32>entries.length < limit; e = it.next()) {
    entries.push(createUnbondingEntry(u64FromKey(e.key), e.value.validator, e.value.value(), e.value.releaseAtNanos, e.value.batch));
  }
  const closed = new Array<ClosedChannelStake>();
  const sit = STAKES.range([utf8(q.owner)], null, false, null, Order.Ascending);
  for (let e = sit.next(); e != null && <u32>closed.length < limit; e = sit.next()) {
    const at = closedAt(e.value.generation);
    if (at == 0) continue;
    const amount = stakeValue(fromUtf8(e.key), e.value).checkedAdd(e.value.pendingStake)!;
    closed.push(createClosedChannelStake(fromUtf8(e.key), amount, addSeconds(at, unbondingPeriod)));
  }
  return encodeUnbondingResponse(createUnbondingResponse(entries, closed));
}
