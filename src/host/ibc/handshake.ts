// The channel handshake and closing (ibc-go 04-channel handshake + core msg_server): each step is a tx on its chain
// that calls the port's app and then writes the channel end. The app callback runs before the write except in
// OpenAck (WriteOpenAckChannel first, so a contract sees the final version) and OpenConfirm.
import type { Ctx } from "../context";
import { HostError } from "../types";
import { getChannel, nextChannelId, setChannel } from "./store";
import { ChannelErrors, IbcRouter, Order, STATE_NAMES } from "./types";
import { ev } from "./util";

export function chanOpenInit(ibc: IbcRouter, ctx: Ctx, port: string, order: Order, connectionId: string, counterpartyPort: string, version: string): { channelId: string; version: string } {
  const app = ibc.appFor(ctx, port);
  ibc.connection(connectionId);
  const channelId = nextChannelId(ctx.store);
  let accepted: string;
  try {
    accepted = app.onChanOpenInit(ctx, order, connectionId, port, channelId, { port: counterpartyPort, channel: "" }, version);
  } catch (e) {
    throw e instanceof HostError ? e.wrap(`channel open init callback failed for port ID: ${port}, channel ID: ${channelId}`) : e;
  }
  setChannel(ctx.store, port, channelId, { state: "INIT", ordering: order, counterpartyPort, counterpartyChannel: "", connectionId, version: accepted });
  ctx.emit(ev("channel_open_init", ["port_id", port], ["channel_id", channelId], ["counterparty_port_id", counterpartyPort],
    ["connection_id", connectionId], ["version", accepted]));
  return { channelId, version: accepted };
}

export function chanOpenTry(
  ibc: IbcRouter, ctx: Ctx, port: string, order: Order, connectionId: string, counterpartyPort: string, counterpartyChannel: string, counterpartyVersion: string,
): { channelId: string; version: string } {
  const app = ibc.appFor(ctx, port);
  ibc.connection(connectionId);
  const channelId = nextChannelId(ctx.store);
  let version: string;
  try {
    version = app.onChanOpenTry(ctx, order, connectionId, port, channelId, { port: counterpartyPort, channel: counterpartyChannel }, counterpartyVersion);
  } catch (e) {
    throw e instanceof HostError ? e.wrap(`channel open try callback failed for port ID: ${port}, channel ID: ${channelId}`) : e;
  }
  setChannel(ctx.store, port, channelId, { state: "TRYOPEN", ordering: order, counterpartyPort, counterpartyChannel, connectionId, version });
  ctx.emit(ev("channel_open_try", ["port_id", port], ["channel_id", channelId], ["counterparty_port_id", counterpartyPort],
    ["counterparty_channel_id", counterpartyChannel], ["connection_id", connectionId], ["version", version]));
  return { channelId, version };
}

export function chanOpenAck(ibc: IbcRouter, ctx: Ctx, port: string, channelId: string, counterpartyChannel: string, counterpartyVersion: string): void {
  const { app, channel } = ibc.channelApp(ctx, port, channelId);
  if (channel.state !== "INIT") {
    throw ChannelErrors.invalidChannelState.wrap(`channel state should be INIT (got ${STATE_NAMES[channel.state]})`).wrap("channel handshake open ack failed");
  }
  // WriteOpenAckChannel runs before the callback: the contract sees the final version
  setChannel(ctx.store, port, channelId, { ...channel, state: "OPEN", version: counterpartyVersion, counterpartyChannel });
  try {
    app.onChanOpenAck(ctx, port, channelId, counterpartyChannel, counterpartyVersion);
  } catch (e) {
    throw e instanceof HostError ? e.wrap(`channel open ack callback failed for port ID: ${port}, channel ID: ${channelId}`) : e;
  }
  ctx.emit(ev("channel_open_ack", ["port_id", port], ["channel_id", channelId], ["counterparty_port_id", channel.counterpartyPort],
    ["counterparty_channel_id", counterpartyChannel], ["connection_id", channel.connectionId]));
}

export function chanOpenConfirm(ibc: IbcRouter, ctx: Ctx, port: string, channelId: string): void {
  const { app, channel } = ibc.channelApp(ctx, port, channelId);
  if (channel.state !== "TRYOPEN") {
    throw ChannelErrors.invalidChannelState.wrap(`channel state is not TRYOPEN (got ${STATE_NAMES[channel.state]})`).wrap("channel handshake open confirm failed");
  }
  setChannel(ctx.store, port, channelId, { ...channel, state: "OPEN" });
  try {
    app.onChanOpenConfirm(ctx, port, channelId);
  } catch (e) {
    throw e instanceof HostError ? e.wrap(`channel open confirm callback failed for port ID: ${port}, channel ID: ${channelId}`) : e;
  }
  ctx.emit(ev("channel_open_confirm", ["port_id", port], ["channel_id", channelId], ["counterparty_port_id", channel.counterpartyPort],
    ["counterparty_channel_id", channel.counterpartyChannel], ["connection_id", channel.connectionId]));
}

/** MsgChannelCloseInit: app callback first, then the state change. */
export function chanCloseInit(ibc: IbcRouter, ctx: Ctx, port: string, channelId: string): void {
  const { app } = ibc.channelApp(ctx, port, channelId);
  try {
    app.onChanCloseInit(ctx, port, channelId);
  } catch (e) {
    throw e instanceof HostError ? e.wrap(`channel close init callback failed for port ID: ${port}, channel ID: ${channelId}`) : e;
  }
  const channel = getChannel(ctx.store, port, channelId)!;
  if (channel.state === "CLOSED") throw ChannelErrors.invalidChannelState.wrap("channel is already CLOSED").wrap("channel handshake close init failed");
  setChannel(ctx.store, port, channelId, { ...channel, state: "CLOSED" });
  ctx.emit(ev("channel_close_init", ["port_id", port], ["channel_id", channelId], ["counterparty_port_id", channel.counterpartyPort],
    ["counterparty_channel_id", channel.counterpartyChannel], ["connection_id", channel.connectionId]));
}

/** MsgChannelCloseConfirm (the counterparty is CLOSED): app callback first, then the state change. */
export function chanCloseConfirm(ibc: IbcRouter, ctx: Ctx, port: string, channelId: string): void {
  const { app } = ibc.channelApp(ctx, port, channelId);
  try {
    app.onChanCloseConfirm(ctx, port, channelId);
  } catch (e) {
    throw e instanceof HostError ? e.wrap(`channel close confirm callback failed for port ID: ${port}, channel ID: ${channelId}`) : e;
  }
  const channel = getChannel(ctx.store, port, channelId)!;
  if (channel.state === "CLOSED") throw ChannelErrors.invalidChannelState.wrap("channel is already CLOSED").wrap("channel handshake close confirm failed");
  setChannel(ctx.store, port, channelId, { ...channel, state: "CLOSED" });
  ctx.emit(ev("channel_close_confirm", ["port_id", port], ["channel_id", channelId], ["counterparty_port_id", channel.counterpartyPort],
    ["counterparty_channel_id", channel.counterpartyChannel], ["connection_id", channel.connectionId]));
}
