/**
 * Finding sent packets and written acknowledgements on a CometBFT 0.38 / SDK 0.50 chain.
 *
 * @confio/relayer 0.12's Endpoint.querySentPackets / queryWrittenAcks have three gaps on our chains,
 * which `patchEndpoint` closes by replacing both methods on an Endpoint instance:
 *  1. Packets sent from BeginBlock/EndBlock: the library reads them from `block_results`
 *     `begin_block_events`/`end_block_events`, which CometBFT 0.38 no longer has (they are in
 *     `finalize_block_events`, which CosmJS 0.32's comet38 decoder drops). We read the raw JSON-RPC
 *     `block_results` and take all three lists.
 *  2. Binary packet data / acks: the library rebuilds them from the UTF-8 `packet_data` /
 *     `packet_ack` attributes; we prefer `packet_data_hex` / `packet_ack_hex` (exact bytes; a
 *     non-UTF-8 payload would otherwise fail the commitment proof).
 *  3. A tx or block with packets on several connections: the library parses every send_packet /
 *     write_acknowledgement of a matching tx; we keep only those whose `packet_connection` is the
 *     endpoint's connection (others would make the unreceived-packets query fail on the peer).
 */
import type { AckWithMetadata, Endpoint } from "./lib";
import type { PacketWithMetadata, QueryOpts } from "./lib";
import { fromHex, toHex, toUtf8 } from "@cosmjs/encoding";
import { Event, fromTendermintEvent } from "@cosmjs/stargate";
import { Packet } from "cosmjs-types/ibc/core/channel/v1/channel";
import { Height } from "cosmjs-types/ibc/core/client/v1/client";

type Attrs = Record<string, string>;

function attrsOf(ev: Event): Attrs {
  const out: Attrs = {};
  for (const { key, value } of ev.attributes) out[key] = value;
  return out;
}

/** "1-123" → Height; "0-0" / missing → undefined (no height timeout). */
export function parseTimeoutHeight(s: string | undefined): Height | undefined {
  const m = /^(\d+)-(\d+)$/.exec(s ?? "");
  if (!m || BigInt(m[2]) === 0n) return undefined;
  return Height.fromPartial({ revisionNumber: BigInt(m[1]), revisionHeight: BigInt(m[2]) });
}

function bytes(a: Attrs, key: string): Uint8Array {
  const hex = a[`${key}_hex`];
  if (hex !== undefined) return fromHex(hex);
  return toUtf8(a[key] ?? "");
}

function packetFromAttrs(a: Attrs): Packet {
  return Packet.fromPartial({
    sequence: BigInt(a.packet_sequence ?? "0"),
    sourcePort: a.packet_src_port,
    sourceChannel: a.packet_src_channel,
    destinationPort: a.packet_dst_port,
    destinationChannel: a.packet_dst_channel,
    data: bytes(a, "packet_data"),
    timeoutHeight: parseTimeoutHeight(a.packet_timeout_height),
    timeoutTimestamp: BigInt(a.packet_timeout_timestamp ?? "0"),
  });
}

/** send_packet events of `events` on connection `connectionId` (all connections when undefined). */
export function packetsFromEvents(events: readonly Event[], connectionId?: string): Packet[] {
  return events
    .filter((e) => e.type === "send_packet")
    .map(attrsOf)
    .filter((a) => connectionId === undefined || a.packet_connection === connectionId)
    .map(packetFromAttrs);
}

/** write_acknowledgement events of `events` on `connectionId` as (ack bytes, original packet). */
export function acksFromEvents(
  events: readonly Event[],
  connectionId?: string,
): { acknowledgement: Uint8Array; originalPacket: Packet }[] {
  return events
    .filter((e) => e.type === "write_acknowledgement")
    .map(attrsOf)
    .filter((a) => connectionId === undefined || a.packet_connection === connectionId)
    .map((a) => ({ acknowledgement: bytes(a, "packet_ack"), originalPacket: packetFromAttrs(a) }));
}

/**
 * Events of a block outside its txs (BeginBlock/EndBlock/FinalizeBlock), from the raw JSON-RPC
 * `block_results` (CometBFT 0.38: `finalize_block_events`; 0.34/0.37: begin/end_block_events).
 */
export async function blockEvents(rpcUrl: string, height: number): Promise<Event[]> {
  const res = await fetch(`${rpcUrl}/block_results?height=${height}`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`block_results ${height} from ${rpcUrl}: HTTP ${res.status}`);
  const body = (await res.json()) as any;
  if (body.error) throw new Error(`block_results ${height} from ${rpcUrl}: ${JSON.stringify(body.error)}`);
  const r = body.result ?? {};
  const raw: any[] = [...(r.finalize_block_events ?? []), ...(r.begin_block_events ?? []), ...(r.end_block_events ?? [])];
  return raw.map((e) => ({
    type: String(e.type),
    attributes: (e.attributes ?? []).map((a: any) => ({ key: String(a.key ?? ""), value: String(a.value ?? "") })),
  }));
}

function rangeQuery(base: string, heightKey: "tx.height" | "block.height", opts: QueryOpts): string {
  let q = base;
  if (opts.minHeight) q += ` AND ${heightKey}>=${opts.minHeight}`;
  if (opts.maxHeight) q += ` AND ${heightKey}<=${opts.maxHeight}`;
  return q;
}

/** Replace querySentPackets / queryWrittenAcks of this Endpoint instance (see the file comment). */
export function patchEndpoint(ep: Endpoint, rpcUrl: string): Endpoint {
  const tm = ep.client.tm;
  const conn = ep.connectionID;

  const querySentPackets = async (opts: QueryOpts = {}): Promise<PacketWithMetadata[]> => {
    const base = `send_packet.packet_connection='${conn}'`;
    const [txs, blocks] = await Promise.all([
      tm.txSearchAll({ query: rangeQuery(base, "tx.height", opts) }),
      tm.blockSearchAll({ query: rangeQuery(base, "block.height", opts) }),
    ]);
    const out: PacketWithMetadata[] = [];
    for (const tx of txs.txs) {
      for (const packet of packetsFromEvents(tx.result.events.map(fromTendermintEvent), conn)) out.push({ packet, height: tx.height });
    }
    for (const b of blocks.blocks) {
      const height = b.block.header.height;
      for (const packet of packetsFromEvents(await blockEvents(rpcUrl, height), conn)) out.push({ packet, height });
    }
    return out;
  };

  const queryWrittenAcks = async (opts: QueryOpts = {}): Promise<AckWithMetadata[]> => {
    const base = `write_acknowledgement.packet_connection='${conn}'`;
    const [txs, blocks] = await Promise.all([
      tm.txSearchAll({ query: rangeQuery(base, "tx.height", opts) }),
      tm.blockSearchAll({ query: rangeQuery(base, "block.height", opts) }),
    ]);
    const out: AckWithMetadata[] = [];
    for (const tx of txs.txs) {
      const events = tx.result.events.map(fromTendermintEvent);
      const txHash = toHex(tx.hash).toUpperCase();
      for (const ack of acksFromEvents(events, conn)) out.push({ ...ack, height: tx.height, txHash, txEvents: events });
    }
    for (const b of blocks.blocks) {
      const height = b.block.header.height;
      const events = await blockEvents(rpcUrl, height);
      for (const ack of acksFromEvents(events, conn)) out.push({ ...ack, height, txHash: "", txEvents: events });
    }
    return out;
  };

  Object.assign(ep, { querySentPackets, queryWrittenAcks });
  return ep;
}
