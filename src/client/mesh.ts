// Typed messages of mesh-provider, mesh-consumer and meta-staking (assembly/contracts/*), and the IBC protocol
// constants. Packet JSON is pinned in tests/fixtures/protocol.json.

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

export interface ProviderInstantiateMsg {
  ilp: string;
  /**
   * Must cover the consumer chain's unbonding period + meta-staking's undelegation epoch + packet_timeout_seconds
   * (checked against what the consumer announces; stake is refused until it does).
   */
  unbonding_period_seconds: number;
  packet_timeout_seconds?: number;
  admin?: string | null;
}

export interface ProviderStake {
  validator: string;
  staked: string;
  pending_stake: string;
  pending_unstake: string;
}

export interface ProviderUnbonding {
  id: number;
  validator: string;
  amount: string;
  release_at: string;
}

/** `unbonding` query: entries (paged by id) and stake of closed channels, all unbonding since the close. */
export interface ProviderUnbondingResponse {
  unbonding: ProviderUnbonding[];
  from_closed_channels: { validator: string; amount: string; release_at: string }[];
}

export interface ProviderChannelResponse {
  channel_id: string | null;
  /** Channels connected so far; stake is stamped with the generation it went through. */
  generation: number;
  /** When the current generation's channel closed (ns, "0" while open). */
  closed_at: string;
  listing_validators: boolean;
}

export interface ProviderValidatorsResponse {
  validators: string[];
  /** The consumer's block height when it read this set; older updates are ignored. */
  version: number;
  updated_height: number;
  consumer_unbonding_period_seconds: number;
  consumer_unbonding_epoch_seconds: number;
}

export const providerMsg = {
  setConsumer: (connectionId: string, portId: string) => ({ set_consumer: { connection_id: connectionId, port_id: portId } }),
  unstake: (validator: string, amount: bigint | string) => ({ unstake: { validator, amount: amount.toString() } }),
  withdrawUnbonded: (limit?: number) => ({ withdraw_unbonded: limit === undefined ? {} : { limit } }),
  refreshValidators: () => ({ refresh_validators: {} }),
  /** Governance only: closes the mesh channel (everything through it unbonds from now). */
  closeChannel: () => ({ close_channel: {} }),
};

export const providerQuery = {
  config: () => ({ config: {} }),
  channel: () => ({ channel: {} }),
  validators: () => ({ validators: {} }),
  stake: (owner: string, validator: string) => ({ stake: { owner, validator } }),
  stakes: (owner: string) => ({ stakes: { owner } }),
  unbonding: (owner: string, startAfter?: number, limit?: number) =>
    ({ unbonding: { owner, ...(startAfter === undefined ? {} : { start_after: startAfter }), ...(limit === undefined ? {} : { limit }) } }),
  validatorTotal: (validator: string) => ({ validator_total: { validator } }),
  tx: (id: number) => ({ tx: { id } }),
};

export interface ConsumerInstantiateMsg {
  meta_staking: string;
  /** Local tokens per provider token, a Decimal string. */
  rate: string;
  /** Haircut in [0, 1), a Decimal string. */
  discount: string;
  packet_timeout_seconds?: number;
  admin?: string | null;
}

export interface ConsumerRecord {
  validator: string;
  provider_amount: string;
  local_amount: string;
}

export const consumerMsg = {
  setProvider: (connectionId: string, portId: string) => ({ set_provider: { connection_id: connectionId, port_id: portId } }),
  updateConversion: (rate: string, discount: string) => ({ update_conversion: { rate, discount } }),
  /** Anyone, but only when the set or unbonding rules changed since the last update (or it failed to arrive). */
  sendValidatorSet: () => ({ send_validator_set: {} }),
  /** Governance only: closes the mesh channel and undelegates everything it brought in. */
  closeChannel: () => ({ close_channel: {} }),
};

export const consumerQuery = {
  config: () => ({ config: {} }),
  channel: () => ({ channel: {} }),
  record: (validator: string) => ({ record: { validator } }),
  records: () => ({ records: {} }),
  lastValidatorSet: () => ({ last_validator_set: {} }),
};

export interface MetaStakingConsumer {
  address: string;
  allowance: string;
  delegated: string;
  delegations: { validator: string; amount: string }[];
}

export interface MetaStakingInstantiateMsg {
  /** x/staking's unbonding period on this chain. */
  unbonding_period_seconds: number;
  /** x/staking's max_entries (default 7); the batch epoch is ⌈unbonding / (max − 1)⌉. */
  max_unbonding_entries?: number;
  admin?: string | null;
}

export interface MetaStakingConfig {
  admin: string;
  denom: string;
  unbonding_period_seconds: number;
  max_unbonding_entries: number;
  unbonding_epoch_seconds: number;
}

export interface MetaStakingValidator {
  validator: string;
  /** booked for consumers, excluding queued undelegations */
  delegated: string;
  /** waiting for the validator's next undelegation batch */
  queued: string;
  /** what x/staking holds for meta-staking */
  on_chain: string;
}

export interface MetaStakingQueueEntry {
  validator: string;
  queued: string;
  /** ns; "0" when the batch may run now */
  batch_at: string;
}

export const metaStakingMsg = {
  setAllowance: (consumer: string, amount: bigint | string) => ({ set_allowance: { consumer, amount: amount.toString() } }),
  fund: () => ({ fund: {} }),
  /** Governance takes back liquid funds. */
  withdrawFunds: (amount: bigint | string, recipient?: string) =>
    ({ withdraw_funds: { amount: amount.toString(), ...(recipient === undefined ? {} : { recipient }) } }),
  /** Permissionless crank: undelegates every due batch (a page of the queue). */
  processUnbonding: (startAfter?: string, limit?: number) =>
    ({ process_unbonding: { ...(startAfter === undefined ? {} : { start_after: startAfter }), ...(limit === undefined ? {} : { limit }) } }),
};

export const metaStakingQuery = {
  config: () => ({ config: {} }),
  consumer: (address: string) => ({ consumer: { address } }),
  validator: (validator: string) => ({ validator: { validator } }),
  unbondingQueue: (startAfter?: string, limit?: number) =>
    ({ unbonding_queue: { ...(startAfter === undefined ? {} : { start_after: startAfter }), ...(limit === undefined ? {} : { limit }) } }),
};
