// mesh-consumer's IBC side: the channel handshake and close (rules in shared/channel.ts), the provider's packets
// (stake, unstake, list_validators) and the acks and timeouts of the validator_set and slash packets this contract
// sends. The helpers that send a validator set, forward slash events and settle a closed channel serve contract.ts too.
//
// Slashes (docs/slashing.md): meta-staking observes them; every stake or unstake first has meta-staking's view of
// the validator (delegation query, any new slash applied) and answers with the validator's slash count and
// cumulative multiplier in the ack, so the provider orders the stake against slash events whatever order packets
// and acks arrive in. After meta-staking has booked the change (a reply), the events the provider has not been sent
// go out as slash packets.
import {
  ackSuccess, addSeconds, ChannelOpenResult, clearError, CosmosMsg, Decimal, Env, fail, failCheck, Fields, fromUtf8, IbcChannelMsg,
  IbcMsg, IbcPacketAckMsg, IbcPacketMsg, IbcTimeout, isActiveValidator, Order, parseJson, queryAllValidators,
  querySmart, readLenient, ReceiveResult, ReplyOn, Response, SubMsg, takeError, Uint128, utf8, WasmMsg, zeroAmount,
} from "../../sdk";
import { DelegationResponse, PowerResponse } from "../../shared/meta-staking";
import { Ack } from "../../shared/ack";
import { CHANNEL, HandshakeRole, checkChannelOpen, checkCloseInit, isOurChannel, recordChannelConnect, requireOurChannel } from "../../shared/channel";
import {
  createDelegate, createReportRequested, createUndelegate, encodeDelegate, encodeReportRequested, encodeUndelegate,
} from "../../shared/meta-staking.codec";
import { ListValidatorsPacket, SlashPacket, StakePacket, UnstakePacket, ValidatorSetPacket, ValidatorSetUpdate } from "../../shared/packets";
import {
  createSlashPacket, createStakeAckResult, createValidatorSetPacket, createValidatorSetUpdate, decodeConsumerPacket, decodeProviderPacket,
  encodeSlashPacket, encodeStakeAckResult, encodeValidatorSetPacket, encodeValidatorSetUpdate,
} from "../../shared/packets.codec";
import {
  createConfigQuery, createDelegationQuery, createPowerQuery, createSlashEventsQuery, encodeConfigQuery, encodeDelegationQuery, encodePowerQuery,
  encodeSlashEventsQuery, readConfigResponse, readDelegationResponse, readPowerResponse, readSlashEventsResponse,
} from "../../shared/meta-staking.codec";
import {
  allowanceExhausted, insufficientStake, localMinimumReached, powerCapReached, priceUnavailable, slashedToZero, stakeTooSmall, unknownValidator,
} from "./errors";
import { PriceResponse } from "../../shared/price";
import { createPriceQuery, createPriceResponse, encodePriceQuery, readPriceResponse } from "../../shared/price.codec";
import { CONFIG, LAST_SENT, PROVIDER_TOTAL, RECORDS, StakeRecord, loadProviderTotal, recordKey, revalueRecord } from "./state";

/** Reply id of an undelegation sent while closing; only failures come back. */
export const REPLY_CLOSE_UNDELEGATE_FAILED: u64 = 1;
/** Reply id of a meta-staking call that may have booked a slash: the payload is the validator whose events to send. */
export const REPLY_FORWARD_SLASHES: u64 = 2;
/** Slash events one reply sends at most (check_validator again for more). */
const FORWARD_PAGE: u32 = 10;

/** The bonded set now, with meta-staking's unbonding rules, versioned by our block height. */
export function currentValidatorSet(env: Env): ValidatorSetUpdate | null {
  const validators = queryAllValidators();
  if (validators == null) return null;
  const rules = readLenient(querySmart(CONFIG.load().metaStaking, encodeConfigQuery(createConfigQuery())), "meta-staking config", readConfigResponse);
  if (rules == null) return null;
  return createValidatorSetUpdate(env.block.height, validators, rules.unbondingPeriodSeconds, rules.unbondingEpochSeconds);
}

/** Same validators (in order) and unbonding rules; the version is not compared. */
export function sameSet(a: ValidatorSetUpdate, b: ValidatorSetUpdate): bool {
  if (a.unbondingPeriodSeconds != b.unbondingPeriodSeconds || a.unbondingEpochSeconds != b.unbondingEpochSeconds) return false;
  if (a.validators.length != b.validators.length) return false;
  for (let i = 0; i < a.validators.length; i++) if (a.validators[i] != b.validators[i]) return false;
  return true;
}

/**
 * Sends the validator set when it changed since the last one sent (or that one failed): from the revalue crank and
 * from every stake and unstake packet (docs/economics.md §5). False when a query failed.
 */
export function pushValidatorSet(env: Env, response: Response): bool {
  const channel = CHANNEL.may_load();
  if (channel == null) return true;
  const update = currentValidatorSet(env);
  if (update == null) return false;
  const last = LAST_SENT.may_load();
  if (last != null && sameSet(last, update)) return true;
  const packet = validatorSetPacket(env, channel.channelId, update);
  if (packet == null) return false;
  response.addMessage(packet).addAttribute("validator_set_sent", update.version.toString());
  return true;
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
export function closeLiveChannel(env: Env, response: Response): void {
  CHANNEL.remove();
  LAST_SENT.remove();
  const config = CONFIG.load();
  const validators = new Array<string>();
  const it = RECORDS.range([], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) validators.push(fromUtf8(e.key));
  for (let i = 0; i < validators.length; i++) {
    RECORDS.remove(recordKey(validators[i]));
    // What meta-staking holds for us now (after any slash); a failing query is recorded, never fails the close.
    const mine = delegationView(env, validators[i]);
    if (mine == null) {
      response.addAttribute("close_query_failed", validators[i]);
      clearError();
      continue;
    }
    if (mine.amount.isZero()) continue;
    const undelegate = WasmMsg.execute(config.metaStaking, encodeUndelegate(createUndelegate(validators[i], mine.amount)), []);
    response.addSubMessage(new SubMsg(REPLY_CLOSE_UNDELEGATE_FAILED, undelegate, ReplyOn.Error));
  }
  PROVIDER_TOTAL.remove();
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
  if (isOurChannel(msg.channel)) closeLiveChannel(env, response);
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
  const response = new Response();
  let txId: u64;
  let state: DelegationResponse | null;
  if (packet instanceof StakePacket) {
    const stake = <StakePacket>packet;
    if (stake.amount.isZero()) return fail<ReceiveResult>(zeroAmount("stake"));
    txId = stake.txId;
    state = receiveStake(env, stake, response);
  } else {
    const unstake = <UnstakePacket>packet;
    if (unstake.amount.isZero()) return fail<ReceiveResult>(zeroAmount("unstake"));
    txId = unstake.txId;
    state = receiveUnstake(env, unstake, response);
  }
  if (state == null) return null;
  // A packet is a moment the bonded set is looked at anyway (one query per call): a change goes to the provider now.
  if (!pushValidatorSet(env, response)) return null;
  const result = createStakeAckResult(state.slashSeq, state.cumulative, packet instanceof UnstakePacket ? state.batch : 0);
  return new ReceiveResult(response.addAttribute("tx_id", txId.toString()), ackSuccess(utf8(encodeStakeAckResult(result))));
}

/** meta-staking's view of our delegation on `validator`, with any slash it has not booked yet applied. */
export function delegationView(env: Env, validator: string): DelegationResponse | null {
  const answer = querySmart(CONFIG.load().metaStaking, encodeDelegationQuery(createDelegationQuery(env.contractAddress, validator)));
  return readLenient(answer, "meta-staking delegation", readDelegationResponse);
}

/** A meta-staking call after which the validator's new slash events (if any) go to the provider. */
export function callThenForward(metaStaking: string, msg: string, validator: string): SubMsg {
  return new SubMsg(REPLY_FORWARD_SLASHES, WasmMsg.execute(metaStaking, msg, []), ReplyOn.Success, utf8(validator));
}

/**
 * Sends the provider the validator's slash events it has not been sent (a page; check_validator sends the rest).
 * Runs in replies, after meta-staking booked them; never fails (a failing query is recorded and retried by the next
 * check), so it cannot undo the stake or unstake it follows.
 */
export function forwardSlashes(env: Env, validator: string, response: Response): void {
  const channel = CHANNEL.may_load();
  const key = recordKey(validator);
  const record = RECORDS.may_load(key);
  if (channel == null || record == null) return;
  const config = CONFIG.load();
  const answer = querySmart(config.metaStaking, encodeSlashEventsQuery(createSlashEventsQuery(validator, record.forwarded, FORWARD_PAGE)));
  const page = readLenient(answer, "meta-staking slash_events", readSlashEventsResponse);
  if (page == null) {
    clearError();
    response.addAttribute("forward_failed", validator);
    return;
  }
  const at = addSeconds(env.block.timeNanos, config.packetTimeoutSeconds);
  for (let i = 0; i < page.events.length; i++) {
    const event = page.events[i];
    response.addMessage(IbcMsg.sendPacket(channel.channelId, utf8(encodeSlashPacket(createSlashPacket(event))), IbcTimeout.atTimestamp(at)));
    response.addAttribute("slash_sent", event.seq.toString());
    record.forwarded = event.seq;
  }
  if (page.events.length > 0) {
    const value = page.events[page.events.length - 1].cumulative.mulFloor(record.shares);
    if (value != null) revalueRecord(record, value);
  }
  RECORDS.save(key, record);
}

/**
 * The price now: the price feed's answer if one is set (null with the feed's own reason recorded when it has none),
 * else `rate` (updated_at 0).
 */
export function priceNow(): PriceResponse | null {
  const config = CONFIG.load();
  const feed = config.priceFeed;
  if (feed == null) return createPriceResponse(config.rate, 0, 0);
  return readLenient(querySmart(feed, encodePriceQuery(createPriceQuery())), "price feed", readPriceResponse);
}

/** Local tokens per provider token now; fails naming the feed and its reason when it has no price. */
export function currentPrice(response: Response): Decimal | null {
  const answer = priceNow();
  if (answer == null) return fail<Decimal>(priceUnavailable(CONFIG.load().priceFeed!, takeError()));
  if (CONFIG.load().priceFeed != null) {
    response.addAttribute("price", answer.price.toString()).addAttribute("price_updated_at", answer.updatedAt.toString());
  }
  return answer.price;
}

/** Local tokens per provider token of value: price × (1 − discount). */
export function conversion(price: Decimal): Decimal | null {
  return price.checkedMul(Decimal.one().checkedSub(CONFIG.load().discount)!);
}

function receiveStake(env: Env, packet: StakePacket, response: Response): DelegationResponse | null {
  const config = CONFIG.load();
  const price = currentPrice(response);
  if (price == null) return null;
  const factor = conversion(price);
  if (factor == null) return null;
  const local = factor.mulFloor(packet.amount);
  if (local == null) return null;
  if (local.isZero()) return fail<DelegationResponse>(stakeTooSmall(packet.amount));
  const active = isActiveValidator(packet.validator);
  if (active < 0) return null;
  if (active == 0) return fail<DelegationResponse>(unknownValidator(packet.validator));
  // Check the allowance here, so that a refusal becomes an error ack with its reason (a failing meta-staking call
  // would too, but with a redacted message).
  const view = delegationView(env, packet.validator);
  if (view == null) return null;
  const after = view.delegated.checkedAdd(local);
  if (after == null) return null;
  if (after.gt(view.allowance)) return fail<DelegationResponse>(allowanceExhausted(local, view.allowance, view.delegated));
  if (view.cumulative.isZero()) return fail<DelegationResponse>(slashedToZero(packet.validator));
  if (!withinPowerRules(env, local, after)) return null;
  // Slash-free units at the multiplier the provider learns from the ack: it adds the same number of shares.
  const shares = view.cumulative.divFloor(packet.amount);
  if (shares == null) return null;
  if (shares.isZero()) return fail<DelegationResponse>(stakeTooSmall(packet.amount));
  const key = recordKey(packet.validator);
  const existing = RECORDS.may_load(key);
  // A new record starts after the events so far: they hit stake that is not the provider's.
  const record = existing != null ? existing : new StakeRecord(Uint128.zero(), view.slashSeq);
  const total = record.shares.checkedAdd(shares);
  if (total == null) return null;
  record.shares = total;
  revalueRecord(record, view.cumulative.mulFloor(total)!);
  RECORDS.save(key, record);
  // meta-staking scales every consumer by the requests it knows: it learns ours as it grows (and from each revalue).
  const requested = factor.mulFloor(loadProviderTotal());
  if (requested == null) return null;
  response
    .addSubMessage(callThenForward(config.metaStaking, encodeDelegate(createDelegate(packet.validator, local)), packet.validator))
    .addMessage(WasmMsg.execute(config.metaStaking, encodeReportRequested(createReportRequested(requested)), []))
    .addAttribute("action", "stake")
    .addAttribute("validator", packet.validator)
    .addAttribute("amount", packet.amount.toString())
    .addAttribute("local_amount", local.toString())
    .addAttribute("shares", shares.toString())
    .addAttribute("slash_seq", view.slashSeq.toString());
  return view;
}

function receiveUnstake(env: Env, packet: UnstakePacket, response: Response): DelegationResponse | null {
  const key = recordKey(packet.validator);
  const record = RECORDS.may_load(key);
  const given = packet.shares;
  const shares = given != null ? given : packet.amount;
  const have = record != null ? record.shares : Uint128.zero();
  if (record == null || shares.isZero() || shares.gt(have)) return fail<DelegationResponse>(insufficientStake(shares, packet.validator, have));
  const view = delegationView(env, packet.validator);
  if (view == null) return null;
  // Our delegation there backs the record's shares: the unstaked part of it leaves, rounded up, so what stays
  // delegated never exceeds what the remaining shares back.
  const left = have.checkedSub(shares)!;
  const rest = view.amount.mulDivFloor(left, have);
  if (rest == null) return null;
  const local = view.amount.checkedSub(rest)!;
  record.shares = left;
  revalueRecord(record, view.cumulative.mulFloor(left)!);
  RECORDS.save(key, record);
  response
    .addAttribute("action", "unstake")
    .addAttribute("validator", packet.validator)
    .addAttribute("amount", packet.amount.toString())
    .addAttribute("shares", shares.toString())
    .addAttribute("local_amount", local.toString())
    .addAttribute("batch", view.batch.toString());
  if (!local.isZero()) {
    const config = CONFIG.load();
    response.addSubMessage(callThenForward(config.metaStaking, encodeUndelegate(createUndelegate(packet.validator, local)), packet.validator));
  }
  return view;
}

/** meta-staking's power rules for this contract (docs/economics.md §3–4), with `requested` as its report if given. */
export function powerView(env: Env, requested: Uint128 | null): PowerResponse | null {
  const answer = querySmart(CONFIG.load().metaStaking, encodePowerQuery(createPowerQuery(env.contractAddress, requested)));
  return readLenient(answer, "meta-staking power", readPowerResponse);
}

/**
 * New stake of `local` (bringing this contract to `after`) stays within its cap and the consumers' room under the
 * local minimum; checked here so that a refusal becomes an error ack naming the rule (meta-staking checks again).
 */
function withinPowerRules(env: Env, local: Uint128, after: Uint128): bool {
  const power = powerView(env, null);
  if (power == null) return false;
  const cap = power.cap;
  if (cap != null && after.gt(cap)) return failCheck(powerCapReached(local, cap, power.maxPowerShare!));
  const maxRemote = power.maxRemote;
  if (maxRemote != null && power.remote.checkedAdd(local)!.gt(maxRemote)) {
    return failCheck(localMinimumReached(local, maxRemote.saturatingSub(power.remote), power.minLocalShare));
  }
  return true;
}

/** Acks of our validator_set and slash packets: a failed one may be sent again. Never fails. */
export function ibcPacketAck(env: Env, msg: IbcPacketAckMsg): Response | null {
  const ack = Ack.parse(msg.acknowledgement);
  const response = new Response().addAttribute("outcome", ack.ok ? "success" : "failure");
  return ack.ok ? response.addAttribute("action", "packet_acknowledged") : forgetSent(msg.originalPacket.data, response.addAttribute("action", "packet_failed"));
}

export function ibcPacketTimeout(env: Env, msg: IbcPacketMsg): Response | null {
  return forgetSent(msg.packet.data, new Response().addAttribute("action", "packet_timeout"));
}

/**
 * The provider may not have what a failed packet carried: a validator set that is still the last one sent may be
 * sent again; a slash event goes out again with the next check of its validator (the provider ignores repeats).
 */
function forgetSent(data: Uint8Array, response: Response): Response {
  const failed = decodeConsumerPacket(parseJson(data));
  if (failed == null) {
    clearError();
    return response;
  }
  if (failed instanceof SlashPacket) {
    const event = (<SlashPacket>failed).event;
    const key = recordKey(event.validator);
    const record = RECORDS.may_load(key);
    if (record != null && record.forwarded >= event.seq) {
      record.forwarded = event.seq - 1;
      RECORDS.save(key, record);
    }
    return response.addAttribute("slash_seq", event.seq.toString()).addAttribute("validator", event.validator);
  }
  const last = LAST_SENT.may_load();
  if (last != null && (<ValidatorSetPacket>failed).update.version == last.version) LAST_SENT.remove();
  return response;
}
