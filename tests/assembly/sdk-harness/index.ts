// Exposes SDK functions through real contract entry points so jest can unit-test the SDK compiled to wasm, through
// the same ABI the chain uses. Never shipped (build/test-contracts/).
import {
  Decimal, Env, beginBufferedWrites, commitBufferedWrites, discardBufferedWrites, Fields, JsonValue, JsonWriter, Map, MessageInfo, Order, Response, Uint128, Variant, base64Decode,
  base64Encode, ackError, ackSuccess, doExecute, doInstantiate, doQuery, fail, fromUtf8, capLimit, DEFAULT_PAGE_LIMIT, parseJsonString, stringifyJson,
  u64Key, utf8, validateAddress, writeValue, checkMigration, setContractVersion, Coin, IbcMsg, IbcTimeout, IbcPacket,
  IbcSourceCallbackMsg, IbcDestinationCallbackMsg, doIbcSourceCallback, doIbcDestinationCallback, sha256, hexUpper, ics20VoucherDenom,
} from "../../../assembly/sdk";

import { Ack, emptyResult } from "../../../assembly/shared/ack";
import {
  createClaimCapped, createLienTermsQuery, createLienTermsResponse, createPendingSlashQuery, createPendingSlashResponse, createReceiveClaim,
  createReleaseClaim, createSlashClaim, encodeClaimCapped, encodeLienTermsQuery, encodeLienTermsResponse, encodePendingSlashQuery,
  encodePendingSlashResponse, encodeReceiveClaim, encodeReleaseClaim, encodeSlashClaim,
} from "../../../assembly/shared/lien.codec";
import {
  createCheckValidator, createClaimRewards, createDelegate, createDelegationQuery, createRewardInfo, createRewardsQuery, createRewardsResponse,
  createSlashEvent, createSlashEventsQuery, createUndelegate, encodeCheckValidator, encodeClaimRewards, encodeConsumerResponse, encodeDelegate,
  encodeDelegationQuery, encodeRewardsQuery, encodeRewardsResponse, encodeSlashEventsQuery, encodeUndelegate, readConsumerResponse,
  createPowerQuery, createPowerResponse, createReportRequested, encodePowerQuery, encodePowerResponse, encodeReportRequested,
  createUnbondingBatchQuery, createUnbondingBatchResponse, createWithdrawFunds, encodeUnbondingBatchQuery, encodeUnbondingBatchResponse, encodeWithdrawFunds,
} from "../../../assembly/shared/meta-staking.codec";
import {
  createCallbackAddress, createIcs20Packet, createRewardsMemo, createRewardsSplit, createValidatorReward, encodeIcs20Packet, encodeRewardsMemo,
  createListValidatorsPacket, createSlashPacket, createStakeAckResult, createStakePacket, createUnstakePacket, createValidatorSetPacket,
  createValidatorSetUpdate, decodeProviderPacket, encodeListValidatorsPacket, encodeProviderPacket, encodeSlashPacket, encodeStakeAckResult,
  encodeStakePacket, encodeUnstakePacket, encodeValidatorSetPacket, encodeValidatorSetUpdate,
} from "../../../assembly/shared/packets.codec";
import { createPriceQuery, createPriceResponse, encodePriceQuery, encodePriceResponse } from "../../../assembly/shared/price.codec";

export { allocate, deallocate, interface_version_8 } from "../../../assembly/sdk";

const ENTRIES = new Map<string>(
  "entries",
  (v: string, w: JsonWriter): void => { w.string(v); },
  (j: JsonValue): string => j.text,
);

function keyParts(items: JsonValue[]): Uint8Array[] {
  const parts = new Array<Uint8Array>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    // Numbers become big-endian u64 keys, strings UTF-8 keys.
    parts.push(item.kind == 2 ? u64Key(U64.parseInt(item.text)) : utf8(item.text));
  }
  return parts;
}

function instantiateHandler(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  return new Response();
}

function executeHandler(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const variant = Variant.of(msg, "execute");
  if (variant == null) return null;
  const f = variant.fields;
  if (variant.name == "cw2_check") {
    // Stores the given contract info (if any), then checks a migration to (contract, version).
    const stored = f.optObj("stored");
    const contract = f.str("contract");
    const version = f.str("version");
    if (!f.finish()) return null;
    if (stored != null) {
      const name = stored.str("contract");
      const v = stored.str("version");
      if (!stored.finish()) return null;
      setContractVersion(name, v);
    }
    const from = checkMigration(contract, version);
    if (from == null) return null;
    return new Response().addAttribute("from", from.contract + "@" + from.version);
  }
  if (variant.name == "put") {
    const key = f.array("key");
    const value = f.str("value");
    if (!f.finish()) return null;
    ENTRIES.save(keyParts(key), value);
    return new Response();
  }
  if (variant.name == "remove") {
    const key = f.array("key");
    if (!f.finish()) return null;
    ENTRIES.remove(keyParts(key));
    return new Response();
  }
  if (variant.name == "buffered") {
    // Applies ops with buffered writes, lists the prefix (both orders) as seen through the buffer, then commits
    // or discards: exercises the overlay used by ibc_packet_receive.
    const ops = f.array("ops");
    const prefix = f.array("prefix");
    const discard = f.bool("discard");
    if (!f.finish()) return null;
    beginBufferedWrites();
    for (let i = 0; i < ops.length; i++) {
      const op = Variant.of(ops[i], "op");
      if (op == null) return null;
      const key = op.fields.array("key");
      if (op.name == "put") ENTRIES.save(keyParts(key), op.fields.str("value"));
      else ENTRIES.remove(keyParts(key));
    }
    const w = new JsonWriter();
    w.beginObject();
    for (let pass = 0; pass < 2; pass++) {
      w.key(pass == 0 ? "asc" : "desc").beginArray();
      const it = ENTRIES.range(keyParts(prefix), null, false, null, pass == 0 ? Order.Ascending : Order.Descending);
      for (let e = it.next(); e != null; e = it.next()) w.string(e.value);
      w.endArray();
    }
    const loaded = ops.length > 0 ? ENTRIES.may_load(keyParts(Variant.of(ops[0], "op")!.fields.array("key"))) : null;
    w.key("first_loaded").nullableString(loaded);
    w.endObject();
    if (discard) discardBufferedWrites(); else commitBufferedWrites();
    return new Response().setData(w.toBytes());
  }
  if (variant.name == "transfer") {
    // An ICS-20 transfer from this contract (e.g. with a src_callback memo naming itself).
    const channel = f.str("channel");
    const to = f.str("to");
    const denom = f.str("denom");
    const amount = f.uint128("amount");
    const memo = f.optStr("memo");
    if (!f.finish()) return null;
    const timeout = IbcTimeout.atTimestamp(env.block.timeNanos + 600_000_000_000);
    return new Response().addMessage(IbcMsg.transfer(channel, to, new Coin(denom, amount), timeout, memo));
  }
  if (variant.name == "put_then_fail") {
    const key = f.array("key");
    if (!f.finish()) return null;
    ENTRIES.save(keyParts(key), "dirty");
    return fail<Response>("failed after writing");
  }
  return fail<Response>("unknown execute " + variant.name);
}

function uint128Op(f: Fields): string | null {
  const op = f.str("op");
  const a = f.str("a");
  const b = f.optStr("b");
  const c = f.optStr("c");
  if (!f.finish()) return null;
  const x = Uint128.parse(a, "a");
  if (x == null) return null;
  if (op == "parse") return x.toString();
  const y = Uint128.parse(b != null ? b : "", "b");
  if (y == null) return null;
  let r: Uint128 | null = null;
  if (op == "add") r = x.checkedAdd(y);
  else if (op == "sub") r = x.checkedSub(y);
  else if (op == "mul") r = x.checkedMul(y);
  else if (op == "div") r = x.checkedDiv(y);
  else if (op == "rem") r = x.checkedRem(y);
  else if (op == "saturating_sub") r = x.saturatingSub(y);
  else if (op == "mul_div_floor" || op == "mul_div_ceil") {
    const z = Uint128.parse(c != null ? c : "", "c");
    if (z == null) return null;
    r = op == "mul_div_floor" ? x.mulDivFloor(y, z) : x.mulDivCeil(y, z);
  } else return fail<string>("unknown op " + op);
  return r != null ? r.toString() : null;
}

function decimalOp(f: Fields): string | null {
  const op = f.str("op");
  const a = f.str("a");
  const b = f.optStr("b");
  if (!f.finish()) return null;
  if (op == "from_ratio") {
    const n = Uint128.parse(a, "a");
    const d = Uint128.parse(b != null ? b : "", "b");
    if (n == null || d == null) return null;
    const r = Decimal.fromRatio(n, d);
    return r != null ? r.toString() : null;
  }
  const x = Decimal.parse(a, "a");
  if (x == null) return null;
  if (op == "parse") return x.toString();
  if (op == "mul_floor" || op == "mul_ceil") {
    const amount = Uint128.parse(b != null ? b : "", "b");
    if (amount == null) return null;
    const r = op == "mul_floor" ? x.mulFloor(amount) : x.mulCeil(amount);
    return r != null ? r.toString() : null;
  }
  const y = Decimal.parse(b != null ? b : "", "b");
  if (y == null) return null;
  let r: Decimal | null = null;
  if (op == "add") r = x.checkedAdd(y);
  else if (op == "sub") r = x.checkedSub(y);
  else if (op == "mul") r = x.checkedMul(y);
  else if (op == "div") r = x.checkedDiv(y);
  else return fail<string>("unknown op " + op);
  return r != null ? r.toString() : null;
}

/** Decodes {"text","count","amount","when","data","maybe"?,"nested":{"flag"}} with the typed decoder. */
function decodeSample(input: string): string | null {
  const json = parseJsonString(input);
  if (json == null) return null;
  const f = Fields.of(json, "sample");
  if (f == null) return null;
  const text = f.str("text");
  const count = f.u64("count");
  const amount = f.uint128("amount");
  const when = f.u64String("when");
  const data = f.binary("data");
  const maybe = f.optStr("maybe");
  const nested = f.obj("nested");
  const flag = nested.bool("flag");
  if (!nested.finish()) return null;
  f.absorb(nested);
  if (!f.finish()) return null;
  const w = new JsonWriter();
  w.beginObject().key("text").string(text).key("count").u64(count).key("amount").string(amount.toString());
  w.key("when").u64String(when).key("data_len").u64(<u64>data.length).key("maybe").nullableString(maybe);
  w.key("flag").bool(flag).endObject();
  return w.toString();
}

function queryHandler(env: Env, msg: JsonValue): string | null {
  const variant = Variant.of(msg, "query");
  if (variant == null) return null;
  const f = variant.fields;
  const name = variant.name;
  if (name == "json_echo") {
    const input = f.str("input");
    if (!f.finish()) return null;
    const parsed = parseJsonString(input);
    if (parsed == null) return null;
    const w = new JsonWriter();
    w.beginObject().key("output").string(stringifyJson(parsed)).endObject();
    return w.toString();
  }
  if (name == "json_value") {
    // Returns the parsed value itself, so the response bytes are the SDK writer's output.
    const input = f.str("input");
    if (!f.finish()) return null;
    const parsed = parseJsonString(input);
    if (parsed == null) return null;
    const w = new JsonWriter();
    writeValue(w, parsed);
    return w.toString();
  }
  if (name == "uint128" || name == "decimal") {
    const result = name == "uint128" ? uint128Op(f) : decimalOp(f);
    if (result == null) return null;
    const w = new JsonWriter();
    w.beginObject().key("result").string(result).endObject();
    return w.toString();
  }
  if (name == "base64") {
    const op = f.str("op");
    const input = f.str("input");
    if (!f.finish()) return null;
    let out: string;
    if (op == "encode") out = base64Encode(utf8(input));
    else {
      const bytes = base64Decode(input);
      if (bytes == null) return null;
      out = fromUtf8(bytes);
    }
    const w = new JsonWriter();
    w.beginObject().key("result").string(out).endObject();
    return w.toString();
  }
  if (name == "decode_sample") {
    const input = f.str("input");
    if (!f.finish()) return null;
    return decodeSample(input);
  }
  if (name == "read_consumer_response") {
    // How mesh-consumer reads meta-staking's answer: generated reader, lenient Fields (nested objects too).
    const input = f.str("input");
    const lenient = f.bool("lenient");
    if (!f.finish()) return null;
    const answer = new Fields(parseJsonString(input)!, "answer", lenient);
    const read = readConsumerResponse(answer);
    if (lenient ? !answer.finishLenient() : !answer.finish()) return null;
    return encodeConsumerResponse(read);
  }
  if (name == "address") {
    const input = f.str("input");
    if (!f.finish()) return null;
    const valid = validateAddress(input, "address");
    if (valid == null) return null;
    return "{\"valid\":true}";
  }
  if (name == "range") {
    const prefix = f.array("prefix");
    const min = f.optStr("min");
    const minExclusive = f.has("min_exclusive") ? f.bool("min_exclusive") : false;
    f.ignore("min_exclusive");
    const max = f.optStr("max");
    const descending = f.has("descending") ? f.bool("descending") : false;
    f.ignore("descending");
    const limit = capLimit(f.has("limit") ? f.u32("limit") : DEFAULT_PAGE_LIMIT);
    f.ignore("limit");
    if (!f.finish()) return null;
    const it = ENTRIES.range(keyParts(prefix), min != null ? utf8(min) : null, minExclusive,
      max != null ? utf8(max) : null, descending ? Order.Descending : Order.Ascending);
    const w = new JsonWriter();
    w.beginObject().key("entries").beginArray();
    let n = 0;
    for (let e = it.next(); e != null && <u32>n < limit; e = it.next()) {
      w.beginArray().string(base64Encode(e.key)).string(e.value).endArray();
      n++;
    }
    w.endArray().endObject();
    return w.toString();
  }
  if (name == "shared_encodings") {
    // The exact bytes of every cross-contract message, packet and ack, built by the shared encoders.
    if (!f.finish()) return null;
    const amount = Uint128.fromU64(100);
    const w = new JsonWriter();
    w.beginObject();
    w.key("receive_claim").string(encodeReceiveClaim(createReceiveClaim("wasm1owner", amount, "valoper1")));
    w.key("claim_capped").string(encodeClaimCapped(createClaimCapped("wasm1owner", amount)));
    w.key("release_claim").string(encodeReleaseClaim(createReleaseClaim("wasm1owner", amount)));
    w.key("slash_claim").string(encodeSlashClaim(createSlashClaim("wasm1owner", amount)));
    w.key("meta_delegate").string(encodeDelegate(createDelegate("valoper1", amount)));
    w.key("meta_undelegate").string(encodeUndelegate(createUndelegate("valoper1", amount)));
    w.key("stake_packet").string(encodeStakePacket(createStakePacket(7, "valoper1", amount)));
    w.key("unstake_packet").string(encodeUnstakePacket(createUnstakePacket(8, "valoper1", amount, Uint128.fromU64(98))));
    const event = createSlashEvent("valoper1", 3, Decimal.parse("0.01")!, Decimal.parse("0.9801")!, 5, 812, 1700000000000000000, true, false);
    w.key("slash_packet").string(encodeSlashPacket(createSlashPacket(event)));
    const entrySlash = createSlashEvent("valoper1", 4, Decimal.parse("0.05")!, Decimal.parse("0.9801")!, 4, 900, 1700000600000000000, true, true);
    w.key("unbonding_slash_packet").string(encodeSlashPacket(createSlashPacket(entrySlash)));
    w.key("stake_ack_result").string(encodeStakeAckResult(createStakeAckResult(3, Decimal.parse("0.9801")!, 5)));
    w.key("lien_terms").string(encodeLienTermsQuery(createLienTermsQuery()));
    w.key("lien_terms_response").string(encodeLienTermsResponse(createLienTermsResponse(Decimal.parse("0.05")!, false)));
    w.key("custody_lien_terms_response").string(encodeLienTermsResponse(createLienTermsResponse(Decimal.parse("0.05")!, true)));
    w.key("pending_slash").string(encodePendingSlashQuery(createPendingSlashQuery("wasm1owner")));
    w.key("pending_slash_response").string(encodePendingSlashResponse(createPendingSlashResponse(amount)));
    w.key("meta_check_validator").string(encodeCheckValidator(createCheckValidator("valoper1")));
    w.key("meta_delegation_query").string(encodeDelegationQuery(createDelegationQuery("wasm1consumer", "valoper1")));
    w.key("meta_slash_events_query").string(encodeSlashEventsQuery(createSlashEventsQuery("valoper1", 2, 10)));
    w.key("meta_claim_rewards").string(encodeClaimRewards(createClaimRewards("valoper1", 30)));
    w.key("meta_rewards_query").string(encodeRewardsQuery(createRewardsQuery("wasm1consumer", null)));
    w.key("meta_rewards_query_validator").string(encodeRewardsQuery(createRewardsQuery("wasm1consumer", "valoper1")));
    w.key("meta_unbonding_batch_query").string(encodeUnbondingBatchQuery(createUnbondingBatchQuery("valoper1", 3)));
    w.key("meta_unbonding_batch_response").string(encodeUnbondingBatchResponse(createUnbondingBatchResponse("unbonding", 1700000090000000000)));
    w.key("meta_withdraw_funds").string(encodeWithdrawFunds(createWithdrawFunds(amount, "wasm1local")));
    w.key("meta_rewards_response").string(encodeRewardsResponse(createRewardsResponse([createRewardInfo("valoper1", "ustake", amount)], "valoper1")));
    w.key("meta_report_requested").string(encodeReportRequested(createReportRequested(Uint128.fromU64(2250))));
    w.key("meta_power_query").string(encodePowerQuery(createPowerQuery("wasm1consumer", Uint128.fromU64(2250))));
    const u = (n: u64): Uint128 => Uint128.fromU64(n);
    w.key("meta_power_response").string(encodePowerResponse(createPowerResponse(u(1400000), u(330000), u(0), u(1070000), Decimal.parse("0.4")!,
      u(1605000), Decimal.parse("0.2")!, u(267500), u(330000), u(2250), u(2250), u(335000), Decimal.one(), u(2250), Decimal.one())));
    w.key("list_validators_packet").string(encodeListValidatorsPacket(createListValidatorsPacket()));
    w.key("validator_set_packet").string(encodeValidatorSetPacket(createValidatorSetPacket(createValidatorSetUpdate(812, ["valoper1", "valoper2"], 1814400, 302400))));
    w.key("validator_list_result").string(encodeValidatorSetUpdate(createValidatorSetUpdate(813, ["valoper1"], 1814400, 302400)));
    const memo = createRewardsMemo(createRewardsSplit(3, [createValidatorReward("valoper1", Uint128.fromU64(60)), createValidatorReward("valoper2", Uint128.fromU64(40))]),
      createCallbackAddress("wasm1provider"), createCallbackAddress("wasm1consumer"));
    w.key("rewards_memo").string(encodeRewardsMemo(memo));
    w.key("ics20_packet").string(encodeIcs20Packet(createIcs20Packet(amount, "ustake", encodeRewardsMemo(memo), "wasm1provider", "wasm1consumer")));
    w.key("price_query").string(encodePriceQuery(createPriceQuery()));
    w.key("price_response").string(encodePriceResponse(createPriceResponse(Decimal.parse("2.5")!, 1700000000000000000, 3)));
    w.key("ack_success_empty").string(fromUtf8(ackSuccess(emptyResult())));
    w.key("ack_error").string(fromUtf8(ackError("Unknown channel: channel-9")));
    w.endObject();
    return w.toString();
  }
  if (name == "decode_provider_packet") {
    const input = f.str("input");
    if (!f.finish()) return null;
    const packet = decodeProviderPacket(parseJsonString(input));
    if (packet == null) return null;
    return encodeProviderPacket(packet);
  }
  if (name == "parse_ack") {
    const input = f.str("input");
    if (!f.finish()) return null;
    const ack = Ack.parse(utf8(input));
    const w = new JsonWriter();
    w.beginObject().key("ok").bool(ack.ok).key("result").string(fromUtf8(ack.result)).key("error").string(ack.error).endObject();
    return w.toString();
  }
  if (name == "sha256") {
    const input = f.str("input");
    const repeat = f.has("repeat") ? f.u32("repeat") : 1;
    f.ignore("repeat");
    if (!f.finish()) return null;
    let text = "";
    for (let i: u32 = 0; i < repeat; i++) text += input;
    const w = new JsonWriter();
    w.beginObject().key("hex").string(hexUpper(sha256(utf8(text))))
      .key("voucher").string(ics20VoucherDenom("transfer", "channel-0", text)).endObject();
    return w.toString();
  }
  if (name == "writer") {
    // Every writer feature once, pinned byte for byte by the tests.
    const w = new JsonWriter();
    w.beginObject();
    w.key("s").string("quote\" backslash\\ nl\n tab\t ctl\u0001 é 🚀");
    w.key("n").u64(u64.MAX_VALUE).key("ns").u64String(1700000000123456789);
    w.key("b").bool(true).key("z").null_().key("e").emptyObject();
    w.key("a").beginArray().u64(1).string("x").beginObject().endObject().endArray();
    w.endObject();
    return w.toString();
  }
  return fail<string>("unknown query " + name);
}

/**
 * The callbacks middleware's calls, recorded as {"ack","src","dest","sequence","data","relayer"} under
 * ("callback", "source" | "destination", sequence); a packet whose data mentions "fail_callback" makes it fail after
 * writing (the middleware must drop that write and keep the packet).
 */
function recordCallback(kind: string, ack: Uint8Array | null, packet: IbcPacket, relayer: string | null): Response | null {
  const w = new JsonWriter();
  w.beginObject().key("ack").nullableString(ack != null ? fromUtf8(ack) : null);
  w.key("src").string(packet.src.portId + "/" + packet.src.channelId).key("dest").string(packet.dest.portId + "/" + packet.dest.channelId);
  w.key("sequence").u64(packet.sequence).key("data").string(fromUtf8(packet.data)).key("relayer").nullableString(relayer).endObject();
  ENTRIES.save([utf8("callback"), utf8(kind), u64Key(packet.sequence)], w.toString());
  if (fromUtf8(packet.data).includes("fail_callback")) return fail<Response>("callback refused");
  return new Response().addAttribute("callback", kind);
}

function sourceCallback(env: Env, msg: IbcSourceCallbackMsg): Response | null {
  return recordCallback("source", msg.acknowledgement, msg.packet, msg.relayer);
}

function destinationCallback(env: Env, msg: IbcDestinationCallbackMsg): Response | null {
  return recordCallback("destination", msg.ack, msg.packet, null);
}

export function ibc_source_callback(env: u32, msg: u32): u32 { return doIbcSourceCallback(env, msg, sourceCallback); }
export function ibc_destination_callback(env: u32, msg: u32): u32 { return doIbcDestinationCallback(env, msg, destinationCallback); }
export function instantiate(env: u32, info: u32, msg: u32): u32 { return doInstantiate(env, info, msg, instantiateHandler); }
export function execute(env: u32, info: u32, msg: u32): u32 { return doExecute(env, info, msg, executeHandler); }
export function query(env: u32, msg: u32): u32 { return doQuery(env, msg, queryHandler); }
