// The mesh protocol's constants and unbonding arithmetic, shared by the deploy tooling, scenarios and tests. The
// contracts' messages and responses are generated: src/contracts/<Contract>.{types,client,message-builder}.ts.
// Packet JSON is pinned in tests/fixtures/protocol.json.

/** The IBC channel version of the mesh channel (provider ↔ consumer). */
export const MESH_VERSION = "mesh-security-v1";

/** x/staking's default max_entries, which meta-staking's batching stays under. */
export const MAX_UNBONDING_ENTRIES = 7;

/** meta-staking's undelegation epoch for an unbonding period: ⌈U / (max_entries − 1)⌉. */
export function unbondingEpochSeconds(consumerUnbondingSeconds: number, maxEntries = MAX_UNBONDING_ENTRIES): number {
  return Math.ceil(consumerUnbondingSeconds / (maxEntries - 1));
}

/** The shortest provider unbonding period the provider accepts: consumer unbonding + epoch + packet timeout. */
export function minimumProviderUnbonding(consumerUnbondingSeconds: number, packetTimeoutSeconds: number): number {
  return consumerUnbondingSeconds + unbondingEpochSeconds(consumerUnbondingSeconds) + packetTimeoutSeconds;
}

/** minimumProviderUnbonding plus a few seconds of margin for block times. */
export function providerUnbondingPeriod(consumerUnbondingSeconds: number, packetTimeoutSeconds: number, marginSeconds = 5): number {
  return minimumProviderUnbonding(consumerUnbondingSeconds, packetTimeoutSeconds) + marginSeconds;
}
