/**
 * Opening channels over a Link (4-step handshake: ChanOpenInit on the initiating side, Try,
 * Ack, Confirm; each step also updates the counterparty's light client), and finishing a close.
 *
 *   openTransferChannel(link)                         ICS-20: port "transfer" both sides, "ics20-1", unordered
 *   openChannel(link, portA, portB, version, order)   e.g. contract ports "wasm.<contract address>"
 *   confirmChannelClose(link, side, port, channel)    MsgChannelCloseConfirm once the other end is CLOSED
 *   channelState(link, side, port, channel)           "OPEN", "CLOSED", … (ibc-go's channel query)
 */
import { Link, Side, prepareChannelHandshake } from "./lib";
import { Order, State, stateToJSON } from "cosmjs-types/ibc/core/channel/v1/channel";
import { MsgChannelCloseConfirm } from "cosmjs-types/ibc/core/channel/v1/tx";
import { relayLog } from "./log";

export const TRANSFER_PORT = "transfer";
export const ICS20_VERSION = "ics20-1";

export type ChannelOrder = "ordered" | "unordered";

export interface ChannelIds {
  portA: string;
  portB: string;
  /** Channel id on chain A (e.g. "channel-0"). */
  channelA: string;
  /** Channel id on chain B. */
  channelB: string;
  /** Version agreed in the handshake (what ChanOpenInit proposed). */
  version: string;
  order: ChannelOrder;
}

export interface OpenChannelOptions {
  /** Which side sends ChanOpenInit (default "A"). Matters for contracts that only accept one role. */
  initiator?: "A" | "B";
}

function toOrder(order: Order | ChannelOrder): Order {
  if (order === "ordered" || order === Order.ORDER_ORDERED) return Order.ORDER_ORDERED;
  if (order === "unordered" || order === Order.ORDER_UNORDERED) return Order.ORDER_UNORDERED;
  throw new Error(`unsupported channel order ${String(order)}`);
}

/** "wasm.<address>": the IBC port of a contract that implements the IBC entry points. */
export function wasmPort(contractAddress: string): string {
  return `wasm.${contractAddress}`;
}

/**
 * Open a channel between portA on chain A and portB on chain B. Returns both channel ids.
 * Contract ports must belong to contracts that exist and export ibc_channel_open/connect.
 */
export async function openChannel(
  link: Link,
  portA: string,
  portB: string,
  version: string,
  order: Order | ChannelOrder = "unordered",
  opts: OpenChannelOptions = {},
): Promise<ChannelIds> {
  const ord = toOrder(order);
  const initiator = opts.initiator ?? "A";
  const t0 = Date.now();
  const pair =
    initiator === "A"
      ? await link.createChannel("A", portA, portB, ord, version)
      : await link.createChannel("B", portB, portA, ord, version);
  const [a, b] = initiator === "A" ? [pair.src, pair.dest] : [pair.dest, pair.src];
  const ids: ChannelIds = {
    portA: a.portId,
    portB: b.portId,
    channelA: a.channelId,
    channelB: b.channelId,
    version,
    order: ord === Order.ORDER_ORDERED ? "ordered" : "unordered",
  };
  relayLog(
    `${link.endA.chainId()}<->${link.endB.chainId()}: channel ${ids.portA}/${ids.channelA} <-> ${ids.portB}/${ids.channelB} ` +
      `(${version}, ${ids.order}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
  );
  return ids;
}

/** ICS-20 token-transfer channel (port "transfer" on both sides, version "ics20-1", unordered). */
export function openTransferChannel(link: Link, opts: OpenChannelOptions = {}): Promise<ChannelIds> {
  return openChannel(link, TRANSFER_PORT, TRANSFER_PORT, ICS20_VERSION, "unordered", opts);
}

/** True when the channel is OPEN on both ends and they point at each other over this link's connection. */
export async function channelIsOpen(link: Link, ids: Pick<ChannelIds, "portA" | "portB" | "channelA" | "channelB">): Promise<boolean> {
  try {
    const [{ channel: a }, { channel: b }] = await Promise.all([
      link.endA.client.query.ibc.channel.channel(ids.portA, ids.channelA),
      link.endB.client.query.ibc.channel.channel(ids.portB, ids.channelB),
    ]);
    return (
      !!a &&
      !!b &&
      a.state === State.STATE_OPEN &&
      b.state === State.STATE_OPEN &&
      a.counterparty?.channelId === ids.channelB &&
      b.counterparty?.channelId === ids.channelA &&
      a.connectionHops[0] === link.endA.connectionID &&
      b.connectionHops[0] === link.endB.connectionID
    );
  } catch {
    return false; // not found
  }
}

/** ibc-go's state of a channel end without the "STATE_" prefix ("OPEN", "CLOSED", "INIT", …), or "NOT_FOUND". */
export async function channelState(link: Link, side: Side, portId: string, channelId: string): Promise<string> {
  const end = side === "A" ? link.endA : link.endB;
  try {
    const { channel } = await end.client.query.ibc.channel.channel(portId, channelId);
    return channel ? stateToJSON(channel.state).replace(/^STATE_/, "") : "NOT_FOUND";
  } catch (e) {
    if (/not found/i.test((e as Error).message)) return "NOT_FOUND";
    throw e;
  }
}

export interface CloseConfirmResult {
  height: number;
  transactionHash: string;
}

/**
 * The relayer's half of a channel close: after MsgChannelCloseInit on one end (e.g. a contract's own
 * IbcMsg::CloseChannel), deliver MsgChannelCloseConfirm to the other end (`side`, with its port and
 * channel), proving that the counterparty end is CLOSED. ibc-go then calls the app's OnChanCloseConfirm
 * (a contract's ibc_channel_close with close_confirm). @confio/relayer 0.12 has no close step of its own.
 */
export async function confirmChannelClose(link: Link, side: Side, portId: string, channelId: string): Promise<CloseConfirmResult> {
  const [end, other] = side === "A" ? [link.endA, link.endB] : [link.endB, link.endA];
  const { channel } = await end.client.query.ibc.channel.channel(portId, channelId);
  const counterparty = channel?.counterparty;
  if (!channel || !counterparty) throw new Error(`${end.chainId()}: channel ${portId}/${channelId} not found`);
  if (channel.state !== State.STATE_OPEN) {
    throw new Error(`${end.chainId()}: channel ${portId}/${channelId} is ${stateToJSON(channel.state)}, not OPEN: nothing to confirm`);
  }
  const theirs = await channelState(link, side === "A" ? "B" : "A", counterparty.portId, counterparty.channelId);
  if (theirs !== "CLOSED") {
    throw new Error(`${other.chainId()}: counterparty ${counterparty.portId}/${counterparty.channelId} is ${theirs}, not CLOSED`);
  }
  // Proof of the counterparty's CLOSED end, at a height the client on this side has just been updated to.
  const proof = await prepareChannelHandshake(other.client, end.client, end.clientID, counterparty.portId, counterparty.channelId);
  const t0 = Date.now();
  const res = await end.client.sendMultiMsg([{
    typeUrl: "/ibc.core.channel.v1.MsgChannelCloseConfirm",
    value: MsgChannelCloseConfirm.fromPartial({
      portId, channelId, proofInit: proof.proof, proofHeight: proof.proofHeight, signer: end.client.senderAddress,
    }),
  }]);
  relayLog(`${end.chainId()}: channel ${portId}/${channelId} close confirmed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return { height: res.height, transactionHash: res.transactionHash };
}
