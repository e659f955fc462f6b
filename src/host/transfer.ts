// ICS-20 fungible token transfer (ibc-go v8.8 modules/apps/transfer) bound to the "transfer" port of each chain:
// native tokens are escrowed in the channel's escrow account (sha256("ics20-1\0<port>/<channel>")[:20]) and
// arrive as vouchers `ibc/<HASH>` with HASH = uppercase hex sha256 of the full trace "<port>/<channel>/<denom>"
// (port and channel of the receiving side); vouchers going back to their source are burnt and unescrowed there;
// an error acknowledgement or a timeout refunds the sender. Packet data is the sorted-key JSON
// {"amount","denom","memo"?,"receiver","sender"}; acks are {"result":"AQ=="} or
// {"error":"ABCI code: <n>: error handling packet: see events for details"}.
//
// The callbacks middleware wraps this app (ibc/callbacks.ts). `receiveEnabled` is the receive_enabled param. Not
// modelled: send_enabled, blocked addresses, total-escrow bookkeeping, fee middleware.

import { moduleAddress, sha256, toBech32 } from "./address";
import { BankModule } from "./bank";
import type { Ctx } from "./context";
import { ackResult, errorAck } from "./ibc/json";
import { getChannel } from "./ibc/store";
import {
  Acknowledgement, ChannelErrors, IbcErrors, Order, Packet, PacketSender, TransferHandler, TransferRequest,
} from "./ibc/types";
import { JsonSyntaxError, goString, isObject, parseJson } from "./json";
import { KVStore } from "./storage";
import { Event, HostError, RootError } from "./types";

export const ICS20_VERSION = "ics20-1";
export const TRANSFER_PORT = "transfer";

const tr = (code: number, desc: string) => new RootError("transfer", code, desc);
export const TransferErrors = {
  invalidDenomForTransfer: tr(3, "invalid denomination for cross-chain transfer"),
  invalidVersion: tr(4, "invalid ICS20 version"),
  invalidAmount: tr(5, "invalid token amount"),
  traceNotFound: tr(6, "denomination trace not found"),
  receiveDisabled: tr(8, "fungible token transfers to this chain are disabled"),
  invalidMemo: tr(11, "invalid memo"),
};

const MAX_RECEIVER_LENGTH = 2048;
const MAX_MEMO_LENGTH = 32768;

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s);

function ev(type: string, ...attrs: [string, string][]): Event {
  return { type, attributes: attrs.map(([key, value]) => ({ key, value })) };
}

const CHANNEL_ID_RE = /^channel-[0-9]{1,20}$/;

/** ParseDenomTrace: leading "<port>/<channel-N>" pairs form the path, the rest is the base denom. */
export function parseDenomTrace(raw: string): { path: string; baseDenom: string } {
  const items = raw.split("/");
  if (items[0] === raw) return { path: "", baseDenom: raw };
  const path: string[] = [];
  let base: string[] = [];
  for (let i = 0; i < items.length; i += 2) {
    if (i < items.length - 1 && items.length > 2 && CHANNEL_ID_RE.test(items[i + 1])) {
      path.push(items[i], items[i + 1]);
    } else {
      base = items.slice(i);
      break;
    }
  }
  return { path: path.join("/"), baseDenom: base.join("/") };
}

export function fullDenomPath(t: { path: string; baseDenom: string }): string {
  return t.path === "" ? t.baseDenom : `${t.path}/${t.baseDenom}`;
}

/** Uppercase hex sha256 of the full denom path (DenomTrace.Hash). */
export function denomTraceHash(fullPath: string): string {
  return Buffer.from(sha256(fullPath)).toString("hex").toUpperCase();
}

/** DenomTrace.IBCDenom: "ibc/<HASH>" for a traced denom, the base denom itself for a native one. */
export function ibcDenom(rawFullPath: string): string {
  const t = parseDenomTrace(rawFullPath);
  return t.path === "" ? t.baseDenom : `ibc/${denomTraceHash(fullDenomPath(t))}`;
}

/** The escrow account of a channel end: sha256("ics20-1" ‖ 0x00 ‖ "<port>/<channel>")[:20]. */
export function escrowAddress(prefix: string, port: string, channel: string): string {
  const pre = Buffer.concat([Buffer.from(ICS20_VERSION), Buffer.from([0]), Buffer.from(`${port}/${channel}`)]);
  return toBech32(prefix, sha256(pre).slice(0, 20));
}

interface PacketData {
  amount: string;
  denom: string;
  receiver: string;
  sender: string;
  memo: string;
}

/** FungibleTokenPacketData.GetBytes: proto JSON (memo omitted when empty), keys sorted, Go escaping. */
export function packetDataBytes(d: PacketData): Uint8Array {
  const memo = d.memo === "" ? "" : `,"memo":${goString(d.memo)}`;
  return utf8(`{"amount":${goString(d.amount)},"denom":${goString(d.denom)}${memo},"receiver":${goString(d.receiver)},"sender":${goString(d.sender)}}`);
}

function parsePacketData(bytes: Uint8Array): PacketData | undefined {
  let v;
  try {
    v = parseJson(bytes);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return undefined;
    throw e;
  }
  if (!isObject(v)) return undefined;
  const out: PacketData = { amount: "", denom: "", receiver: "", sender: "", memo: "" };
  for (const [k, val] of Object.entries(v)) {
    if (!(k in out)) return undefined; // jsonpb rejects unknown fields
    if (val === null) continue;
    if (typeof val !== "string") return undefined;
    (out as unknown as Record<string, string>)[k] = val;
  }
  return out;
}

export type { TransferRequest };

// State layout (host-internal): 0x09 ‖ HASH → full denom path.
const TRACE = "\x09t";

export class TransferApp implements TransferHandler {
  /** ibc-go's `receive_enabled` param: when false every incoming transfer gets an error acknowledgement. */
  receiveEnabled = true;

  constructor(private readonly prefix: string, private readonly bank: BankModule, private readonly ibc: PacketSender) {}

  get moduleAccount(): string {
    return moduleAddress(this.prefix, "transfer");
  }

  escrowAddress(port: string, channel: string): string {
    return escrowAddress(this.prefix, port, channel);
  }

  denomTrace(store: KVStore, hash: string): string | undefined {
    const v = store.get(TRACE + hash);
    return v === undefined ? undefined : Buffer.from(v).toString("utf8");
  }

  /** MsgTransfer (ValidateBasic + msgServer.Transfer + sendTransfer); returns the packet sequence. */
  msgTransfer(ctx: Ctx, m: TransferRequest): bigint {
    const token = `${m.token.amount}${m.token.denom}`;
    if (!/^[a-zA-Z0-9/:._+#\-\[\]<>]{2,128}$/.test(m.sourceChannel)) {
      throw new HostError(`invalid source channel ID: identifier ${m.sourceChannel} has invalid length or characters: invalid identifier`, "host", 2);
    }
    if (m.token.amount <= 0n) throw IbcErrors.insufficientFunds.wrap(token);
    if (m.receiver.trim() === "") throw IbcErrors.invalidAddress.wrap("missing recipient address");
    if (Buffer.byteLength(m.receiver) > MAX_RECEIVER_LENGTH) throw IbcErrors.invalidAddress.wrap(`recipient address must not exceed ${MAX_RECEIVER_LENGTH} bytes`);
    if (Buffer.byteLength(m.memo) > MAX_MEMO_LENGTH) throw TransferErrors.invalidMemo.wrap(`memo must not exceed ${MAX_MEMO_LENGTH} bytes`);
    if (m.token.denom === "ibc") throw TransferErrors.invalidDenomForTransfer.wrap("denomination should be prefixed with the format 'ibc/{hash(trace + \"/\" + ibc)}'");

    const channel = getChannel(ctx.store, m.sourcePort, m.sourceChannel);
    if (!channel) throw ChannelErrors.channelNotFound.wrap(`port ID (${m.sourcePort}) channel ID (${m.sourceChannel})`);
    let fullPath = m.token.denom;
    if (m.token.denom.startsWith("ibc/")) {
      const hash = m.token.denom.slice(4);
      if (!/^[0-9A-Fa-f]{64}$/.test(hash)) throw TransferErrors.invalidDenomForTransfer.wrap(`invalid denom trace hash ${hash}`);
      const t = this.denomTrace(ctx.store, hash.toUpperCase());
      if (t === undefined) throw TransferErrors.traceNotFound.wrap(hash);
      fullPath = t;
    }
    const coins = [m.token];
    if (!fullPath.startsWith(`${m.sourcePort}/${m.sourceChannel}/`)) {
      // sender chain is source: escrow
      this.bank.send(ctx, m.sender, this.escrowAddress(m.sourcePort, m.sourceChannel), coins);
    } else {
      // the voucher goes back to its source: burn it
      this.bank.send(ctx, m.sender, this.moduleAccount, coins);
      this.bank.burnCoins(ctx, this.moduleAccount, coins);
    }
    const data = packetDataBytes({ amount: m.token.amount.toString(), denom: fullPath, receiver: m.receiver, sender: m.sender, memo: m.memo });
    const seq = this.ibc.sendPacket(ctx, m.sourcePort, m.sourceChannel, m.timeoutHeight, m.timeoutTimestamp, data);
    ctx.emit(ev("ibc_transfer", ["sender", m.sender], ["receiver", m.receiver], ["amount", m.token.amount.toString()],
      ["denom", m.token.denom], ["memo", m.memo]));
    return seq;
  }

  // -- handshake ------------------------------------------------------------------------------------------------------

  private checkChannel(order: Order, port: string): void {
    if (order !== "ORDER_UNORDERED") throw ChannelErrors.invalidChannelOrdering.wrap(`expected ORDER_UNORDERED channel, got ${order} `);
    if (port !== TRANSFER_PORT) throw new HostError(`invalid port: ${port}, expected ${TRANSFER_PORT}: invalid port`, "port", 2);
  }

  onChanOpenInit(_ctx: Ctx, order: Order, _conn: string, port: string, _channelId: string, _cp: { port: string; channel: string }, version: string): string {
    this.checkChannel(order, port);
    const v = version.trim() === "" ? ICS20_VERSION : version;
    if (v !== ICS20_VERSION) throw TransferErrors.invalidVersion.wrap(`expected ${ICS20_VERSION}, got ${v}`);
    return v;
  }

  onChanOpenTry(_ctx: Ctx, order: Order, _conn: string, port: string, _channelId: string, _cp: { port: string; channel: string }, counterpartyVersion: string): string {
    this.checkChannel(order, port);
    if (counterpartyVersion !== ICS20_VERSION) {
      throw TransferErrors.invalidVersion.wrap(`invalid counterparty version: expected ${ICS20_VERSION}, got ${counterpartyVersion}`);
    }
    return ICS20_VERSION;
  }

  onChanOpenAck(_ctx: Ctx, _port: string, _channelId: string, _cpChannel: string, counterpartyVersion: string): void {
    if (counterpartyVersion !== ICS20_VERSION) {
      throw TransferErrors.invalidVersion.wrap(`invalid counterparty version: ${counterpartyVersion}, expected ${ICS20_VERSION}`);
    }
  }

  onChanOpenConfirm(): void {}

  onChanCloseInit(): void {
    throw IbcErrors.invalidRequest.wrap("user cannot close channel");
  }

  onChanCloseConfirm(): void {}

  // -- packets --------------------------------------------------------------------------------------------------------

  onRecvPacket(ctx: Ctx, packet: Packet): Acknowledgement {
    const data = parsePacketData(packet.data);
    let err: HostError | undefined;
    if (!data) err = IbcErrors.invalidType.wrap("cannot unmarshal ICS-20 transfer packet data");
    else {
      try {
        this.receive(ctx, packet, data);
      } catch (e) {
        if (!(e instanceof HostError)) throw e;
        err = e;
      }
    }
    const d = data ?? { sender: "", receiver: "", denom: "", amount: "", memo: "" };
    ctx.emit(ev("fungible_token_packet", ["module", "transfer"], ["sender", d.sender], ["receiver", d.receiver], ["denom", d.denom],
      ["amount", d.amount], ["memo", d.memo], ["success", String(!err)], ...(err ? [["error", err.message] as [string, string]] : [])));
    return err ? { bytes: errorAck(err), success: false } : { bytes: ackResult(new Uint8Array([1])), success: true };
  }

  private receive(ctx: Ctx, packet: Packet, data: PacketData): void {
    // FungibleTokenPacketData.ValidateBasic
    if (!/^[0-9]+$/.test(data.amount)) throw TransferErrors.invalidAmount.wrap(`unable to parse transfer amount (${data.amount}) into math.Int`).wrap("error validating ICS-20 transfer packet data");
    const amount = BigInt(data.amount);
    if (amount <= 0n) throw TransferErrors.invalidAmount.wrap(`amount must be strictly positive: got ${amount}`).wrap("error validating ICS-20 transfer packet data");
    if (data.sender.trim() === "") throw IbcErrors.invalidAddress.wrap("sender address cannot be blank").wrap("error validating ICS-20 transfer packet data");
    if (data.receiver.trim() === "") throw IbcErrors.invalidAddress.wrap("receiver address cannot be blank").wrap("error validating ICS-20 transfer packet data");
    const items = data.denom.split("/");
    if (items[items.length - 1].trim() === "") throw TransferErrors.invalidDenomForTransfer.wrap("base denomination cannot be blank").wrap("error validating ICS-20 transfer packet data");
    if (!this.receiveEnabled) throw TransferErrors.receiveDisabled.err();
    const receiver = ctx.env.api.canonicalize(data.receiver);
    if ("error" in receiver) throw new HostError(`failed to decode receiver address: ${data.receiver}: ${receiver.error}`, "undefined", 1);

    const voucherPrefix = `${packet.sourcePort}/${packet.sourceChannel}/`;
    if (data.denom.startsWith(voucherPrefix)) {
      // the token comes back to its source: unescrow
      const unprefixed = data.denom.slice(voucherPrefix.length);
      const denom = ibcDenom(unprefixed);
      try {
        this.bank.send(ctx, this.escrowAddress(packet.destPort, packet.destChannel), data.receiver, [{ denom, amount }]);
      } catch (e) {
        throw e instanceof HostError
          ? e.wrap("unable to unescrow tokens, this may be caused by a malicious counterparty module or a bug: please open an issue on counterparty module")
          : e;
      }
      return;
    }
    const prefixed = `${packet.destPort}/${packet.destChannel}/${data.denom}`;
    const trace = parseDenomTrace(prefixed);
    const full = fullDenomPath(trace);
    const hash = denomTraceHash(full);
    if (this.denomTrace(ctx.store, hash) === undefined) ctx.store.set(TRACE + hash, utf8(full));
    const voucher = trace.path === "" ? trace.baseDenom : `ibc/${hash}`;
    ctx.emit(ev("denomination_trace", ["trace_hash", hash], ["denom", voucher]));
    const coins = [{ denom: voucher, amount }];
    this.bank.mintCoins(ctx, this.moduleAccount, coins);
    this.bank.send(ctx, this.moduleAccount, data.receiver, coins);
  }

  onAcknowledgementPacket(ctx: Ctx, packet: Packet, ack: Uint8Array): void {
    let parsed;
    try {
      parsed = parseJson(ack);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      throw IbcErrors.unknownRequest.wrap(`cannot unmarshal ICS-20 transfer packet acknowledgement: ${e.message}`);
    }
    if (!isObject(parsed) || Object.keys(parsed).some((k) => k !== "result" && k !== "error")) {
      throw IbcErrors.unknownRequest.wrap("cannot unmarshal ICS-20 transfer packet acknowledgement");
    }
    const data = parsePacketData(packet.data);
    if (!data) throw IbcErrors.unknownRequest.wrap("cannot unmarshal ICS-20 transfer packet data");
    const isError = typeof parsed.error === "string";
    ctx.emit(ev("fungible_token_packet", ["module", "transfer"], ["sender", data.sender], ["receiver", data.receiver], ["denom", data.denom],
      ["amount", data.amount], ["memo", data.memo], ["acknowledgement", Buffer.from(ack).toString("utf8")]));
    if (isError) this.refund(ctx, packet, data);
  }

  onTimeoutPacket(ctx: Ctx, packet: Packet): void {
    const data = parsePacketData(packet.data);
    if (!data) throw IbcErrors.unknownRequest.wrap("cannot unmarshal ICS-20 transfer packet data");
    this.refund(ctx, packet, data);
    ctx.emit(ev("timeout", ["module", "transfer"], ["refund_receiver", data.sender], ["refund_denom", data.denom], ["refund_amount", data.amount], ["memo", data.memo]));
  }

  /** refundPacketToken. */
  private refund(ctx: Ctx, packet: Packet, data: PacketData): void {
    const amount = BigInt(data.amount);
    const coins = [{ denom: ibcDenom(data.denom), amount }];
    if (!data.denom.startsWith(`${packet.sourcePort}/${packet.sourceChannel}/`)) {
      try {
        this.bank.send(ctx, this.escrowAddress(packet.sourcePort, packet.sourceChannel), data.sender, coins);
      } catch (e) {
        throw e instanceof HostError
          ? e.wrap("unable to unescrow tokens, this may be caused by a malicious counterparty module or a bug: please open an issue on counterparty module")
          : e;
      }
      return;
    }
    this.bank.mintCoins(ctx, this.moduleAccount, coins);
    this.bank.send(ctx, this.moduleAccount, data.sender, coins);
  }
}

