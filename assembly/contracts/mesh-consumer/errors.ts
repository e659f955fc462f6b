// mesh-consumer's errors, one constructor each (see the SDK's errors.ts for the conventions and the common ones).
// Errors of ibc_packet_receive reach the provider as the error acknowledgement's reason.
import { Decimal, Uint128 } from "../../sdk";

/** instantiate or update_conversion with a zero rate. */
export function invalidRate(): string {
  return "Invalid rate: must be greater than zero";
}

/** instantiate or update_conversion with a discount of 1 or more. */
export function invalidDiscount(): string {
  return "Invalid discount: must be less than 1";
}

/** set_provider while a channel is open: the live channel's counterparty cannot change under it. */
export function providerLocked(): string {
  return "Cannot change the provider while a channel is open";
}

export function emptyProvider(): string {
  return "Invalid provider: connection_id and port_id must not be empty";
}

/** send_validator_set without an open channel. */
export function noChannel(): string {
  return "No channel to the provider is open";
}

/** send_validator_set when the provider already has the current set and unbonding rules. */
export function validatorSetUnchanged(height: u64): string {
  return "Validator set unchanged: nothing to send since the update at height " + height.toString();
}

/** A stake packet whose amount × rate × (1 − discount) rounds down to zero. */
export function stakeTooSmall(amount: Uint128): string {
  return "Stake too small: " + amount.toString() + " converts to zero local tokens";
}

/** A stake packet for a validator that is not in this chain's bonded set (any more). */
export function unknownValidator(validator: string): string {
  return "Unknown or inactive validator '" + validator + "'";
}

/** A stake packet beyond the allowance meta-staking grants this contract. */
export function allowanceExhausted(local: Uint128, allowance: Uint128, delegated: Uint128): string {
  return "Allowance exhausted: " + local.toString() + " more would exceed the allowance of " + allowance.toString() + " (" +
    delegated.toString() + " delegated)";
}

/** An unstake packet for more than the provider staked to the validator through this contract. */
export function insufficientStake(amount: Uint128, validator: string, staked: Uint128): string {
  return "Insufficient stake: cannot unstake " + amount.toString() + " from " + validator + ", only " + staked.toString() +
    " is staked there";
}

/** A stake to a validator that a slash took everything from (its stake is worth nothing, new stake is refused). */
export function slashedToZero(validator: string): string {
  return "Slashed to zero: validator " + validator + " lost all stake delegated to it and takes no new stake";
}

/** set_reward_config with a commission of 1 or more. */
export function invalidCommission(commission: Decimal): string {
  return "Invalid commission: " + commission.toString() + " must be less than 1";
}

/** set_reward_config with a commission but nobody to pay it to. */
export function commissionRecipientRequired(): string {
  return "A commission needs a commission_recipient";
}

/** distribute_rewards before governance set the reward transfer channel. */
export function rewardsNotConfigured(): string {
  return "Rewards are not configured: governance must set the transfer channel (set_reward_config)";
}

/** distribute_rewards when meta-staking owes nothing and nothing waits to be sent. */
export function nothingToDistribute(): string {
  return "Nothing to distribute: no rewards are owed or waiting";
}

/** A stake packet while the price feed cannot give a price (stale, or failing): new stake waits for a fresh price. */
export function priceUnavailable(feed: string, reason: string): string {
  return "Price unavailable: the price feed " + feed + " answered: " + reason;
}

/** A stake that would take this provider above its max_power_share of the chain's bonded stake. */
export function powerCapReached(local: Uint128, cap: Uint128, share: Decimal): string {
  return "Power cap reached: delegating " + local.toString() + " more would take this provider above its cap of " + cap.toString() +
    " (max_power_share " + share.toString() + " of the bonded stake)";
}

/** A stake that would take the consumers together above what the chain's min_local_share leaves them. */
export function localMinimumReached(local: Uint128, room: Uint128, minLocalShare: Decimal): string {
  return "Local minimum reached: delegating " + local.toString() + " is more than the " + room.toString() +
    " remote stake may still grow by while min_local_share " + minLocalShare.toString() + " stays local";
}
