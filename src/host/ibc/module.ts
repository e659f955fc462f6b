// The IBC module of one chain: its connections, port routing (the "transfer" app or a contract's wasm port), and
// the HostModule face (IbcMsg, IbcQuery). The work itself is done by handshake.ts, packets.ts, contract-msgs.ts
// over the state of store.ts; the methods here keep one object per chain for the relayer and tests.
import type { Ctx, DispatchResult, HostModule } from "../context";
import type { JsonValue } from "../json";
import type { KVStore } from "../storage";
import type { WasmModule } from "../wasm-module";
import { IbcMsg, decodeIbcMsg, handleIbcMsg, handleIbcQuery } from "./contract-msgs";
import * as handshake from "./handshake";
import * as packets from "./packets";
import * as store from "./store";
import {
  Acknowledgement, ChannelEnd, ChannelErrors, ConnectionEnd, CounterpartyChain, Height, IbcApp, IbcRouter, Order, Packet,
  TransferHandler, connectionNotFound, portNotFound,
} from "./types";
import { WasmIbcApp } from "./wasm-app";

export class IbcModule implements HostModule, IbcRouter {
  readonly name = "ibc";
  readonly connections = new Map<string, ConnectionEnd>();
  private nextClient = 0;
  /** The ICS-20 app bound to the "transfer" port. */
  transfer?: TransferHandler;

  constructor(private readonly wasm: WasmModule) {}

  // -- connections (in-process: created open, no handshake) ---------------------------------------------------------

  /** Adds a connection end towards `counterparty` (see `connectChains`). */
  addConnection(counterpartyChain: CounterpartyChain, counterpartyConnectionId: string, counterpartyClientId: string, own: { id: string; clientId: string }): ConnectionEnd {
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

  // -- routing --------------------------------------------------------------------------------------------------------

  /** The app bound to a port (LookupModuleByPort): "transfer", or a contract's "wasm.<address>" port. */
  appFor(ctx: Ctx, port: string): IbcApp {
    if (port === "transfer" && this.transfer) return this.transfer;
    if (port.startsWith("wasm.")) {
      const info = this.wasm.contractInfo(ctx, port.slice(5));
      if (info && info.ibcPort === port) return new WasmIbcApp(info.address, this.wasm);
    }
    throw portNotFound.wrap(`could not retrieve module from port-id: port ID (${port})`);
  }

  /** LookupModuleByChannel: the channel must exist and belong to the port's module. */
  channelApp(ctx: Ctx, port: string, channelId: string): { app: IbcApp; channel: ChannelEnd } {
    const channel = store.getChannel(ctx.store, port, channelId);
    if (!channel) {
      throw ChannelErrors.capabilityNotFound.wrap(`could not retrieve module from port-id: port ID (${port}) channel ID (${channelId})`);
    }
    return { app: this.appFor(ctx, port), channel };
  }

  // -- state (views for the relayer and tests) -------------------------------------------------------------------------

  getChannel(s: KVStore, port: string, channelId: string): ChannelEnd | undefined { return store.getChannel(s, port, channelId); }
  /** All channels as [port, channelId, end], in store order. */
  channels(s: KVStore): [string, string, ChannelEnd][] { return store.channels(s); }
  nextSequenceSend(s: KVStore, port: string, channelId: string): bigint { return store.nextSequenceSend(s, port, channelId); }
  nextSequenceRecv(s: KVStore, port: string, channelId: string): bigint { return store.nextSequenceRecv(s, port, channelId); }
  nextSequenceAck(s: KVStore, port: string, channelId: string): bigint { return store.nextSequenceAck(s, port, channelId); }
  /** Packets sent and not yet acknowledged or timed out (commitments), in store order. */
  commitments(s: KVStore, port?: string, channelId?: string): Packet[] { return store.commitments(s, port, channelId); }
  getCommitment(s: KVStore, port: string, channelId: string, seq: bigint): Packet | undefined { return store.getCommitment(s, port, channelId, seq); }
  hasReceipt(s: KVStore, port: string, channelId: string, seq: bigint): boolean { return store.hasReceipt(s, port, channelId, seq); }
  /** Whether the destination has processed the packet (receipt, or next receive sequence past it if ORDERED). */
  wasReceived(s: KVStore, p: Packet): boolean { return store.wasReceived(s, p); }
  /** The acknowledgement written for a received packet (on the destination). */
  getAcknowledgement(s: KVStore, port: string, channelId: string, seq: bigint): { packet: Packet; ack: Uint8Array } | undefined {
    return store.getAcknowledgement(s, port, channelId, seq);
  }
  /** All written acknowledgements, in store order. */
  acknowledgements(s: KVStore): { packet: Packet; ack: Uint8Array }[] { return store.acknowledgements(s); }
  /** wasmd StoreAsyncAckPacket. */
  storeAsyncAckPacket(s: KVStore, p: Packet): void { store.storeAsyncAckPacket(s, p); }

  // -- channel handshake (each a tx on its chain) -------------------------------------------------------------------

  chanOpenInit(ctx: Ctx, port: string, order: Order, connectionId: string, counterpartyPort: string, version: string): { channelId: string; version: string } {
    return handshake.chanOpenInit(this, ctx, port, order, connectionId, counterpartyPort, version);
  }

  chanOpenTry(
    ctx: Ctx, port: string, order: Order, connectionId: string, counterpartyPort: string, counterpartyChannel: string, counterpartyVersion: string,
  ): { channelId: string; version: string } {
    return handshake.chanOpenTry(this, ctx, port, order, connectionId, counterpartyPort, counterpartyChannel, counterpartyVersion);
  }

  chanOpenAck(ctx: Ctx, port: string, channelId: string, counterpartyChannel: string, counterpartyVersion: string): void {
    handshake.chanOpenAck(this, ctx, port, channelId, counterpartyChannel, counterpartyVersion);
  }

  chanOpenConfirm(ctx: Ctx, port: string, channelId: string): void {
    handshake.chanOpenConfirm(this, ctx, port, channelId);
  }

  /** MsgChannelCloseInit: app callback first, then the state change. */
  chanCloseInit(ctx: Ctx, port: string, channelId: string): void {
    handshake.chanCloseInit(this, ctx, port, channelId);
  }

  /** MsgChannelCloseConfirm (the counterparty is CLOSED): app callback first, then the state change. */
  chanCloseConfirm(ctx: Ctx, port: string, channelId: string): void {
    handshake.chanCloseConfirm(this, ctx, port, channelId);
  }

  // -- packets --------------------------------------------------------------------------------------------------------

  /** ICS4Wrapper.SendPacket: returns the sequence. */
  sendPacket(ctx: Ctx, port: string, channelId: string, timeoutHeight: Height | undefined, timeoutTimestamp: bigint, data: Uint8Array): bigint {
    return packets.sendPacket(this, ctx, port, channelId, timeoutHeight, timeoutTimestamp, data);
  }

  /** WriteAcknowledgement (ack bytes as the app serialised them). */
  writeAcknowledgement(ctx: Ctx, packet: Packet, ack: Uint8Array): void {
    packets.writeAcknowledgement(ctx, packet, ack);
  }

  /** MsgRecvPacket on this (the destination) chain; `noop` for a redundant relay. */
  recvPacket(ctx: Ctx, packet: Packet, relayer: string): { noop: true } | { noop: false; ack: Acknowledgement | null } {
    return packets.recvPacket(this, ctx, packet, relayer);
  }

  /** MsgAcknowledgement on this (the source) chain. */
  acknowledgePacket(ctx: Ctx, packet: Packet, ack: Uint8Array, relayer: string): { noop: boolean } {
    return packets.acknowledgePacket(this, ctx, packet, ack, relayer);
  }

  /** MsgTimeout / MsgTimeoutOnClose on this (the source) chain, checked against the destination's current state. */
  timeoutPacket(ctx: Ctx, packet: Packet, relayer: string): { noop: boolean } {
    return packets.timeoutPacket(this, ctx, packet, relayer);
  }

  // -- HostModule -------------------------------------------------------------------------------------------------------

  decodeMsg(value: JsonValue, path: string): IbcMsg {
    return decodeIbcMsg(value, path);
  }

  handleMsg(ctx: Ctx, sender: string, msg: IbcMsg): DispatchResult {
    return handleIbcMsg({ router: this, wasm: this.wasm, transfer: this.transfer }, ctx, sender, msg);
  }

  handleQuery(ctx: Ctx, caller: string, value: JsonValue): Uint8Array {
    return handleIbcQuery(this.wasm, ctx, caller, value);
  }
}
