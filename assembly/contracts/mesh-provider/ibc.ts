// mesh-provider's IBC entry points: the channel handshake and close (rules shared with mesh-consumer, see
// shared/channel.ts), the consumer's validator_set packet, and the acks and timeouts of our own packets, which
// commit or roll back what they carried (see contract.ts for the model, README.md for the protocol).
import {
  ackSuccess, addSeconds, ChannelOpenResult, clearError, Decimal, Env, Fields, IbcChannelMsg, IbcPacketAckMsg,
  IbcPacketMsg, Order, parseJson, readLenient, ReceiveResult, ReplyOn, Response, SubMsg, u64Key, Uint128, utf8, WasmMsg,
} from "../../sdk";
import { SlashEvent } from "../../shared/meta-staking";
import { Ack, emptyResult } from "../../shared/ack";
import { settleStakerRewards } from "./rewards";
import { HandshakeRole, checkChannelOpen, checkCloseInit, isOurChannel, recordChannelConnect, requireOurChannel } from "../../shared/channel";
import { createReleaseClaim, encodeReleaseClaim } from "../../shared/lien.codec";
import { ListValidatorsPacket, SlashPacket, StakeAckResult, StakePacket, UnstakePacket, ValidatorSetPacket, ValidatorSetUpdate } from "../../shared/packets";
import {
  createStakeAckResult, decodeConsumerPacket, decodeProviderPacket, decodeValidatorSetUpdate, readStakeAckResult,
} from "../../shared/packets.codec";
import {
  APPLIED_EVENTS, BATCH_POOLS, BatchPool, CONFIG, Flag, Pool, STAKES, STATE, TXS, TxKind, UNBONDING, Unbonding, VALIDATORS, ValidatorSet,
  appliedEventKey, batchPoolKey, closeLiveChannel, closedAt, loadPool, savePool, saveStake, stakeKey, txKey, unbondingKey,
} from "./state";

/** Reply id of the claim release sent when a Stake is rolled back. */
export const REPLY_RELEASE_ON_ROLLBACK: u64 = 1;

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
    closeLiveChannel(env.block.timeNanos);
    response.addAttribute("generation", STATE.load().generation.toString());
  }
  return response;
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

/** The consumer's packets: a validator_set (the set we accept stake for; older versions are ignored) or a slash. */
export function ibcPacketReceive(env: Env, msg: IbcPacketMsg): ReceiveResult | null {
  if (requireOurChannel(msg.packet.dest.channelId) == null) return null;
  const packet = decodeConsumerPacket(parseJson(msg.packet.data));
  if (packet == null) return null;
  if (packet instanceof SlashPacket) return new ReceiveResult(applySlash((<SlashPacket>packet).event), ackSuccess(emptyResult()));
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

/**
 * Applies a slash event of the consumer in O(1) (docs/slashing.md §3). Bonded stake: the pool takes the event's
 * cumulative multiplier unless it already has a later one (from a later event or an ack). Unbonding stake: the
 * fraction hits the pools of the event's batch that joined it before the event (all of them for a slash of the
 * batch's x/staking entry, which leaves the cumulative multiplier as it was), once per event. A jailed
 * validator leaves the set we accept new stake for. Replays and late packets change nothing; never fails.
 */
function applySlash(event: SlashEvent): Response {
  const generation = STATE.load().generation;
  const response = new Response().addAttribute("action", "slash").addAttribute("validator", event.validator)
    .addAttribute("seq", event.seq.toString()).addAttribute("fraction", event.fraction.toString());
  const pool = loadPool(generation, event.validator);
  const before = pool.value(pool.shares);
  const bonded = applyMultiplier(pool, event.seq, event.cumulative);
  if (bonded) {
    savePool(generation, event.validator, pool);
    response.addAttribute("bonded_slashed", before.checkedSub(pool.value(pool.shares))!.toString());
  }
  const applied = appliedEventKey(generation, event.validator, event.seq);
  if (APPLIED_EVENTS.may_load(applied) == null) {
    APPLIED_EVENTS.save(applied, new Flag());
    const keep = Decimal.one().checkedSub(event.fraction);
    let hit = 0;
    if (keep != null) {
      // Pools of this batch by join seq: the few joins between the batch's events (a handful), not stakers. A slash
      // of the batch's x/staking entry (`unbonding`) came after the batch left the queue: it reaches every join.
      const keys = new Array<Uint8Array>();
      const pools = new Array<BatchPool>();
      const joinedBefore: Uint8Array | null = event.unbonding ? null : u64Key(event.seq);
      const it = BATCH_POOLS.range([u64Key(generation), utf8(event.validator), u64Key(event.batch)], null, false, joinedBefore, Order.Ascending);
      for (let e = it.next(); e != null; e = it.next()) {
        keys.push(e.key);
        pools.push(e.value);
      }
      for (let i = 0; i < pools.length; i++) {
        const m = pools[i].multiplier.checkedMul(keep);
        if (m == null) { clearError(); continue; }
        BATCH_POOLS.save([u64Key(generation), utf8(event.validator), u64Key(event.batch), keys[i]], new BatchPool(m));
        hit++;
      }
    } else {
      clearError();
    }
    response.addAttribute("batch", event.batch.toString()).addAttribute("batch_pools_slashed", hit.toString());
  } else if (!bonded) {
    response.addAttribute("replay", "true");
  }
  if (event.jailed) {
    const set = VALIDATORS.load();
    const at = set.validators.indexOf(event.validator);
    if (at >= 0) {
      set.validators.splice(at, 1);
      VALIDATORS.save(set);
      response.addAttribute("jailed", "true");
    }
  }
  return response;
}

/** Sets the pool's multiplier from a consumer report at `seq` if it is newer than what the pool has. */
function applyMultiplier(pool: Pool, seq: u64, cumulative: Decimal): bool {
  if (seq <= pool.seq) return false;
  pool.seq = seq;
  pool.multiplier = cumulative;
  return true;
}

/** The slash state a success ack reports; a consumer that predates slashing answers {} (no slash, batch 0). */
function ackResult(result: Uint8Array | null): StakeAckResult {
  const r = result != null ? readLenient(parseJson(result), "ack result", readStakeAckResult) : null;
  if (r != null) return r;
  clearError();
  return createStakeAckResult(0, Decimal.one(), 0);
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
  const pool = loadPool(tx.generation, tx.validator);
  const reported = ok ? ackResult(result) : createStakeAckResult(0, Decimal.one(), 0);
  // An ack that reports later slash events than we have applied applies them first: this stake (or unstake) was
  // delegated (or undelegated) after them, the stake already in the pool before them.
  if (ok && applyMultiplier(pool, reported.slashSeq, reported.cumulative)) response.addAttribute("slash_seq", reported.slashSeq.toString());
  if (tx.kind == TxKind.Stake) {
    stake.pendingStake = stake.pendingStake.saturatingSub(tx.amount);
    pool.pendingStake = pool.pendingStake.saturatingSub(tx.amount);
    if (ok) {
      if (!settleStakerRewards(tx.owner, tx.validator, tx.generation, stake.shares)) return null;
      // Shares at the multiplier the consumer delegated at (it booked the same number); rounded down.
      const shares = reported.cumulative.isZero() ? Uint128.zero() : reported.cumulative.divFloor(tx.amount)!;
      stake.shares = stake.shares.checkedAdd(shares)!;
      stake.settled = stake.settled.checkedAdd(tx.amount)!;
      pool.shares = pool.shares.checkedAdd(shares)!;
      response.addAttribute("action", "stake_committed").addAttribute("shares", shares.toString());
    } else {
      // The consumer never delegated it: the claim goes back to the owner. As a sub-message that may fail on its
      // own (reply on error), so that the ILP can never make this ack fail and leave the packet stuck.
      const release = WasmMsg.execute(CONFIG.load().ilp, encodeReleaseClaim(createReleaseClaim(tx.owner, tx.amount)), []);
      response.addSubMessage(new SubMsg(REPLY_RELEASE_ON_ROLLBACK, release, ReplyOn.Error));
      response.addAttribute("action", "stake_rolled_back");
    }
  } else {
    const shares = tx.shares.min(stake.reserved);
    stake.reserved = stake.reserved.checkedSub(shares)!;
    if (ok) {
      const releaseAt = addSeconds(env.block.timeNanos, CONFIG.load().unbondingPeriodSeconds);
      if (releaseAt == 0) return null;
      // The shares leave the pool at their value now (a difference of floors, so values stay exact) with their part
      // of the record's claim, into the pool of the consumer batch they joined, as of the slash count reported.
      // The entry's claim is its value plus its part of the record's unsettled loss, so neither side ever holds
      // less claim than value (the ILP's settled view is then exactly Σ values).
      if (!settleStakerRewards(tx.owner, tx.validator, tx.generation, stake.shares)) return null;
      const left = stake.shares.checkedSub(shares)!;
      const value = pool.value(stake.shares);
      const moved = value.checkedSub(pool.value(left))!;
      const unsettled = stake.settled.saturatingSub(value);
      const lossPart = stake.shares.isZero() ? Uint128.zero() : unsettled.mulDivFloor(shares, stake.shares)!;
      const claim = moved.checkedAdd(lossPart)!.min(stake.settled);
      stake.shares = left;
      stake.settled = stake.settled.checkedSub(claim)!;
      pool.shares = pool.shares.saturatingSub(shares);
      const batch = reported.batch;
      const joinKey = batchPoolKey(tx.generation, tx.validator, batch, reported.slashSeq);
      let unbondingShares = moved;
      if (batch != 0) {
        const existing = BATCH_POOLS.may_load(joinKey);
        const m = existing != null ? existing.multiplier : Decimal.one();
        if (existing == null) BATCH_POOLS.save(joinKey, new BatchPool(m));
        unbondingShares = m.isZero() ? Uint128.zero() : m.divFloor(moved)!;
      }
      UNBONDING.save(unbondingKey(tx.owner, txId),
        new Unbonding(tx.validator, tx.generation, batch, reported.slashSeq, unbondingShares, claim, releaseAt));
      response.addAttribute("action", "unstake_committed").addAttribute("release_at", releaseAt.toString())
        .addAttribute("amount", moved.toString()).addAttribute("batch", batch.toString());
    } else {
      response.addAttribute("action", "unstake_rolled_back");
    }
  }
  saveStake(tx.owner, tx.validator, stake);
  savePool(tx.generation, tx.validator, pool);
  return response;
}
