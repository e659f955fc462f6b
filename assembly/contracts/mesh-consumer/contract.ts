// mesh-consumer (consumer chain): receives Stake/Unstake packets from its one trusted mesh-provider and turns them
// into meta-staking delegations of the converted amount. It stores, per validator, both the provider-denominated
// amount and the local amount it delegated, so an unstake converts back consistently whatever the rate is then.
// Invariant: for every validator, records[validator].local = meta-staking's delegation of this contract there.
//
// Channel: the provider opens it (this side answers open_try only); only governance closes it (close_channel), and
// a close from either side undelegates everything through meta-staking's batches, as sub-messages whose failure is
// recorded, so the close itself cannot fail.
import {
  ChannelOpenResult, CosmosMsg, Decimal, Env, Fields, IbcChannelMsg, IbcMsg, IbcPacketAckMsg, IbcPacketMsg, IbcTimeout, Item,
  JsonValue, JsonWriter, Map, MessageInfo, Order, ReceiveResult, Reply, ReplyOn, Response, SubMsg, Uint128, Variant, WasmMsg, ackSuccess,
  addSeconds, checkDuration, fail, fromUtf8, nonpayable, onlyAdmin, PageRequest, writePage, isActiveValidator, queryAllValidators,
  parseJson, querySmart, utf8, validateAddress,
} from "../../sdk";
import {
  CHANNEL, Counterparty, HandshakeRole, beginOwnClose, checkChannelOpen, checkCloseInit, isOurChannel, recordChannelConnect,
  requireOurChannel,
} from "../../shared/channel";
import { createDelegate, createUndelegate, encodeDelegate, encodeUndelegate } from "../../shared/meta-staking.codec";
import { beginMigration, finishMigration, recordVersion } from "../../shared/migrate";
import { Ack, emptyResult } from "../../shared/ack";
import { ListValidatorsPacket, StakePacket, UnstakePacket, ValidatorSetPacket, ValidatorSetUpdate } from "../../shared/packets";
import {
  createValidatorSetPacket, createValidatorSetUpdate, decodeConsumerPacket, decodeProviderPacket, encodeValidatorSetPacket, encodeValidatorSetUpdate,
  readValidatorSetUpdate, writeValidatorSetUpdate,
} from "../../shared/packets.codec";

class Config {
  constructor(
    public admin: string,
    public metaStaking: string,
    public provider: Counterparty | null,
    /** local tokens per provider token */
    public rate: Decimal,
    /** haircut on converted stake, in [0, 1) */
    public discount: Decimal,
    public packetTimeoutSeconds: u64,
  ) {}
}

function encodeConfig(c: Config, w: JsonWriter): void {
  w.beginObject().key("admin").string(c.admin).key("meta_staking").string(c.metaStaking).key("provider");
  const provider = c.provider;
  if (provider != null) provider.write(w); else w.null_();
  w.key("rate").string(c.rate.toString()).key("discount").string(c.discount.toString());
  w.key("packet_timeout_seconds").u64(c.packetTimeoutSeconds).endObject();
}

const CONFIG = new Item<Config>(
  "config",
  encodeConfig,
  (j: JsonValue): Config => {
    const p = j.get("provider")!;
    return new Config(j.get("admin")!.text, j.get("meta_staking")!.text, p.isNull() ? null : Counterparty.fromJson(p),
      Decimal.parse(j.get("rate")!.text)!, Decimal.parse(j.get("discount")!.text)!, U64.parseInt(j.get("packet_timeout_seconds")!.text));
  },
);

/** Per validator: what the provider staked (its tokens) and what we delegated for it (local tokens). */
class StakeRecord {
  constructor(public provider: Uint128, public local: Uint128) {}
}

const RECORDS = new Map<StakeRecord>(
  "records",
  (r: StakeRecord, w: JsonWriter): void => {
    w.beginObject().key("provider").string(r.provider.toString()).key("local").string(r.local.toString()).endObject();
  },
  (j: JsonValue): StakeRecord => new StakeRecord(Uint128.parse(j.get("provider")!.text)!, Uint128.parse(j.get("local")!.text)!),
);

/** The last validator_set sent (validators and unbonding rules; its version is ignored when comparing). */
const LAST_SENT = new Item<ValidatorSetUpdate>(
  "last_sent_validator_set",
  (u: ValidatorSetUpdate, w: JsonWriter): void => { writeValidatorSetUpdate(w, u); },
  (j: JsonValue): ValidatorSetUpdate => readValidatorSetUpdate(new Fields(j, "stored")),
);

/** Reply id of an undelegation sent while closing; only failures come back. */
export const REPLY_CLOSE_UNDELEGATE_FAILED: u64 = 1;

const EXECUTE_VARIANTS = "set_provider, update_conversion, update_admin, send_validator_set, close_channel";
const QUERY_VARIANTS = "config, channel, record, records, last_validator_set";

function readConversion(f: Fields): Decimal[] | null {
  const rate = f.decimal("rate");
  const discount = f.decimal("discount");
  if (!f.ok()) return [rate, discount];
  if (rate.isZero()) return fail<Decimal[]>("Invalid rate: must be greater than zero");
  if (!discount.lt(Decimal.one())) return fail<Decimal[]>("Invalid discount: must be less than 1");
  return [rate, discount];
}

export function instantiate(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const f = Fields.of(msg, "instantiate");
  if (f == null) return null;
  const admin = f.optStr("admin");
  const metaStaking = f.str("meta_staking");
  const conversion = readConversion(f);
  const timeout = f.optU64("packet_timeout_seconds", 600);
  if (conversion == null || !f.finish()) return null;
  if (!nonpayable(info)) return null;
  const adminAddress = admin != null ? admin : info.sender;
  if (validateAddress(adminAddress, "admin") == null || validateAddress(metaStaking, "meta_staking") == null) return null;
  if (!checkDuration(timeout, "packet_timeout_seconds")) return null;
  CONFIG.save(new Config(adminAddress, metaStaking, null, conversion[0], conversion[1], timeout));
  recordVersion("mesh-consumer");
  return new Response().addAttribute("action", "instantiate");
}

function requireAdmin(info: MessageInfo): Config | null {
  const config = CONFIG.load();
  return nonpayable(info) && onlyAdmin(info, config.admin) ? config : null;
}

export function execute(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const variant = Variant.of(msg, "execute");
  if (variant == null) return null;
  const f = variant.fields;
  const name = variant.name;
  if (name == "set_provider") {
    const connectionId = f.str("connection_id");
    const portId = f.str("port_id");
    if (!f.finish()) return null;
    const config = requireAdmin(info);
    if (config == null) return null;
    if (CHANNEL.may_load() != null) return fail<Response>("Cannot change the provider while a channel is open");
    if (connectionId.length == 0 || portId.length == 0) return fail<Response>("Invalid provider: connection_id and port_id must not be empty");
    config.provider = new Counterparty(connectionId, portId);
    CONFIG.save(config);
    return new Response().addAttribute("action", "set_provider").addAttribute("connection_id", connectionId).addAttribute("port_id", portId);
  }
  if (name == "update_conversion") {
    const conversion = readConversion(f);
    if (conversion == null || !f.finish()) return null;
    const config = requireAdmin(info);
    if (config == null) return null;
    config.rate = conversion[0];
    config.discount = conversion[1];
    CONFIG.save(config);
    return new Response().addAttribute("action", "update_conversion").addAttribute("rate", config.rate.toString())
      .addAttribute("discount", config.discount.toString());
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
  if (name == "send_validator_set") {
    // Anyone may ask, but only when there is news: the set or the unbonding rules changed since the last update, or
    // the last update failed to arrive. So a stranger cannot flood the channel.
    if (!f.finish() || !nonpayable(info)) return null;
    const channel = CHANNEL.may_load();
    if (channel == null) return fail<Response>("No channel to the provider is open");
    const update = currentValidatorSet(env);
    if (update == null) return null;
    const last = LAST_SENT.may_load();
    if (last != null && sameSet(last, update)) {
      return fail<Response>("Validator set unchanged since the update at height " + last.version.toString() + ": nothing to send");
    }
    const packet = validatorSetPacket(env, channel.channelId, update);
    if (packet == null) return null;
    return new Response().addMessage(packet).addAttribute("action", "send_validator_set").addAttribute("version", update.version.toString());
  }
  if (name == "close_channel") {
    if (!f.finish()) return null;
    if (requireAdmin(info) == null) return null;
    const channel = beginOwnClose();
    if (channel == null) return null;
    const response = new Response().addAttribute("action", "close_channel").addAttribute("channel_id", channel.channelId);
    closeLiveChannel(response);
    return response.addMessage(IbcMsg.closeChannel(channel.channelId));
  }
  return fail<Response>("Unknown execute message '" + name + "'; expected one of: " + EXECUTE_VARIANTS);
}

function sameSet(a: ValidatorSetUpdate, b: ValidatorSetUpdate): bool {
  if (a.unbondingPeriodSeconds != b.unbondingPeriodSeconds || a.unbondingEpochSeconds != b.unbondingEpochSeconds) return false;
  if (a.validators.length != b.validators.length) return false;
  for (let i = 0; i < a.validators.length; i++) if (a.validators[i] != b.validators[i]) return false;
  return true;
}

/** The bonded set now, with meta-staking's unbonding rules, versioned by our block height. */
function currentValidatorSet(env: Env): ValidatorSetUpdate | null {
  const validators = queryAllValidators();
  if (validators == null) return null;
  const meta = querySmart(CONFIG.load().metaStaking, "{\"config\":{}}");
  if (meta == null) return null;
  const f = new Fields(meta, "meta-staking config");
  const unbonding = f.u64("unbonding_period_seconds");
  const epoch = f.u64("unbonding_epoch_seconds");
  if (!f.finishLenient()) return null;
  return createValidatorSetUpdate(env.block.height, validators, unbonding, epoch);
}

function validatorSetPacket(env: Env, channelId: string, update: ValidatorSetUpdate): CosmosMsg | null {
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
function closeLiveChannel(response: Response): void {
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
    RECORDS.remove([utf8(validators[i])]);
    if (locals[i].isZero()) continue;
    const undelegate = WasmMsg.execute(config.metaStaking, encodeUndelegate(createUndelegate(validators[i], locals[i])), []);
    response.addSubMessage(new SubMsg(REPLY_CLOSE_UNDELEGATE_FAILED, undelegate, ReplyOn.Error));
  }
  response.addAttribute("undelegated_validators", validators.length.toString());
}

/**
 * `{}`. With a channel open, the migrated consumer announces its validator set in the current format at once, so
 * the provider learns the unbonding rules it now checks (migrate meta-staking first: the rules come from it).
 */
export function migrate(env: Env, msg: JsonValue): Response | null {
  const f = Fields.of(msg, "migrate");
  if (f == null || !f.finish()) return null;
  const from = beginMigration("mesh-consumer", ["meta_staking", "rate"]);
  if (from == null) return null;
  const response = finishMigration("mesh-consumer", from);
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

/** Only failures come back (reply on error): record them for operators; never fail. */
export function reply(env: Env, reply: Reply): Response | null {
  const error = reply.error;
  return new Response()
    .addAttribute("action", reply.id == REPLY_CLOSE_UNDELEGATE_FAILED ? "close_undelegate_failed" : "unknown_reply")
    .addAttribute("error", error != null ? error : "");
}

// ---------------------------------------------------------------------------------------------------------------
// IBC

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
  const stake = packet instanceof StakePacket ? <StakePacket>packet : null;
  const unstake = packet instanceof UnstakePacket ? <UnstakePacket>packet : null;
  const amount = stake != null ? stake.amount : unstake!.amount;
  const txId = stake != null ? stake.txId : unstake!.txId;
  if (amount.isZero()) return fail<ReceiveResult>("Invalid amount: must be greater than zero");
  const response = stake != null ? receiveStake(env, stake) : receiveUnstake(unstake!);
  if (response == null) return null;
  return new ReceiveResult(response.addAttribute("tx_id", txId.toString()), ackSuccess(emptyResult()));
}

function receiveStake(env: Env, packet: StakePacket): Response | null {
  const config = CONFIG.load();
  const factor = config.rate.checkedMul(Decimal.one().checkedSub(config.discount)!);
  if (factor == null) return null;
  const local = factor.mulFloor(packet.amount);
  if (local == null) return null;
  if (local.isZero()) return fail<Response>("Stake of " + packet.amount.toString() + " converts to zero local tokens");
  const active = isActiveValidator(packet.validator);
  if (active < 0) return null;
  if (active == 0) return fail<Response>("Unknown or inactive validator '" + packet.validator + "'");
  // Check the allowance here, so that a refusal becomes an error ack with its reason (a failing meta-staking call
  // would too, but with a redacted message).
  const w = new JsonWriter();
  w.beginObject().key("consumer").beginObject().key("address").string(env.contractAddress).endObject().endObject();
  const mine = querySmart(config.metaStaking, w.toString());
  if (mine == null) return null;
  const f = new Fields(mine, "meta-staking consumer");
  const allowance = f.uint128("allowance");
  const delegated = f.uint128("delegated");
  if (!f.finishLenient()) return null;
  const after = delegated.checkedAdd(local);
  if (after == null) return null;
  if (after.gt(allowance)) {
    return fail<Response>("Allowance exhausted: " + local.toString() + " more would exceed the allowance of " + allowance.toString() +
      " (" + delegated.toString() + " delegated)");
  }
  const key = [utf8(packet.validator)];
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
  const key = [utf8(packet.validator)];
  const record = RECORDS.may_load(key);
  const have = record != null ? record.provider : Uint128.zero();
  if (record == null || packet.amount.gt(have)) {
    return fail<Response>("Cannot unstake " + packet.amount.toString() + " from " + packet.validator + ": only " + have.toString() + " is staked there");
  }
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
    if (channel == null) return "null";
    w.beginObject().key("channel_id").string(channel.channelId).key("counterparty_channel_id").string(channel.counterpartyChannelId);
    w.key("connection_id").string(channel.connectionId).endObject();
    return w.toString();
  }
  if (name == "record") {
    const validator = f.str("validator");
    if (!f.finish()) return null;
    const r = RECORDS.may_load([utf8(validator)]);
    writeRecord(w, validator, r != null ? r : new StakeRecord(Uint128.zero(), Uint128.zero()));
    return w.toString();
  }
  if (name == "last_validator_set") {
    if (!f.finish()) return null;
    const last = LAST_SENT.may_load();
    if (last == null) return "null";
    return encodeValidatorSetUpdate(last);
  }
  if (name == "records") {
    const page = PageRequest.read(f);
    if (!f.finish()) return null;
    w.beginObject();
    writePage<StakeRecord>(w, "records", RECORDS, [], page, writeRecord);
    w.endObject();
    return w.toString();
  }
  return fail<string>("Unknown query '" + name + "'; expected one of: " + QUERY_VARIANTS);
}

function writeRecord(w: JsonWriter, validator: string, r: StakeRecord): void {
  w.beginObject().key("validator").string(validator).key("provider_amount").string(r.provider.toString());
  w.key("local_amount").string(r.local.toString()).endObject();
}
