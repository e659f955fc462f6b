// Channel handshake rules shared by mesh-provider and mesh-consumer: unordered, our protocol version, only the
// configured counterparty (connection, port), and only one channel at a time.
import { IbcChannel, IbcChannelMsg, Item, JsonValue, JsonWriter, fail } from "../sdk";
import { MESH_VERSION } from "./packets";

/** Who may connect: set by governance (the admin) before the channel opens. */
export class Counterparty {
  constructor(public connectionId: string, public portId: string) {}

  write(w: JsonWriter): void {
    w.beginObject().key("connection_id").string(this.connectionId).key("port_id").string(this.portId).endObject();
  }

  static fromJson(j: JsonValue): Counterparty {
    return new Counterparty(j.get("connection_id")!.text, j.get("port_id")!.text);
  }
}

/** The open channel, as this side sees it. */
export class ChannelInfo {
  constructor(public channelId: string, public counterpartyChannelId: string, public connectionId: string) {}
}

export const CHANNEL = new Item<ChannelInfo>(
  "channel",
  (c: ChannelInfo, w: JsonWriter): void => {
    w.beginObject().key("channel_id").string(c.channelId).key("counterparty_channel_id").string(c.counterpartyChannelId);
    w.key("connection_id").string(c.connectionId).endObject();
  },
  (j: JsonValue): ChannelInfo => new ChannelInfo(j.get("channel_id")!.text, j.get("counterparty_channel_id")!.text, j.get("connection_id")!.text),
);

/** Checks an open_init/open_try against the rules; returns the version to use, or null (error recorded). */
export function checkChannelOpen(msg: IbcChannelMsg, trusted: Counterparty | null): string | null {
  const channel = msg.channel;
  if (trusted == null) return fail<string>("No counterparty is authorised yet: governance must set it before a channel opens");
  // Counterparty first: an untrusted party learns nothing else about our state.
  if (channel.connectionId != trusted.connectionId) {
    return fail<string>("Unauthorised connection " + channel.connectionId + ": only " + trusted.connectionId + " is trusted");
  }
  if (channel.counterpartyEndpoint.portId != trusted.portId) {
    return fail<string>("Unauthorised counterparty port " + channel.counterpartyEndpoint.portId + ": only " + trusted.portId + " is trusted");
  }
  if (CHANNEL.may_load() != null) return fail<string>("A channel is already open: only one channel at a time");
  if (channel.ordered) return fail<string>("Only unordered channels are supported");
  const proposed = msg.step == "open_try" ? msg.counterpartyVersion : channel.version;
  // On open_init the relayer may leave the version empty, letting the contract choose.
  if (proposed != null && proposed.length > 0 && proposed != MESH_VERSION) {
    return fail<string>("Incompatible protocol version '" + proposed + "': expected " + MESH_VERSION);
  }
  return MESH_VERSION;
}

/** open_ack/open_confirm: re-check the version and record the channel. */
export function recordChannelConnect(msg: IbcChannelMsg): ChannelInfo | null {
  const version = msg.step == "open_ack" ? msg.counterpartyVersion : msg.channel.version;
  if (version != null && version != MESH_VERSION) return fail<ChannelInfo>("Incompatible protocol version '" + version + "'");
  if (CHANNEL.may_load() != null) return fail<ChannelInfo>("A channel is already open: only one channel at a time");
  const info = new ChannelInfo(msg.channel.endpoint.channelId, msg.channel.counterpartyEndpoint.channelId, msg.channel.connectionId);
  CHANNEL.save(info);
  return info;
}

/** The stored channel if `channelId` is it; otherwise null with an error (packets from elsewhere are refused). */
export function requireOurChannel(channelId: string): ChannelInfo | null {
  const channel = CHANNEL.may_load();
  if (channel == null || channel.channelId != channelId) return fail<ChannelInfo>("Unknown channel " + channelId);
  return channel;
}

export function isOurChannel(channel: IbcChannel): bool {
  const stored = CHANNEL.may_load();
  return stored != null && stored.channelId == channel.endpoint.channelId;
}
