/**
 * Relaying packets, acknowledgements and timeouts over a Link.
 *
 *   relayOnce(link, from)   one round (what the library's checkAndRelayPacketsAndAcks does, with exact
 *                           counts and a timeout safety margin): pending packets of both sides are
 *                           split into deliverable / timed out / about to time out; deliverable ones
 *                           are relayed (MsgRecvPacket), then all pending acks (MsgAcknowledgement),
 *                           then MsgTimeout for the timed-out ones.
 *   relayAll(link)          one-shot: rounds over the whole history until nothing is pending (packets
 *                           that are about to time out are waited for and timed out).
 *   new Relayer(link)       background loop: start(pollMs) / pause() / resume() / stop(), counts,
 *                           errors are logged and the next round retries; keeps both light clients fresh.
 *
 *   relayPackets(link)      only MsgRecvPacket for what is pending, both directions: the acks are
 *                           written on the receiving chain but not delivered (a relayer that stops
 *                           half-way; the next relayOnce/relayAll delivers them).
 *
 * Closed channels: a packet whose destination end, or an ack whose packet's source end, is no longer
 * OPEN can never be delivered (ibc-go refuses MsgRecvPacket / MsgAcknowledgement there), so it is
 * left out and counted as `stranded` instead of failing every later round.
 *
 * Timeouts: a packet is timed out when the destination's latest block height ≥ its timeout height
 * or its latest block time ≥ its timeout timestamp (ibc-go then accepts a MsgTimeout proven at a
 * later height). A packet whose timeout is less than `timeoutMarginSec` / `timeoutMarginBlocks`
 * ahead is neither relayed (the MsgRecvPacket would likely land after the timeout and fail the whole
 * batch) nor timed out yet: it is "deferred" and timed out in a later round.
 */
import type { AckWithMetadata, Link, RelayedHeights } from "./lib";
import type { PacketWithMetadata, Side } from "./lib";
import { Order, State } from "cosmjs-types/ibc/core/channel/v1/channel";
import { Height } from "cosmjs-types/ibc/core/client/v1/client";
import { relayLog } from "./log";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const DEFAULT_MAX_PER_TX = 50;

/** `items` in consecutive slices of at most `size`. */
function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface RelayOptions {
  /**
   * Most packets (or acks) per relayer tx (default 50). CometBFT's mempool refuses txs over 1 MiB, and each packet
   * carries a proof of ~1–2 KiB plus the contract's gas: a backlog of a thousand stakes must go out in several txs.
   */
  maxPerTx?: number;
  /** Defer packets whose timeout timestamp is less than this far ahead of the destination's clock (default 2 s). */
  timeoutMarginSec?: number;
  /** Defer packets whose timeout height is at most this many blocks ahead of the destination (default 3). */
  timeoutMarginBlocks?: number;
}

export interface RelayResult {
  /** Packets sent on A delivered to B (MsgRecvPacket on B). */
  packetsFromA: number;
  /** Packets sent on B delivered to A. */
  packetsFromB: number;
  /** Acks written on A (for packets from B) delivered to B (MsgAcknowledgement on B). */
  acksFromA: number;
  /** Acks written on B (for packets from A) delivered to A. */
  acksFromB: number;
  /** Packets sent on A that timed out: MsgTimeout delivered on A (refund / on_timeout). */
  timeoutsFromA: number;
  /** Packets sent on B that timed out: MsgTimeout delivered on B. */
  timeoutsFromB: number;
  /** Packets left pending because they are about to time out (timed out in a later round). */
  deferred: number;
  /** Packets and acks left out because their channel end on the receiving chain is closed (never deliverable). */
  stranded: number;
  /** The acks that were delivered (both directions), with the bytes written by the receiving app. */
  acks: AckWithMetadata[];
  /** Where the next round should start scanning (pass as `from` to relayOnce). */
  heights: RelayedHeights;
}

export const totalPackets = (r: Pick<RelayResult, "packetsFromA" | "packetsFromB">) => r.packetsFromA + r.packetsFromB;
export const totalAcks = (r: Pick<RelayResult, "acksFromA" | "acksFromB">) => r.acksFromA + r.acksFromB;
export const totalTimeouts = (r: Pick<RelayResult, "timeoutsFromA" | "timeoutsFromB">) => r.timeoutsFromA + r.timeoutsFromB;

function emptyResult(heights: RelayedHeights = {}): RelayResult {
  return {
    packetsFromA: 0, packetsFromB: 0, acksFromA: 0, acksFromB: 0, timeoutsFromA: 0, timeoutsFromB: 0, deferred: 0, stranded: 0, acks: [], heights,
  };
}

/** The receiving chain as seen by the relayer: latest block height, revision number, block time. */
export interface DestView {
  height: number;
  revision: bigint;
  /** Latest block time in ns. */
  timeNs: bigint;
}

export type PacketVerdict = "submit" | "timeout" | "defer";

/** What to do with a pending packet given the destination's latest block (see the file comment). */
export function classifyPacket(
  packet: { timeoutHeight?: Height; timeoutTimestamp?: bigint },
  dest: DestView,
  marginSec = 2,
  marginBlocks = 3,
): PacketVerdict {
  const th = packet.timeoutHeight;
  const tt = packet.timeoutTimestamp ?? 0n;
  let heightOut = false;
  let heightNear = false;
  if (th && (th.revisionHeight > 0n || th.revisionNumber > 0n)) {
    if (th.revisionNumber < dest.revision) heightOut = true;
    else if (th.revisionNumber === dest.revision) {
      const h = BigInt(dest.height);
      heightOut = h >= th.revisionHeight;
      heightNear = !heightOut && th.revisionHeight - h <= BigInt(marginBlocks);
    }
  }
  let timeOut = false;
  let timeNear = false;
  if (tt > 0n) {
    timeOut = dest.timeNs >= tt;
    timeNear = !timeOut && tt - dest.timeNs < BigInt(Math.round(marginSec * 1e9));
  }
  if (heightOut || timeOut) return "timeout";
  if (heightNear || timeNear) return "defer";
  return "submit";
}

async function destView(link: Link, side: "A" | "B"): Promise<DestView> {
  const client = side === "A" ? link.endA.client : link.endB.client;
  const header = await client.latestHeader();
  const t = header.time;
  const timeNs = BigInt(t.getTime()) * 1_000_000n + BigInt(t.nanoseconds ?? 0);
  return { height: header.height, revision: client.revisionNumber, timeNs };
}

function split(packets: PacketWithMetadata[], dest: DestView, opts: RelayOptions) {
  const marginSec = opts.timeoutMarginSec ?? 2;
  const marginBlocks = opts.timeoutMarginBlocks ?? 3;
  const out = { submit: [] as PacketWithMetadata[], timeout: [] as PacketWithMetadata[], defer: [] as PacketWithMetadata[] };
  for (const p of packets) out[classifyPacket(p.packet, dest, marginSec, marginBlocks)].push(p);
  return out;
}

/**
 * Splits `items` into those whose channel end on chain `side` is OPEN and the rest (closed channels: nothing can
 * be delivered there any more). One channel query per distinct (port, channel).
 */
async function onOpenChannels<T>(
  link: Link, side: Side, items: T[], endOf: (item: T) => { port: string; channel: string },
): Promise<{ open: T[]; stranded: number }> {
  if (items.length === 0) return { open: items, stranded: 0 };
  const client = side === "A" ? link.endA.client : link.endB.client;
  const states = new Map<string, Promise<boolean>>();
  const isOpen = (port: string, channel: string): Promise<boolean> => {
    const key = `${port}/${channel}`;
    let p = states.get(key);
    if (!p) {
      p = client.query.ibc.channel.channel(port, channel).then((r) => r.channel?.state === State.STATE_OPEN, () => false);
      states.set(key, p);
    }
    return p;
  };
  const flags = await Promise.all(items.map((item) => {
    const { port, channel } = endOf(item);
    return isOpen(port, channel);
  }));
  const open = items.filter((_, i) => flags[i]);
  return { open, stranded: items.length - open.length };
}

const destEnd = (p: PacketWithMetadata) => ({ port: p.packet.destinationPort, channel: p.packet.destinationChannel });
/** An ack goes back to where its packet came from. */
const ackDestEnd = (a: AckWithMetadata) => ({ port: a.originalPacket.sourcePort, channel: a.originalPacket.sourceChannel });

/** Pending packets sent on `source` that can still be delivered (destination end OPEN). */
async function deliverablePackets(link: Link, source: Side, from: RelayedHeights): Promise<{ packets: PacketWithMetadata[]; stranded: number }> {
  const pending = await link.getPendingPackets(source, { minHeight: source === "A" ? from.packetHeightA : from.packetHeightB });
  const { open, stranded } = await onOpenChannels(link, source === "A" ? "B" : "A", pending, destEnd);
  return { packets: open, stranded };
}

/** Pending acks written on `source` that can still be delivered (their packet's source end OPEN). */
async function deliverableAcks(link: Link, source: Side, from: RelayedHeights): Promise<{ acks: AckWithMetadata[]; stranded: number }> {
  const pending = await link.getPendingAcks(source, { minHeight: source === "A" ? from.ackHeightA : from.ackHeightB });
  const { open, stranded } = await onOpenChannels(link, source === "A" ? "B" : "A", pending, ackDestEnd);
  return { acks: open, stranded };
}

/**
 * Runs a relay step, once more if its tx ran out of gas. Fees are simulated ("auto"), but a contract's gas can depend
 * on the block the tx lands in: e.g. meta-staking undelegates a batch inline when its epoch has just ended, so a
 * MsgRecvPacket simulated in the block before costs ~130k gas less than it does on delivery. The failed tx changed
 * nothing, and the new simulation sees the new state.
 */
async function retryOutOfGas<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!/out of gas/i.test((e as Error).message)) throw e;
    relayLog(`${what}: out of gas (the gas estimate came from an earlier block), retrying once`);
    return fn();
  }
}

/** Error of a relay round in which some steps failed; `result` counts what did get through. */
export class RelayRoundError extends Error {
  constructor(
    readonly errors: Error[],
    readonly result: RelayResult,
  ) {
    super(errors.length === 1 ? errors[0].message : `${errors.length} relay steps failed: ${errors.map((e) => e.message).join(" | ")}`);
    this.name = "RelayRoundError";
  }
}

/**
 * MsgTimeout for packets sent from `source` whose timeout has passed on the other side. Replaces
 * the library's Link.timeoutPackets, which fails on ibc-go v8 for both channel orderings:
 *  - unordered: it sends nextSequenceRecv from the QueryNextSequenceReceive of the receiving
 *    channel, which ibc-go v8 answers with 0 for unordered channels ("unordered channels do not make
 *    use of the next sequence receive"), and MsgTimeout.ValidateBasic rejects 0 ("next sequence
 *    receive cannot be 0: invalid sequence"). Any non-zero value is ignored for unordered channels;
 *    we send the packet's sequence (like Hermes).
 *  - ordered: it proves receipt absence, but ibc-go verifies the nextSequenceRecv entry for ordered
 *    channels; we send that proof and value.
 * Returns the height of the MsgTimeout tx, or null when there was nothing to do.
 */
export async function timeoutPackets(link: Link, source: "A" | "B", packets: readonly PacketWithMetadata[]): Promise<number | null> {
  if (packets.length === 0) return null;
  const [src, dest] = source === "A" ? [link.endA, link.endB] : [link.endB, link.endA];
  // A header after the timeout (not after the packet commitment): update to the latest one.
  await dest.client.waitOneBlock();
  const headerHeight = await link.updateClient(source === "A" ? "B" : "A");
  const queryHeight = Height.fromPartial({ revisionNumber: headerHeight.revisionNumber, revisionHeight: headerHeight.revisionHeight - 1n });
  const orderings = new Map<string, Order>();
  const proofs: Uint8Array[] = [];
  const seqs: bigint[] = [];
  for (const { packet } of packets) {
    const key = `${packet.destinationPort}/${packet.destinationChannel}`;
    let ordering = orderings.get(key);
    if (ordering === undefined) {
      const { channel } = await dest.client.query.ibc.channel.channel(packet.destinationPort, packet.destinationChannel);
      ordering = channel?.ordering ?? Order.ORDER_UNORDERED;
      orderings.set(key, ordering);
    }
    if (ordering === Order.ORDER_ORDERED) {
      const r = await dest.client.query.ibc.proof.channel.nextSequenceReceive(packet.destinationPort, packet.destinationChannel, queryHeight);
      proofs.push(r.proof);
      seqs.push(r.nextSequenceReceive);
    } else {
      proofs.push(await dest.client.getTimeoutProof({ originalPacket: packet, acknowledgement: new Uint8Array() }, headerHeight));
      seqs.push(packet.sequence);
    }
  }
  const { height } = await src.client.timeoutPackets(packets.map((p) => p.packet), proofs, seqs, headerHeight);
  return height;
}

/**
 * One relay round over both directions, scanning from `from` (default: all history). Every step
 * (packets A→B, packets B→A, acks each way, timeouts each way) is its own tx; a failing step does
 * not stop the others. When any step failed, throws a RelayRoundError whose `result` counts what
 * succeeded and whose heights are `from` again: re-running from there retries whatever is still
 * pending (delivered packets/acks are filtered out by the chains' "unreceived" queries).
 */
export async function relayOnce(link: Link, from: RelayedHeights = {}, opts: RelayOptions = {}): Promise<RelayResult> {
  const [packetHeightA, packetHeightB, pendingA, pendingB] = await Promise.all([
    link.endA.client.currentHeight(),
    link.endB.client.currentHeight(),
    deliverablePackets(link, "A", from),
    deliverablePackets(link, "B", from),
  ]);
  const [viewB, viewA] = await Promise.all([destView(link, "B"), destView(link, "A")]);
  const fromA = split(pendingA.packets, viewB, opts);
  const fromB = split(pendingB.packets, viewA, opts);
  const errors: Error[] = [];
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<boolean> => {
    try {
      await retryOutOfGas(what, fn);
      return true;
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      err.message = `${what}: ${err.message}`;
      errors.push(err);
      return false;
    }
  };
  const nameA = link.endA.chainId();
  const nameB = link.endB.chainId();

  const perTx = opts.maxPerTx ?? DEFAULT_MAX_PER_TX;
  // Chunk by chunk: a failed chunk fails the round (what it left is retried from `from`), later chunks still go out.
  const inChunks = async <T>(what: string, items: T[], fn: (chunk: T[]) => Promise<unknown>): Promise<number> => {
    let done = 0;
    let first = 1;
    for (const chunk of chunked(items, perTx)) {
      const label = items.length > perTx ? `${what} (${first}–${first + chunk.length - 1} of ${items.length})` : what;
      if (await step(label, () => fn(chunk))) done += chunk.length;
      first += chunk.length;
    }
    return done;
  };
  const [deliveredPA, deliveredPB] = await Promise.all([
    inChunks(`relaying ${fromA.submit.length} packet(s) ${nameA}→${nameB}`, fromA.submit, (chunk) => link.relayPackets("A", chunk)),
    inChunks(`relaying ${fromB.submit.length} packet(s) ${nameB}→${nameA}`, fromB.submit, (chunk) => link.relayPackets("B", chunk)),
  ]);
  if (fromA.submit.length + fromB.submit.length > 0) await link.endA.client.waitForIndexer();

  const [ackHeightA, ackHeightB, pendingAcksA, pendingAcksB] = await Promise.all([
    link.endA.client.currentHeight(),
    link.endB.client.currentHeight(),
    deliverableAcks(link, "A", from),
    deliverableAcks(link, "B", from),
  ]);
  const [acksA, acksB] = [pendingAcksA.acks, pendingAcksB.acks];
  const [deliveredAA, deliveredAB] = await Promise.all([
    inChunks(`relaying ${acksA.length} ack(s) ${nameA}→${nameB}`, acksA, (chunk) => link.relayAcks("A", chunk)),
    inChunks(`relaying ${acksB.length} ack(s) ${nameB}→${nameA}`, acksB, (chunk) => link.relayAcks("B", chunk)),
  ]);
  const [okTA, okTB] = await Promise.all([
    step(`timing out ${fromA.timeout.length} packet(s) sent from ${nameA}`, () => timeoutPackets(link, "A", fromA.timeout)),
    step(`timing out ${fromB.timeout.length} packet(s) sent from ${nameB}`, () => timeoutPackets(link, "B", fromB.timeout)),
  ]);

  const minHeight = (ps: PacketWithMetadata[], fallback: number) => (ps.length ? Math.min(...ps.map((p) => p.height)) : fallback);
  const result: RelayResult = {
    packetsFromA: deliveredPA,
    packetsFromB: deliveredPB,
    acksFromA: deliveredAA,
    acksFromB: deliveredAB,
    timeoutsFromA: okTA ? fromA.timeout.length : 0,
    timeoutsFromB: okTB ? fromB.timeout.length : 0,
    deferred: fromA.defer.length + fromB.defer.length,
    stranded: pendingA.stranded + pendingB.stranded + pendingAcksA.stranded + pendingAcksB.stranded,
    acks: [...(deliveredAA === acksA.length ? acksA : []), ...(deliveredAB === acksB.length ? acksB : [])],
    heights: errors.length
      ? { ...from }
      : {
          // Deferred packets must be seen again next round: do not scan past them.
          packetHeightA: minHeight(fromA.defer, packetHeightA),
          packetHeightB: minHeight(fromB.defer, packetHeightB),
          ackHeightA,
          ackHeightB,
        },
  };
  if (errors.length) throw new RelayRoundError(errors, result);
  return result;
}

function add(total: RelayResult, r: RelayResult): void {
  total.packetsFromA += r.packetsFromA;
  total.packetsFromB += r.packetsFromB;
  total.acksFromA += r.acksFromA;
  total.acksFromB += r.acksFromB;
  total.timeoutsFromA += r.timeoutsFromA;
  total.timeoutsFromB += r.timeoutsFromB;
  total.acks.push(...r.acks);
  total.deferred = r.deferred;
  total.stranded = r.stranded;
  total.heights = r.heights;
}

export interface RelayAllOptions extends RelayOptions {
  /** Give up waiting for deferred packets to time out after this long (default 60 s); they stay pending. */
  maxWaitMs?: number;
  /** Safety cap on rounds (default 20). */
  maxRounds?: number;
}

/**
 * Relay everything pending in both directions — packets, then the acks they produce, then
 * timeouts of expired packets — repeating rounds until a round finds nothing to do (so packets
 * that receiving contracts send in reaction, and packets that were about to time out, are handled
 * too). Scans the whole history of the connection. Returns the totals.
 */
export async function relayAll(link: Link, opts: RelayAllOptions = {}): Promise<RelayResult> {
  const total = emptyResult();
  const deadline = Date.now() + (opts.maxWaitMs ?? 60_000);
  const maxRounds = opts.maxRounds ?? 20;
  let from: RelayedHeights = {};
  for (let round = 1; ; round++) {
    let r: RelayResult;
    try {
      r = await relayOnce(link, from, opts);
    } catch (e) {
      if (e instanceof RelayRoundError) {
        add(total, e.result);
        throw new RelayRoundError(e.errors, total);
      }
      throw e;
    }
    add(total, r);
    from = r.heights;
    const busy = totalPackets(r) + totalAcks(r) + totalTimeouts(r) > 0;
    if (!busy && r.deferred === 0) return total;
    if (round >= maxRounds || (!busy && Date.now() > deadline)) {
      if (r.deferred) relayLog(`relayAll: ${r.deferred} packet(s) still about to time out after ${round} rounds, leaving them pending`);
      return total;
    }
    if (!busy) await link.endA.client.waitOneBlock(); // only deferred left: let the clocks advance
  }
}

/**
 * Delivers the packets pending in both directions (MsgRecvPacket) and nothing else: the receiving apps write their
 * acks, which stay undelivered until a later relayOnce/relayAll. Packets about to time out are left alone.
 */
export async function relayPackets(link: Link, opts: RelayOptions = {}): Promise<Pick<RelayResult, "packetsFromA" | "packetsFromB" | "stranded">> {
  const [pendingA, pendingB, viewB, viewA] = await Promise.all([
    deliverablePackets(link, "A", {}), deliverablePackets(link, "B", {}), destView(link, "B"), destView(link, "A"),
  ]);
  const fromA = split(pendingA.packets, viewB, opts).submit;
  const fromB = split(pendingB.packets, viewA, opts).submit;
  const perTx = opts.maxPerTx ?? DEFAULT_MAX_PER_TX;
  const send = async (side: Side, packets: PacketWithMetadata[], what: string) => {
    for (const chunk of chunked(packets, perTx)) await retryOutOfGas(what, () => link.relayPackets(side, chunk));
  };
  await Promise.all([send("A", fromA, "relaying packets A→B"), send("B", fromB, "relaying packets B→A")]);
  return { packetsFromA: fromA.length, packetsFromB: fromB.length, stranded: pendingA.stranded + pendingB.stranded };
}

// ---------------------------------------------------------------------------------------------
// Background relayer

export interface RelayerOptions extends RelayOptions {
  /** Pause between rounds in ms (default 300; overridden by start(pollMs)). */
  pollMs?: number;
  /** Name in log lines (default "<chainA><-><chainB>"). */
  name?: string;
  /**
   * Update a light client when its newest consensus state is older than this many seconds
   * (default ⅓ of its trusting period, = 20 s on our chains); 0 disables. Checked every ~2 s.
   */
  clientMaxAgeSec?: number;
  /** Called after every successful round. */
  onRound?: (r: RelayResult) => void;
  /** Log every successful round that relayed something (default true). */
  logRounds?: boolean;
}

export interface RelayerCounts {
  rounds: number;
  errors: number;
  packetsFromA: number;
  packetsFromB: number;
  acksFromA: number;
  acksFromB: number;
  timeoutsFromA: number;
  timeoutsFromB: number;
  /** Light-client updates made by the keep-alive (not those done while relaying). */
  clientUpdates: number;
  /** Totals: packets = packetsFromA + packetsFromB, etc. */
  packets: number;
  acks: number;
  timeouts: number;
}

interface Waiter {
  minSeq: number;
  resolve: (r: RelayResult) => void;
  reject: (e: Error) => void;
}

/**
 * Background relaying loop over one Link. Errors are logged (identical repeats are summarised)
 * and the next round retries from the same heights, with a growing pause (≤ 5 s) while failing.
 * pause() resolves once an in-flight round has finished, so nothing is relayed after it returns
 * (a "relayer outage", including light-client updates) until resume().
 */
export class Relayer {
  readonly counts: RelayerCounts = {
    rounds: 0, errors: 0, packetsFromA: 0, packetsFromB: 0, acksFromA: 0, acksFromB: 0,
    timeoutsFromA: 0, timeoutsFromB: 0, clientUpdates: 0, packets: 0, acks: 0, timeouts: 0,
  };
  lastError: Error | undefined;
  lastResult: RelayResult | undefined;
  private heights: RelayedHeights;
  private readonly name: string;
  private pollMs: number;
  private loopPromise: Promise<void> | undefined;
  private current: Promise<void> | undefined;
  private stopping = false;
  private paused = false;
  private wake: (() => void) | undefined;
  private roundSeq = 0;
  private waiters: Waiter[] = [];
  private consecutiveErrors = 0;
  private lastErrorMsg = "";
  private sameErrorCount = 0;
  private lastKeepAlive = 0;
  private maxAge: { A: number; B: number } | undefined;

  constructor(
    readonly link: Link,
    private readonly opts: RelayerOptions = {},
    /** Start scanning at these heights (default: whole history, so anything already pending is relayed). */
    from: RelayedHeights = {},
  ) {
    this.heights = { ...from };
    this.name = opts.name ?? `${link.endA.chainId()}<->${link.endB.chainId()}`;
    this.pollMs = opts.pollMs ?? 300;
  }

  get isRunning(): boolean {
    return this.loopPromise !== undefined && !this.stopping;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Start the loop (no-op when already running). */
  start(pollMs?: number): this {
    if (pollMs !== undefined) this.pollMs = pollMs;
    if (this.loopPromise) return this;
    this.stopping = false;
    this.loopPromise = this.loop().finally(() => {
      this.loopPromise = undefined;
    });
    relayLog(`${this.name}: relayer started (poll ${this.pollMs}ms)`);
    return this;
  }

  /** Stop the loop; resolves after the in-flight round (if any) has finished. */
  async stop(): Promise<void> {
    if (!this.loopPromise) return;
    this.stopping = true;
    this.wake?.();
    await this.loopPromise;
    for (const w of this.waiters.splice(0)) w.reject(new Error(`relayer ${this.name} stopped`));
    relayLog(`${this.name}: relayer stopped (${this.summary()})`);
  }

  /** Stop relaying (simulated outage) until resume(); resolves after the in-flight round. */
  async pause(): Promise<void> {
    this.paused = true;
    await this.current;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  summary(): string {
    const c = this.counts;
    return `${c.rounds} rounds, ${c.packets} packets, ${c.acks} acks, ${c.timeouts} timeouts, ${c.clientUpdates} client updates, ${c.errors} errors`;
  }

  /**
   * Resolves with the result of the next round that starts after this call (rejects if that
   * round fails, or after timeoutMs). Handy in tests: "everything sent before now is relayed".
   */
  nextRound(timeoutMs = 60_000): Promise<RelayResult> {
    return new Promise<RelayResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`relayer ${this.name}: no round completed within ${timeoutMs}ms${this.paused ? " (paused)" : ""}`));
      }, timeoutMs);
      const waiter: Waiter = {
        minSeq: this.roundSeq + 1,
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.waiters.push(waiter);
      this.wake?.();
    });
  }

  /** Wait until `pred(counts)` holds (checked after every round), e.g. c => c.timeouts >= 1. */
  async waitFor(pred: (c: RelayerCounts) => boolean, timeoutMs = 60_000): Promise<RelayerCounts> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.counts)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`relayer ${this.name}: condition not met within ${timeoutMs}ms (${this.summary()}; last error: ${this.lastError?.message ?? "none"})`);
      await this.nextRound(left).catch(() => undefined);
    }
    return this.counts;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      if (!this.paused) {
        this.current = this.round();
        await this.current;
        this.current = undefined;
      }
      if (this.stopping) break;
      const backoff = this.consecutiveErrors ? Math.min(5000, this.pollMs * 2 ** this.consecutiveErrors) : this.pollMs;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, backoff);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private addCounts(r: RelayResult): void {
    const c = this.counts;
    c.packetsFromA += r.packetsFromA;
    c.packetsFromB += r.packetsFromB;
    c.acksFromA += r.acksFromA;
    c.acksFromB += r.acksFromB;
    c.timeoutsFromA += r.timeoutsFromA;
    c.timeoutsFromB += r.timeoutsFromB;
    c.packets = c.packetsFromA + c.packetsFromB;
    c.acks = c.acksFromA + c.acksFromB;
    c.timeouts = c.timeoutsFromA + c.timeoutsFromB;
  }

  private logResult(r: RelayResult, suffix = ""): void {
    if ((this.opts.logRounds ?? true) && totalPackets(r) + totalAcks(r) + totalTimeouts(r) > 0) {
      relayLog(
        `${this.name}: relayed ${r.packetsFromA}/${r.packetsFromB} packets, ${r.acksFromA}/${r.acksFromB} acks, ` +
          `${r.timeoutsFromA}/${r.timeoutsFromB} timeouts (from A/from B)${r.deferred ? `, ${r.deferred} deferred` : ""}${suffix}`,
      );
    }
  }

  private async round(): Promise<void> {
    const seq = ++this.roundSeq;
    try {
      await this.keepAlive();
      const r = await relayOnce(this.link, this.heights, this.opts);
      this.heights = r.heights;
      this.lastResult = r;
      this.counts.rounds++;
      this.addCounts(r);
      if (this.consecutiveErrors) relayLog(`${this.name}: relaying works again after ${this.consecutiveErrors} failed round(s)`);
      this.consecutiveErrors = 0;
      this.sameErrorCount = 0;
      this.lastErrorMsg = "";
      this.logResult(r);
      this.opts.onRound?.(r);
      this.settle(seq, (w) => w.resolve(r));
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (err instanceof RelayRoundError) {
        // Some steps went through: count them (the next round re-scans from the same heights).
        this.addCounts(err.result);
        this.logResult(err.result, " (round incomplete)");
      }
      this.counts.errors++;
      this.consecutiveErrors++;
      this.lastError = err;
      const msg = err.message.length > 600 ? `${err.message.slice(0, 600)}…` : err.message;
      if (msg === this.lastErrorMsg) {
        this.sameErrorCount++;
        if (this.sameErrorCount % 10 === 0) relayLog(`${this.name}: round failed again (${this.sameErrorCount + 1}× in a row): ${msg}`);
      } else {
        this.lastErrorMsg = msg;
        this.sameErrorCount = 0;
        relayLog(`${this.name}: round failed (will retry): ${msg}`);
      }
      this.settle(seq, (w) => w.reject(err));
    }
  }

  private settle(seq: number, fn: (w: Waiter) => void): void {
    const due = this.waiters.filter((w) => w.minSeq <= seq);
    this.waiters = this.waiters.filter((w) => w.minSeq > seq);
    due.forEach(fn);
  }

  /** Refresh a light client whose newest consensus state is older than clientMaxAgeSec. */
  private async keepAlive(): Promise<void> {
    if (this.opts.clientMaxAgeSec === 0 || Date.now() - this.lastKeepAlive < 2000) return;
    this.lastKeepAlive = Date.now();
    if (!this.maxAge) {
      const [a, b] = await Promise.all([
        this.link.endA.client.query.ibc.client.stateTm(this.link.endA.clientID),
        this.link.endB.client.query.ibc.client.stateTm(this.link.endB.clientID),
      ]);
      const third = (s: typeof a) => Math.max(1, Math.floor(Number(s.trustingPeriod?.seconds ?? 0n) / 3));
      // updateClientIfStale("A") sends A's headers to the client on B (state b), and vice versa.
      this.maxAge = { A: this.opts.clientMaxAgeSec ?? third(b), B: this.opts.clientMaxAgeSec ?? third(a) };
    }
    const [upB, upA] = await Promise.all([
      this.link.updateClientIfStale("A", this.maxAge.A),
      this.link.updateClientIfStale("B", this.maxAge.B),
    ]);
    this.counts.clientUpdates += (upA ? 1 : 0) + (upB ? 1 : 0);
  }
}
