// mesh-consumer's IBC side: the channel handshake and close (rules in shared/channel.ts), the provider's packets
// (stake, unstake, list_validators) and the acks and timeouts of the validator_set packets this contract sends.
// The helpers that send a validator set and settle a closed channel serve contract.ts too.
import {
  ChannelOpenResult, CosmosMsg, Decimal, Env, Fields, IbcChannelMsg, IbcMsg, IbcPacketAckMsg, IbcPacketMsg, IbcTimeout, Order,
  ReceiveResult, ReplyOn, Response, SubMsg, Uint128, WasmMsg, ackSuccess, addSeconds, fail, fromUtf8, isActiveValidator, parseJson,
  queryAllValidators, querySmart, utf8, zeroAmount,
} from "../../sdk";
import { Ack, emptyResult } from "../../shared/ack";
import { CHANNEL, HandshakeRole, checkChannelOpen, checkCloseInit, isOurChannel, recordChannelConnect, requireOurChannel } from "../../shared/channel";
import { createDelegate, createUndelegate, encodeDelegate, encodeUndelegate } from "../../shared/meta-staking.codec";
import { ListValidatorsPacket, StakePacket, UnstakePacket, ValidatorSetPacket, ValidatorSetUpdate } from "../../shared/packets";
import {
  createValidatorSetPacket, createValidatorSetUpdate, decodeConsumerPacket, decodeProviderPacket, encodeValidatorSetPacket,
  encodeValidatorSetUpdate,
} from "../../shared/packets.codec";
import {
  createConfigQuery, createConsumerQuery, encodeConfigQuery, encodeConsumerQuery, readConfigResponse, readConsumerResponse,
} from "../../shared/meta-staking.codec";
import { allowanceExhausted, insufficientStake, stakeTooSmall, unknownValidator } from "./errors";
import { CONFIG, LAST_SENT, RECORDS, StakeRecord, recordKey } from "./state";

/** Reply id of an undelegation sent while closing; only failures come back. */
export const REPLY_CLOSE_UNDELEGATE_FAILED: u64 = 1;

/** The bonded set now, with meta-staking's unbonding rules, versioned by our block height. */
export function currentValidatorSet(env: Env): ValidatorSetUpdate | null {
  const validators = queryAllValidators();
  if (validators == null) return null;
  const meta = querySmart(CONFIG.load().metaStaking, encodeConfigQuery(createConfigQuery()));
  if (meta == null) return null;
  // Lenient (nested objects too): a newer meta-staking may answer with more fields.
  const f = new Fields(meta, "meta-staking config", true);
  const rules = readConfigResponse(f);
  if (!f.finishLenient()) return null;
  return createValidatorSetUpdate(env.block.height, validators, rules.unbondingPeriodSeconds, rules.unbondingEpochSeconds);
}

/** The validator_set packet carrying `update`, remembered as the last one sent. */
export function validatorSetPacket(env: Env, channelId: string, update: ValidatorSetUpdate): CosmosMsg | null {
  const at = addSeconds(env.block.timeNanos, CONFIG.load().packetTimeoutSeconds);
  if (at == 0) return null;
  LAST_SENT.save(update);
  return IbcMsg.sendPacket(channelId, utf8(encodeValidatorSetPacket(createValidatorSetPacket(update))), IbcTimeout.atTimestamp(at));
}

/**
 * The channel is gone (our governance closed it, or the provider's did): forget it and undelegate everything it
 * brought in. Bounded by the number of validators with stake. Each undelegation is a sub-message whose failure is
 * only recorded, so nothing here can make the close fail.
 */
export function closeLiveChannel(response: Response): void {
  CHANNEL.remove();
  LAST_SENT.remove();
  const config = CONFIG.load();
  const validators = new Array<string>();
  const locals = new Array<Uint128>();
  const it = RECORDS.range([], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    validators.push(fromUtf8(e.key));
    locals.push(e.value.local);
  }
  for (let i = 0; i < validators.length; i++) {
    RECORDS.remove(recordKey(validators[i]));
    if (locals[i].isZero()) continue;
    const undelegate = WasmMsg.execute(config.metaStaking, encodeUndelegate(createUndelegate(validators[i], locals[i])), []);
    response.addSubMessage(new SubMsg(REPLY_CLOSE_UNDELEGATE_FAILED, undelegate, ReplyOn.Error));
  }
  response.addAttribute("undelegated_validators", validators.length.toString());
}

export function ibcChannelOpen(env: Env, msg: IbcChannelMsg): ChannelOpenResult | null {
  const version = checkChannelOpen(msg, CONFIG.load().provider, HandshakeRole.Responder);
  return version != null ? new ChannelOpenResult(version) : null;
}

export function ibcChannelConnect(env: Env, msg: IbcChannelMsg): Response | null {
  const channel = recordChannelConnect(msg);
  if (channel == null) return null;
  // Tell the provider which validators it may stake to, right away.
  const update = currentValidatorSet(env);
  if (update == null) return null;
  const packet = validatorSetPacket(env, channel.channelId, update);
  if (packet == null) return null;
  return new Response().addMessage(packet).addAttribute("action", "channel_connect").addAttribute("channel_id", channel.channelId);
}

/**
 * close_init: only our own governance close of the live channel (bookkeeping already done in close_channel) or a
 * channel that is not the live one; anyone else's close of the live channel is refused. close_confirm: the
 * provider's governance closed it; this must not fail.
 */
export function ibcChannelClose(env: Env, msg: IbcChannelMsg): Response | null {
  const response = new Response().addAttribute("action", "channel_close").addAttribute("channel_id", msg.channel.endpoint.channelId);
  if (msg.step == "close_init") {
    if (!checkCloseInit(msg)) return null;
    return response;
  }
  if (isOurChannel(msg.channel)) closeLiveChannel(response);
  return response;
}

/** The provider's packets; an error here becomes the error ack's reason. */
export function ibcPacketReceive(env: Env, msg: IbcPacketMsg): ReceiveResult | null {
  if (requireOurChannel(msg.packet.dest.channelId) == null) return null;
  const packet = decodeProviderPacket(parseJson(msg.packet.data));
  if (packet == null) return null;
  if (packet instanceof ListValidatorsPacket) {
    const update = currentValidatorSet(env);
    if (update == null) return null;
    return new ReceiveResult(new Response().addAttribute("action", "list_validators").addAttribute("version", update.version.toString()),
      ackSuccess(utf8(encodeValidatorSetUpdate(update))));
  }
  let response: Response | null;
  let txId: u64;
  if (packet instanceof StakePacket) {
    const stake = <StakePacket>packet;
    if (stake.amount.isZero()) return fail<ReceiveResult>(zeroAmount("stake"));
    txId = stake.txId;
    response = receiveStake(env, stake);
  } else {
    const unstake = <UnstakePacket>packet;
    if (unstake.amount.isZero()) return fail<ReceiveResult>(zeroAmount("unstake"));
    txId = unstake.txId;
    response = receiveUnstake(unstake);
  }
  if (response == null) return null;
  return new ReceiveResult(response.addAttribute("tx_id", txId.toString()), ackSuccess(emptyResult()));
}

function receiveStake(env: Env, packet: StakePacket): Response | null {
  const config = CONFIG.load();
  const factor = config.rate.checkedMul(Decimal.one().checkedSub(config.discount)!);
  if (factor == null) return null;
  const local = factor.mulFloor(packet.amount);
  if (local == null) return null;
  if (local.isZero()) return fail<Response>(stakeTooSmall(packet.amount));
  const active = isActiveValidator(packet.validator);
  if (active < 0) return null;
  if (active == 0) return fail<Response>(unknownValidator(packet.validator));
  // Check the allowance here, so that a refusal becomes an error ack with its reason (a failing meta-staking call
  // would too, but with a redacted message).
  const mine = querySmart(config.metaStaking, encodeConsumerQuery(createConsumerQuery(env.contractAddress)));
  if (mine == null) return null;
  const f = new Fields(mine, "meta-staking consumer", true);
  const consumer = readConsumerResponse(f);
  if (!f.finishLenient()) return null;
  const allowance = consumer.allowance;
  const delegated = consumer.delegated;
  const after = delegated.checkedAdd(local);
  if (after == null) return null;
  if (after.gt(allowance)) return fail<Response>(allowanceExhausted(local, allowance, delegated));
  const key = recordKey(packet.validator);
  const existing = RECORDS.may_load(key);
  const record = existing != null ? existing : new StakeRecord(Uint128.zero(), Uint128.zero());
  const provider = record.provider.checkedAdd(packet.amount);
  const total = record.local.checkedAdd(local);
  if (provider == null || total == null) return null;
  RECORDS.save(key, new StakeRecord(provider, total));
  return new Response()
    .addMessage(WasmMsg.execute(config.metaStaking, encodeDelegate(createDelegate(packet.validator, local)), []))
    .addAttribute("action", "stake")
    .addAttribute("validator", packet.validator)
    .addAttribute("amount", packet.amount.toString())
    .addAttribute("local_amount", local.toString());
}

function receiveUnstake(packet: UnstakePacket): Response | null {
  const key = recordKey(packet.validator);
  const record = RECORDS.may_load(key);
  const have = record != null ? record.provider : Uint128.zero();
  if (record == null || packet.amount.gt(have)) return fail<Response>(insufficientStake(packet.amount, packet.validator, have));
  // Convert back with the amounts recorded at stake time, so a rate change cannot strand or over-release stake.
  // What stays delegated is rounded down (the amount undelegated up), so the remaining local delegation never exceeds
  // what the remaining provider stake backs.
  const provider = record.provider.checkedSub(packet.amount)!;
  const rest = record.local.mulDivFloor(provider, record.provider);
  if (rest == null) return null;
  const local = record.local.checkedSub(rest)!;
  if (provider.isZero()) RECORDS.remove(key); else RECORDS.save(key, new StakeRecord(provider, rest));
  const response = new Response()
    .addAttribute("action", "unstake")
    .addAttribute("validator", packet.validator)
    .addAttribute("amount", packet.amount.toString())
    .addAttribute("local_amount", local.toString());
  if (!local.isZero()) {
    const config = CONFIG.load();
    response.addMessage(WasmMsg.execute(config.metaStaking, encodeUndelegate(createUndelegate(packet.validator, local)), []));
  }
  return response;
}

/** Acks of our validator_set packets: a failed one may be sent again. Never fails. */
export function ibcPacketAck(env: Env, msg: IbcPacketAckMsg): Response | null {
  const ack = Ack.parse(msg.acknowledgement);
  if (!ack.ok) forgetLastSent(msg.originalPacket.data);
  return new Response().addAttribute("action", "validator_set_ack").addAttribute("outcome", ack.ok ? "success" : "failure");
}

export function ibcPacketTimeout(env: Env, msg: IbcPacketMsg): Response | null {
  forgetLastSent(msg.packet.data);
  return new Response().addAttribute("action", "validator_set_timeout");
}

/** If the update that failed is the last one sent, the provider may not have it: allow sending it again. */
function forgetLastSent(data: Uint8Array): void {
  const failed = decodeConsumerPacket(parseJson(data));
  const last = LAST_SENT.may_load();
  if (failed != null && last != null && (<ValidatorSetPacket>failed).update.version == last.version) LAST_SENT.remove();
}
