// mesh-provider's IBC entry points: the channel handshake and close (rules shared with mesh-consumer, see
// shared/channel.ts), the consumer's validator_set packet, and the acks and timeouts of our own packets, which
// commit or roll back what they carried (see contract.ts for the model, README.md for the protocol).
import {
  ChannelOpenResult, Env, IbcChannelMsg, IbcPacketAckMsg, IbcPacketMsg, ReceiveResult, ReplyOn, Response, SubMsg, WasmMsg, ackSuccess,
  addSeconds, parseJson,
} from "../../sdk";
import { Ack, emptyResult } from "../../shared/ack";
import { HandshakeRole, checkChannelOpen, checkCloseInit, isOurChannel, recordChannelConnect, requireOurChannel } from "../../shared/channel";
import { createReleaseClaim, encodeReleaseClaim } from "../../shared/lien.codec";
import { ListValidatorsPacket, StakePacket, UnstakePacket, ValidatorSetPacket, ValidatorSetUpdate } from "../../shared/packets";
import { decodeConsumerPacket, decodeProviderPacket, decodeValidatorSetUpdate } from "../../shared/packets.codec";
import {
  CONFIG, STAKES, STATE, TXS, TxKind, UNBONDING, Unbonding, VALIDATORS, ValidatorSet, closeLiveChannel, closedAt, loadTotal, saveStake,
  saveTotal, stakeKey, txKey, unbondingKey,
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
