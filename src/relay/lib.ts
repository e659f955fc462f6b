/**
 * The parts of @confio/relayer we use, imported from their modules directly: the package's index
 * also loads its testutils (build/lib/helpers.js), which require("sinon") — a test-only dependency
 * that is not installed — so `import … from "@confio/relayer"` throws "Cannot find module 'sinon'".
 */
export { Link } from "@confio/relayer/build/lib/link";
export type { RelayedHeights, RelayInfo, Side, ChannelPair } from "@confio/relayer/build/lib/link";
export { IbcClient, prepareChannelHandshake } from "@confio/relayer/build/lib/ibcclient";
export { Endpoint } from "@confio/relayer/build/lib/endpoint";
export type { AckWithMetadata, PacketWithMetadata, QueryOpts } from "@confio/relayer/build/lib/endpoint";
export type { Logger } from "@confio/relayer/build/lib/logger";
