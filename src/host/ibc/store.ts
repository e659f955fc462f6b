// The IBC core's state on one chain (host-internal layout, not ibc-go's store keys): channel ends, sequences,
// packet commitments, receipts, acknowledgements and packets awaiting an async acknowledgement.
import { toBase64 } from "../json";
import { KVStore, prefixEnd } from "../storage";
import { ChannelEnd, Packet } from "./types";
import { isZeroHeight } from "./height";
import { text, utf8 } from "./util";

export interface RawPacket {
  sequence: string;
  sourcePort: string;
  sourceChannel: string;
  destPort: string;
  destChannel: string;
  data: string;
  timeoutHeight: { revision: string; height: string } | null;
  timeoutTimestamp: string;
}

export function packetToRaw(p: Packet): RawPacket {
  return {
    sequence: p.sequence.toString(), sourcePort: p.sourcePort, sourceChannel: p.sourceChannel, destPort: p.destPort, destChannel: p.destChannel,
    data: toBase64(p.data),
    timeoutHeight: isZeroHeight(p.timeoutHeight) ? null : { revision: p.timeoutHeight!.revision.toString(), height: p.timeoutHeight!.height.toString() },
    timeoutTimestamp: p.timeoutTimestamp.toString(),
  };
}

export function packetFromRaw(r: RawPacket): Packet {
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
export const CHAN = "\x08c";
export const SEQ_SEND = "\x08s";
export const SEQ_RECV = "\x08r";
export const SEQ_ACK = "\x08a";
export const COMMIT = "\x08C";
export const RECEIPT = "\x08R";
export const ACK = "\x08A";
export const ASYNC = "\x08W";
export const NEXT_CHANNEL = "\x08n";

export const pc = (port: string, channel: string) => `${port}\x00${channel}`;
export const seqKey = (n: bigint) => n.toString().padStart(20, "0");

export function readJson<T>(store: KVStore, key: string): T | undefined {
  const v = store.get(key);
  return v === undefined ? undefined : (JSON.parse(text(v)) as T);
}

export function writeJson(store: KVStore, key: string, value: unknown): void {
  store.set(key, utf8(JSON.stringify(value)));
}

export function readSeq(store: KVStore, key: string): bigint {
  const v = store.get(key);
  return v === undefined ? 1n : BigInt(text(v));
}

export function getChannel(store: KVStore, port: string, channelId: string): ChannelEnd | undefined {
  return readJson<ChannelEnd>(store, CHAN + pc(port, channelId));
}

export function setChannel(store: KVStore, port: string, channelId: string, c: ChannelEnd): void {
  writeJson(store, CHAN + pc(port, channelId), c);
}

/** All channels as [port, channelId, end], in store order. */
export function channels(store: KVStore): [string, string, ChannelEnd][] {
  return store.range(CHAN, prefixEnd(CHAN), "asc").map(([k, v]) => {
    const [port, channel] = k.slice(CHAN.length).split("\x00");
    return [Buffer.from(port, "latin1").toString("utf8"), channel, JSON.parse(text(v)) as ChannelEnd];
  });
}

export function nextSequenceSend(store: KVStore, port: string, channelId: string): bigint {
  return readSeq(store, SEQ_SEND + pc(port, channelId));
}

export function nextSequenceRecv(store: KVStore, port: string, channelId: string): bigint {
  return readSeq(store, SEQ_RECV + pc(port, channelId));
}

export function nextSequenceAck(store: KVStore, port: string, channelId: string): bigint {
  return readSeq(store, SEQ_ACK + pc(port, channelId));
}

/** Packets sent and not yet acknowledged or timed out (commitments), in store order. */
export function commitments(store: KVStore, port?: string, channelId?: string): Packet[] {
  const p = COMMIT + (port !== undefined ? pc(port, channelId!) + "\x00" : "");
  return store.range(p, prefixEnd(p), "asc").map(([, v]) => packetFromRaw(JSON.parse(text(v))));
}

export function getCommitment(store: KVStore, port: string, channelId: string, seq: bigint): Packet | undefined {
  const r = readJson<RawPacket>(store, COMMIT + pc(port, channelId) + "\x00" + seqKey(seq));
  return r && packetFromRaw(r);
}

export function hasReceipt(store: KVStore, port: string, channelId: string, seq: bigint): boolean {
  return store.get(RECEIPT + pc(port, channelId) + "\x00" + seqKey(seq)) !== undefined;
}

/** Whether the destination has processed the packet (receipt, or next receive sequence past it if ORDERED). */
export function wasReceived(store: KVStore, p: Packet): boolean {
  const c = getChannel(store, p.destPort, p.destChannel);
  if (c?.ordering === "ORDER_ORDERED") return nextSequenceRecv(store, p.destPort, p.destChannel) > p.sequence;
  return hasReceipt(store, p.destPort, p.destChannel, p.sequence);
}

/** The acknowledgement written for a received packet (on the destination). */
export function getAcknowledgement(store: KVStore, port: string, channelId: string, seq: bigint): { packet: Packet; ack: Uint8Array } | undefined {
  const r = readJson<{ packet: RawPacket; ack: string }>(store, ACK + pc(port, channelId) + "\x00" + seqKey(seq));
  return r && { packet: packetFromRaw(r.packet), ack: new Uint8Array(Buffer.from(r.ack, "base64")) };
}

/** All written acknowledgements, in store order. */
export function acknowledgements(store: KVStore): { packet: Packet; ack: Uint8Array }[] {
  return store.range(ACK, prefixEnd(ACK), "asc").map(([, v]) => {
    const r = JSON.parse(text(v));
    return { packet: packetFromRaw(r.packet), ack: new Uint8Array(Buffer.from(r.ack, "base64")) };
  });
}

/** wasmd StoreAsyncAckPacket. */
export function storeAsyncAckPacket(store: KVStore, p: Packet): void {
  writeJson(store, ASYNC + pc(p.destPort, p.destChannel) + "\x00" + seqKey(p.sequence), packetToRaw(p));
}

/** "channel-N" from the chain-wide channel sequence (in tx state: a failed handshake step does not consume it). */
export function nextChannelId(store: KVStore): string {
  const v = store.get(NEXT_CHANNEL);
  const n = v === undefined ? 0n : BigInt(text(v));
  store.set(NEXT_CHANNEL, utf8((n + 1n).toString()));
  return `channel-${n}`;
}
