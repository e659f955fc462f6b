// IBC types shared by the core, the apps and the relayer: channel ends, packets, heights, the app callback
// interface, connections, and the error roots of ibc-go (codespaces "channel", "ibc", "port", "connection").

import type { Ctx } from "../context";
import type { KVStore } from "../storage";
import { RootError } from "../types";

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

/** What the core reads of the counterparty chain in place of light-client proofs: its committed state and clock. */
export interface CounterpartyChain {
  readonly chainId: string;
  readonly height: number;
  readonly timeNs: bigint;
  readonly state: KVStore;
}

export interface ConnectionEnd {
  id: string;
  clientId: string;
  counterpartyChain: CounterpartyChain;
  counterpartyConnectionId: string;
  counterpartyClientId: string;
}

/** What the handshake, packet and message handlers need from the IBC module: connections and port routing. */
export interface IbcRouter {
  connection(id: string): ConnectionEnd;
  /** The app bound to a port (LookupModuleByPort). */
  appFor(ctx: Ctx, port: string): IbcApp;
  /** LookupModuleByChannel: the channel must exist and belong to the port's module. */
  channelApp(ctx: Ctx, port: string, channelId: string): { app: IbcApp; channel: ChannelEnd };
}

/** An ICS-20 MsgTransfer as the IBC module hands it to the transfer app. */
export interface TransferRequest {
  sourcePort: string;
  sourceChannel: string;
  token: { denom: string; amount: bigint };
  sender: string;
  receiver: string;
  timeoutHeight?: Height;
  timeoutTimestamp: bigint;
  memo: string;
}

/** ICS4Wrapper.SendPacket, what an app needs of the core to send (returns the sequence). */
export interface PacketSender {
  sendPacket(ctx: Ctx, port: string, channelId: string, timeoutHeight: Height | undefined, timeoutTimestamp: bigint, data: Uint8Array): bigint;
}

/** The ICS-20 app on port "transfer", as the IBC module sees it (the module does not depend on its implementation). */
export interface TransferHandler extends IbcApp {
  msgTransfer(ctx: Ctx, m: TransferRequest): bigint;
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
export const unsupportedForContract = new RootError("wasm", 17, "unsupported for this contract");
export const portNotFound = new RootError("port", 3, "port is not bound");
export const connectionNotFound = new RootError("connection", 3, "connection not found");

export const STATE_NAMES: Record<ChannelState, string> = { INIT: "STATE_INIT", TRYOPEN: "STATE_TRYOPEN", OPEN: "STATE_OPEN", CLOSED: "STATE_CLOSED" };

/** Packet identity used by the relayer: "<src chain>/<src port>/<src channel>/<sequence>". */
export function packetId(srcChainId: string, p: Packet): string {
  return `${srcChainId}/${p.sourcePort}/${p.sourceChannel}/${p.sequence}`;
}
