// IBC for the host: ibc-go v8 core (channels, packets, acknowledgements, timeouts, replay protection) on each
// Chain, the wasmd v0.54 IBC handler that routes `wasm.<contract>` ports to the contract's `ibc_*` entry points,
// the IbcMsg / IbcQuery of contracts, and the helpers that link chains in-process (connectChains, openChannel,
// closeChannel). Relaying is done by `Relayer` (relayer.ts), which reads both chains' committed state and submits
// the receive / acknowledge / timeout "txs"; light-client proofs are replaced by reading the counterparty's state
// directly (a packet is receivable while its timeout has not passed by the destination's current height/time, and
// can be timed out once it has and it was not received — exactly complementary).
//
// Semantics kept (sources: ibc-go v8.8 modules/core/keeper/msg_server.go, 04-channel/keeper/*.go; wasmd v0.54.9
// x/wasm/ibc.go, keeper/relay.go, keeper/handler_plugin.go, handler_plugin_encoders.go):
//   * receive: the app callback runs in a branch; an unsuccessful acknowledgement reverts it (its events are kept
//     with the "ibccallbackerror-" prefix) but the receipt and the ack are written. For a contract: a returned
//     {"error":…} gives the ack {"error":"<message verbatim>"}; a failing message of the receive response gives
//     {"error":"ABCI error: <codespace>/<code>: error handling packet: see events for details"}; a VM error
//     (trap, abort, unparsable result) panics in wasmd, so the whole relay tx fails and the packet stays
//     unreceived; a nil acknowledgement is an async ack (stored, written later by `write_acknowledgement`).
//   * ack / timeout callbacks run in the relay tx: any error fails it (the commitment stays, the packet pending).
//   * redundant relays (a packet received twice, an ack or timeout for a cleared commitment) are ibc-go no-ops:
//     the tx succeeds, nothing is called (RESULT_NO_OP).
//   * a timeout needs the packet unreceived and its timeout elapsed on the destination (or the destination channel
//     closed: MsgTimeoutOnClose); a timeout on an ORDERED channel closes it.
//   * `close_channel` from a contract is MsgChannelCloseInit on port wasm.<sender>: the contract's own
//     ibc_channel_close(close_init) runs, then the channel is CLOSED; the relayer delivers close_confirm.
//   * VM errors of the other IBC entry points are reported as ErrExecuteFailed (code 5), as wasmd does.

import { NormCoin, parseWasmCoin } from "./bank";
import type { Chain } from "./host-chain";
import { Ctx, DispatchResult, HostModule } from "./context";
import {
  JsonSyntaxError, JsonValue, ShapeError, decBinary, decObject, decOptString, decString, decU64, goString, isObject, parseJson, toBase64,
} from "./json";
import { ContractResponse, decodeResponse } from "./messages";
import { protoMessage } from "./proto";
import { KVStore, prefixEnd } from "./storage";
import { Coin, Errors, Event, HostError, RootError, VmError } from "./types";
import type { TransferApp } from "./transfer";

export type Order = "ORDER_UNORDERED" | "ORDER_ORDERED";
export type ChannelState = "INIT" | "TRYOPEN" | "OPEN" | "CLOSED";

export interface ChannelEnd {
  state: ChannelState;
  ordering: Order;
  counterpartyPort: string;
  /** "" until the counterparty channel is known (INIT). */
  counterpartyChannel: string;
  connectionId: string;
  version: string;
}

export interface Height {
  revision: bigint;
  height: bigint;
}

export interface Packet {
  sequence: bigint;
  sourcePort: string;
  sourceChannel: string;
  destPort: string;
  destChannel: string;
  data: Uint8Array;
  /** undefined = no timeout height. */
  timeoutHeight?: Height;
  /** ns; 0 = no timeout timestamp. */
  timeoutTimestamp: bigint;
}

/** What an app's OnRecvPacket returns (null = async: the ack is written later). */
export interface Acknowledgement {
  bytes: Uint8Array;
  /** Success() of the ack: false reverts the callback's state changes. */
  success: boolean;
}

/** An IBC application bound to a port (ibc-go's porttypes.IBCModule). Errors are thrown as HostError. */
export interface IbcApp {
  onChanOpenInit(ctx: Ctx, order: Order, connectionId: string, port: string, channelId: string, counterparty: { port: string; channel: string }, version: string): string;
  onChanOpenTry(ctx: Ctx, order: Order, connectionId: string, port: string, channelId: string, counterparty: { port: string; channel: string }, counterpartyVersion: string): string;
  onChanOpenAck(ctx: Ctx, port: string, channelId: string, counterpartyChannelId: string, counterpartyVersion: string): void;
  onChanOpenConfirm(ctx: Ctx, port: string, channelId: string): void;
  onChanCloseInit(ctx: Ctx, port: string, channelId: string): void;
  onChanCloseConfirm(ctx: Ctx, port: string, channelId: string): void;
  onRecvPacket(ctx: Ctx, packet: Packet, relayer: string): Acknowledgement | null;
  onAcknowledgementPacket(ctx: Ctx, packet: Packet, ack: Uint8Array, relayer: string): void;
  onTimeoutPacket(ctx: Ctx, packet: Packet, relayer: string): void;
}

export interface ConnectionEnd {
  id: string;
  clientId: string;
  counterpartyChain: Chain;
  counterpartyConnectionId: string;
  counterpartyClientId: string;
}

// -- errors (ibc-go codespaces "channel", "ibc"; wasmd "wasm") ---------------------------------------------------

const ch = (code: number, desc: string) => new RootError("channel", code, desc);
export const ChannelErrors = {
  channelNotFound: ch(3, "channel not found"),
  invalidChannelState: ch(5, "invalid channel state"),
  invalidChannelOrdering: ch(6, "invalid channel ordering"),
  invalidCounterparty: ch(7, "invalid counterparty channel"),
  capabilityNotFound: ch(9, "channel capability not found"),
  invalidPacket: ch(13, "invalid packet"),
  invalidAcknowledgement: ch(16, "invalid acknowledgement"),
  acknowledgementExists: ch(17, "acknowledgement for packet already exists"),
  packetReceived: ch(19, "packet already received"),
  packetSequenceOutOfOrder: ch(21, "packet sequence is out of order"),
  timeoutNotReached: ch(39, "timeout not reached"),
  timeoutElapsed: ch(40, "timeout elapsed"),
};
const ibcRoot = (code: number, desc: string) => new RootError("ibc", code, desc);
export const IbcErrors = {
  invalidRequest: ibcRoot(8, "invalid request"),
  unknownRequest: ibcRoot(4, "unknown request"),
  invalidAddress: ibcRoot(5, "invalid address"),
  insufficientFunds: ibcRoot(3, "insufficient funds"),
  invalidCoins: ibcRoot(6, "invalid coins"),
  invalidType: ibcRoot(12, "invalid type"),
  invalidVersion: ibcRoot(10, "invalid version"),
};
const unsupportedForContract = new RootError("wasm", 17, "unsupported for this contract");
const portNotFound = new RootError("port", 3, "port is not bound");
const connectionNotFound = new RootError("connection", 3, "connection not found");

// -- helpers ------------------------------------------------------------------------------------------------------

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s);
const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

function ev(type: string, ...attrs: [string, string][]): Event {
  return { type, attributes: attrs.map(([key, value]) => ({ key, value })) };
}

/** ibc-go clienttypes.ParseChainID: "<name>-<N>" → revision N, else 0. */
export function revisionNumber(chainId: string): bigint {
  const m = /^.*[^\n-]-([1-9][0-9]*)$/.exec(chainId);
  return m ? BigInt(m[1]) : 0n;
}

export function selfHeight(chain: Chain): Height {
  return { revision: revisionNumber(chain.chainId), height: BigInt(chain.height) };
}

export function heightString(h: Height | undefined): string {
  return h ? `${h.revision}-${h.height}` : "0-0";
}

function heightGTE(a: Height, b: Height): boolean {
  return a.revision > b.revision || (a.revision === b.revision && a.height >= b.height);
}

function isZeroHeight(h: Height | undefined): boolean {
  return !h || (h.revision === 0n && h.height === 0n);
}

/** Timeout.Elapsed(height, timestamp). */
export function timeoutElapsed(p: Packet, height: Height, timestamp: bigint): boolean {
  return (!isZeroHeight(p.timeoutHeight) && heightGTE(height, p.timeoutHeight!)) || (p.timeoutTimestamp !== 0n && timestamp >= p.timeoutTimestamp);
}

function timeoutElapsedError(p: Packet, height: Height, timestamp: bigint): HostError {
  if (!isZeroHeight(p.timeoutHeight) && heightGTE(height, p.timeoutHeight!)) {
    return ChannelErrors.timeoutElapsed.wrap(`current height: ${heightString(height)}, timeout height ${heightString(p.timeoutHeight)}`);
  }
  return ChannelErrors.timeoutElapsed.wrap(`current timestamp: ${timestamp}, timeout timestamp ${p.timeoutTimestamp}`);
}

function timeoutNotReachedError(p: Packet, height: Height, timestamp: bigint): HostError {
  if (!isZeroHeight(p.timeoutHeight) && !heightGTE(height, p.timeoutHeight!)) {
    return ChannelErrors.timeoutNotReached.wrap(`current height: ${heightString(height)}, timeout height ${heightString(p.timeoutHeight)}`);
  }
  return ChannelErrors.timeoutNotReached.wrap(`current timestamp: ${timestamp}, timeout timestamp ${p.timeoutTimestamp}`);
}

const STATE_NAMES: Record<ChannelState, string> = { INIT: "STATE_INIT", TRYOPEN: "STATE_TRYOPEN", OPEN: "STATE_OPEN", CLOSED: "STATE_CLOSED" };

/** Packet identity used by the relayer: "<src chain>/<src port>/<src channel>/<sequence>". */
export function packetId(srcChainId: string, p: Packet): string {
  return `${srcChainId}/${p.sourcePort}/${p.sourceChannel}/${p.sequence}`;
}

// -- JSON in wasmvm's Go layout ------------------------------------------------------------------------------------

export function endpointJson(port: string, channel: string): string {
  return `{"port_id":${goString(port)},"channel_id":${goString(channel)}}`;
}

export function channelJson(port: string, channelId: string, c: ChannelEnd, version = c.version): string {
  return `{"endpoint":${endpointJson(port, channelId)},"counterparty_endpoint":${endpointJson(c.counterpartyPort, c.counterpartyChannel)},` +
    `"order":"${c.ordering}","version":${goString(version)},"connection_id":${goString(c.connectionId)}}`;
}

export function packetJson(p: Packet): string {
  const block = isZeroHeight(p.timeoutHeight) ? "null" : `{"revision":${p.timeoutHeight!.revision},"height":${p.timeoutHeight!.height}}`;
  const ts = p.timeoutTimestamp === 0n ? "" : `,"timestamp":"${p.timeoutTimestamp}"`;
  return `{"data":"${toBase64(p.data)}","src":${endpointJson(p.sourcePort, p.sourceChannel)},"dest":${endpointJson(p.destPort, p.destChannel)},` +
    `"sequence":${p.sequence},"timeout":{"block":${block}${ts}}}`;
}

/** channeltypes.Acknowledgement JSON (sorted keys, Go escaping): {"result":"<b64>"} / {"error":"…"}. */
export function ackResult(result: Uint8Array): Uint8Array {
  return utf8(`{"result":"${toBase64(result)}"}`);
}

export function ackError(message: string): Uint8Array {
  return utf8(`{"error":${goString(message)}}`);
}

const ACK_ERROR_STRING = "error handling packet: see events for details";

/** channeltypes.NewErrorAcknowledgementWithCodespace (wasmd's CreateErrorAcknowledgement). */
export function errorAckWithCodespace(e: HostError): Uint8Array {
  return ackError(`ABCI error: ${e.codespace}/${e.code}: ${ACK_ERROR_STRING}`);
}

/** channeltypes.NewErrorAcknowledgement (used by ICS-20). */
export function errorAck(e: HostError): Uint8Array {
  return ackError(`ABCI code: ${e.code}: ${ACK_ERROR_STRING}`);
}

// -- stored packets ------------------------------------------------------------------------------------------------

interface RawPacket {
  sequence: string;
  sourcePort: string;
  sourceChannel: string;
  destPort: string;
  destChannel: string;
  data: string;
  timeoutHeight: { revision: string; height: string } | null;
  timeoutTimestamp: string;
}

function packetToRaw(p: Packet): RawPacket {
  return {
    sequence: p.sequence.toString(), sourcePort: p.sourcePort, sourceChannel: p.sourceChannel, destPort: p.destPort, destChannel: p.destChannel,
    data: toBase64(p.data),
    timeoutHeight: isZeroHeight(p.timeoutHeight) ? null : { revision: p.timeoutHeight!.revision.toString(), height: p.timeoutHeight!.height.toString() },
    timeoutTimestamp: p.timeoutTimestamp.toString(),
  };
}

function packetFromRaw(r: RawPacket): Packet {
  return {
    sequence: BigInt(r.sequence), sourcePort: r.sourcePort, sourceChannel: r.sourceChannel, destPort: r.destPort, destChannel: r.destChannel,
    data: new Uint8Array(Buffer.from(r.data, "base64")),
    timeoutHeight: r.timeoutHeight ? { revision: BigInt(r.timeoutHeight.revision), height: BigInt(r.timeoutHeight.height) } : undefined,
    timeoutTimestamp: BigInt(r.timeoutTimestamp),
  };
}

export function samePacket(a: Packet, b: Packet): boolean {
  return JSON.stringify(packetToRaw(a)) === JSON.stringify(packetToRaw(b));
}

// State layout (host-internal): 0x08 ‖ kind ‖ port 0x00 channel [0x00 seq(20 digits)] → value.
const CHAN = "\x08c";
const SEQ_SEND = "\x08s";
const SEQ_RECV = "\x08r";
const SEQ_ACK = "\x08a";
const COMMIT = "\x08C";
const RECEIPT = "\x08R";
const ACK = "\x08A";
const ASYNC = "\x08W";
const NEXT_CHANNEL = "\x08n";

const pc = (port: string, channel: string) => `${port}\x00${channel}`;
const seqKey = (n: bigint) => n.toString().padStart(20, "0");

function readJson<T>(store: KVStore, key: string): T | undefined {
  const v = store.get(key);
  return v === undefined ? undefined : (JSON.parse(text(v)) as T);
}

function writeJson(store: KVStore, key: string, value: unknown): void {
  store.set(key, utf8(JSON.stringify(value)));
}

function readSeq(store: KVStore, key: string): bigint {
  const v = store.get(key);
  return v === undefined ? 1n : BigInt(text(v));
}

// -- contract messages --------------------------------------------------------------------------------------------

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

function blockToHeight(b: Height | undefined): Height | undefined {
  return b && !(b.revision === 0n && b.height === 0n) ? b : undefined;
}

// -- the wasm IBC handler (wasmd x/wasm/ibc.go + keeper/relay.go) ----------------------------------------------------

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

export class WasmIbcApp implements IbcApp {
  constructor(readonly contract: string) {}

  private call(ctx: Ctx, entry: string, msg: string): Uint8Array {
    return ctx.chain.wasm.callIbcEntry(ctx, this.contract, entry, utf8(msg));
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
    const bytes = this.call(ctx, entry, msg);
    let error = "";
    let ok: ContractResponse | undefined;
    try {
      const o = decObject(parseIbcResult(bytes), "IBCBasicResult");
      error = decString(o.error, "IBCBasicResult.error");
      if (o.ok !== undefined && o.ok !== null) {
        const r = decodeResponse(o.ok, "IBCBasicResult.ok", ctx.chain.modules);
        ok = { ...r, data: undefined };
      }
    } catch (e) {
      resultError(e);
    }
    if (error !== "") throw Errors.executeFailed.wrap(error).markDeterministic();
    if (!ok) throw Errors.executeFailed.wrap("contract result has neither a non-empty \"error\" nor an \"ok\" value", true);
    return ok;
  }

  private handle(ctx: Ctx, res: ContractResponse): void {
    ctx.chain.wasm.handleContractResponse(ctx, this.contract, res);
  }

  private channel(ctx: Ctx, port: string, channelId: string): ChannelEnd {
    const c = ctx.chain.ibc.getChannel(ctx.store, port, channelId);
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
        const r = decodeResponse(ro, "IBCReceiveResult.ok", ctx.chain.modules);
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
      data = inner.chain.wasm.handleContractResponse(inner, this.contract, ok);
    } catch (e) {
      if (!(e instanceof HostError)) throw e;
      // submessage errors: error ack with the codespace/code only; state reverted by ibc-go
      ctx.emit(ackEvent(false, e.message));
      return { bytes: errorAckWithCodespace(e), success: false };
    }
    ctx.emit(...em);
    ctx.emit(ackEvent(true));
    if (data === undefined) {
      ctx.chain.ibc.storeAsyncAckPacket(ctx.store, packet);
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

// -- the core module ------------------------------------------------------------------------------------------------

function errorEvents(events: Event[]): Event[] {
  const p = "ibccallbackerror-";
  return events.map((e) => ({ type: p + e.type, attributes: e.attributes.map((a) => ({ key: p + a.key, value: a.value })) }));
}

function response(typeUrl: string, value: Uint8Array): DispatchResult {
  return { data: value, msgResponses: [{ type_url: typeUrl, value }] };
}

export class IbcModule implements HostModule {
  readonly name = "ibc";
  readonly connections = new Map<string, ConnectionEnd>();
  private nextClient = 0;
  /** The ICS-20 app bound to the "transfer" port. */
  transfer?: TransferApp;

  // -- connections (in-process: created open, no handshake) ---------------------------------------------------------

  /** Adds a connection end towards `counterparty` (see `connectChains`). */
  addConnection(counterpartyChain: Chain, counterpartyConnectionId: string, counterpartyClientId: string, own: { id: string; clientId: string }): ConnectionEnd {
    const c: ConnectionEnd = { id: own.id, clientId: own.clientId, counterpartyChain, counterpartyConnectionId, counterpartyClientId };
    this.connections.set(own.id, c);
    return c;
  }

  /** The next free connection / client identifiers. */
  reserveIds(): { id: string; clientId: string } {
    const n = this.connections.size;
    return { id: `connection-${n}`, clientId: `07-tendermint-${this.nextClient++}` };
  }

  connection(id: string): ConnectionEnd {
    const c = this.connections.get(id);
    if (!c) throw connectionNotFound.wrap(id);
    return c;
  }

  // -- state --------------------------------------------------------------------------------------------------------

  getChannel(store: KVStore, port: string, channelId: string): ChannelEnd | undefined {
    return readJson<ChannelEnd>(store, CHAN + pc(port, channelId));
  }

  private setChannel(store: KVStore, port: string, channelId: string, c: ChannelEnd): void {
    writeJson(store, CHAN + pc(port, channelId), c);
  }

  /** All channels as [port, channelId, end], in store order. */
  channels(store: KVStore): [string, string, ChannelEnd][] {
    return store.range(CHAN, prefixEnd(CHAN), "asc").map(([k, v]) => {
      const [port, channel] = k.slice(CHAN.length).split("\x00");
      return [Buffer.from(port, "latin1").toString("utf8"), channel, JSON.parse(text(v)) as ChannelEnd];
    });
  }

  nextSequenceSend(store: KVStore, port: string, channelId: string): bigint {
    return readSeq(store, SEQ_SEND + pc(port, channelId));
  }

  nextSequenceRecv(store: KVStore, port: string, channelId: string): bigint {
    return readSeq(store, SEQ_RECV + pc(port, channelId));
  }

  nextSequenceAck(store: KVStore, port: string, channelId: string): bigint {
    return readSeq(store, SEQ_ACK + pc(port, channelId));
  }

  /** Packets sent and not yet acknowledged or timed out (commitments), in store order. */
  commitments(store: KVStore, port?: string, channelId?: string): Packet[] {
    const p = COMMIT + (port !== undefined ? pc(port, channelId!) + "\x00" : "");
    return store.range(p, prefixEnd(p), "asc").map(([, v]) => packetFromRaw(JSON.parse(text(v))));
  }

  getCommitment(store: KVStore, port: string, channelId: string, seq: bigint): Packet | undefined {
    const r = readJson<RawPacket>(store, COMMIT + pc(port, channelId) + "\x00" + seqKey(seq));
    return r && packetFromRaw(r);
  }

  hasReceipt(store: KVStore, port: string, channelId: string, seq: bigint): boolean {
    return store.get(RECEIPT + pc(port, channelId) + "\x00" + seqKey(seq)) !== undefined;
  }

  /** Whether the destination has processed the packet (receipt, or next receive sequence past it if ORDERED). */
  wasReceived(store: KVStore, p: Packet): boolean {
    const c = this.getChannel(store, p.destPort, p.destChannel);
    if (c?.ordering === "ORDER_ORDERED") return this.nextSequenceRecv(store, p.destPort, p.destChannel) > p.sequence;
    return this.hasReceipt(store, p.destPort, p.destChannel, p.sequence);
  }

  /** The acknowledgement written for a received packet (on the destination). */
  getAcknowledgement(store: KVStore, port: string, channelId: string, seq: bigint): { packet: Packet; ack: Uint8Array } | undefined {
    const r = readJson<{ packet: RawPacket; ack: string }>(store, ACK + pc(port, channelId) + "\x00" + seqKey(seq));
    return r && { packet: packetFromRaw(r.packet), ack: new Uint8Array(Buffer.from(r.ack, "base64")) };
  }

  /** All written acknowledgements, in store order. */
  acknowledgements(store: KVStore): { packet: Packet; ack: Uint8Array }[] {
    return store.range(ACK, prefixEnd(ACK), "asc").map(([, v]) => {
      const r = JSON.parse(text(v));
      return { packet: packetFromRaw(r.packet), ack: new Uint8Array(Buffer.from(r.ack, "base64")) };
    });
  }

  /** wasmd StoreAsyncAckPacket. */
  storeAsyncAckPacket(store: KVStore, p: Packet): void {
    writeJson(store, ASYNC + pc(p.destPort, p.destChannel) + "\x00" + seqKey(p.sequence), packetToRaw(p));
  }

  // -- routing --------------------------------------------------------------------------------------------------------

  /** The app bound to a port (LookupModuleByPort): "transfer", or a contract's "wasm.<address>" port. */
  appFor(ctx: Ctx, port: string): IbcApp {
    if (port === "transfer" && this.transfer) return this.transfer;
    if (port.startsWith("wasm.")) {
      const info = ctx.chain.wasm.contractInfo(ctx, port.slice(5));
      if (info && info.ibcPort === port) return new WasmIbcApp(info.address);
    }
    throw portNotFound.wrap(`could not retrieve module from port-id: port ID (${port})`);
  }

  /** LookupModuleByChannel: the channel must exist and belong to the port's module. */
  private channelApp(ctx: Ctx, port: string, channelId: string): { app: IbcApp; channel: ChannelEnd } {
    const channel = this.getChannel(ctx.store, port, channelId);
    if (!channel) {
      throw ChannelErrors.capabilityNotFound.wrap(`could not retrieve module from port-id: port ID (${port}) channel ID (${channelId})`);
    }
    return { app: this.appFor(ctx, port), channel };
  }

  // -- channel handshake (each a tx on its chain) -------------------------------------------------------------------

  /** "channel-N" from the chain-wide channel sequence (in tx state: a failed handshake step does not consume it). */
  private nextChannelId(store: KVStore): string {
    const v = store.get(NEXT_CHANNEL);
    const n = v === undefined ? 0n : BigInt(text(v));
    store.set(NEXT_CHANNEL, utf8((n + 1n).toString()));
    return `channel-${n}`;
  }

  chanOpenInit(ctx: Ctx, port: string, order: Order, connectionId: string, counterpartyPort: string, version: string): { channelId: string; version: string } {
    const app = this.appFor(ctx, port);
    this.connection(connectionId);
    const channelId = this.nextChannelId(ctx.store);
    let accepted: string;
    try {
      accepted = app.onChanOpenInit(ctx, order, connectionId, port, channelId, { port: counterpartyPort, channel: "" }, version);
    } catch (e) {
      throw e instanceof HostError ? e.wrap(`channel open init callback failed for port ID: ${port}, channel ID: ${channelId}`) : e;
    }
    this.setChannel(ctx.store, port, channelId, { state: "INIT", ordering: order, counterpartyPort, counterpartyChannel: "", connectionId, version: accepted });
    ctx.emit(ev("channel_open_init", ["port_id", port], ["channel_id", channelId], ["counterparty_port_id", counterpartyPort],
      ["connection_id", connectionId], ["version", accepted]));
    return { channelId, version: accepted };
  }

  chanOpenTry(
    ctx: Ctx, port: string, order: Order, connectionId: string, counterpartyPort: string, counterpartyChannel: string, counterpartyVersion: string,
  ): { channelId: string; version: string } {
    const app = this.appFor(ctx, port);
    this.connection(connectionId);
    const channelId = this.nextChannelId(ctx.store);
    let version: string;
    try {
      version = app.onChanOpenTry(ctx, order, connectionId, port, channelId, { port: counterpartyPort, channel: counterpartyChannel }, counterpartyVersion);
    } catch (e) {
      throw e instanceof HostError ? e.wrap(`channel open try callback failed for port ID: ${port}, channel ID: ${channelId}`) : e;
    }
    this.setChannel(ctx.store, port, channelId, { state: "TRYOPEN", ordering: order, counterpartyPort, counterpartyChannel, connectionId, version });
    ctx.emit(ev("channel_open_try", ["port_id", port], ["channel_id", channelId], ["counterparty_port_id", counterpartyPort],
      ["counterparty_channel_id", counterpartyChannel], ["connection_id", connectionId], ["version", version]));
    return { channelId, version };
  }

  chanOpenAck(ctx: Ctx, port: string, channelId: string, counterpartyChannel: string, counterpartyVersion: string): void {
    const { app, channel } = this.channelApp(ctx, port, channelId);
    if (channel.state !== "INIT") {
      throw ChannelErrors.invalidChannelState.wrap(`channel state should be INIT (got ${STATE_NAMES[channel.state]})`).wrap("channel handshake open ack failed");
    }
    // WriteOpenAckChannel runs before the callback: the contract sees the final version
    this.setChannel(ctx.store, port, channelId, { ...channel, state: "OPEN", version: counterpartyVersion, counterpartyChannel });
    try {
      app.onChanOpenAck(ctx, port, channelId, counterpartyChannel, counterpartyVersion);
    } catch (e) {
      throw e instanceof HostError ? e.wrap(`channel open ack callback failed for port ID: ${port}, channel ID: ${channelId}`) : e;
    }
    ctx.emit(ev("channel_open_ack", ["port_id", port], ["channel_id", channelId], ["counterparty_port_id", channel.counterpartyPort],
      ["counterparty_channel_id", counterpartyChannel], ["connection_id", channel.connectionId]));
  }

  chanOpenConfirm(ctx: Ctx, port: string, channelId: string): void {
    const { app, channel } = this.channelApp(ctx, port, channelId);
    if (channel.state !== "TRYOPEN") {
      throw ChannelErrors.invalidChannelState.wrap(`channel state is not TRYOPEN (got ${STATE_NAMES[channel.state]})`).wrap("channel handshake open confirm failed");
    }
    this.setChannel(ctx.store, port, channelId, { ...channel, state: "OPEN" });
    try {
      app.onChanOpenConfirm(ctx, port, channelId);
    } catch (e) {
      throw e instanceof HostError ? e.wrap(`channel open confirm callback failed for port ID: ${port}, channel ID: ${channelId}`) : e;
    }
    ctx.emit(ev("channel_open_confirm", ["port_id", port], ["channel_id", channelId], ["counterparty_port_id", channel.counterpartyPort],
      ["counterparty_channel_id", channel.counterpartyChannel], ["connection_id", channel.connectionId]));
  }

  /** MsgChannelCloseInit: app callback first, then the state change. */
  chanCloseInit(ctx: Ctx, port: string, channelId: string): void {
    const { app } = this.channelApp(ctx, port, channelId);
    try {
      app.onChanCloseInit(ctx, port, channelId);
    } catch (e) {
      throw e instanceof HostError ? e.wrap(`channel close init callback failed for port ID: ${port}, channel ID: ${channelId}`) : e;
    }
    const channel = this.getChannel(ctx.store, port, channelId)!;
    if (channel.state === "CLOSED") throw ChannelErrors.invalidChannelState.wrap("channel is already CLOSED").wrap("channel handshake close init failed");
    this.setChannel(ctx.store, port, channelId, { ...channel, state: "CLOSED" });
    ctx.emit(ev("channel_close_init", ["port_id", port], ["channel_id", channelId], ["counterparty_port_id", channel.counterpartyPort],
      ["counterparty_channel_id", channel.counterpartyChannel], ["connection_id", channel.connectionId]));
  }

  /** MsgChannelCloseConfirm (the counterparty is CLOSED): app callback first, then the state change. */
  chanCloseConfirm(ctx: Ctx, port: string, channelId: string): void {
    const { app } = this.channelApp(ctx, port, channelId);
    try {
      app.onChanCloseConfirm(ctx, port, channelId);
    } catch (e) {
      throw e instanceof HostError ? e.wrap(`channel close confirm callback failed for port ID: ${port}, channel ID: ${channelId}`) : e;
    }
    const channel = this.getChannel(ctx.store, port, channelId)!;
    if (channel.state === "CLOSED") throw ChannelErrors.invalidChannelState.wrap("channel is already CLOSED").wrap("channel handshake close confirm failed");
    this.setChannel(ctx.store, port, channelId, { ...channel, state: "CLOSED" });
    ctx.emit(ev("channel_close_confirm", ["port_id", port], ["channel_id", channelId], ["counterparty_port_id", channel.counterpartyPort],
      ["counterparty_channel_id", channel.counterpartyChannel], ["connection_id", channel.connectionId]));
  }

  // -- packets --------------------------------------------------------------------------------------------------------

  private packetEvent(type: string, p: Packet, c: ChannelEnd, extra: [string, string][] = []): Event {
    return ev(type,
      ["packet_data_hex", Buffer.from(p.data).toString("hex")],
      ["packet_timeout_height", heightString(p.timeoutHeight)],
      ["packet_timeout_timestamp", p.timeoutTimestamp.toString()],
      ["packet_sequence", p.sequence.toString()],
      ["packet_src_port", p.sourcePort], ["packet_src_channel", p.sourceChannel],
      ["packet_dst_port", p.destPort], ["packet_dst_channel", p.destChannel],
      ["packet_channel_ordering", c.ordering],
      ...extra,
      ["connection_id", c.connectionId]);
  }

  /** ICS4Wrapper.SendPacket: returns the sequence. */
  sendPacket(ctx: Ctx, port: string, channelId: string, timeoutHeight: Height | undefined, timeoutTimestamp: bigint, data: Uint8Array): bigint {
    const c = this.getChannel(ctx.store, port, channelId);
    if (!c) throw ChannelErrors.channelNotFound.wrap(channelId);
    if (c.state !== "OPEN") throw ChannelErrors.invalidChannelState.wrap(`channel is not OPEN (got ${STATE_NAMES[c.state]})`);
    const sequence = this.nextSequenceSend(ctx.store, port, channelId);
    const packet: Packet = {
      sequence, sourcePort: port, sourceChannel: channelId, destPort: c.counterpartyPort, destChannel: c.counterpartyChannel, data,
      timeoutHeight: blockToHeight(timeoutHeight), timeoutTimestamp,
    };
    if (isZeroHeight(packet.timeoutHeight) && timeoutTimestamp === 0n) {
      throw ChannelErrors.invalidPacket.wrap("packet timeout height and packet timeout timestamp cannot both be 0").wrap("constructed packet failed basic validation");
    }
    if (data.length === 0) throw ChannelErrors.invalidPacket.wrap("packet data bytes cannot be empty").wrap("constructed packet failed basic validation");
    // the counterparty's latest height and time as the (always up-to-date) light client knows them
    const cp = this.connection(c.connectionId).counterpartyChain;
    const h = selfHeight(cp);
    if (timeoutElapsed(packet, h, cp.timeNs)) throw timeoutElapsedError(packet, h, cp.timeNs).wrap("invalid packet timeout");
    ctx.store.set(SEQ_SEND + pc(port, channelId), utf8((sequence + 1n).toString()));
    writeJson(ctx.store, COMMIT + pc(port, channelId) + "\x00" + seqKey(sequence), packetToRaw(packet));
    ctx.emit(this.packetEvent("send_packet", packet, c));
    return sequence;
  }

  /** WriteAcknowledgement (ack bytes as the app serialised them). */
  writeAcknowledgement(ctx: Ctx, packet: Packet, ack: Uint8Array): void {
    const c = this.getChannel(ctx.store, packet.destPort, packet.destChannel);
    if (!c) throw ChannelErrors.channelNotFound.wrap(packet.destChannel);
    if (c.state !== "OPEN") throw ChannelErrors.invalidChannelState.wrap(`expected one of [STATE_OPEN, STATE_FLUSHING, STATE_FLUSHCOMPLETE], got ${STATE_NAMES[c.state]}`);
    const key = ACK + pc(packet.destPort, packet.destChannel) + "\x00" + seqKey(packet.sequence);
    if (ctx.store.get(key) !== undefined) throw ChannelErrors.acknowledgementExists.err();
    if (ack.length === 0) throw ChannelErrors.invalidAcknowledgement.wrap("acknowledgement cannot be empty");
    writeJson(ctx.store, key, { packet: packetToRaw(packet), ack: toBase64(ack) });
    ctx.emit(this.packetEvent("write_acknowledgement", packet, c, [["packet_ack_hex", Buffer.from(ack).toString("hex")]]));
  }

  /**
   * MsgRecvPacket on this (the destination) chain. Returns the ack written (null: async or failed callback never
   * happens here — a thrown HostError fails the tx), or `noop` for a redundant relay.
   */
  recvPacket(ctx: Ctx, packet: Packet, relayer: string): { noop: true } | { noop: false; ack: Acknowledgement | null } {
    const verify = (e: HostError) => e.wrap("receive packet verification failed");
    const c = this.getChannel(ctx.store, packet.destPort, packet.destChannel);
    if (!c) throw ChannelErrors.capabilityNotFound.wrap(`could not retrieve module from port-id: port ID (${packet.destPort}) channel ID (${packet.destChannel})`);
    const app = this.appFor(ctx, packet.destPort);
    if (c.state !== "OPEN") {
      throw verify(ChannelErrors.invalidChannelState.wrap(`expected channel state to be one of [STATE_OPEN, STATE_FLUSHING, STATE_FLUSHCOMPLETE], but got ${STATE_NAMES[c.state]}`));
    }
    if (packet.sourcePort !== c.counterpartyPort) {
      throw verify(ChannelErrors.invalidPacket.wrap(`packet source port doesn't match the counterparty's port (${packet.sourcePort} ≠ ${c.counterpartyPort})`));
    }
    if (packet.sourceChannel !== c.counterpartyChannel) {
      throw verify(ChannelErrors.invalidPacket.wrap(`packet source channel doesn't match the counterparty's channel (${packet.sourceChannel} ≠ ${c.counterpartyChannel})`));
    }
    const self = selfHeight(ctx.chain);
    if (timeoutElapsed(packet, self, ctx.chain.timeNs)) throw verify(timeoutElapsedError(packet, self, ctx.chain.timeNs).wrap("packet timeout elapsed"));
    // the commitment proof: the packet must have been sent as given
    const src = this.connection(c.connectionId).counterpartyChain;
    const sent = src.ibc.getCommitment(src.state, packet.sourcePort, packet.sourceChannel, packet.sequence);
    if (c.ordering === "ORDER_ORDERED") {
      const next = this.nextSequenceRecv(ctx.store, packet.destPort, packet.destChannel);
      if (packet.sequence < next) return { noop: true };
      if (packet.sequence !== next) {
        throw verify(ChannelErrors.packetSequenceOutOfOrder.wrap(`packet sequence ≠ next receive sequence (${packet.sequence} ≠ ${next})`));
      }
      if (!sent || !samePacket(sent, packet)) throw verify(ChannelErrors.invalidPacket.wrap("couldn't verify counterparty packet commitment"));
      ctx.store.set(SEQ_RECV + pc(packet.destPort, packet.destChannel), utf8((next + 1n).toString()));
    } else {
      if (this.hasReceipt(ctx.store, packet.destPort, packet.destChannel, packet.sequence)) return { noop: true };
      if (!sent || !samePacket(sent, packet)) throw verify(ChannelErrors.invalidPacket.wrap("couldn't verify counterparty packet commitment"));
      ctx.store.set(RECEIPT + pc(packet.destPort, packet.destChannel) + "\x00" + seqKey(packet.sequence), utf8("\x01"));
    }
    ctx.emit(this.packetEvent("recv_packet", packet, c));
    // the callback runs in a branch, kept only for a successful (or async) ack
    const branch = ctx.store.branch();
    const cbEvents: Event[] = [];
    const ack = app.onRecvPacket(ctx.with({ store: branch, events: cbEvents }), packet, relayer);
    if (ack === null || ack.success) {
      branch.commit();
      ctx.emit(...cbEvents);
    } else {
      ctx.emit(...errorEvents(cbEvents));
    }
    if (ack !== null) this.writeAcknowledgement(ctx, packet, ack.bytes);
    return { noop: false, ack };
  }

  /** MsgAcknowledgement on this (the source) chain. */
  acknowledgePacket(ctx: Ctx, packet: Packet, ack: Uint8Array, relayer: string): { noop: boolean } {
    const verify = (e: HostError) => e.wrap("acknowledge packet verification failed");
    const { app, channel: c } = this.channelApp(ctx, packet.sourcePort, packet.sourceChannel);
    if (c.state !== "OPEN") throw verify(ChannelErrors.invalidChannelState.wrap(`packets cannot be acknowledged on channel with state (${STATE_NAMES[c.state]})`));
    if (packet.destPort !== c.counterpartyPort || packet.destChannel !== c.counterpartyChannel) {
      throw verify(ChannelErrors.invalidPacket.wrap(`packet destination doesn't match the counterparty (${packet.destPort}/${packet.destChannel} ≠ ${c.counterpartyPort}/${c.counterpartyChannel})`));
    }
    const commitment = this.getCommitment(ctx.store, packet.sourcePort, packet.sourceChannel, packet.sequence);
    if (!commitment) return { noop: true };
    if (!samePacket(commitment, packet)) throw verify(ChannelErrors.invalidPacket.wrap("commitment bytes are not equal"));
    // the ack proof: the destination must have written exactly this ack
    const dst = this.connection(c.connectionId).counterpartyChain;
    const written = dst.ibc.getAcknowledgement(dst.state, packet.destPort, packet.destChannel, packet.sequence);
    if (!written || Buffer.compare(Buffer.from(written.ack), Buffer.from(ack)) !== 0) {
      throw verify(ChannelErrors.invalidAcknowledgement.wrap("failed packet acknowledgement verification"));
    }
    if (c.ordering === "ORDER_ORDERED") {
      const next = this.nextSequenceAck(ctx.store, packet.sourcePort, packet.sourceChannel);
      if (packet.sequence !== next) throw verify(ChannelErrors.packetSequenceOutOfOrder.wrap(`packet sequence ≠ next ack sequence (${packet.sequence} ≠ ${next})`));
      ctx.store.set(SEQ_ACK + pc(packet.sourcePort, packet.sourceChannel), utf8((next + 1n).toString()));
    }
    ctx.store.delete(COMMIT + pc(packet.sourcePort, packet.sourceChannel) + "\x00" + seqKey(packet.sequence));
    ctx.emit(this.packetEvent("acknowledge_packet", packet, c));
    try {
      app.onAcknowledgementPacket(ctx, packet, ack, relayer);
    } catch (e) {
      throw e instanceof HostError ? e.wrap("acknowledge packet callback failed") : e;
    }
    return { noop: false };
  }

  /**
   * MsgTimeout / MsgTimeoutOnClose on this (the source) chain, checked against the destination's current state.
   */
  timeoutPacket(ctx: Ctx, packet: Packet, relayer: string): { noop: boolean } {
    const verify = (e: HostError) => e.wrap("timeout packet verification failed");
    const { app, channel: c } = this.channelApp(ctx, packet.sourcePort, packet.sourceChannel);
    if (packet.destPort !== c.counterpartyPort || packet.destChannel !== c.counterpartyChannel) {
      throw verify(ChannelErrors.invalidPacket.wrap(`packet destination doesn't match the counterparty (${packet.destPort}/${packet.destChannel} ≠ ${c.counterpartyPort}/${c.counterpartyChannel})`));
    }
    const conn = this.connection(c.connectionId);
    const dst = conn.counterpartyChain;
    const dstChannel = dst.ibc.getChannel(dst.state, packet.destPort, packet.destChannel);
    const onClose = dstChannel?.state === "CLOSED";
    const h = selfHeight(dst);
    if (!onClose && !timeoutElapsed(packet, h, dst.timeNs)) throw verify(timeoutNotReachedError(packet, h, dst.timeNs).wrap("packet timeout not reached"));
    const commitment = this.getCommitment(ctx.store, packet.sourcePort, packet.sourceChannel, packet.sequence);
    if (!commitment) return { noop: true };
    if (!samePacket(commitment, packet)) throw verify(ChannelErrors.invalidPacket.wrap("packet commitment bytes are not equal"));
    if (c.ordering === "ORDER_ORDERED") {
      const next = dst.ibc.nextSequenceRecv(dst.state, packet.destPort, packet.destChannel);
      if (next > packet.sequence) throw verify(ChannelErrors.packetReceived.wrap(`packet already received, next sequence receive > packet sequence (${next} > ${packet.sequence})`));
    } else if (dst.ibc.hasReceipt(dst.state, packet.destPort, packet.destChannel, packet.sequence)) {
      throw verify(new HostError(`failed packet receipt absence verification for client (${conn.clientId}): the packet was received`, "commitment", 1));
    }
    ctx.store.delete(COMMIT + pc(packet.sourcePort, packet.sourceChannel) + "\x00" + seqKey(packet.sequence));
    if (c.ordering === "ORDER_ORDERED") {
      this.setChannel(ctx.store, packet.sourcePort, packet.sourceChannel, { ...c, state: "CLOSED" });
      ctx.emit(ev("channel_closed", ["port_id", packet.sourcePort], ["channel_id", packet.sourceChannel]));
    }
    ctx.emit(this.packetEvent("timeout_packet", packet, c));
    try {
      app.onTimeoutPacket(ctx, packet, relayer);
    } catch (e) {
      throw e instanceof HostError ? e.wrap(onClose ? "timeout on close callback failed" : "timeout packet callback failed") : e;
    }
    return { noop: false };
  }

  // -- HostModule: IbcMsg ---------------------------------------------------------------------------------------------

  decodeMsg(value: JsonValue, path: string): IbcMsg {
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

  handleMsg(ctx: Ctx, sender: string, msg: IbcMsg): DispatchResult {
    const contractPort = () => ctx.chain.wasm.contractInfo(ctx, sender)?.ibcPort ?? "";
    if ("send_packet" in msg) {
      const port = contractPort();
      if (port === "") throw unsupportedForContract.wrap("ibc not supported");
      const m = msg.send_packet;
      if (m.channel_id === "") throw Errors.empty.wrap("ibc channel");
      if (!this.getChannel(ctx.store, port, m.channel_id)) throw ChannelErrors.capabilityNotFound.wrap("module does not own channel capability");
      let seq: bigint;
      try {
        seq = this.sendPacket(ctx, port, m.channel_id, m.timeout.block, m.timeout.timestamp, m.data);
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
      if (!this.getChannel(ctx.store, port, m.channel_id)) throw ChannelErrors.capabilityNotFound.wrap("module does not own channel capability");
      const key = ASYNC + pc(port, m.channel_id) + "\x00" + seqKey(m.packet_sequence);
      const raw = readJson<RawPacket>(ctx.store, key);
      if (!raw) throw Errors.invalid.wrap("packet");
      try {
        this.writeAcknowledgement(ctx, packetFromRaw(raw), m.ack);
      } catch (e) {
        throw e instanceof HostError ? e.wrap("acknowledgement") : e;
      }
      ctx.store.delete(key);
      return response("/cosmwasm.wasm.v1.MsgIBCWriteAcknowledgementResponse", new Uint8Array(0));
    }
    if ("close_channel" in msg) {
      // EncodeIBCMsg: MsgChannelCloseInit{PortId: "wasm." + sender}, routed through ibc-go's msg server
      this.chanCloseInit(ctx, `wasm.${sender}`, msg.close_channel.channel_id);
      return response("/ibc.core.channel.v1.MsgChannelCloseInitResponse", new Uint8Array(0));
    }
    if ("transfer" in msg) {
      if (!this.transfer) throw Errors.unknownMsg.wrap("unsupported message: ibc transfer");
      const m = msg.transfer;
      let coin: NormCoin;
      try {
        coin = parseWasmCoin(m.amount);
      } catch (e) {
        throw e instanceof HostError ? e.wrap("amount") : e;
      }
      const seq = this.transfer.msgTransfer(ctx, {
        sourcePort: "transfer", sourceChannel: m.channel_id, token: coin, sender, receiver: m.to_address,
        timeoutHeight: m.timeout.block, timeoutTimestamp: m.timeout.timestamp, memo: m.memo,
      });
      return response("/ibc.applications.transfer.v1.MsgTransferResponse", protoMessage([[1, "varint", seq]]));
    }
    if ("unsupported" in msg) throw Errors.unknownMsg.wrap(`unsupported message: ibc ${msg.unsupported} (no ibc-fee middleware in the host)`);
    throw Errors.unknownMsg.wrap("unknown variant of IBC");
  }

  // -- HostModule: IbcQuery ---------------------------------------------------------------------------------------------

  handleQuery(ctx: Ctx, caller: string, value: JsonValue): Uint8Array {
    const o = decObject(value, "QueryRequest.ibc", "types.IBCQuery");
    const callerPort = () => ctx.chain.wasm.contractInfo(ctx, caller)?.ibcPort ?? "";
    const chJson = (port: string, id: string, c: ChannelEnd) => channelJson(port, id, c);
    if (isObject(o.port_id)) return utf8(`{"port_id":${goString(callerPort())}}`);
    if (isObject(o.list_channels)) {
      let port = decString(o.list_channels.port_id, "IBCQuery.list_channels.port_id");
      if (port === "") port = callerPort();
      const list = port === "" ? [] : this.channels(ctx.store).filter(([p, , c]) => p.startsWith(port) && c.state === "OPEN");
      return utf8(`{"channels":[${list.map(([p, id, c]) => chJson(p, id, c)).join(",")}]}`);
    }
    if (isObject(o.channel)) {
      const id = decString(o.channel.channel_id, "IBCQuery.channel.channel_id");
      let port = decString(o.channel.port_id, "IBCQuery.channel.port_id");
      if (port === "") port = callerPort();
      const c = this.getChannel(ctx.store, port, id);
      return utf8(c && c.state === "OPEN" ? `{"channel":${chJson(port, id, c)}}` : "{}");
    }
    throw new HostError("unknown IBCQuery variant", "wasm", 0, false, false, { unsupported_request: { kind: "unknown IBCQuery variant" } });
  }
}

// -- linking chains in-process ---------------------------------------------------------------------------------------

/** Two chains joined by a connection (light clients assumed always up to date). */
export class Link {
  constructor(
    readonly a: Chain,
    readonly b: Chain,
    readonly connectionA: string,
    readonly connectionB: string,
    readonly clientA: string,
    readonly clientB: string,
  ) {}

  /** The other end of the link. */
  other(chain: Chain): Chain {
    if (chain === this.a) return this.b;
    if (chain === this.b) return this.a;
    throw new Error(`chain ${chain.chainId} is not part of this link`);
  }

  /** This link's connection id on `chain`. */
  connectionOf(chain: Chain): string {
    if (chain === this.a) return this.connectionA;
    if (chain === this.b) return this.connectionB;
    throw new Error(`chain ${chain.chainId} is not part of this link`);
  }
}

/** Creates light clients and an open connection pair between two chains (ids "connection-N", "07-tendermint-N"). */
export function connectChains(a: Chain, b: Chain): Link {
  if (a === b) throw new Error("connectChains: a chain cannot connect to itself");
  const idsA = a.ibc.reserveIds();
  const idsB = b.ibc.reserveIds();
  a.ibc.addConnection(b, idsB.id, idsB.clientId, idsA);
  b.ibc.addConnection(a, idsA.id, idsA.clientId, idsB);
  return new Link(a, b, idsA.id, idsB.id, idsA.clientId, idsB.clientId);
}

export type OrderInput = Order | "unordered" | "ordered";

function toOrder(o: OrderInput): Order {
  if (o === "unordered" || o === "ORDER_UNORDERED") return "ORDER_UNORDERED";
  if (o === "ordered" || o === "ORDER_ORDERED") return "ORDER_ORDERED";
  throw new Error(`unknown channel order ${String(o)}`);
}

export interface ChannelPair {
  portA: string;
  portB: string;
  channelA: string;
  channelB: string;
  /** The negotiated version (both ends). */
  version: string;
  order: Order;
}

export type HandshakeStep = "open_init" | "open_try" | "open_ack" | "open_confirm";

/** A failed handshake step: the tx failure as the chain reports it; earlier steps stay committed (as on chain). */
export class HandshakeError extends Error {
  constructor(
    readonly step: HandshakeStep,
    readonly chainId: string,
    readonly failure: { error: string; codespace: string; code: number; vmError: boolean },
    /** Channel ids created before the failure. */
    readonly partial: { channelA?: string; channelB?: string },
  ) {
    super(`channel handshake failed at ${step} on ${chainId}: ${failure.error}`);
    this.name = "HandshakeError";
  }
}

/**
 * The 4-step channel handshake started on A (relayer txs: ChanOpenInit on A, ChanOpenTry on B, ChanOpenAck on A,
 * ChanOpenConfirm on B), each step calling the port's app (a contract's ibc_channel_open / ibc_channel_connect).
 * Throws HandshakeError if a step fails.
 */
export function openChannel(link: Link, portA: string, portB: string, version: string, order: OrderInput = "unordered"): ChannelPair {
  const { a, b } = link;
  const ord = toOrder(order);
  const fail = (step: HandshakeStep, chain: Chain, r: { ok: false; error: string; codespace: string; code: number; vmError: boolean }, partial: { channelA?: string; channelB?: string }): never => {
    throw new HandshakeError(step, chain.chainId, r, partial);
  };
  let init: { channelId: string; version: string } | undefined;
  const r1 = a.runTransaction((ctx) => {
    init = a.ibc.chanOpenInit(ctx, portA, ord, link.connectionA, portB, version);
    return undefined;
  });
  if (!r1.ok) fail("open_init", a, r1, {});
  const channelA = init!.channelId;
  let tryRes: { channelId: string; version: string } | undefined;
  const r2 = b.runTransaction((ctx) => {
    tryRes = b.ibc.chanOpenTry(ctx, portB, ord, link.connectionB, portA, channelA, init!.version);
    return undefined;
  });
  if (!r2.ok) fail("open_try", b, r2, { channelA });
  const channelB = tryRes!.channelId;
  const r3 = a.runTransaction((ctx) => {
    a.ibc.chanOpenAck(ctx, portA, channelA, channelB, tryRes!.version);
    return undefined;
  });
  if (!r3.ok) fail("open_ack", a, r3, { channelA, channelB });
  const r4 = b.runTransaction((ctx) => {
    b.ibc.chanOpenConfirm(ctx, portB, channelB);
    return undefined;
  });
  if (!r4.ok) fail("open_confirm", b, r4, { channelA, channelB });
  return { portA, portB, channelA, channelB, version: tryRes!.version, order: ord };
}
