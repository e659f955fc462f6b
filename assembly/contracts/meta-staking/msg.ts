// meta-staking's messages, declared once: `npm run codegen` generates msg.codec.ts (strict decoders, encoders)
// from them. The consumer contracts' delegate/undelegate are declared in shared/meta-staking.ts.
import { Box, Decimal, Message, Uint128, Uint64 } from "../../sdk";
import { ConsumerResponse, MetaStakingAdminMsg, MetaStakingMsg, MetaStakingQuery } from "../../shared/meta-staking";

/** x/staking's max_entries on stock chains. */
export const DEFAULT_MAX_UNBONDING_ENTRIES: u32 = 7;
export const DEFAULT_PAGE: u32 = 10;

@instantiate
export class InstantiateMsg {
  /** Governance: funds the contract, grants allowances, withdraws liquid funds; the sender when absent. */
  admin: string | null = null;
  /** x/staking's unbonding period on this chain (1 s to 10 years). */
  unbondingPeriodSeconds!: u64;
  /** x/staking's max_entries per (delegator, validator) pair (2 to 1000); the batch epoch is ⌈unbonding / (max − 1)⌉. */
  maxUnbondingEntries: u32 = DEFAULT_MAX_UNBONDING_ENTRIES;
}

/** Governance's messages and the crank; the consumers' delegate/undelegate (MetaStakingMsg) are included. */
@execute
@includes(MetaStakingAdminMsg)
@includes(MetaStakingMsg)
export abstract class ExecuteMsg extends Message {}

/** Admin only: registers `consumer` (a contract) or changes its allowance; lowering it below what is delegated blocks new delegations. */
export class SetAllowance extends ExecuteMsg {
  consumer!: string;
  amount!: Uint128;
}

/**
 * Admin only: the share of the chain's bonded stake that must stay with its own delegators (docs/economics.md §4),
 * in [0, 1); 0 turns the rule off. Consumers are scaled down together, by their cranks, when they exceed it.
 */
export class SetMinLocalShare extends ExecuteMsg {
  share!: Decimal;
}

/**
 * Admin only: the most of the chain's bonded stake `consumer` may hold (docs/economics.md §3), in (0, 1); null
 * removes the cap. The allowance stays an absolute ceiling.
 */
export class SetMaxPowerShare extends ExecuteMsg {
  consumer!: string;
  share: Decimal | null = null;
}

/** Admin only: hands governance of this contract to `admin`. */
export class UpdateAdmin extends ExecuteMsg {
  admin!: string;
}

/** Anyone: undelegates every due batch among a page of the unbonding queue (validator order). */
export class ProcessUnbonding extends ExecuteMsg {
  startAfter: string | null = null;
  /** Validators scanned; at most 30. */
  limit: u32 = DEFAULT_PAGE;
}

/** config and consumer (the queries consumer contracts make, MetaStakingQuery) are included. */
@query
@includes(MetaStakingQuery)
export abstract class QueryMsg extends Message {}

/** All consumers in address order, a page at a time. */
@returns(AllConsumersResponse)
export class AllConsumersQuery extends QueryMsg {
  startAfter: string | null = null;
  /** Page size; at most 30. */
  limit: u32 = DEFAULT_PAGE;
}

/** What meta-staking books for a validator next to what x/staking reports: a shortfall is a slash. */
@returns(ValidatorResponse)
export class ValidatorQuery extends QueryMsg {
  validator!: string;
}

/** Undelegations waiting for their validator's next batch, in validator order, a page at a time. */
@returns(UnbondingQueueResponse)
export class UnbondingQueueQuery extends QueryMsg {
  startAfter: string | null = null;
  /** Page size; at most 30. */
  limit: u32 = DEFAULT_PAGE;
}

/**
 * x/staking's unbonding entries of our batches not yet reconciled by the ledger (paid out, or compared with what
 * was paid), in completion order, a page at a time.
 */
@returns(MaturingResponse)
export class MaturingQuery extends QueryMsg {
  /** Page size; at most 30. */
  limit: u32 = DEFAULT_PAGE;
}

/**
 * Either field updates the batching rules; absent (or null) keeps the current value. Migrating from 0.1.0, which
 * stored no unbonding period, requires unbonding_period_seconds.
 */
@migrate
export class MigrateMsg {
  /** x/staking's unbonding period on this chain (1 s to 10 years). */
  unbondingPeriodSeconds: Box<u64> | null = null;
  /** x/staking's max_entries (2 to 1000). */
  maxUnbondingEntries: Box<u32> | null = null;
}

export class AllConsumersResponse {
  consumers!: ConsumerResponse[];
}

/** Booked values are shown with any slash x/staking made that is not recorded yet already applied. */
export class ValidatorResponse {
  validator!: string;
  /** booked for consumers, excluding queued undelegations */
  delegated!: Uint128;
  /** waiting for the validator's next undelegation batch */
  queued!: Uint128;
  /** what x/staking holds for meta-staking */
  onChain!: Uint128;
  /** Σ of the consumers' shares of `delegated` */
  shares!: Uint128;
  /** slash events so far (including one this query found and that is not recorded yet) */
  slashSeq!: u64;
  /** Π (1 − fraction) over them */
  cumulative!: Decimal;
  /** the open undelegation batch (the queue's) */
  batch!: u64;
}

export class MaturingEntry {
  validator!: string;
  batch!: u64;
  amount!: Uint128;
  /** when x/staking pays it out (ns) */
  completion!: Uint64;
}

export class MaturingResponse {
  entries!: MaturingEntry[];
}

export class QueueEntry {
  validator!: string;
  queued!: Uint128;
  /** when the batch may run (ns): one epoch after the validator's last batch, "0" if it has had none */
  batchAt!: Uint64;
}

export class UnbondingQueueResponse {
  queue!: QueueEntry[];
}

/**
 * The payload of a batch undelegation's sub-message: what goes back to the queue if x/staking refuses it, and the
 * batch whose x/staking entry the reply records when it succeeds.
 */
@message
export class BatchPayload {
  validator!: string;
  queued!: Uint128;
  batch: u64 = 0;
}
