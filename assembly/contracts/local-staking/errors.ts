// local-staking's errors, one constructor each (see the SDK's errors.ts for the conventions and the common ones).
import { Uint128 } from "../../sdk";

/** A lienholder message from anyone but the ILP. */
export function notIlp(sender: string, ilp: string): string {
  return "Unauthorized: only the ILP " + ilp + " may send this, not " + sender;
}

/** receive_claim without exactly the claim's tokens. */
export function custodyFundsMismatch(amount: Uint128, paid: Uint128): string {
  return "Custody funds mismatch: a claim of " + amount.toString() + " must come with " + amount.toString() + " tokens, got " + paid.toString();
}

/** unstake of more than the sender's stake on the validator is worth. */
export function insufficientStake(amount: Uint128, validator: string, value: Uint128): string {
  return "Insufficient stake: cannot unstake " + amount.toString() + " from " + validator + ", the stake there is worth " + value.toString();
}

/** A stake to a validator whose delegation a slash took entirely. */
export function slashedToZero(validator: string): string {
  return "Slashed to zero: the delegation to " + validator + " is worth nothing; it takes no new stake";
}

/** An owner at MAX_UNBONDING_ENTRIES. */
export function tooManyUnbonding(owner: string, max: u32): string {
  return "Too many unbonding entries: " + owner + " has " + max.toString() + "; withdraw matured ones first";
}

/** withdraw_unbonded when no entry's batch has been paid out. */
export function nothingToWithdraw(owner: string): string {
  return "Nothing to withdraw: no unbonding entry of " + owner + " has been paid out by meta-staking yet";
}

/** max_slash of 1 or more (the ILP would refuse every grant). */
export function invalidMaxSlash(value: string): string {
  return "Invalid max_slash: must be below 1, got " + value;
}

/** withdraw_rewards with nothing collected for the sender. */
export function noRewards(owner: string): string {
  return "No rewards: nothing collected for " + owner + " yet (collect_rewards collects them)";
}
