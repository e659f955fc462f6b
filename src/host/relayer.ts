// A controllable in-process relayer for one Link. It reads both chains' committed IBC state (packet commitments,
// receipts, acknowledgements, channel states) to find what is pending, and submits each delivery as a tx on the
// chain that executes it (MsgRecvPacket on the destination; MsgAcknowledgement / MsgTimeout on the source;
// MsgChannelCloseConfirm on the side whose counterparty closed). Nothing moves unless the test asks:
//
//   pending()                what waits in each direction (packets, acks, timeouts, close confirms, async acks)
//   deliver / deliverAck / deliverTimeout / deliverCloseConfirm   one item, in any order the test chooses
//   relayAll()               everything deliverable (packets, then acks, timeouts, closes) until quiet
//   relayRandom(rng)         the same in a random order (ordered channels then see out-of-order failures)
//   timeoutExpired()         timeouts of packets whose timeout passed on the destination and were not received
//   replay(packet)           deliver again a packet already received (ibc-go: a no-op, the app is not called)
//   hold / release / drop    an outage (everything or given packets are skipped by relayAll) / a lost packet
//   closeChannel(...)        MsgChannelCloseInit on one side, then the close confirm on the other
//
// Each delivery reports whether the relay tx succeeded, whether it was a no-op, the acknowledgement written (for
// receives) and the error. The relayer account is `chain.addr("relayer")` on each chain.

import type { Chain } from "./host-chain";
import { ChannelEnd, Link, Packet, packetId, selfHeight, timeoutElapsed } from "./ibc";
import { Event } from "./types";

export interface PendingPacket {
  kind: "packet";
  id: string;
  packet: Packet;
  /** Source chain. */
  from: Chain;
  /** Destination chain. */
  to: Chain;
}

export interface PendingAck {
  kind: "ack";
  /** The packet's id. */
  id: string;
  packet: Packet;
  ack: Uint8Array;
  /** The chain that wrote the ack (the packet's destination). */
  from: Chain;
  /** The packet's source, where the ack is delivered. */
  to: Chain;
}

export interface PendingTimeout {
  kind: "timeout";
  id: string;
  packet: Packet;
  /** Source chain, where the timeout is delivered. */
  from: Chain;
  to: Chain;
  /** True when the destination channel is closed (MsgTimeoutOnClose). */
  onClose: boolean;
}

export interface PendingClose {
  kind: "close";
  id: string;
  /** The chain whose channel end still has to be closed (the counterparty is CLOSED). */
  chain: Chain;
  port: string;
  channel: string;
}

export interface Pending {
  packets: PendingPacket[];
  acks: PendingAck[];
  timeouts: PendingTimeout[];
  closes: PendingClose[];
  /** Received packets whose (async) acknowledgement is not written yet. */
  awaitingAck: PendingPacket[];
}

export type PendingItem = PendingPacket | PendingAck | PendingTimeout | PendingClose;

export interface DeliveryResult {
  kind: "recv" | "ack" | "timeout" | "close_init" | "close_confirm";
  /** Packet id (or "<chain>/<port>/<channel>" for a close). */
  id: string;
  packet?: Packet;
  /** The chain that executed the relay tx. */
  chainId: string;
  /** The relay tx succeeded (a no-op succeeds too). */
  ok: boolean;
  /** ibc-go RESULT_NO_OP: a redundant relay, nothing was done and no app was called. */
  noop: boolean;
  /** recv: the acknowledgement written (undefined when async, failed or no-op). */
  ack?: Uint8Array;
  /** recv: `ack` as UTF-8 text. */
  ackText?: string;
  /** recv: whether the app's acknowledgement was a success (its state changes kept). */
  ackSuccess?: boolean;
  error?: string;
  vmError?: boolean;
  codespace?: string;
  code?: number;
  events: Event[];
}

export interface RelayReport {
  /** Packets received (relay tx succeeded, not a no-op). */
  packets: number;
  acks: number;
  timeouts: number;
  closes: number;
  results: DeliveryResult[];
}

type PacketRef = PendingPacket | PendingAck | PendingTimeout | Packet | string;

export class Relayer {
  private readonly held = new Set<string>();
  private readonly dropped = new Set<string>();
  private outage = false;

  constructor(readonly link: Link) {}

  private chains(): [Chain, Chain][] {
    return [[this.link.a, this.link.b], [this.link.b, this.link.a]];
  }

  /** The link chain that holds channel (port, channel) on this link's connection. */
  private sourceOf(p: Packet): [Chain, Chain] {
    for (const [src, dst] of this.chains()) {
      const c = src.ibc.getChannel(src.state, p.sourcePort, p.sourceChannel);
      if (c && c.connectionId === this.link.connectionOf(src)) return [src, dst];
    }
    throw new Error(`packet ${p.sourcePort}/${p.sourceChannel}/${p.sequence} does not belong to this link`);
  }

  private idOf(ref: PacketRef): string {
    if (typeof ref === "string") return ref;
    if ("kind" in ref) return ref.id;
    const [src] = this.sourceOf(ref);
    return packetId(src.chainId, ref);
  }

  // -- state ----------------------------------------------------------------------------------------------------------

  /** Everything waiting on this link, in both directions (packets in sequence order per channel). */
  pending(): Pending {
    const out: Pending = { packets: [], acks: [], timeouts: [], closes: [], awaitingAck: [] };
    for (const [src, dst] of this.chains()) {
      const conn = this.link.connectionOf(src);
      const channels = src.ibc.channels(src.state).filter(([, , c]) => c.connectionId === conn);
      for (const [port, channel, end] of channels) {
        for (const p of src.ibc.commitments(src.state, port, channel)) {
          const id = packetId(src.chainId, p);
          if (dst.ibc.wasReceived(dst.state, p)) {
            const ack = dst.ibc.getAcknowledgement(dst.state, p.destPort, p.destChannel, p.sequence);
            if (ack) out.acks.push({ kind: "ack", id, packet: p, ack: ack.ack, from: dst, to: src });
            else out.awaitingAck.push({ kind: "packet", id, packet: p, from: src, to: dst });
            continue;
          }
          const dstEnd = dst.ibc.getChannel(dst.state, p.destPort, p.destChannel);
          const onClose = dstEnd?.state === "CLOSED";
          if (onClose || timeoutElapsed(p, selfHeight(dst), dst.timeNs)) out.timeouts.push({ kind: "timeout", id, packet: p, from: src, to: dst, onClose });
          else out.packets.push({ kind: "packet", id, packet: p, from: src, to: dst });
        }
        if (end.state === "OPEN" && end.counterpartyChannel !== "") {
          const cp: ChannelEnd | undefined = dst.ibc.getChannel(dst.state, end.counterpartyPort, end.counterpartyChannel);
          if (cp?.state === "CLOSED") out.closes.push({ kind: "close", id: `${src.chainId}/${port}/${channel}`, chain: src, port, channel });
        }
      }
    }
    return out;
  }

  // -- single deliveries --------------------------------------------------------------------------------------------

  private relayerAddr(chain: Chain): string {
    return chain.addr("relayer");
  }

  private result(kind: DeliveryResult["kind"], id: string, chain: Chain, r: ReturnType<Chain["runTransaction"]>, extra: Partial<DeliveryResult>): DeliveryResult {
    if (r.ok) return { kind, id, chainId: chain.chainId, ok: true, noop: false, events: r.events, ...extra };
    return {
      kind, id, chainId: chain.chainId, ok: false, noop: false, error: r.error, vmError: r.vmError, codespace: r.codespace, code: r.code,
      events: [], packet: extra.packet,
    };
  }

  /** MsgRecvPacket on the destination. */
  deliver(ref: PendingPacket | Packet): DeliveryResult {
    const packet = "kind" in ref ? ref.packet : ref;
    const [src, dst] = "kind" in ref ? [ref.from, ref.to] : this.sourceOf(packet);
    const id = packetId(src.chainId, packet);
    let out: ReturnType<Chain["ibc"]["recvPacket"]> | undefined;
    const r = dst.runTransaction((ctx) => {
      out = dst.ibc.recvPacket(ctx, packet, this.relayerAddr(dst));
      return undefined;
    });
    if (!r.ok || !out) return this.result("recv", id, dst, r, { packet });
    if (out.noop) return { kind: "recv", id, packet, chainId: dst.chainId, ok: true, noop: true, events: [] };
    const ack = out.ack;
    return this.result("recv", id, dst, r, {
      packet, ack: ack?.bytes, ackText: ack ? Buffer.from(ack.bytes).toString("utf8") : undefined, ackSuccess: ack ? ack.success : true,
    });
  }

  /** Delivers a packet that was already received again: ibc-go answers with a no-op (`noop: true`). */
  replay(ref: PendingPacket | Packet | DeliveryResult): DeliveryResult {
    if ("chainId" in ref) {
      if (!ref.packet) throw new Error("replay: the result carries no packet");
      return this.deliver(ref.packet);
    }
    return this.deliver(ref);
  }

  /** MsgAcknowledgement on the packet's source. */
  deliverAck(a: PendingAck): DeliveryResult {
    let noop = false;
    const r = a.to.runTransaction((ctx) => {
      noop = a.to.ibc.acknowledgePacket(ctx, a.packet, a.ack, this.relayerAddr(a.to)).noop;
      return undefined;
    });
    const res = this.result("ack", a.id, a.to, r, { packet: a.packet, ack: a.ack, ackText: Buffer.from(a.ack).toString("utf8") });
    return r.ok && noop ? { ...res, noop: true } : res;
  }

  /** MsgTimeout (or MsgTimeoutOnClose) on the packet's source. */
  deliverTimeout(t: PendingTimeout | PendingPacket | Packet): DeliveryResult {
    const packet = "kind" in t ? t.packet : t;
    const [src] = "kind" in t ? [t.from] : this.sourceOf(packet);
    const id = packetId(src.chainId, packet);
    let noop = false;
    const r = src.runTransaction((ctx) => {
      noop = src.ibc.timeoutPacket(ctx, packet, this.relayerAddr(src)).noop;
      return undefined;
    });
    const res = this.result("timeout", id, src, r, { packet });
    return r.ok && noop ? { ...res, noop: true } : res;
  }

  /** MsgChannelCloseConfirm on the side whose counterparty is CLOSED. */
  deliverCloseConfirm(c: PendingClose): DeliveryResult {
    const r = c.chain.runTransaction((ctx) => {
      c.chain.ibc.chanCloseConfirm(ctx, c.port, c.channel);
      return undefined;
    });
    return this.result("close_confirm", c.id, c.chain, r, {});
  }

  /** Delivers any pending item. */
  deliverItem(item: PendingItem): DeliveryResult {
    switch (item.kind) {
      case "packet":
        return this.deliver(item);
      case "ack":
        return this.deliverAck(item);
      case "timeout":
        return this.deliverTimeout(item);
      case "close":
        return this.deliverCloseConfirm(item);
    }
  }

  // -- outage simulation ----------------------------------------------------------------------------------------------

  /** Without argument: an outage (relayAll / relayRandom / timeoutExpired do nothing). Else: skip these packets (and their acks). */
  hold(...refs: PacketRef[]): void {
    if (refs.length === 0) this.outage = true;
    for (const r of refs) this.held.add(this.idOf(r));
  }

  /** Without argument: ends the outage and releases every held packet. */
  release(...refs: PacketRef[]): void {
    if (refs.length === 0) {
      this.outage = false;
      this.held.clear();
    }
    for (const r of refs) this.held.delete(this.idOf(r));
  }

  /** The relayer loses these packets: never delivered by relayAll/relayRandom (they can still time out). */
  drop(...refs: PacketRef[]): void {
    for (const r of refs) this.dropped.add(this.idOf(r));
  }

  isHeld(ref: PacketRef): boolean {
    return this.outage || this.held.has(this.idOf(ref));
  }

  private deliverable(p: Pending): PendingItem[] {
    if (this.outage) return [];
    const ok = (id: string) => !this.held.has(id);
    return [
      ...p.packets.filter((x) => ok(x.id) && !this.dropped.has(x.id)),
      ...p.acks.filter((x) => ok(x.id)),
      ...p.timeouts.filter((x) => ok(x.id)),
      ...p.closes,
    ];
  }

  // -- bulk -------------------------------------------------------------------------------------------------------------

  private report(results: DeliveryResult[]): RelayReport {
    const n = (k: DeliveryResult["kind"]) => results.filter((r) => r.kind === k && r.ok && !r.noop).length;
    return { packets: n("recv"), acks: n("ack"), timeouts: n("timeout"), closes: n("close_confirm"), results };
  }

  private key(item: PendingItem): string {
    return `${item.kind}:${item.id}`;
  }

  /**
   * Delivers everything deliverable: all packets, then all acks, expired timeouts and close confirms, and again
   * (new acks, packets sent by handlers) until nothing moves. A failed delivery is not retried until another one
   * succeeds.
   */
  relayAll(opts: { timeouts?: boolean } = {}): RelayReport {
    const results: DeliveryResult[] = [];
    const failed = new Set<string>();
    for (let round = 0; round < 10_000; round++) {
      const p = this.pending();
      const items = this.deliverable(p).filter((i) => !failed.has(this.key(i)) && (opts.timeouts !== false || i.kind !== "timeout"));
      if (items.length === 0) break;
      let progress = false;
      // packets first, then the rest, each group in pending() order
      for (const item of [...items.filter((i) => i.kind === "packet"), ...items.filter((i) => i.kind !== "packet")]) {
        const r = this.deliverItem(item);
        results.push(r);
        if (r.ok && !r.noop) {
          progress = true;
          failed.clear();
        } else {
          failed.add(this.key(item));
        }
      }
      if (!progress) break;
    }
    return this.report(results);
  }

  /** Like relayAll, one item at a time in the order picked by `rng` (a function returning numbers in [0, 1)). */
  relayRandom(rng: () => number, opts: { maxSteps?: number; timeouts?: boolean } = {}): RelayReport {
    const results: DeliveryResult[] = [];
    const failed = new Set<string>();
    for (let step = 0; step < (opts.maxSteps ?? 10_000); step++) {
      const items = this.deliverable(this.pending()).filter((i) => !failed.has(this.key(i)) && (opts.timeouts !== false || i.kind !== "timeout"));
      if (items.length === 0) break;
      const item = items[Math.min(items.length - 1, Math.floor(rng() * items.length))];
      const r = this.deliverItem(item);
      results.push(r);
      if (r.ok && !r.noop) failed.clear();
      else failed.add(this.key(item));
    }
    return this.report(results);
  }

  /** Delivers the timeouts of all packets that can be timed out now (expired on the destination or channel closed). */
  timeoutExpired(): DeliveryResult[] {
    if (this.outage) return [];
    return this.pending().timeouts.filter((t) => !this.held.has(t.id)).map((t) => this.deliverTimeout(t));
  }

  // -- channels -----------------------------------------------------------------------------------------------------------

  /** MsgChannelCloseInit on `chain` (signed by the relayer account), then the close confirm on the other side. */
  closeChannel(chain: Chain, port: string, channel: string): { init: DeliveryResult; confirm?: DeliveryResult } {
    const r = chain.runTransaction((ctx) => {
      chain.ibc.chanCloseInit(ctx, port, channel);
      return undefined;
    });
    const init = this.result("close_init", `${chain.chainId}/${port}/${channel}`, chain, r, {});
    if (!r.ok) return { init };
    const close = this.pending().closes.find((c) => c.chain === this.link.other(chain));
    return { init, confirm: close ? this.deliverCloseConfirm(close) : undefined };
  }
}
