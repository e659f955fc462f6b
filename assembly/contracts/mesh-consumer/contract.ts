// mesh-consumer (consumer chain): receives Stake/Unstake packets from its one trusted mesh-provider and turns them
// into meta-staking delegations of the converted amount. It stores, per validator, both the provider-denominated
// amount and the local amount it delegated, so an unstake converts back consistently whatever the rate is then.
// Invariant: for every validator, the provider's pool holds records[validator].shares shares, and our meta-staking
// delegation there backs them (its value follows the chain, slashes included; docs/slashing.md).
//
// Channel: the provider opens it (this side answers open_try only); only governance closes it (close_channel), and
// a close from either side undelegates everything through meta-staking's batches, as sub-messages whose failure is
// recorded, so the close itself cannot fail. The IBC entry points are in ibc.ts.
import {
  Amount, capLimit, checkDuration, Decimal, Env, fail, failCheck, fromUtf8, IbcMsg, JsonValue, MessageInfo, nonpayable, onlyAdmin, Order,
  readPage, Reply, Response, Uint128, utf8, validateAddress,
} from "../../sdk";
import { CHANNEL, Counterparty, beginOwnClose } from "../../shared/channel";
import { beginMigration, finishMigration, recordVersion } from "../../shared/migrate";
import { ValidatorSetUpdate } from "../../shared/packets";
import { encodeValidatorSetUpdate } from "../../shared/packets.codec";
import { emptyProvider, invalidDiscount, invalidRate, noChannel, providerLocked, validatorSetUnchanged } from "./errors";
import {
  REPLY_CLOSE_UNDELEGATE_FAILED, REPLY_FORWARD_SLASHES, callThenForward, closeLiveChannel, currentValidatorSet, delegationView,
  forwardSlashes, sameSet, validatorSetPacket,
} from "./ibc";
import { economicsQuery, revalue } from "./economics";
import { createCheckValidator, encodeCheckValidator } from "../../shared/meta-staking.codec";
import {
  ChannelQuery, CheckValidator, ConfigQuery, DistributeRewards, DistributionQuery, EconomicsQuery, RecordQuery, Revalue, RecordResponse, RecordsQuery,
  SendValidatorSet, SetPriceFeed, SetProvider, SetRewardConfig, UpdateAdmin, UpdateConversion,
} from "./msg";
import { REPLY_CLAIM_REWARDS, afterClaim, distributeRewards, distributionQuery, setRewardConfig } from "./rewards";
import {
  createChannelResponse, createConfigResponse, createProviderInfo, createRewardConfigInfo, createRecordResponse, createRecordsResponse, decodeExecuteMsg,
  decodeInstantiateMsg, decodeMigrateMsg, decodeQueryMsg, encodeChannelResponse, encodeConfigResponse, encodeRecordResponse,
  encodeRecordsResponse,
} from "./msg.codec";
import { CONFIG, Config, LAST_SENT, PROVIDER_TOTAL, RECORDS, REWARD_CONFIG, StakeRecord, recordKey, revalueRecord } from "./state";

/** rate > 0 and discount < 1 (a Decimal is never negative). */
function checkConversion(rate: Decimal, discount: Decimal): bool {
  if (rate.isZero()) return failCheck(invalidRate());
  if (!discount.lt(Decimal.one())) return failCheck(invalidDiscount());
  return true;
}

export function instantiate(env: Env, info: MessageInfo, json: JsonValue): Response | null {
  const msg = decodeInstantiateMsg(json);
  if (msg == null || !checkConversion(msg.rate, msg.discount) || !nonpayable(info)) return null;
  const admin = msg.admin;
  const adminAddress = admin != null ? admin : info.sender;
  if (validateAddress(adminAddress, "admin") == null || validateAddress(msg.metaStaking, "meta_staking") == null) return null;
  if (!checkDuration(msg.packetTimeoutSeconds, "packet_timeout_seconds")) return null;
  CONFIG.save(new Config(adminAddress, msg.metaStaking, null, msg.rate, msg.discount, msg.packetTimeoutSeconds));
  recordVersion("mesh-consumer");
  return new Response().addAttribute("action", "instantiate");
}

function requireAdmin(info: MessageInfo): Config | null {
  const config = CONFIG.load();
  return nonpayable(info) && onlyAdmin(info, config.admin) ? config : null;
}

export function execute(env: Env, info: MessageInfo, json: JsonValue): Response | null {
  const msg = decodeExecuteMsg(json);
  if (msg == null) return null;
  if (msg instanceof SetProvider) return setProvider(info, <SetProvider>msg);
  if (msg instanceof UpdateConversion) return updateConversion(info, <UpdateConversion>msg);
  if (msg instanceof UpdateAdmin) return updateAdmin(info, (<UpdateAdmin>msg).admin);
  if (msg instanceof SetPriceFeed) return setPriceFeed(info, (<SetPriceFeed>msg).priceFeed);
  if (msg instanceof SendValidatorSet) return sendValidatorSet(env, info);
  if (msg instanceof CheckValidator) return checkValidator(info, (<CheckValidator>msg).validator);
  if (msg instanceof SetRewardConfig) return setRewardConfig(info, <SetRewardConfig>msg);
  if (msg instanceof DistributeRewards) return distributeRewards(info, <DistributeRewards>msg);
  if (msg instanceof Revalue) return revalue(env, info, (<Revalue>msg).startAfter, (<Revalue>msg).limit);
  return closeChannel(env, info);
}

function setProvider(info: MessageInfo, msg: SetProvider): Response | null {
  const config = requireAdmin(info);
  if (config == null) return null;
  if (CHANNEL.may_load() != null) return fail<Response>(providerLocked());
  if (msg.connectionId.length == 0 || msg.portId.length == 0) return fail<Response>(emptyProvider());
  config.provider = new Counterparty(msg.connectionId, msg.portId);
  CONFIG.save(config);
  return new Response().addAttribute("action", "set_provider").addAttribute("connection_id", msg.connectionId)
    .addAttribute("port_id", msg.portId);
}

function updateConversion(info: MessageInfo, msg: UpdateConversion): Response | null {
  if (!checkConversion(msg.rate, msg.discount)) return null;
  const config = requireAdmin(info);
  if (config == null) return null;
  config.rate = msg.rate;
  config.discount = msg.discount;
  CONFIG.save(config);
  return new Response().addAttribute("action", "update_conversion").addAttribute("rate", config.rate.toString())
    .addAttribute("discount", config.discount.toString());
}

function setPriceFeed(info: MessageInfo, feed: string | null): Response | null {
  const config = requireAdmin(info);
  if (config == null || (feed != null && validateAddress(feed, "price_feed") == null)) return null;
  config.priceFeed = feed;
  CONFIG.save(config);
  return new Response().addAttribute("action", "set_price_feed").addAttribute("price_feed", feed != null ? feed : "");
}

function updateAdmin(info: MessageInfo, admin: string): Response | null {
  const config = requireAdmin(info);
  if (config == null || validateAddress(admin, "admin") == null) return null;
  config.admin = admin;
  CONFIG.save(config);
  return new Response().addAttribute("action", "update_admin").addAttribute("admin", admin);
}

/**
 * Anyone may ask, but only when there is news: the set or the unbonding rules changed since the last update, or the
 * last update failed to arrive. So a stranger cannot flood the channel.
 */
function sendValidatorSet(env: Env, info: MessageInfo): Response | null {
  if (!nonpayable(info)) return null;
  const channel = CHANNEL.may_load();
  if (channel == null) return fail<Response>(noChannel());
  const update = currentValidatorSet(env);
  if (update == null) return null;
  const last = LAST_SENT.may_load();
  if (last != null && sameSet(last, update)) return fail<Response>(validatorSetUnchanged(last.version));
  const packet = validatorSetPacket(env, channel.channelId, update);
  if (packet == null) return null;
  return new Response().addMessage(packet).addAttribute("action", "send_validator_set").addAttribute("version", update.version.toString());
}

/**
 * Anyone: meta-staking checks the validator against x/staking (booking any new slash), then the reply sends the
 * provider the events it has not been sent. Nothing to send is not an error: a check finding nothing is the
 * common case for a watcher.
 */
function checkValidator(info: MessageInfo, validator: string): Response | null {
  if (!nonpayable(info)) return null;
  if (CHANNEL.may_load() == null) return fail<Response>(noChannel());
  const metaStaking = CONFIG.load().metaStaking;
  return new Response().addSubMessage(callThenForward(metaStaking, encodeCheckValidator(createCheckValidator(validator)), validator))
    .addAttribute("action", "check_validator").addAttribute("validator", validator);
}

function closeChannel(env: Env, info: MessageInfo): Response | null {
  if (requireAdmin(info) == null) return null;
  const channel = beginOwnClose();
  if (channel == null) return null;
  const response = new Response().addAttribute("action", "close_channel").addAttribute("channel_id", channel.channelId);
  closeLiveChannel(env, response);
  return response.addMessage(IbcMsg.closeChannel(channel.channelId));
}

/**
 * `{}`. With a channel open, the migrated consumer announces its validator set in the current format at once, so
 * the provider learns the unbonding rules it now checks (migrate meta-staking first: the rules come from it).
 */
export function migrate(env: Env, json: JsonValue): Response | null {
  if (decodeMigrateMsg(json) == null) return null;
  const from = beginMigration("mesh-consumer", ["meta_staking", "rate"]);
  if (from == null) return null;
  const response = finishMigration("mesh-consumer", from);
  if (PROVIDER_TOTAL.may_load() == null && !valueRecords(env)) return null;
  const channel = CHANNEL.may_load();
  if (channel != null) {
    const update = currentValidatorSet(env);
    if (update == null) return null;
    const packet = validatorSetPacket(env, channel.channelId, update);
    if (packet == null) return null;
    response.addMessage(packet);
  }
  return response;
}

/** Records from before the power rules have no value: each is its shares at the cumulative multiplier now, the total their sum. */
function valueRecords(env: Env): bool {
  const validators = readPage(RECORDS, [], null, U32.MAX_VALUE, (validator: string, _: StakeRecord): string => validator);
  PROVIDER_TOTAL.save(new Amount(Uint128.zero()));
  for (let i = 0; i < validators.length; i++) {
    const view = delegationView(env, validators[i]);
    if (view == null) return false;
    const key = recordKey(validators[i]);
    const record = RECORDS.may_load(key)!;
    record.value = Uint128.zero();
    revalueRecord(record, view.cumulative.mulFloor(record.shares)!);
    RECORDS.save(key, record);
  }
  return true;
}

/**
 * After a meta-staking call that may have booked a slash (success only): send the validator's new events. A failed
 * undelegation of a close (failure only): recorded for operators. Neither fails. After claim_rewards: see rewards.ts.
 */
export function reply(env: Env, reply: Reply): Response | null {
  if (reply.id == REPLY_CLAIM_REWARDS) return afterClaim(env, reply);
  const response = new Response();
  if (reply.id == REPLY_FORWARD_SLASHES && reply.error == null) {
    const validator = String.UTF8.decode(reply.payload.buffer);
    forwardSlashes(env, validator, response.addAttribute("action", "forward_slashes").addAttribute("validator", validator));
    return response;
  }
  const error = reply.error;
  return response
    .addAttribute("action", reply.id == REPLY_CLOSE_UNDELEGATE_FAILED ? "close_undelegate_failed" : "unknown_reply")
    .addAttribute("error", error != null ? error : "");
}

// ---------------------------------------------------------------------------------------------------------------
// Queries

export function query(env: Env, json: JsonValue): string | null {
  const msg = decodeQueryMsg(json);
  if (msg == null) return null;
  if (msg instanceof ConfigQuery) {
    const c = CONFIG.load();
    const p = c.provider;
    const provider = p != null ? createProviderInfo(p.connectionId, p.portId) : null;
    const r = REWARD_CONFIG.may_load();
    const rewards = r != null ? createRewardConfigInfo(r.transferChannel, r.commission, r.commissionRecipient) : null;
    return encodeConfigResponse(createConfigResponse(c.admin, c.metaStaking, provider, c.rate, c.discount, c.packetTimeoutSeconds, rewards,
      c.priceFeed));
  }
  if (msg instanceof DistributionQuery) return distributionQuery();
  if (msg instanceof EconomicsQuery) return economicsQuery(env);
  if (msg instanceof ChannelQuery) {
    const channel = CHANNEL.may_load();
    if (channel == null) return "null";
    return encodeChannelResponse(createChannelResponse(channel.channelId, channel.counterpartyChannelId, channel.connectionId));
  }
  if (msg instanceof RecordQuery) {
    const validator = (<RecordQuery>msg).validator;
    const r = RECORDS.may_load(recordKey(validator));
    const response = recordResponse(env, validator, r != null ? r : new StakeRecord(Uint128.zero(), 0));
    return response != null ? encodeRecordResponse(response) : null;
  }
  if (msg instanceof RecordsQuery) {
    const page = <RecordsQuery>msg;
    const limit = capLimit(page.limit);
    const startAfter = page.startAfter;
    const out = new Array<RecordResponse>();
    const it = RECORDS.range([], startAfter != null ? utf8(startAfter) : null, true, null, Order.Ascending);
    for (let e = it.next(); e != null && <u32>out.length < limit; e = it.next()) {
      const r = recordResponse(env, fromUtf8(e.key), e.value);
      if (r == null) return null;
      out.push(r);
    }
    return encodeRecordsResponse(createRecordsResponse(out));
  }
  // last_validator_set
  const last = LAST_SENT.may_load();
  return last != null ? encodeValidatorSetUpdate(last) : "null";
}

/** The record with meta-staking's view: provider tokens = shares × the validator's cumulative multiplier. */
function recordResponse(env: Env, validator: string, r: StakeRecord): RecordResponse | null {
  const view = delegationView(env, validator);
  if (view == null) return null;
  const provider = view.cumulative.mulFloor(r.shares);
  if (provider == null) return null;
  return createRecordResponse(validator, provider, r.shares, view.amount, r.forwarded);
}
