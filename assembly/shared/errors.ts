// Errors of the rules both mesh contracts share (the channel handshake and close, migrations). Same conventions as
// the SDK's errors.ts: a stable title first; listed with commonErrors in src/contracts/errors.ts.

export function noCounterparty(): string {
  return "No counterparty is authorized yet: governance must set it before a channel opens";
}

export function consumerDoesNotOpen(): string {
  return "The consumer does not open channels: the handshake must start on the provider chain (open_try here)";
}

export function providerOpensItself(): string {
  return "The provider opens the channel itself: a handshake started on the consumer chain is refused";
}

export function unauthorizedConnection(connection: string, trusted: string): string {
  return "Unauthorized connection: " + connection + "; only " + trusted + " is trusted";
}

export function unauthorizedPort(port: string, trusted: string): string {
  return "Unauthorized counterparty port: " + port + "; only " + trusted + " is trusted";
}

export function channelAlreadyOpen(): string {
  return "A channel is already open: only one channel at a time";
}

export function orderedChannel(): string {
  return "Only unordered channels are supported";
}

export function incompatibleVersion(proposed: string, expected: string): string {
  return "Incompatible protocol version '" + proposed + "': expected " + expected;
}

/** A packet or channel message for a channel that is not this contract's live channel. */
export function unknownChannel(channelId: string): string {
  return "Unknown channel: " + channelId;
}

export function noChannelToClose(): string {
  return "No channel to close";
}

/** A stranger's MsgChannelCloseInit for the live channel. */
export function closeIsGovernance(channelId: string): string {
  return "Closing the mesh channel is a governance decision: " + channelId + " closes through the contract's close_channel message";
}

export function notThisContractsState(contract: string): string {
  return "Cannot migrate: this contract's state is not that of " + contract;
}

/** A reward transfer channel that is not an open channel of the ICS-20 port. */
export function transferChannelNotFound(channel: string): string {
  return "Transfer channel not found: " + channel + " is not an open channel of port transfer";
}

/** A reward transfer channel on another connection than the mesh counterparty's. */
export function transferChannelWrongConnection(channel: string, connection: string, expected: string): string {
  return "Transfer channel on the wrong connection: " + channel + " uses " + connection + ", the mesh counterparty is on " + expected;
}

/** The counterparty's port is not a wasm contract port (`wasm.<address>`): rewards have no contract to go to. */
export function counterpartyNotContract(port: string): string {
  return "Counterparty port not a contract port: " + port + " is not wasm.<address>";
}
