// ibc-go's callbacks middleware (modules/apps/callbacks, as wasmd v0.54 wraps the transfer stack with it) and wasmd's
// contract keeper for it (x/wasm/ibc.go): an ICS-20 packet whose memo holds {"dest_callback":{"address":…}} makes
// the receiving chain call that contract's `ibc_destination_callback` after a successful receive, and
// {"src_callback":{"address":…}} makes the sending chain call `ibc_source_callback` on the ack or the timeout — the
// latter only when the callback address is the packet's sender. A callback's error never blocks the packet: its own
// state changes are dropped and an event records it. (Not modelled: the callback gas limit.)
import type { Ctx } from "../context";
import { JsonValue, goString, isObject, parseJson, toBase64 } from "../json";
import { HostError } from "../types";
import type { WasmModule } from "../wasm-module";
import { packetJson } from "./json";
import { Acknowledgement, Order, Packet, TransferHandler, TransferRequest } from "./types";
import { ev } from "./util";
import { callBasicEntry } from "./wasm-app";

/** The callback address of `key` ("dest_callback" / "src_callback") in an ICS-20 packet's memo, if any. */
export function callbackAddress(packetData: Uint8Array, key: "dest_callback" | "src_callback"): { address: string; sender: string } | undefined {
  let data: JsonValue;
  try {
    data = parseJson(packetData);
  } catch {
    return undefined;
  }
  if (!isObject(data) || typeof data.memo !== "string" || data.memo === "") return undefined;
  let memo: JsonValue;
  try {
    memo = parseJson(new TextEncoder().encode(data.memo));
  } catch {
    return undefined;
  }
  if (!isObject(memo)) return undefined;
  const cb = memo[key];
  if (!isObject(cb) || typeof cb.address !== "string" || cb.address.trim() === "") return undefined;
  return { address: cb.address, sender: typeof data.sender === "string" ? data.sender : "" };
}

export class CallbacksMiddleware implements TransferHandler {
  constructor(private readonly app: TransferHandler, private readonly wasm: WasmModule) {}

  /** Runs a callback in a branch of the store: kept if it succeeds, dropped (with an error event) if it fails. */
  private run(ctx: Ctx, type: string, packet: Packet, address: string, entry: string, msg: string): void {
    const branch = ctx.store.branch();
    let error: string | undefined;
    try {
      const res = callBasicEntry(this.wasm, ctx.with({ store: branch }), address, entry, msg);
      this.wasm.handleContractResponse(ctx.with({ store: branch }), address, res);
      branch.commit();
    } catch (e) {
      if (!(e instanceof HostError)) throw e;
      error = e.message;
    }
    ctx.emit(ev(type, ["module", "ibccallbacks"], ["callback_address", address], ["packet_sequence", packet.sequence.toString()],
      ["callback_result", error === undefined ? "success" : "failure"], ...(error !== undefined ? [["callback_error", error] as [string, string]] : [])));
  }

  onRecvPacket(ctx: Ctx, packet: Packet, relayer: string): Acknowledgement | null {
    const ack = this.app.onRecvPacket(ctx, packet, relayer);
    if (ack === null || !ack.success) return ack;
    const cb = callbackAddress(packet.data, "dest_callback");
    if (cb) {
      this.run(ctx, "ibc_dest_callback", packet, cb.address, "ibc_destination_callback",
        `{"ack":{"data":"${toBase64(ack.bytes)}"},"packet":${packetJson(packet)}}`);
    }
    return ack;
  }

  onAcknowledgementPacket(ctx: Ctx, packet: Packet, ack: Uint8Array, relayer: string): void {
    this.app.onAcknowledgementPacket(ctx, packet, ack, relayer);
    const cb = callbackAddress(packet.data, "src_callback");
    if (cb && cb.address === cb.sender) {
      this.run(ctx, "ibc_src_callback", packet, cb.address, "ibc_source_callback",
        `{"acknowledgement":{"acknowledgement":{"data":"${toBase64(ack)}"},"original_packet":${packetJson(packet)},"relayer":${goString(relayer)}}}`);
    }
  }

  onTimeoutPacket(ctx: Ctx, packet: Packet, relayer: string): void {
    this.app.onTimeoutPacket(ctx, packet, relayer);
    const cb = callbackAddress(packet.data, "src_callback");
    if (cb && cb.address === cb.sender) {
      this.run(ctx, "ibc_src_callback", packet, cb.address, "ibc_source_callback",
        `{"timeout":{"packet":${packetJson(packet)},"relayer":${goString(relayer)}}}`);
    }
  }

  msgTransfer(ctx: Ctx, m: TransferRequest): bigint { return this.app.msgTransfer(ctx, m); }

  onChanOpenInit(ctx: Ctx, order: Order, connectionId: string, port: string, channelId: string, counterparty: { port: string; channel: string }, version: string): string {
    return this.app.onChanOpenInit(ctx, order, connectionId, port, channelId, counterparty, version);
  }

  onChanOpenTry(ctx: Ctx, order: Order, connectionId: string, port: string, channelId: string, counterparty: { port: string; channel: string }, counterpartyVersion: string): string {
    return this.app.onChanOpenTry(ctx, order, connectionId, port, channelId, counterparty, counterpartyVersion);
  }

  onChanOpenAck(ctx: Ctx, port: string, channelId: string, counterpartyChannelId: string, counterpartyVersion: string): void {
    this.app.onChanOpenAck(ctx, port, channelId, counterpartyChannelId, counterpartyVersion);
  }

  onChanOpenConfirm(ctx: Ctx, port: string, channelId: string): void { this.app.onChanOpenConfirm(ctx, port, channelId); }
  onChanCloseInit(ctx: Ctx, port: string, channelId: string): void { this.app.onChanCloseInit(ctx, port, channelId); }
  onChanCloseConfirm(ctx: Ctx, port: string, channelId: string): void { this.app.onChanCloseConfirm(ctx, port, channelId); }
}
