/**
 * Opening channels over a Link (4-step handshake: ChanOpenInit on the initiating side, Try,
 * Ack, Confirm; each step also updates the counterparty's light client).
 *
 *   openTransferChannel(link)                         ICS-20: port "transfer" both sides, "ics20-1", unordered
 *   openChannel(link, portA, portB, version, order)   e.g. contract ports "wasm.<contract address>"
 */
import { Link } from "./lib";
import { Order, State } from "cosmjs-types/ibc/core/channel/v1/channel";
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
