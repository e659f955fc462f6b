/** Local wasmd chains for the devnet and real-chain tests. See node.ts for the lifecycle. */
export * from "./accounts";
export * from "./config";
export * from "./node";
export * from "./client";
export * from "./devnet";
export * from "./lease";
export { ensureWasmd, runningWasmdBuilds } from "./wasmd";
export { setChainLogger, rssKiB, pidAlive } from "./proc";
