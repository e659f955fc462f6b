// Packets (ibc-go 04-channel packet.go, timeout.go): send, receive (with the app callback in a branch),
// write acknowledgement, acknowledge, timeout. Proofs are replaced by reading the counterparty's committed state.
import type { Ctx } from "../context";
import { toBase64 } from "../json";
import { Event, HostError } from "../types";
import { blockToHeight, heightString, isZeroHeight, selfHeight, timeoutElapsed, timeoutElapsedError, timeoutNotReachedError } from "./height";
import {
  ACK, COMMIT, RECEIPT, SEQ_ACK, SEQ_RECV, SEQ_SEND, getAcknowledgement, getChannel, getCommitment, hasReceipt,
  nextSequenceAck, nextSequenceRecv, nextSequenceSend, packetToRaw, pc, samePacket, seqKey, setChannel, writeJson,
} from "./store";
import { Acknowledgement, ChannelEnd, ChannelErrors, Height, IbcRouter, Packet, STATE_NAMES } from "./types";
import { ev, utf8 } from "./util";

function errorEvents(events: Event[]): Event[] {
  const p = "ibccallbackerror-";
  return events.map((e) => ({ type: p + e.type, attributes: e.attributes.map((a) => ({ key: p + a.key, value: a.value })) }));
}

function packetEvent(type: string, p: Packet, c: ChannelEnd, extra: [string, string][] = []): Event {
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
export function sendPacket(ibc: IbcRouter, ctx: Ctx, port: string, channelId: string, timeoutHeight: Height | undefined, timeoutTimestamp: bigint, data: Uint8Array): bigint {
  const c = getChannel(ctx.store, port, channelId);
  if (!c) throw ChannelErrors.channelNotFound.wrap(channelId);
  if (c.state !== "OPEN") throw ChannelErrors.invalidChannelState.wrap(`channel is not OPEN (got ${STATE_NAMES[c.state]})`);
  const sequence = nextSequenceSend(ctx.store, port, channelId);
  const packet: Packet = {
    sequence, sourcePort: port, sourceChannel: channelId, destPort: c.counterpartyPort, destChannel: c.counterpartyChannel, data,
    timeoutHeight: blockToHeight(timeoutHeight), timeoutTimestamp,
  };
  if (isZeroHeight(packet.timeoutHeight) && timeoutTimestamp === 0n) {
    throw ChannelErrors.invalidPacket.wrap("packet timeout height and packet timeout timestamp cannot both be 0").wrap("constructed packet failed basic validation");
  }
  if (data.length === 0) throw ChannelErrors.invalidPacket.wrap("packet data bytes cannot be empty").wrap("constructed packet failed basic validation");
  // the counterparty's latest height and time as the (always up-to-date) light client knows them
  const cp = ibc.connection(c.connectionId).counterpartyChain;
  const h = selfHeight(cp);
  if (timeoutElapsed(packet, h, cp.timeNs)) throw timeoutElapsedError(packet, h, cp.timeNs).wrap("invalid packet timeout");
  ctx.store.set(SEQ_SEND + pc(port, channelId), utf8((sequence + 1n).toString()));
  writeJson(ctx.store, COMMIT + pc(port, channelId) + "\x00" + seqKey(sequence), packetToRaw(packet));
  ctx.emit(packetEvent("send_packet", packet, c));
  return sequence;
}

/** WriteAcknowledgement (ack bytes as the app serialised them). */
export function writeAcknowledgement(ctx: Ctx, packet: Packet, ack: Uint8Array): void {
  const c = getChannel(ctx.store, packet.destPort, packet.destChannel);
  if (!c) throw ChannelErrors.channelNotFound.wrap(packet.destChannel);
  if (c.state !== "OPEN") throw ChannelErrors.invalidChannelState.wrap(`expected one of [STATE_OPEN, STATE_FLUSHING, STATE_FLUSHCOMPLETE], got ${STATE_NAMES[c.state]}`);
  const key = ACK + pc(packet.destPort, packet.destChannel) + "\x00" + seqKey(packet.sequence);
  if (ctx.store.get(key) !== undefined) throw ChannelErrors.acknowledgementExists.err();
  if (ack.length === 0) throw ChannelErrors.invalidAcknowledgement.wrap("acknowledgement cannot be empty");
  writeJson(ctx.store, key, { packet: packetToRaw(packet), ack: toBase64(ack) });
  ctx.emit(packetEvent("write_acknowledgement", packet, c, [["packet_ack_hex", Buffer.from(ack).toString("hex")]]));
}

/**
 * MsgRecvPacket on this (the destination) chain. Returns the ack written (null: async or failed callback never
 * happens here — a thrown HostError fails the tx), or `noop` for a redundant relay.
 */
export function recvPacket(ibc: IbcRouter, ctx: Ctx, packet: Packet, relayer: string): { noop: true } | { noop: false; ack: Acknowledgement | null } {
  const verify = (e: HostError) => e.wrap("receive packet verification failed");
  const c = getChannel(ctx.store, packet.destPort, packet.destChannel);
  if (!c) throw ChannelErrors.capabilityNotFound.wrap(`could not retrieve module from port-id: port ID (${packet.destPort}) channel ID (${packet.destChannel})`);
  const app = ibc.appFor(ctx, packet.destPort);
  if (c.state !== "OPEN") {
    throw verify(ChannelErrors.invalidChannelState.wrap(`expected channel state to be one of [STATE_OPEN, STATE_FLUSHING, STATE_FLUSHCOMPLETE], but got ${STATE_NAMES[c.state]}`));
  }
  if (packet.sourcePort !== c.counterpartyPort) {
    throw verify(ChannelErrors.invalidPacket.wrap(`packet source port doesn't match the counterparty's port (${packet.sourcePort} ≠ ${c.counterpartyPort})`));
  }
  if (packet.sourceChannel !== c.counterpartyChannel) {
    throw verify(ChannelErrors.invalidPacket.wrap(`packet source channel doesn't match the counterparty's channel (${packet.sourceChannel} ≠ ${c.counterpartyChannel})`));
  }
  const self = selfHeight(ctx.env);
  if (timeoutElapsed(packet, self, ctx.env.timeNs)) throw verify(timeoutElapsedError(packet, self, ctx.env.timeNs).wrap("packet timeout elapsed"));
  // the commitment proof: the packet must have been sent as given
  const src = ibc.connection(c.connectionId).counterpartyChain;
  const sent = getCommitment(src.state, packet.sourcePort, packet.sourceChannel, packet.sequence);
  if (c.ordering === "ORDER_ORDERED") {
    const next = nextSequenceRecv(ctx.store, packet.destPort, packet.destChannel);
    if (packet.sequence < next) return { noop: true };
    if (packet.sequence !== next) {
      throw verify(ChannelErrors.packetSequenceOutOfOrder.wrap(`packet sequence ≠ next receive sequence (${packet.sequence} ≠ ${next})`));
    }
    if (!sent || !samePacket(sent, packet)) throw verify(ChannelErrors.invalidPacket.wrap("couldn't verify counterparty packet commitment"));
    ctx.store.set(SEQ_RECV + pc(packet.destPort, packet.destChannel), utf8((next + 1n).toString()));
  } else {
    if (hasReceipt(ctx.store, packet.destPort, packet.destChannel, packet.sequence)) return { noop: true };
    if (!sent || !samePacket(sent, packet)) throw verify(ChannelErrors.invalidPacket.wrap("couldn't verify counterparty packet commitment"));
    ctx.store.set(RECEIPT + pc(packet.destPort, packet.destChannel) + "\x00" + seqKey(packet.sequence), utf8("\x01"));
  }
  ctx.emit(packetEvent("recv_packet", packet, c));
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
  if (ack !== null) writeAcknowledgement(ctx, packet, ack.bytes);
  return { noop: false, ack };
}

/** MsgAcknowledgement on this (the source) chain. */
export function acknowledgePacket(ibc: IbcRouter, ctx: Ctx, packet: Packet, ack: Uint8Array, relayer: string): { noop: boolean } {
  const verify = (e: HostError) => e.wrap("acknowledge packet verification failed");
  const { app, channel: c } = ibc.channelApp(ctx, packet.sourcePort, packet.sourceChannel);
  if (c.state !== "OPEN") throw verify(ChannelErrors.invalidChannelState.wrap(`packets cannot be acknowledged on channel with state (${STATE_NAMES[c.state]})`));
  if (packet.destPort !== c.counterpartyPort || packet.destChannel !== c.counterpartyChannel) {
    throw verify(ChannelErrors.invalidPacket.wrap(`packet destination doesn't match the counterparty (${packet.destPort}/${packet.destChannel} ≠ ${c.counterpartyPort}/${c.counterpartyChannel})`));
  }
  const commitment = getCommitment(ctx.store, packet.sourcePort, packet.sourceChannel, packet.sequence);
  if (!commitment) return { noop: true };
  if (!samePacket(commitment, packet)) throw verify(ChannelErrors.invalidPacket.wrap("commitment bytes are not equal"));
  // the ack proof: the destination must have written exactly this ack
  const dst = ibc.connection(c.connectionId).counterpartyChain;
  const written = getAcknowledgement(dst.state, packet.destPort, packet.destChannel, packet.sequence);
  if (!written || Buffer.compare(Buffer.from(written.ack), Buffer.from(ack)) !== 0) {
    throw verify(ChannelErrors.invalidAcknowledgement.wrap("failed packet acknowledgement verification"));
  }
  if (c.ordering === "ORDER_ORDERED") {
    const next = nextSequenceAck(ctx.store, packet.sourcePort, packet.sourceChannel);
    if (packet.sequence !== next) throw verify(ChannelErrors.packetSequenceOutOfOrder.wrap(`packet sequence ≠ next ack sequence (${packet.sequence} ≠ ${next})`));
    ctx.store.set(SEQ_ACK + pc(packet.sourcePort, packet.sourceChannel), utf8((next + 1n).toString()));
  }
  ctx.store.delete(COMMIT + pc(packet.sourcePort, packet.sourceChannel) + "\x00" + seqKey(packet.sequence));
  ctx.emit(packetEvent("acknowledge_packet", packet, c));
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
export function timeoutPacket(ibc: IbcRouter, ctx: Ctx, packet: Packet, relayer: string): { noop: boolean } {
  const verify = (e: HostError) => e.wrap("timeout packet verification failed");
  const { app, channel: c } = ibc.channelApp(ctx, packet.sourcePort, packet.sourceChannel);
  if (packet.destPort !== c.counterpartyPort || packet.destChannel !== c.counterpartyChannel) {
    throw verify(ChannelErrors.invalidPacket.wrap(`packet destination doesn't match the counterparty (${packet.destPort}/${packet.destChannel} ≠ ${c.counterpartyPort}/${c.counterpartyChannel})`));
  }
  const conn = ibc.connection(c.connectionId);
  const dst = conn.counterpartyChain;
  const dstChannel = getChannel(dst.state, packet.destPort, packet.destChannel);
  const onClose = dstChannel?.state === "CLOSED";
  const h = selfHeight(dst);
  if (!onClose && !timeoutElapsed(packet, h, dst.timeNs)) throw verify(timeoutNotReachedError(packet, h, dst.timeNs).wrap("packet timeout not reached"));
  const commitment = getCommitment(ctx.store, packet.sourcePort, packet.sourceChannel, packet.sequence);
  if (!commitment) return { noop: true };
  if (!samePacket(commitment, packet)) throw verify(ChannelErrors.invalidPacket.wrap("packet commitment bytes are not equal"));
  if (c.ordering === "ORDER_ORDERED") {
    const next = nextSequenceRecv(dst.state, packet.destPort, packet.destChannel);
    if (next > packet.sequence) throw verify(ChannelErrors.packetReceived.wrap(`packet already received, next sequence receive > packet sequence (${next} > ${packet.sequence})`));
  } else if (hasReceipt(dst.state, packet.destPort, packet.destChannel, packet.sequence)) {
    throw verify(new HostError(`failed packet receipt absence verification for client (${conn.clientId}): the packet was received`, "commitment", 1));
  }
  ctx.store.delete(COMMIT + pc(packet.sourcePort, packet.sourceChannel) + "\x00" + seqKey(packet.sequence));
  if (c.ordering === "ORDER_ORDERED") {
    setChannel(ctx.store, packet.sourcePort, packet.sourceChannel, { ...c, state: "CLOSED" });
    ctx.emit(ev("channel_closed", ["port_id", packet.sourcePort], ["channel_id", packet.sourceChannel]));
  }
  ctx.emit(packetEvent("timeout_packet", packet, c));
  try {
    app.onTimeoutPacket(ctx, packet, relayer);
  } catch (e) {
    throw e instanceof HostError ? e.wrap(onClose ? "timeout on close callback failed" : "timeout packet callback failed") : e;
  }
  return { noop: false };
}
