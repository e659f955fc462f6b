// wasmd's IBC handler for contract ports `wasm.<address>` (x/wasm/ibc.go + keeper/relay.go): each callback calls the
// contract's ibc_* entry point with wasmvm's JSON, parses its result strictly and runs its response.
import type { Ctx } from "../context";
import { JsonSyntaxError, JsonValue, ShapeError, decBinary, decObject, decString, goString, parseJson, toBase64 } from "../json";
import { ContractResponse, decodeResponse } from "../messages";
import { Errors, Event, HostError, VmError } from "../types";
import type { WasmModule } from "../wasm-module";
import { ackError, channelJson, errorAckWithCodespace, packetJson } from "./json";
import { getChannel, storeAsyncAckPacket } from "./store";
import { Acknowledgement, ChannelEnd, ChannelErrors, IbcApp, Order, Packet } from "./types";
import { ev, utf8 } from "./util";

function parseIbcResult(bytes: Uint8Array): JsonValue {
  try {
    return parseJson(bytes);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new VmError(`contract result is not valid JSON: ${e.message}`, "result");
    throw e;
  }
}

/** Converts a result-parsing VmError into what wasmd reports for an IBC call (ErrExecuteFailed, vm). */
function resultError(e: unknown): never {
  if (e instanceof VmError) throw Errors.executeFailed.wrap(e.message, true);
  if (e instanceof ShapeError) throw Errors.executeFailed.wrap(e.message, true);
  throw e;
}

/** Calls an entry point that answers an IBCBasicResult (ibc_channel_*, ibc_packet_ack/timeout, the callbacks). */
export function callBasicEntry(wasm: WasmModule, ctx: Ctx, contract: string, entry: string, msg: string): ContractResponse {
  const bytes = wasm.callIbcEntry(ctx, contract, entry, utf8(msg));
  let error = "";
  let ok: ContractResponse | undefined;
  try {
    const o = decObject(parseIbcResult(bytes), "IBCBasicResult");
    error = decString(o.error, "IBCBasicResult.error");
    if (o.ok !== undefined && o.ok !== null) {
      const r = decodeResponse(o.ok, "IBCBasicResult.ok", ctx.env.modules);
      ok = { ...r, data: undefined };
    }
  } catch (e) {
    resultError(e);
  }
  if (error !== "") throw Errors.executeFailed.wrap(error).markDeterministic();
  if (!ok) throw Errors.executeFailed.wrap("contract result has neither a non-empty \"error\" nor an \"ok\" value", true);
  return ok;
}

export class WasmIbcApp implements IbcApp {
  constructor(readonly contract: string, private readonly wasm: WasmModule) {}

  private call(ctx: Ctx, entry: string, msg: string): Uint8Array {
    return this.wasm.callIbcEntry(ctx, this.contract, entry, utf8(msg));
  }

  /** ContractResult with an optional `{"version":…}` (IBCChannelOpenResult). */
  private openChannel(ctx: Ctx, msg: string): string {
    const bytes = this.call(ctx, "ibc_channel_open", msg);
    let error = "";
    let version = "";
    try {
      const o = decObject(parseIbcResult(bytes), "IBCChannelOpenResult");
      error = decString(o.error, "IBCChannelOpenResult.error");
      if (o.ok !== undefined && o.ok !== null) {
        const ok = decObject(o.ok, "IBCChannelOpenResult.ok", "types.IBC3ChannelOpenResponse");
        version = decString(ok.version, "IBCChannelOpenResult.ok.version");
      }
    } catch (e) {
      resultError(e);
    }
    if (error !== "") throw Errors.executeFailed.wrap(error).markDeterministic();
    return version;
  }

  /** IBCBasicResult → ContractResponse (no data). */
  private basic(ctx: Ctx, entry: string, msg: string): ContractResponse {
    return callBasicEntry(this.wasm, ctx, this.contract, entry, msg);
  }

  private handle(ctx: Ctx, res: ContractResponse): void {
    this.wasm.handleContractResponse(ctx, this.contract, res);
  }

  private channel(ctx: Ctx, port: string, channelId: string): ChannelEnd {
    const c = getChannel(ctx.store, port, channelId);
    if (!c) throw ChannelErrors.channelNotFound.wrap(`port ID (${port}) channel ID (${channelId})`);
    return c;
  }

  onChanOpenInit(ctx: Ctx, order: Order, connectionId: string, port: string, channelId: string, counterparty: { port: string; channel: string }, version: string): string {
    const c: ChannelEnd = { state: "INIT", ordering: order, counterpartyPort: counterparty.port, counterpartyChannel: counterparty.channel, connectionId, version };
    const accepted = this.openChannel(ctx, `{"open_init":{"channel":${channelJson(port, channelId, c)}}}`);
    if (accepted !== "") return accepted;
    if (version === "") throw Errors.empty.wrap("version");
    return version;
  }

  onChanOpenTry(ctx: Ctx, order: Order, connectionId: string, port: string, channelId: string, counterparty: { port: string; channel: string }, counterpartyVersion: string): string {
    const c: ChannelEnd = { state: "TRYOPEN", ordering: order, counterpartyPort: counterparty.port, counterpartyChannel: counterparty.channel, connectionId, version: counterpartyVersion };
    const version = this.openChannel(ctx, `{"open_try":{"channel":${channelJson(port, channelId, c)},"counterparty_version":${goString(counterpartyVersion)}}}`);
    return version !== "" ? version : counterpartyVersion;
  }

  onChanOpenAck(ctx: Ctx, port: string, channelId: string, counterpartyChannelId: string, counterpartyVersion: string): void {
    const c = { ...this.channel(ctx, port, channelId), counterpartyChannel: counterpartyChannelId };
    this.handle(ctx, this.basic(ctx, "ibc_channel_connect",
      `{"open_ack":{"channel":${channelJson(port, channelId, c)},"counterparty_version":${goString(counterpartyVersion)}}}`));
  }

  onChanOpenConfirm(ctx: Ctx, port: string, channelId: string): void {
    const c = this.channel(ctx, port, channelId);
    this.handle(ctx, this.basic(ctx, "ibc_channel_connect", `{"open_confirm":{"channel":${channelJson(port, channelId, c)}}}`));
  }

  onChanCloseInit(ctx: Ctx, port: string, channelId: string): void {
    const c = this.channel(ctx, port, channelId);
    this.handle(ctx, this.basic(ctx, "ibc_channel_close", `{"close_init":{"channel":${channelJson(port, channelId, c)}}}`));
  }

  onChanCloseConfirm(ctx: Ctx, port: string, channelId: string): void {
    const c = this.channel(ctx, port, channelId);
    this.handle(ctx, this.basic(ctx, "ibc_channel_close", `{"close_confirm":{"channel":${channelJson(port, channelId, c)}}}`));
  }

  onRecvPacket(ctx: Ctx, packet: Packet, relayer: string): Acknowledgement | null {
    const em: Event[] = [];
    const inner = ctx.with({ events: em });
    // a VM error here is a panic in wasmd: it propagates and fails the relay tx
    const bytes = this.call(inner, "ibc_packet_receive", `{"packet":${packetJson(packet)},"relayer":${goString(relayer)}}`);
    let error = "";
    let ok: ContractResponse | undefined;
    try {
      const o = decObject(parseIbcResult(bytes), "IBCReceiveResult");
      error = decString(o.error, "IBCReceiveResult.error");
      if (o.ok !== undefined && o.ok !== null) {
        const ro = decObject(o.ok, "IBCReceiveResult.ok", "types.IBCReceiveResponse");
        const r = decodeResponse(ro, "IBCReceiveResult.ok", ctx.env.modules);
        ok = { ...r, data: decBinary(ro.acknowledgement, "IBCReceiveResult.ok.acknowledgement") };
      }
    } catch (e) {
      if (e instanceof VmError || e instanceof ShapeError) throw Errors.executeFailed.wrap(e.message, true);
      throw e;
    }
    const ackEvent = (success: boolean, err?: string) =>
      ev("ibc_packet_received", ["module", "wasm"], ["_contract_address", this.contract], ["success", String(success)], ...(err ? [["error", err] as [string, string]] : []));
    if (error !== "") {
      ctx.emit(ackEvent(false));
      return { bytes: ackError(error), success: false };
    }
    if (!ok) throw Errors.executeFailed.wrap("contract result has neither a non-empty \"error\" nor an \"ok\" value", true);
    let data: Uint8Array | undefined;
    try {
      data = this.wasm.handleContractResponse(inner, this.contract, ok);
    } catch (e) {
      if (!(e instanceof HostError)) throw e;
      // submessage errors: error ack with the codespace/code only; state reverted by ibc-go
      ctx.emit(ackEvent(false, e.message));
      return { bytes: errorAckWithCodespace(e), success: false };
    }
    ctx.emit(...em);
    ctx.emit(ackEvent(true));
    if (data === undefined) {
      storeAsyncAckPacket(ctx.store, packet);
      return null;
    }
    return { bytes: data, success: true };
  }

  onAcknowledgementPacket(ctx: Ctx, packet: Packet, ack: Uint8Array, relayer: string): void {
    try {
      this.handle(ctx, this.basic(ctx, "ibc_packet_ack",
        `{"acknowledgement":{"data":"${toBase64(ack)}"},"original_packet":${packetJson(packet)},"relayer":${goString(relayer)}}`));
    } catch (e) {
      throw e instanceof HostError ? e.wrap("on ack") : e;
    }
  }

  onTimeoutPacket(ctx: Ctx, packet: Packet, relayer: string): void {
    try {
      this.handle(ctx, this.basic(ctx, "ibc_packet_timeout", `{"packet":${packetJson(packet)},"relayer":${goString(relayer)}}`));
    } catch (e) {
      throw e instanceof HostError ? e.wrap("on timeout") : e;
    }
  }
}
