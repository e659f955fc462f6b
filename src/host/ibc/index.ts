// IBC for the host: ibc-go v8 core (channels, packets, acknowledgements, timeouts, replay protection) on each
// Chain, the wasmd v0.54 IBC handler that routes `wasm.<contract>` ports to the contract's `ibc_*` entry points,
// the IbcMsg / IbcQuery of contracts, and the helpers that link chains in-process (connectChains, openChannel).
// Relaying is done by `Relayer` (relayer.ts); light-client proofs are replaced by reading the counterparty's state.
//
// Semantics kept (sources: ibc-go v8.8 modules/core/keeper/msg_server.go, 04-channel/keeper/*.go; wasmd v0.54.9
// x/wasm/ibc.go, keeper/relay.go, keeper/handler_plugin.go, handler_plugin_encoders.go):
//   * receive: the app callback runs in a branch; an unsuccessful acknowledgement reverts it (its events are kept
//     with the "ibccallbackerror-" prefix) but the receipt and the ack are written. For a contract: a returned
//     {"error":…} gives the ack {"error":"<message verbatim>"}; a failing message of the receive response gives
//     {"error":"ABCI error: <codespace>/<code>: error handling packet: see events for details"}; a VM error
//     (trap, abort, unparsable result) panics in wasmd, so the whole relay tx fails and the packet stays
//     unreceived; a nil acknowledgement is an async ack (stored, written later by `write_acknowledgement`).
//   * ack / timeout callbacks run in the relay tx: any error fails it (the commitment stays, the packet pending).
//   * redundant relays (a packet received twice, an ack or timeout for a cleared commitment) are ibc-go no-ops:
//     the tx succeeds, nothing is called (RESULT_NO_OP).
//   * a timeout needs the packet unreceived and its timeout elapsed on the destination (or the destination channel
//     closed: MsgTimeoutOnClose); a timeout on an ORDERED channel closes it.
//   * `close_channel` from a contract is MsgChannelCloseInit on port wasm.<sender>: the contract's own
//     ibc_channel_close(close_init) runs, then the channel is CLOSED; the relayer delivers close_confirm.
//   * VM errors of the other IBC entry points are reported as ErrExecuteFailed (code 5), as wasmd does.
//
//   types.ts          channel ends, packets, the app interface, connections, error roots
//   height.ts         heights and timeouts
//   json.ts           wasmvm JSON of channels and packets; acknowledgement envelopes
//   store.ts          the core's state layout and readers
//   handshake.ts      channel open/close steps
//   packets.ts        send, receive, write ack, acknowledge, timeout
//   wasm-app.ts       the contract app (wasmd's IBC handler)
//   contract-msgs.ts  IbcMsg / IbcQuery of contracts
//   module.ts         IbcModule: connections, routing, the HostModule face
//   link.ts           connectChains, openChannel
export * from "./types";
export { revisionNumber, selfHeight, heightString, timeoutElapsed } from "./height";
export { endpointJson, channelJson, packetJson, ackResult, ackError, errorAck, errorAckWithCodespace } from "./json";
export { samePacket } from "./store";
export type { IbcMsg } from "./contract-msgs";
export { WasmIbcApp } from "./wasm-app";
export { IbcModule } from "./module";
export { Link, connectChains, openChannel, HandshakeError } from "./link";
export type { OrderInput, ChannelPair, HandshakeStep } from "./link";
