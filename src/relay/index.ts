/** IBC relaying between local wasmd chains with @confio/relayer as a library. See README.md. */
export * from "./link";
export * from "./channel";
export * from "./relayer";
export * from "./ics20";
export * from "./devnet";
export { patchEndpoint, blockEvents, packetsFromEvents, acksFromEvents, parseTimeoutHeight } from "./events";
export { setRelayLogger, setRelayLogLevel, libraryLogger, relayLog } from "./log";
export type { RelayLogLevel, RelayLogSink } from "./log";
export { Link, IbcClient, Endpoint } from "./lib";
export type { RelayedHeights, AckWithMetadata, PacketWithMetadata, Logger, ChannelPair, Side } from "./lib";
