// Typed messages of mesh-provider, mesh-consumer and meta-staking (assembly/contracts/*), and the IBC protocol
// constants. Packet JSON is pinned in tests/fixtures/protocol.json.

export const MESH_VERSION = "mesh-security-v1";

export interface ProviderInstantiateMsg {
  ilp: string;
  /** Must be ≥ the consumer chain's unbonding period + packet_timeout_seconds. */
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

export const providerMsg = {
  setConsumer: (connectionId: string, portId: string) => ({ set_consumer: { connection_id: connectionId, port_id: portId } }),
  unstake: (validator: string, amount: bigint | string) => ({ unstake: { validator, amount: amount.toString() } }),
  withdrawUnbonded: () => ({ withdraw_unbonded: {} }),
  refreshValidators: () => ({ refresh_validators: {} }),
};

export const providerQuery = {
  config: () => ({ config: {} }),
  channel: () => ({ channel: {} }),
  validators: () => ({ validators: {} }),
  stake: (owner: string, validator: string) => ({ stake: { owner, validator } }),
  stakes: (owner: string) => ({ stakes: { owner } }),
  unbonding: (owner: string) => ({ unbonding: { owner } }),
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
  sendValidatorSet: () => ({ send_validator_set: {} }),
};

export const consumerQuery = {
  config: () => ({ config: {} }),
  channel: () => ({ channel: {} }),
  record: (validator: string) => ({ record: { validator } }),
  records: () => ({ records: {} }),
};

export interface MetaStakingConsumer {
  address: string;
  allowance: string;
  delegated: string;
  delegations: { validator: string; amount: string }[];
}

export const metaStakingMsg = {
  setAllowance: (consumer: string, amount: bigint | string) => ({ set_allowance: { consumer, amount: amount.toString() } }),
  fund: () => ({ fund: {} }),
};

export const metaStakingQuery = {
  config: () => ({ config: {} }),
  consumer: (address: string) => ({ consumer: { address } }),
  validator: (validator: string) => ({ validator: { validator } }),
};
