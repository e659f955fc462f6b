// local-staking's messages, declared once: `npm run codegen` generates msg.codec.ts and schema/local-staking.json.
// The lienholder side (receive_claim, claim_capped, lien_terms, pending_slash) is the shared one of shared/lien.ts.
import { Decimal, Message, Uint128, Uint64 } from "../../sdk";
import { LienholderMsg, LienholderQuery } from "../../shared/lien";
import { REWARDS_PAGE } from "../../shared/meta-staking";

/** Unbonding entries one owner may have at once: withdraw_unbonded and pending_slash visit them all. */
export const MAX_UNBONDING_ENTRIES: u32 = 20;

@instantiate
export class InstantiateMsg {
  /** The ILP whose claims it holds in custody and stakes on this chain. */
  ilp!: string;
  /**
   * The meta-staking instance it administers and is the only consumer of: its x/staking delegator, with slash
   * evidence, undelegation batches and the ledger of matured entries (docs/local-staking.md §1).
   */
  metaStaking!: string;
  /** The largest fraction one slash of this chain takes (its slash_fraction_double_sign), in [0, 1): the ILP's margin. */
  maxSlash!: Decimal;
}

@execute
@includes(LienholderMsg)
export abstract class ExecuteMsg extends Message {}

/** Starts undelegating `amount` of the sender's stake on `validator` (meta-staking's next batch of that validator). */
export class Unstake extends ExecuteMsg {
  validator!: string;
  amount!: Uint128;
}

/**
 * The sender's unbonding entries whose batch meta-staking has paid out: their value goes back to the ILP with the
 * tokens (release_claim), and what a slash of the batch took is taken from the collateral (slash_claim).
 */
export class WithdrawUnbonded extends ExecuteMsg {}

/**
 * Anyone: takes what slashes took of the owner's stake and unbonding entries from the owner's collateral in the ILP
 * (slash_claim), which caps the owner's remote claims (their providers unstake the excess).
 */
export class Settle extends ExecuteMsg {
  owner!: string;
}

/**
 * Anyone: collects a page of the rewards of our delegations (meta-staking's claim_rewards, from where the last
 * collection stopped, wrapping around) and credits each validator's stakers per share: claiming is O(1) per owner.
 */
export class CollectRewards extends ExecuteMsg {
  /** Validators harvested; at most 30. */
  limit: u32 = REWARDS_PAGE;
}

/** Pays the sender's collected rewards, every denom, in one bank send. */
export class WithdrawRewards extends ExecuteMsg {}

/** lien_terms and pending_slash (LienholderQuery) are included. */
@query
@includes(LienholderQuery)
export abstract class QueryMsg extends Message {}

@returns(ConfigResponse)
export class ConfigQuery extends QueryMsg {}

/** The owner's stake per validator, at its value now (slashes included, settled or not). */
@returns(StakesResponse)
export class StakesQuery extends QueryMsg {
  owner!: string;
}

/** The owner's unbonding entries, oldest first, with where their batch stands in meta-staking. */
@returns(UnbondingResponse)
export class UnbondingQuery extends QueryMsg {
  owner!: string;
}

/** What withdraw_rewards would pay the owner now (collected rewards only), per denom. */
@returns(RewardsResponse)
export class RewardsQuery extends QueryMsg {
  owner!: string;
}

@migrate
export class MigrateMsg {}

export class ConfigResponse {
  ilp!: string;
  metaStaking!: string;
  maxSlash!: Decimal;
  /** the chain's bond denom: what the ILP must hold */
  denom!: string;
}

export class StakeInfo {
  validator!: string;
  /** the owner's shares of this contract's delegation to the validator */
  shares!: Uint128;
  /** their value now */
  amount!: Uint128;
  /** the part of the owner's ILP claim the stake holds (amount below it: a slash not yet settled) */
  settled!: Uint128;
}

export class StakesResponse {
  stakes!: StakeInfo[];
}

export class UnbondingInfo {
  id!: u64;
  validator!: string;
  /** meta-staking's undelegation batch of the validator it joined */
  batch!: u64;
  /** its value now (slashes of the batch applied) */
  amount!: Uint128;
  settled!: Uint128;
  /** meta-staking's unbonding_batch status: open, unbonding (completing at `completion`) or paid (withdrawable) */
  status!: string;
  completion!: Uint64;
}

export class UnbondingResponse {
  entries!: UnbondingInfo[];
}

export class RewardAmount {
  denom!: string;
  amount!: Uint128;
}

export class RewardsResponse {
  /** in denom order */
  rewards!: RewardAmount[];
}
