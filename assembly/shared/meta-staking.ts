// What a consumer contract sends to and asks of meta-staking (the bridge to x/staking on the consumer chain),
// declared once; meta-staking's execute and query APIs include them. Amounts are in the consumer chain's bond denom.
import { Box, Decimal, Message, Uint128, Uint64 } from "../sdk";

/** Slash events one slash_events query returns by default, and at most. */
export const SLASH_EVENTS_PAGE: u32 = 10;
/** Validators one claim_rewards harvests by default. */
export const REWARDS_PAGE: u32 = 30;

@message
export abstract class MetaStakingMsg extends Message {}

/** Delegate `amount` of meta-staking's funds to `validator` on the caller's behalf (within its allowance). */
export class Delegate extends MetaStakingMsg {
  validator!: string;
  amount!: Uint128;
}

/** Undelegate `amount` of the caller's delegation to `validator` (queued into the validator's next batch). */
export class Undelegate extends MetaStakingMsg {
  validator!: string;
  amount!: Uint128;
}

/**
 * Anyone: compares what meta-staking booked on `validator` with what x/staking holds and records a slash event when
 * x/staking holds less (every delegation change on the validator checks first, too).
 */
export class CheckValidator extends MetaStakingMsg {
  validator!: string;
}

/**
 * The caller's rewards (docs/rewards.md): harvests and settles a page of its validators (validator order), then
 * pays everything it is owed with one bank send. Response data: a RewardsResponse with the per-validator split.
 */
export class ClaimRewards extends MetaStakingMsg {
  startAfter: string | null = null;
  /** Validators harvested; at most 30. */
  limit: u32 = REWARDS_PAGE;
}

/**
 * The value, in the bond denom at the consumer's current price, of all stake its provider asked for (docs/economics.md
 * §4): what the consumer would delegate without caps. meta-staking keeps it, capped by the consumer's
 * max_power_share, to scale every consumer by the same factor when together they exceed the local minimum's room.
 */
export class ReportRequested extends MetaStakingMsg {
  value!: Uint128;
}

/**
 * What the admin of a meta-staking instance sends: governance on a consumer chain, or a local-staking contract that
 * administers its own instance (docs/local-staking.md); meta-staking's execute API includes them.
 */
@message
export abstract class MetaStakingAdminMsg extends Message {}

/** Adds the attached funds (the bond denom only) to what consumers may delegate. */
export class Fund extends MetaStakingAdminMsg {}

/** Admin only: sends `amount` of the liquid (undelegated) funds to `recipient` (the admin when absent). */
export class WithdrawFunds extends MetaStakingAdminMsg {
  amount!: Uint128;
  recipient: string | null = null;
}

/** The queries consumer contracts make; meta-staking's query API includes them. */
@message
export abstract class MetaStakingQuery extends Message {}

@returns(ConfigResponse)
export class ConfigQuery extends MetaStakingQuery {}

/** A registered consumer's allowance and delegations; an error for any other address. */
@returns(ConsumerResponse)
export class ConsumerQuery extends MetaStakingQuery {
  address!: string;
}

/**
 * What a consumer contract needs before it changes a delegation: its allowance, Σ of its delegations and its
 * delegation on `validator`, all as they stand once any unrecorded slash is applied, and the validator's slash state.
 */
@returns(DelegationResponse)
export class DelegationQuery extends MetaStakingQuery {
  consumer!: string;
  validator!: string;
}

/** The validator's slash events after `start_after` (a seq), oldest first; unrecorded ones appear once recorded. */
@returns(SlashEventsResponse)
export class SlashEventsQuery extends MetaStakingQuery {
  validator!: string;
  startAfter: u64 = 0;
  /** Page size; at most 30. */
  limit: u32 = SLASH_EVENTS_PAGE;
}

/**
 * What claim_rewards would pay `consumer` now, per validator and denom: owed, not yet settled, and its part of what
 * x/distribution has accrued and meta-staking has not harvested yet. With `validator`, that validator's only (one
 * distribution query instead of one per validator: what local-staking asks before every change of its shares).
 */
@returns(RewardsResponse)
export class RewardsQuery extends MetaStakingQuery {
  consumer!: string;
  validator: string | null = null;
}

/**
 * Where an undelegation batch of a validator stands: `open` (its queue, still delegated; an undelegation now joins
 * the open batch — also a batch a slash emptied before it reached x/staking, which stays the open one), `unbonding`
 * (an x/staking entry, completing at `completion`), or `paid` (the entry matured and the ledger compared it with its
 * payout: any slash of it is a recorded event).
 */
@returns(UnbondingBatchResponse)
export class UnbondingBatchQuery extends MetaStakingQuery {
  validator!: string;
  batch!: u64;
}

export class UnbondingBatchResponse {
  /** "open", "unbonding" or "paid" */
  status!: string;
  /** the x/staking entry's completion (ns) while unbonding; 0 otherwise */
  completion!: Uint64;
}

/**
 * The power rules as they apply to `consumer` now (docs/economics.md §3–4): the bonded total, the caps, and the
 * factor its requested value is scaled by. `requested` replaces the consumer's last report in the computation.
 */
@returns(PowerResponse)
export class PowerQuery extends MetaStakingQuery {
  consumer!: string;
  requested: Uint128 | null = null;
}

/**
 * Rewards held for consumers (harvested, not yet paid) per denom, and the fund: what the admin may withdraw (local
 * staking takes its paid-out unbondings from it).
 */
@returns(RewardTotalsResponse)
export class RewardTotalsQuery extends MetaStakingQuery {}

export class HeldRewards {
  denom!: string;
  amount!: Uint128;
}

export class RewardTotalsResponse {
  /** per denom: harvested for consumers and not yet claimed (never delegated or withdrawn by governance) */
  held!: HeldRewards[];
  /** the bond denom balance minus what is held: what may be delegated or withdrawn */
  fund!: Uint128;
}

export class PowerResponse {
  /** x/staking's bonded tokens (the bonded_tokens_pool balance) */
  bonded!: Uint128;
  /** Σ of every consumer's delegations, as booked (queued undelegations excluded) */
  remote!: Uint128;
  /** Σ of undelegations waiting for their batch (still bonded in x/staking, but no consumer's any more) */
  queued!: Uint128;
  /** bonded − remote − queued: the chain's own stake */
  local!: Uint128;
  minLocalShare!: Decimal;
  /** the most all consumers together may hold: local × (1 − min_local_share) ÷ min_local_share; null without a minimum */
  maxRemote: Uint128 | null = null;
  maxPowerShare: Decimal | null = null;
  /** the most this consumer may hold: (bonded − queued − delegated) × share ÷ (1 − share); null without a cap */
  cap: Uint128 | null = null;
  /** this consumer's delegations, as booked */
  delegated!: Uint128;
  /** this consumer's requested value (its last report, or the query's) */
  requested!: Uint128;
  /** min(requested, cap) */
  capped!: Uint128;
  /** Σ over consumers of their capped values */
  totalCapped!: Uint128;
  /** min(1, max_remote ÷ total_capped): the factor every consumer is scaled by */
  scale!: Decimal;
  /** capped × scale: what this consumer should delegate in total */
  effective!: Uint128;
  /** effective ÷ requested (1 when nothing is requested): the factor on each of its validators' values */
  factor!: Decimal;
}

export class RewardInfo {
  validator!: string;
  denom!: string;
  amount!: Uint128;
}

/** claim_rewards' response data (what was paid) and the rewards query's answer, in (validator, denom) order. */
export class RewardsResponse {
  rewards!: RewardInfo[];
  /** claim_rewards: the last validator harvested when more follow (claim again from there); null at the end. */
  nextStartAfter: string | null = null;
}

export class ConfigResponse {
  admin!: string;
  /** the chain's bond denom */
  denom!: string;
  unbondingPeriodSeconds!: u64;
  maxUnbondingEntries!: u32;
  /** minimum time between two undelegation batches of one validator: ⌈unbonding / (max_unbonding_entries − 1)⌉ */
  unbondingEpochSeconds!: u64;
}

export class DelegationInfo {
  validator!: string;
  amount!: Uint128;
}

export class ConsumerResponse {
  address!: string;
  allowance!: Uint128;
  /** Σ of delegations */
  delegated!: Uint128;
  /** per validator, in validator order */
  delegations!: DelegationInfo[];
}

export class DelegationResponse {
  allowance!: Uint128;
  /** Σ of the consumer's delegations (their value now) */
  delegated!: Uint128;
  /** the consumer's delegation on the validator (its value now) */
  amount!: Uint128;
  /** slash events of the validator so far (including one found by this query and not yet recorded) */
  slashSeq!: u64;
  /** Π (1 − fraction) over those events: what one unit delegated before the first is worth now */
  cumulative!: Decimal;
  /** the validator's open undelegation batch: an undelegation now joins it */
  batch!: u64;
}

/**
 * A slash meta-staking observed on a validator: x/staking held `fraction` less than booked (rounded up). Bonded
 * stake and the open undelegation batch `batch` (queued, still delegated) lost that fraction.
 */
export class SlashEvent {
  validator!: string;
  /** 1, 2, … per validator */
  seq!: u64;
  fraction!: Decimal;
  /** Π (1 − fraction) over the validator's events up to this one (rounded down) */
  cumulative!: Decimal;
  batch!: u64;
  /** the consumer chain's height and time (ns) when the slash was observed */
  height!: u64;
  time!: Uint64;
  /** the validator was out of the bonded set (jailed) when observed */
  jailed!: bool;
  /**
   * Only `batch`, already undelegated, lost `fraction`: x/staking slashed its unbonding entry (seen when the entry
   * matured short); bonded stake is untouched and `cumulative` is the previous event's.
   */
  unbonding: bool = false;
}

export class SlashEventsResponse {
  events!: SlashEvent[];
}
