// Linking two in-process chains: a connection pair (created open, light clients assumed always up to date) and
// the 4-step channel handshake driven as relayer txs.
import type { Chain } from "../host-chain";
import { Order } from "./types";

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
