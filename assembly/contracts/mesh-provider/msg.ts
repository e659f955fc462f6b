// mesh-provider's messages, declared once: `npm run codegen` generates msg.codec.ts (strict decoders, encoders)
// from them. Exact JSON of the query responses: tests/contracts/mesh-provider.test.ts.
import { Box, DEFAULT_PAGE_LIMIT, Decimal, Message, Uint128, Uint64 } from "../../sdk";
import { LienholderMsg, LienholderQuery } from "../../shared/lien";

/** How long a packet may be in flight by default (s). */
export const DEFAULT_PACKET_TIMEOUT_SECONDS: u64 = 600;
/** Unbonding entries (and closed-channel stakes) one withdraw_unbonded looks at by default, and at most. */
export const WITHDRAW_SCAN_DEFAULT: u32 = 30;
export const WITHDRAW_SCAN_MAX: u32 = 100;
/** Page size of the unbonding query by default, and at most. */
export const UNBONDING_PAGE_MAX: u32 = 100;

@instantiate
export class InstantiateMsg {
  /** Who may set the consumer, close the channel and hand the role over (governance); the sender when absent. */
  admin: string | null = null;
  /** The ILP whose claims this contract holds and stakes. */
  ilp!: string;
  /**
   * How long unstaked (or closed-channel) stake waits before its claim is released, on this chain's clock. Must
   * exceed packet_timeout_seconds, and cover the consumer's unbonding period + undelegation epoch + packet timeout
   * (checked against what the consumer announces; stake is refused until it does).
   */
  unbondingPeriodSeconds!: u64;
  /** How long a packet may be in flight before it times out (and is rolled back). */
  packetTimeoutSeconds: u64 = DEFAULT_PACKET_TIMEOUT_SECONDS;
  /**
   * The largest fraction one slash on the consumer chain can take (its slash_fraction_double_sign, e.g. 0.05), in
   * [0, 1). The ILP keeps that much of each claim free as a margin, so one slash never uncovers another claim.
   */
  maxSlash: Decimal = Decimal.zero();
}

@execute
@includes(LienholderMsg)
export abstract class ExecuteMsg extends Message {}

/**
 * Starts undelegating `amount` of the sender's acknowledged stake on `validator`; its claim is released
 * unbonding_period_seconds after the consumer acknowledges (see withdraw_unbonded).
 */
export class Unstake extends ExecuteMsg {
  validator!: string;
  amount!: Uint128;
}

/**
 * Releases the sender's matured unbonding in the ILP. Looks at up to `limit` unbonding entries and `limit`
 * closed-channel stakes; the attribute `more` says whether another call is needed.
 */
export class WithdrawUnbonded extends ExecuteMsg {
  /** How many entries to look at; at most 100. */
  limit: u32 = WITHDRAW_SCAN_DEFAULT;
}

/**
 * Anyone: takes the slashes that hit `owner`'s stake (bonded and unbonding) from their collateral in the ILP
 * (slash_claim), so that a cascade to the owner's other claims need not wait for the owner.
 */
export class Settle extends ExecuteMsg {
  owner!: string;
}

/** Asks the consumer for its active validator set (anyone; one request in flight at a time). */
export class RefreshValidators extends ExecuteMsg {}

/** Admin only, while no channel is open: the consumer chain's connection and port allowed to connect. */
export class SetConsumer extends ExecuteMsg {
  /** Our connection to the consumer chain. */
  connectionId!: string;
  /** The consumer contract's IBC port (`wasm.<address>`). */
  portId!: string;
}

/** Admin only: hands the admin role to `admin`. */
export class UpdateAdmin extends ExecuteMsg {
  admin!: string;
}

/** Admin only: closes the mesh channel; everything that went through it unbonds from now. */
export class CloseChannel extends ExecuteMsg {}

/**
 * Admin only: the ICS-20 channel (port `transfer`, on the consumer's connection, checked) over which the consumer
 * contract sends rewards. Only transfers from the consumer contract on it are credited to stakers.
 */
export class SetRewardChannel extends ExecuteMsg {
  channelId!: string;
}

/**
 * The sender's rewards on a page of its validators (validator order): settles them and pays everything owed there,
 * all denoms, with one bank send. The attribute `more` says whether another page has rewards.
 */
export class WithdrawRewards extends ExecuteMsg {
  /** The last validator of the previous page. */
  startAfter: string | null = null;
  /** Validators per page; at most 30. */
  limit: u32 = DEFAULT_PAGE_LIMIT;
}

/** lien_terms and pending_slash (what the ILP asks, LienholderQuery) are included. */
@query
@includes(LienholderQuery)
export abstract class QueryMsg extends Message {}

@returns(ConfigResponse)
export class ConfigQuery extends QueryMsg {}

/** The live channel (if any) and its generation. */
@returns(ChannelResponse)
export class ChannelQuery extends QueryMsg {}

/** The consumer's active validator set and unbonding rules, as it last announced them. */
@returns(ValidatorsResponse)
export class ValidatorsQuery extends QueryMsg {}

/** One owner's stake on one validator as it counts now (zero when there is none). */
@returns(StakeResponse)
export class StakeQuery extends QueryMsg {
  owner!: string;
  validator!: string;
}

/** One owner's stakes, by validator, a page at a time. */
@returns(StakesResponse)
export class StakesQuery extends QueryMsg {
  owner!: string;
  /** The last validator of the previous page. */
  startAfter: string | null = null;
  /** Page size; at most 30. */
  limit: u32 = DEFAULT_PAGE_LIMIT;
}

/**
 * One owner's unbonding: a page of unbonding entries (by id) and the stake of closed channels not yet moved into
 * entries (all of it unbonding since the close; at most `limit` of them).
 */
@returns(UnbondingResponse)
export class UnbondingQuery extends QueryMsg {
  owner!: string;
  /** The last id of the previous page; absent starts at the first. */
  startAfter: Box<u64> | null = null;
  /** Page size; at most 100. */
  limit: u32 = UNBONDING_PAGE_MAX;
}

/** Σ over owners of the stake on `validator` through the live channel. */
@returns(StakeResponse)
export class ValidatorTotalQuery extends QueryMsg {
  validator!: string;
}

/** The validator's stake pool through the live channel: shares, the slash multiplier applied and its event count. */
@returns(PoolResponse)
export class PoolQuery extends QueryMsg {
  validator!: string;
}

/** An operation in flight (until its ack or timeout); null when there is none with this id. */
@returns(TxResponse | null)
export class TxQuery extends QueryMsg {
  id!: u64;
}

/** What `owner` may withdraw now, per validator and denom (owed and earned since last settled). */
@returns(StakerRewardsResponse)
export class RewardsQuery extends QueryMsg {
  owner!: string;
  startAfter: string | null = null;
  /** Validators per page; at most 30. */
  limit: u32 = DEFAULT_PAGE_LIMIT;
}

/** Per denom: rewards received from the consumer and paid to stakers, since instantiation. */
@returns(RewardTotalsResponse)
export class RewardTotalsQuery extends QueryMsg {}

/** The validator's reward index per denom (live generation) and the remainder carried to the next credit. */
@returns(RewardPoolResponse)
export class RewardPoolQuery extends QueryMsg {
  validator!: string;
}

@migrate
export class MigrateMsg {}

/** The consumer allowed to connect. */
export class CounterpartyInfo {
  connectionId!: string;
  portId!: string;
}

export class ConfigResponse {
  admin!: string;
  ilp!: string;
  /** Set by set_consumer; null until then. */
  consumer: CounterpartyInfo | null = null;
  unbondingPeriodSeconds!: u64;
  packetTimeoutSeconds!: u64;
  maxSlash!: Decimal;
  /** The ICS-20 channel rewards arrive on; null until set_reward_channel. */
  rewardChannel: string | null = null;
}

export class StakerReward {
  validator!: string;
  denom!: string;
  amount!: Uint128;
}

export class StakerRewardsResponse {
  rewards!: StakerReward[];
}

export class RewardTotal {
  denom!: string;
  received!: Uint128;
  paid!: Uint128;
}

export class RewardTotalsResponse {
  totals!: RewardTotal[];
}

export class RewardIndexInfo {
  denom!: string;
  /** Rewards per share credited so far. */
  index!: Decimal;
  /** Received and not yet spread (rounding, or no shares when it arrived). */
  carry!: Uint128;
}

export class RewardPoolResponse {
  validator!: string;
  generation!: u64;
  indexes!: RewardIndexInfo[];
}

export class ChannelResponse {
  /** The open channel; null while none is. */
  channelId: string | null = null;
  /** Channels connected so far; stake is stamped with the generation it went through. */
  generation!: u64;
  /** When the current generation's channel closed (ns), 0 while it is open. */
  closedAt!: Uint64;
  /** A list_validators request is in flight. */
  listingValidators!: bool;
}

export class ValidatorsResponse {
  validators!: string[];
  /** The consumer's block height when it read this set; older updates are ignored. */
  version!: u64;
  /** Our block height when we stored it. */
  updatedHeight!: u64;
  /** x/staking's unbonding period on the consumer chain; 0 until announced. */
  consumerUnbondingPeriodSeconds!: u64;
  /** How long an unstake may wait in the consumer's undelegation batch; 0 until announced. */
  consumerUnbondingEpochSeconds!: u64;
}

/** A stake as it counts now: a closed channel's record shows zero here and appears under `unbonding`. */
export class StakeResponse {
  validator!: string;
  /** Confirmed by the consumer's ack, after every slash applied so far. */
  staked!: Uint128;
  /** Stake packets in flight. */
  pendingStake!: Uint128;
  /** Unstake packets in flight (restored if they fail), after every slash applied so far. */
  pendingUnstake!: Uint128;
  /** Slashed and not yet taken from the owner's collateral in the ILP (settle does). */
  unsettledSlash!: Uint128;
}

export class PoolResponse {
  validator!: string;
  /** Σ of the stakers' shares (acknowledged stake, including unstakes in flight) */
  shares!: Uint128;
  /** what one share is worth: Π (1 − fraction) over the consumer's slash events applied so far */
  multiplier!: Decimal;
  /** the consumer's slash events of the validator applied so far */
  slashSeq!: u64;
  /** shares × multiplier */
  value!: Uint128;
  /** Stake packets in flight. */
  pendingStake!: Uint128;
}

export class StakesResponse {
  stakes!: StakeResponse[];
}

/** Unstaked stake waiting for the unbonding period. */
export class UnbondingEntry {
  /** The id of the unstake that created it. */
  id!: u64;
  validator!: string;
  /** What it is worth now (slashes of its undelegation batch applied). */
  amount!: Uint128;
  /** When withdraw_unbonded may release it (ns). */
  releaseAt!: Uint64;
  /** The consumer's undelegation batch it joined (0 for stake of a closed channel). */
  batch!: u64;
}

/** The stake of a closed channel, unbonding since the close. */
export class ClosedChannelStake {
  validator!: string;
  amount!: Uint128;
  /** When withdraw_unbonded may release it (ns): the close + the unbonding period. */
  releaseAt!: Uint64;
}

export class UnbondingResponse {
  unbonding!: UnbondingEntry[];
  fromClosedChannels!: ClosedChannelStake[];
}

export class TxResponse {
  id!: u64;
  /** "stake" or "unstake". */
  kind!: string;
  owner!: string;
  validator!: string;
  amount!: Uint128;
  /** The channel generation it was sent through. */
  generation!: u64;
}
