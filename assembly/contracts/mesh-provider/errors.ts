// mesh-provider's errors, one constructor each (see the SDK's errors.ts for the conventions and the common ones:
// unauthorized, zeroAmount, invalidAddress, invalidDuration, the channel rules of shared/errors.ts, …).
import { Decimal, Uint128 } from "../../sdk";

/** instantiate: release is driven by our clock, so the unbonding period must outlast a packet's flight. */
export function unbondingNotAboveTimeout(): string {
  return "Invalid unbonding_period_seconds: must exceed packet_timeout_seconds";
}

/** set_consumer while a channel is open: the counterparty of a live channel cannot change. */
export function consumerLocked(): string {
  return "Cannot change the consumer while a channel is open";
}

/** set_consumer with an empty connection or port. */
export function emptyConsumer(): string {
  return "Invalid consumer: connection_id and port_id must not be empty";
}

/** receive_claim from anyone but the configured ILP. */
export function notIlp(ilp: string): string {
  return "Unauthorized claim: only the ILP (" + ilp + ") grants claims";
}


/** receive_claim, unstake or refresh_validators while no channel is open; `detail` says what follows. */
export function noChannel(detail: string): string {
  return "No channel to the consumer is open: " + detail;
}

/** receive_claim for a validator that is not in the consumer's announced active set. */
export function unknownValidator(validator: string): string {
  return "Unknown or inactive validator '" + validator + "' on the consumer chain";
}

/** receive_claim before the consumer announced its unbonding period and epoch (it does on connect). */
export function consumerRulesUnknown(): string {
  return "The consumer has not announced its unbonding rules yet: stake is accepted once it has (it does on connect, and when migrated)";
}

/** receive_claim while our unbonding period is shorter than the consumer's unbonding + epoch + packet timeout. */
export function unbondingTooShort(provider: u64, consumer: u64, epoch: u64, timeout: u64): string {
  return "Unbonding period too short: the provider's unbonding period (" + provider.toString() + " s) does not cover the consumer's " +
    "unbonding period (" + consumer.toString() + " s) + undelegation epoch (" + epoch.toString() + " s) + packet timeout (" +
    timeout.toString() + " s): governance must raise it before stake is accepted";
}

/** unstake of more than the acknowledged stake (pending stake and pending unstakes do not count). */
export function insufficientStake(amount: Uint128, validator: string, staked: Uint128): string {
  return "Insufficient stake: cannot unstake " + amount.toString() + " from " + validator + ": only " + staked.toString() +
    " is staked (and acknowledged) there";
}

/** withdraw_unbonded with no unbonding at all (among the entries it looked at). */
export function nothingToWithdraw(): string {
  return "Nothing to withdraw";
}

/** withdraw_unbonded before the first release time. */
export function nothingToWithdrawYet(nextReleaseNanos: u64): string {
  return "Nothing to withdraw yet: the next release is at " + nextReleaseNanos.toString() + " (ns)";
}

/** refresh_validators while a list_validators packet is in flight. */
export function listingInFlight(): string {
  return "A validator-set request is already in flight: wait for its acknowledgement or timeout";
}

/** instantiate with a max_slash of 1 or more. */
export function invalidMaxSlash(got: Decimal): string {
  return "Invalid max_slash: must be below 1, got " + got.toString();
}

/** set_reward_channel before the consumer is set: the channel is checked against the consumer's connection. */
export function noRewardChannel(): string {
  return "No consumer is set: the reward channel must be on the consumer's connection";
}

/** A transfer naming this contract as destination callback that is not a reward round from our consumer. */
export function notConsumerTransfer(reason: string): string {
  return "Not a reward transfer from the consumer: " + reason + "; nothing credited";
}

/** withdraw_rewards with nothing owed on the page. */
export function noRewardsToWithdraw(): string {
  return "No rewards to withdraw on these validators";
}
