// What a consumer contract sends to and asks of meta-staking (the bridge to x/staking on the consumer chain),
// declared once; meta-staking's execute and query APIs include them. Amounts are in the consumer chain's bond denom.
import { Message, Uint128 } from "../sdk";

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
