// Channel rules shared by mesh-provider and mesh-consumer: unordered, our protocol version, only the configured
// counterparty (connection, port), only one channel at a time, and:
//  * one initiator: the provider opens (open_init), the consumer answers (open_try). A handshake started on the
//    consumer chain is refused, so two crossed handshakes cannot leave each side recorded on a different channel.
//    A half-open attempt records nothing here (the channel is recorded at open_ack/open_confirm only), so a stuck
//    one is simply abandoned; anyone may close it, since it is not the live channel.
//  * closing is governance's: MsgChannelCloseInit is permissionless in ibc-go, so close_init of the live channel
//    is refused unless this contract asked for it itself (CLOSING). wasmd routes a contract's own
//    IbcMsg::CloseChannel through ibc-go's msg server, which calls this contract's ibc_channel_close(close_init)
//    back within the same transaction; the bookkeeping is done in the execute that requests the close.
import { IbcChannel, IbcChannelMsg, Item, JsonValue, JsonWriter, fail, failCheck, queryIbcChannel } from "../sdk";
import {
  channelAlreadyOpen, closeIsGovernance, consumerDoesNotOpen, counterpartyNotContract, incompatibleVersion, noChannelToClose, noCounterparty, orderedChannel,
  providerOpensItself, transferChannelNotFound, transferChannelWrongConnection, unauthorizedConnection, unauthorizedPort, unknownChannel,
} from "./errors";
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

/** Which side of the handshake this contract plays. */
export const enum HandshakeRole {
  /** mesh-provider: accepts open_init only */
  Initiator = 0,
  /** mesh-consumer: accepts open_try only */
  Responder = 1,
}

/** Checks an open_init/open_try against the rules; returns the version to use, or null (error recorded). */
export function checkChannelOpen(msg: IbcChannelMsg, trusted: Counterparty | null, role: HandshakeRole): string | null {
  const channel = msg.channel;
  if (trusted == null) return fail<string>(noCounterparty());
  if (role == HandshakeRole.Responder && msg.step == "open_init") {
    return fail<string>(consumerDoesNotOpen());
  }
  if (role == HandshakeRole.Initiator && msg.step == "open_try") {
    return fail<string>(providerOpensItself());
  }
  // Counterparty first: an untrusted party learns nothing else about our state.
  if (channel.connectionId != trusted.connectionId) {
    return fail<string>(unauthorizedConnection(channel.connectionId, trusted.connectionId));
  }
  if (channel.counterpartyEndpoint.portId != trusted.portId) {
    return fail<string>(unauthorizedPort(channel.counterpartyEndpoint.portId, trusted.portId));
  }
  if (CHANNEL.may_load() != null) return fail<string>(channelAlreadyOpen());
  if (channel.ordered) return fail<string>(orderedChannel());
  const proposed = msg.step == "open_try" ? msg.counterpartyVersion : channel.version;
  // On open_init the relayer may leave the version empty, letting the contract choose.
  if (proposed != null && proposed.length > 0 && proposed != MESH_VERSION) {
    return fail<string>(incompatibleVersion(proposed, MESH_VERSION));
  }
  return MESH_VERSION;
}

/** open_ack/open_confirm: re-check the version and record the channel. */
export function recordChannelConnect(msg: IbcChannelMsg): ChannelInfo | null {
  const version = msg.step == "open_ack" ? msg.counterpartyVersion : msg.channel.version;
  if (version != null && version != MESH_VERSION) return fail<ChannelInfo>(incompatibleVersion(version, MESH_VERSION));
  if (CHANNEL.may_load() != null) return fail<ChannelInfo>(channelAlreadyOpen());
  const info = new ChannelInfo(msg.channel.endpoint.channelId, msg.channel.counterpartyEndpoint.channelId, msg.channel.connectionId);
  CHANNEL.save(info);
  return info;
}

/** The stored channel if `channelId` is it; otherwise null with an error (packets from elsewhere are refused). */
export function requireOurChannel(channelId: string): ChannelInfo | null {
  const channel = CHANNEL.may_load();
  if (channel == null || channel.channelId != channelId) return fail<ChannelInfo>(unknownChannel(channelId));
  return channel;
}

/** The channel this contract is closing itself (set by the governance close, cleared by its close_init callback). */
const CLOSING = new Item<string>(
  "closing",
  (id: string, w: JsonWriter): void => { w.string(id); },
  (j: JsonValue): string => j.text,
);

/**
 * Starts governance's close of the live channel: marks it so that the close_init callback, which ibc-go sends back
 * within the same transaction, lets exactly this close through. Returns the channel (the caller does its
 * bookkeeping and emits IbcMsg::CloseChannel), or null with an error when none is open.
 */
export function beginOwnClose(): ChannelInfo | null {
  const channel = CHANNEL.may_load();
  if (channel == null) return fail<ChannelInfo>(noChannelToClose());
  CLOSING.save(channel.channelId);
  return channel;
}

/**
 * close_init: passes the contract's own close (marked by beginOwnClose) and any channel that is not the live one
 * (an abandoned half-open attempt); refuses a close of the live channel by anyone else.
 */
export function checkCloseInit(msg: IbcChannelMsg): bool {
  const id = msg.channel.endpoint.channelId;
  const closing = CLOSING.may_load();
  if (closing != null && closing == id) {
    CLOSING.remove();
    return true;
  }
  if (isOurChannel(msg.channel)) {
    return failCheck(closeIsGovernance(id));
  }
  return true;
}

export function isOurChannel(channel: IbcChannel): bool {
  const stored = CHANNEL.may_load();
  return stored != null && stored.channelId == channel.endpoint.channelId;
}

/** ICS-20's port, bound by the transfer module on every chain. */
export const TRANSFER_PORT = "transfer";

/**
 * Checks that `channelId` is an open ICS-20 channel on `connectionId` (the mesh counterparty's connection), so that
 * rewards travel between the same two chains as the mesh channel. False with the reason recorded otherwise.
 */
export function checkTransferChannel(channelId: string, connectionId: string): bool {
  const lookup = queryIbcChannel(TRANSFER_PORT, channelId);
  if (lookup == null) return false;
  const channel = lookup.channel;
  if (channel == null) return failCheck(transferChannelNotFound(channelId));
  if (channel.connectionId != connectionId) return failCheck(transferChannelWrongConnection(channelId, channel.connectionId, connectionId));
  return true;
}

/** The contract behind a wasm port (`wasm.<address>`), or null (error recorded). */
export function contractOfPort(portId: string): string | null {
  if (!portId.startsWith("wasm.") || portId.length == 5) return fail<string>(counterpartyNotContract(portId));
  return portId.substring(5);
}
