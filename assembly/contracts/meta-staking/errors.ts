// meta-staking's errors, one constructor each (see the SDK's errors.ts for the conventions and the common ones).
import { Decimal, Uint128 } from "../../sdk";

/** instantiate or migrate with a max_unbonding_entries outside [2, 1000]. */
export function invalidMaxUnbondingEntries(got: u32): string {
  return "Invalid max_unbonding_entries: must be between 2 and 1000 (x/staking's max_entries), got " + got.toString();
}

/** delegate or undelegate from an address the admin gave no allowance. */
export function unauthorizedConsumer(sender: string): string {
  return "Unauthorized consumer: " + sender + " is not a registered consumer";
}

/** A delegate that would take the consumer's delegations above its allowance. */
export function allowanceExhausted(amount: Uint128, consumer: string, delegated: Uint128, allowance: Uint128): string {
  return "Allowance exhausted: delegating " + amount.toString() + " would bring " + consumer + " to " + delegated.toString() +
    ", above its allowance of " + allowance.toString();
}

/** A delegate to a validator that is not in the bonded set. */
export function unknownValidator(validator: string): string {
  return "Unknown or inactive validator '" + validator + "'";
}

/** A delegate of more than meta-staking holds liquid. */
export function insufficientFunds(liquid: Uint128, denom: string, amount: Uint128): string {
  return "Insufficient funds in meta-staking: " + liquid.toString() + denom + " available, " + amount.toString() + " needed";
}

/** An undelegate of more than the consumer delegated to the validator. */
export function insufficientDelegation(amount: Uint128, validator: string, consumer: string, delegated: Uint128): string {
  return "Insufficient delegation: cannot undelegate " + amount.toString() + " from " + validator + ", " + consumer + " has " +
    delegated.toString() + " delegated there";
}

/** A migration from 0.1.0 (which stored no unbonding period) without unbonding_period_seconds. */
export function unbondingPeriodRequired(from: string): string {
  return "Unbonding period required: migrating from " + from +
    " requires unbonding_period_seconds (x/staking's unbonding period on this chain)";
}

/** withdraw_funds of more than is liquid (delegated and queued tokens are not). */
export function insufficientLiquidFunds(liquid: Uint128, denom: string, amount: Uint128): string {
  return "Insufficient liquid funds: " + liquid.toString() + denom + " available, " + amount.toString() + " requested";
}

/** The consumer query for an address that is not a registered consumer. */
export function consumerNotFound(address: string): string {
  return "Not a registered consumer: " + address;
}

/** A delegate to a validator whose pool a slash emptied (its shares are worth nothing). */
export function slashedToZero(validator: string): string {
  return "Slashed to zero: validator " + validator + " lost all stake booked with it and takes no new delegation";
}

/** set_min_local_share of 1 or more, or set_max_power_share outside (0, 1). */
export function invalidShare(field: string, share: Decimal, range: string): string {
  return "Invalid share: " + field + " " + share.toString() + " must be in " + range;
}

/** A delegate that would take the consumer above its max_power_share of the bonded stake. */
export function powerCapExceeded(amount: Uint128, consumer: string, delegated: Uint128, cap: Uint128): string {
  return "Power cap exceeded: delegating " + amount.toString() + " would bring " + consumer + " to " + delegated.toString() +
    ", above its cap of " + cap.toString() + " (max_power_share of the bonded stake)";
}

/** A delegate that would take the consumers together above what the local minimum leaves them. */
export function localShareExceeded(amount: Uint128, remote: Uint128, maxRemote: Uint128): string {
  return "Local share exceeded: delegating " + amount.toString() + " would bring all consumers to " + remote.toString() +
    ", above the " + maxRemote.toString() + " the min_local_share leaves them";
}
