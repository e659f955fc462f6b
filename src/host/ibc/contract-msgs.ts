// What contracts send to and ask of IBC: IbcMsg (transfer, send_packet, write_acknowledgement, close_channel) as
// wasmd decodes and dispatches it (handler_plugin_encoders.go), and IbcQuery (port_id, list_channels, channel).
import { NormCoin, parseWasmCoin } from "../bank";
import type { Ctx, DispatchResult } from "../context";
import { JsonValue, ShapeError, decBinary, decObject, decOptString, decString, decU64, goString, isObject } from "../json";
import { protoMessage } from "../proto";
import { Coin, Errors, HostError } from "../types";
import type { WasmModule } from "../wasm-module";
import { chanCloseInit } from "./handshake";
import { channelJson } from "./json";
import { sendPacket, writeAcknowledgement } from "./packets";
import { ASYNC, RawPacket, channels, getChannel, packetFromRaw, pc, readJson, seqKey } from "./store";
import { ChannelEnd, ChannelErrors, Height, IbcRouter, TransferHandler, unsupportedForContract } from "./types";
import { utf8 } from "./util";

export interface IbcMsgDeps {
  router: IbcRouter;
  wasm: WasmModule;
  transfer?: TransferHandler;
}

interface TimeoutJson {
  block?: Height;
  timestamp: bigint;
}

export type IbcMsg =
  | { transfer: { channel_id: string; to_address: string; amount: Coin; timeout: TimeoutJson; memo: string } }
  | { send_packet: { channel_id: string; data: Uint8Array; timeout: TimeoutJson } }
  | { write_acknowledgement: { channel_id: string; packet_sequence: bigint; ack: Uint8Array } }
  | { close_channel: { channel_id: string } }
  | { unsupported: string }
  | { unknown: true };

function decTimeout(v: JsonValue | undefined, path: string): TimeoutJson {
  const o = decObject(v, path, "types.IBCTimeout");
  let block: Height | undefined;
  if (o.block !== undefined && o.block !== null) {
    const b = decObject(o.block, `${path}.block`, "types.IBCTimeoutBlock");
    block = { revision: decU64(b.revision, `${path}.block.revision`), height: decU64(b.height, `${path}.block.height`) };
  }
  // `json:"timestamp,string,omitempty"`: a quoted integer (an unquoted number is an error in Go)
  let timestamp = 0n;
  const t = o.timestamp;
  if (t !== undefined && t !== null) {
    if (typeof t !== "string") throw new ShapeError("json: invalid use of ,string struct tag, trying to unmarshal unquoted value into uint64");
    if (!/^(0|[1-9][0-9]*)$/.test(t) || BigInt(t) >= 1n << 64n) {
      throw new ShapeError(`json: invalid use of ,string struct tag, trying to unmarshal ${JSON.stringify(t)} into uint64`);
    }
    timestamp = BigInt(t);
  }
  return { block, timestamp };
}

function response(typeUrl: string, value: Uint8Array): DispatchResult {
  return { data: value, msgResponses: [{ type_url: typeUrl, value }] };
}

export function decodeIbcMsg(value: JsonValue, path: string): IbcMsg {
  const o = decObject(value, path, "types.IBCMsg");
  const kinds = ["transfer", "send_packet", "write_acknowledgement", "close_channel", "pay_packet_fee", "pay_packet_fee_async"];
  const variants = kinds.filter((k) => o[k] !== undefined && o[k] !== null);
  if (variants.length > 1) throw new ShapeError(`${path}: more than one IBCMsg variant set (${variants.join(", ")})`);
  const v = variants[0];
  const p = (k: string) => `${path}.${v}.${k}`;
  switch (v) {
    case "transfer": {
      const m = decObject(o.transfer, `${path}.transfer`);
      const a = decObject(m.amount, p("amount"), "types.Coin");
      return {
        transfer: {
          channel_id: decString(m.channel_id, p("channel_id")), to_address: decString(m.to_address, p("to_address")),
          amount: { denom: decString(a.denom, p("amount.denom")), amount: decString(a.amount, p("amount.amount")) },
          timeout: decTimeout(m.timeout, p("timeout")), memo: decOptString(m.memo, p("memo")) ?? "",
        },
      };
    }
    case "send_packet": {
      const m = decObject(o.send_packet, `${path}.send_packet`);
      return { send_packet: { channel_id: decString(m.channel_id, p("channel_id")), data: decBinary(m.data, p("data")) ?? new Uint8Array(0), timeout: decTimeout(m.timeout, p("timeout")) } };
    }
    case "write_acknowledgement": {
      const m = decObject(o.write_acknowledgement, `${path}.write_acknowledgement`);
      const ack = decObject(m.ack, p("ack"), "types.IBCAcknowledgement");
      return {
        write_acknowledgement: {
          channel_id: decString(m.channel_id, p("channel_id")), packet_sequence: decU64(m.packet_sequence, p("packet_sequence")),
          ack: decBinary(ack.data, p("ack.data")) ?? new Uint8Array(0),
        },
      };
    }
    case "close_channel": {
      const m = decObject(o.close_channel, `${path}.close_channel`);
      return { close_channel: { channel_id: decString(m.channel_id, p("channel_id")) } };
    }
    case "pay_packet_fee":
    case "pay_packet_fee_async":
      return { unsupported: v };
    default:
      return { unknown: true };
  }
}

export function handleIbcMsg(deps: IbcMsgDeps, ctx: Ctx, sender: string, msg: IbcMsg): DispatchResult {
  const contractPort = () => deps.wasm.contractInfo(ctx, sender)?.ibcPort ?? "";
  if ("send_packet" in msg) {
    const port = contractPort();
    if (port === "") throw unsupportedForContract.wrap("ibc not supported");
    const m = msg.send_packet;
    if (m.channel_id === "") throw Errors.empty.wrap("ibc channel");
    if (!getChannel(ctx.store, port, m.channel_id)) throw ChannelErrors.capabilityNotFound.wrap("module does not own channel capability");
    let seq: bigint;
    try {
      seq = sendPacket(deps.router, ctx, port, m.channel_id, m.timeout.block, m.timeout.timestamp, m.data);
    } catch (e) {
      throw e instanceof HostError ? e.wrap("channel") : e;
    }
    return response("/cosmwasm.wasm.v1.MsgIBCSendResponse", protoMessage([[1, "varint", seq]]));
  }
  if ("write_acknowledgement" in msg) {
    const port = contractPort();
    if (port === "") throw unsupportedForContract.wrap("ibc not supported");
    const m = msg.write_acknowledgement;
    if (m.channel_id === "") throw Errors.empty.wrap("ibc channel");
    if (!getChannel(ctx.store, port, m.channel_id)) throw ChannelErrors.capabilityNotFound.wrap("module does not own channel capability");
    const key = ASYNC + pc(port, m.channel_id) + "\x00" + seqKey(m.packet_sequence);
    const raw = readJson<RawPacket>(ctx.store, key);
    if (!raw) throw Errors.invalid.wrap("packet");
    try {
      writeAcknowledgement(ctx, packetFromRaw(raw), m.ack);
    } catch (e) {
      throw e instanceof HostError ? e.wrap("acknowledgement") : e;
    }
    ctx.store.delete(key);
    return response("/cosmwasm.wasm.v1.MsgIBCWriteAcknowledgementResponse", new Uint8Array(0));
  }
  if ("close_channel" in msg) {
    // EncodeIBCMsg: MsgChannelCloseInit{PortId: "wasm." + sender}, routed through ibc-go's msg server
    chanCloseInit(deps.router, ctx, `wasm.${sender}`, msg.close_channel.channel_id);
    return response("/ibc.core.channel.v1.MsgChannelCloseInitResponse", new Uint8Array(0));
  }
  if ("transfer" in msg) {
    if (!deps.transfer) throw Errors.unknownMsg.wrap("unsupported message: ibc transfer");
    const m = msg.transfer;
    let coin: NormCoin;
    try {
      coin = parseWasmCoin(m.amount);
    } catch (e) {
      throw e instanceof HostError ? e.wrap("amount") : e;
    }
    const seq = deps.transfer.msgTransfer(ctx, {
      sourcePort: "transfer", sourceChannel: m.channel_id, token: coin, sender, receiver: m.to_address,
      timeoutHeight: m.timeout.block, timeoutTimestamp: m.timeout.timestamp, memo: m.memo,
    });
    return response("/ibc.applications.transfer.v1.MsgTransferResponse", protoMessage([[1, "varint", seq]]));
  }
  if ("unsupported" in msg) throw Errors.unknownMsg.wrap(`unsupported message: ibc ${msg.unsupported} (no ibc-fee middleware in the host)`);
  throw Errors.unknownMsg.wrap("unknown variant of IBC");
}

export function handleIbcQuery(wasm: WasmModule, ctx: Ctx, caller: string, value: JsonValue): Uint8Array {
  const o = decObject(value, "QueryRequest.ibc", "types.IBCQuery");
  const callerPort = () => wasm.contractInfo(ctx, caller)?.ibcPort ?? "";
  const chJson = (port: string, id: string, c: ChannelEnd) => channelJson(port, id, c);
  if (isObject(o.port_id)) return utf8(`{"port_id":${goString(callerPort())}}`);
  if (isObject(o.list_channels)) {
    let port = decString(o.list_channels.port_id, "IBCQuery.list_channels.port_id");
    if (port === "") port = callerPort();
    const list = port === "" ? [] : channels(ctx.store).filter(([p, , c]) => p.startsWith(port) && c.state === "OPEN");
    return utf8(`{"channels":[${list.map(([p, id, c]) => chJson(p, id, c)).join(",")}]}`);
  }
  if (isObject(o.channel)) {
    const id = decString(o.channel.channel_id, "IBCQuery.channel.channel_id");
    let port = decString(o.channel.port_id, "IBCQuery.channel.port_id");
    if (port === "") port = callerPort();
    const c = getChannel(ctx.store, port, id);
    return utf8(c && c.state === "OPEN" ? `{"channel":${chJson(port, id, c)}}` : "{}");
  }
  throw new HostError("unknown IBCQuery variant", "wasm", 0, false, false, { unsupported_request: { kind: "unknown IBCQuery variant" } });
}
