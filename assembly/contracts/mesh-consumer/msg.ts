// mesh-consumer's messages, declared once: `npm run codegen` generates msg.codec.ts (strict decoders, encoders)
// from them. The packets it exchanges with mesh-provider are declared in shared/packets.ts.
import { Decimal, Message, Uint128, Uint64 } from "../../sdk";
import { PowerResponse, REWARDS_PAGE, RewardInfo } from "../../shared/meta-staking";
import { ValidatorSetUpdate } from "../../shared/packets";

/** How long a validator_set packet may wait for the relayer, by default. */
export const DEFAULT_PACKET_TIMEOUT_SECONDS: u64 = 600;
export const DEFAULT_PAGE: u32 = 10;

@instantiate
export class InstantiateMsg {
  /** Governance: may set the provider, change the conversion, close the channel; the sender when absent. */
  admin: string | null = null;
  /** The meta-staking contract that delegates on this contract's behalf (it must grant an allowance). */
  metaStaking!: string;
  /** Local tokens per provider token (greater than zero). */
  rate!: Decimal;
  /** Haircut on converted stake, in [0, 1). */
  discount!: Decimal;
  /** Timeout of the validator_set packets this contract sends (1 s to 10 years). */
  packetTimeoutSeconds: u64 = DEFAULT_PACKET_TIMEOUT_SECONDS;
}

@execute
export abstract class ExecuteMsg extends Message {}

/** Admin only, while no channel is open: the only provider (connection and port) a channel may be opened with. */
export class SetProvider extends ExecuteMsg {
  connectionId!: string;
  portId!: string;
}

/** Admin only: the conversion of new stake (recorded stake converts back at the amounts recorded when staked). */
export class UpdateConversion extends ExecuteMsg {
  /** Local tokens per provider token (greater than zero). */
  rate!: Decimal;
  /** Haircut in [0, 1). */
  discount!: Decimal;
}

/**
 * Admin only: price new stake by this contract's `{"price":{}}` answer (docs/economics.md §1) instead of `rate`;
 * null goes back to `rate`. While the feed's price is stale, new stake is refused with its reason.
 */
export class SetPriceFeed extends ExecuteMsg {
  priceFeed: string | null = null;
}

/** Admin only: hands governance of this contract to `admin`. */
export class UpdateAdmin extends ExecuteMsg {
  admin!: string;
}

/**
 * Anyone: sends the validator set and unbonding rules to the provider, but only when they changed since the last
 * update or the last update failed to arrive.
 */
export class SendValidatorSet extends ExecuteMsg {}

/**
 * Anyone: has meta-staking check `validator` against x/staking and sends the provider every slash event on it not
 * yet sent (each packet and the unstake of a record check too).
 */
export class CheckValidator extends ExecuteMsg {
  validator!: string;
}

/** Admin only: closes the mesh channel and undelegates everything it brought in. */
export class CloseChannel extends ExecuteMsg {}

/**
 * Admin only: how rewards reach the provider — the ICS-20 channel (port `transfer`) on the mesh connection, checked
 * against it — and the commission this chain keeps, paid to `commission_recipient` (required when not zero).
 */
export class SetRewardConfig extends ExecuteMsg {
  transferChannel!: string;
  /** In [0, 1): the part of each validator's rewards kept, rounded down. */
  commission: Decimal = Decimal.zero();
  commissionRecipient: string | null = null;
}

/**
 * Anyone: claims this contract's rewards from meta-staking (harvesting up to `limit` validators) and sends them,
 * less the commission, with what earlier rounds had refunded, to the provider contract over the transfer channel,
 * one ICS-20 transfer per denom carrying the per-validator split (docs/rewards.md §2).
 */
export class DistributeRewards extends ExecuteMsg {
  /** Validators meta-staking harvests in this call; at most 30. */
  limit: u32 = REWARDS_PAGE;
}

/**
 * Anyone: re-values a page of the stake records (validator order) at the current price and meta-staking's power
 * rules, delegating or undelegating each validator's difference (docs/economics.md §2); the first page also sends
 * the validator set when it changed. Refused while the price is stale.
 */
export class Revalue extends ExecuteMsg {
  startAfter: string | null = null;
  /** Validators adjusted; at most 30 (about 0.6 M gas each on wasmd: docs/economics.md §6). */
  limit: u32 = 10;
}

@query
export abstract class QueryMsg {}

@returns(ConfigResponse)
export class ConfigQuery extends QueryMsg {}

/** The open channel; null while none is. */
@returns(ChannelResponse | null)
export class ChannelQuery extends QueryMsg {}

/** What the provider staked to `validator` through this contract, and what was delegated for it. */
@returns(RecordResponse)
export class RecordQuery extends QueryMsg {
  validator!: string;
}

/** All stake records in validator order, a page at a time. */
@returns(RecordsResponse)
export class RecordsQuery extends QueryMsg {
  startAfter: string | null = null;
  /** Page size; at most 30. */
  limit: u32 = DEFAULT_PAGE;
}

/** The last validator set sent to the provider; null when there is none (no channel, or the last update failed). */
@returns(ValidatorSetUpdate | null)
export class LastValidatorSetQuery extends QueryMsg {}

/** Rewards claimed, kept as commission, delivered, waiting and in flight. */
@returns(DistributionResponse)
export class DistributionQuery extends QueryMsg {}

/** The price now, the provider stake it values and the power rules that apply (what the next revalue aims for). */
@returns(EconomicsResponse)
export class EconomicsQuery extends QueryMsg {}

@migrate
export class MigrateMsg {}

export class EconomicsResponse {
  /** Local tokens per provider token now; null while the price feed has none. */
  price: Decimal | null = null;
  /** When the feed's price was made (ns); 0 for the fixed rate. */
  priceUpdatedAt!: Uint64;
  /** Why there is no price. */
  priceError: string | null = null;
  discount!: Decimal;
  /** Provider tokens staked here, after the slashes seen. */
  providerTotal!: Uint128;
  /** provider_total × price × (1 − discount); null without a price. */
  requested: Uint128 | null = null;
  /** meta-staking's power rules for this contract with `requested` as its request. */
  power!: PowerResponse;
}

/** The provider a channel may be opened with. */
export class ProviderInfo {
  connectionId!: string;
  portId!: string;
}

export class ConfigResponse {
  admin!: string;
  metaStaking!: string;
  /** null until the admin sets it */
  provider: ProviderInfo | null = null;
  rate!: Decimal;
  discount!: Decimal;
  packetTimeoutSeconds!: u64;
  /** null until the admin sets it (set_reward_config) */
  rewards: RewardConfigInfo | null = null;
  /** The contract new stake is priced by; null: `rate`. */
  priceFeed: string | null = null;
}

export class RewardConfigInfo {
  transferChannel!: string;
  commission!: Decimal;
  commissionRecipient: string | null = null;
}

/** Per denom, since instantiation: claimed = commission + delivered + waiting + in flight. */
export class RewardTotal {
  denom!: string;
  claimed!: Uint128;
  commission!: Uint128;
  /** Acknowledged by the provider chain's transfer module. */
  delivered!: Uint128;
}

/** A transfer in flight: its round, denom and amount. */
export class RewardRoundInfo {
  round!: u64;
  denom!: string;
  amount!: Uint128;
}

export class DistributionResponse {
  totals!: RewardTotal[];
  /** Claimed (or refunded) and not sent yet, per validator and denom. */
  waiting!: RewardInfo[];
  inFlight!: RewardRoundInfo[];
}

export class ChannelResponse {
  channelId!: string;
  counterpartyChannelId!: string;
  connectionId!: string;
}

export class RecordResponse {
  validator!: string;
  /** Provider tokens staked to the validator, after slashes (zero when there is no record). */
  providerAmount!: Uint128;
  /** Provider stake in slash-free units (the provider's shares): provider_amount = shares × cumulative. */
  shares!: Uint128;
  /** Local tokens delegated for them through meta-staking, as x/staking holds them now. */
  localAmount!: Uint128;
  /** The last slash event of the validator sent to the provider. */
  forwardedSeq!: u64;
}

export class RecordsResponse {
  records!: RecordResponse[];
}
