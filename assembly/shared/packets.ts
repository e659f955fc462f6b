// The mesh-security IBC protocol between mesh-provider (provider chain) and mesh-consumer (consumer chain).
// Declared once for both sides (npm run codegen generates packets.codec.ts); exact JSON pinned by
// tests/fixtures/protocol.json.
//
// Channel: unordered, version MESH_VERSION, one channel per provider/consumer pair, both sides checking the
// counterparty's (connection, port).
//
// provider → consumer
//   {"stake":{"tx_id":7,"validator":"<valoper>","amount":"100"}}      delegate amount × rate × (1 − discount)
//   {"unstake":{"tx_id":8,"validator":"<valoper>","amount":"40"}}     undelegate the matching local amount
//   {"list_validators":{}}                                            ack result: the fields of validator_set below
// consumer → provider
//   {"validator_set":{"version":812,"validators":["<valoper>",…],"unbonding_period_seconds":1814400,"unbonding_epoch_seconds":302400}}
//       the bonded set at consumer height `version` (on connect, on request, and when it changed), and the unbonding
//       rules the provider's unbonding period must cover
// Acknowledgements use the ICS envelope (ack.ts): {"result":"<base64 JSON>"} or {"error":"<reason>"}; the success
// result of stake/unstake/validator_set is {}.
// tx_id is the provider's own id of the in-flight operation, so an ack or timeout can be matched to what it reserved.
import { Decimal, Uint128 } from "../sdk";
import { SlashEvent } from "./meta-staking";

export const MESH_VERSION = "mesh-security-v1";

/** Provider → consumer. */
@message
export abstract class ProviderPacket {}

/** Delegate `amount` (provider tokens) × rate × (1 − discount) to `validator`. */
export class StakePacket extends ProviderPacket {
  /** the provider's id of this operation: an ack or timeout carries the packet back, and so the id */
  txId!: u64;
  validator!: string;
  amount!: Uint128;
}

/**
 * Undelegate the stake of `shares` (units of the validator's slash-free stake: provider tokens ÷ the cumulative
 * multiplier when staked) from `validator`; `amount` is what the user asked for, in provider tokens before any slash
 * the provider has not applied yet. Absent shares: `amount` (providers before slashing existed).
 */
export class UnstakePacket extends ProviderPacket {
  txId!: u64;
  validator!: string;
  amount!: Uint128;
  shares: Uint128 | null = null;
}

/** Ask for the validator set; the ack's result is a ValidatorSetUpdate. */
export class ListValidatorsPacket extends ProviderPacket {}

/**
 * What the consumer tells its provider about staking there: the bonded validators and the unbonding rules that the
 * provider's own unbonding period must cover. `version` is the consumer's block height when the set was read; the
 * provider ignores an update older than the one it has (packets and acks may arrive in any order).
 */
@message
export class ValidatorSetUpdate {
  version!: u64;
  validators!: string[];
  /** x/staking's unbonding period on the consumer chain */
  unbondingPeriodSeconds!: u64;
  /** how long an unstake may wait in the consumer's undelegation batch */
  unbondingEpochSeconds!: u64;
}

/**
 * The success result of a stake or unstake ack: the validator's slash state when the consumer delegated (or
 * undelegated) it. A stake of `a` is worth `a ÷ cumulative` shares; events after `slash_seq` hit it, earlier ones
 * did not. An unstake joined undelegation batch `batch` of the validator. Absent fields: no slash yet.
 */
@message
export class StakeAckResult {
  slashSeq: u64 = 0;
  cumulative: Decimal = Decimal.one();
  batch: u64 = 0;
}

/** Consumer → provider. */
@message
export abstract class ConsumerPacket {}

/** The validator set changed (or the provider connected): the update's fields, tagged. */
export class ValidatorSetPacket extends ConsumerPacket {
  @flatten update!: ValidatorSetUpdate;
}


/** A slash meta-staking observed on a validator the provider has stake on (see SlashEvent); replays change nothing. */
export class SlashPacket extends ConsumerPacket {
  @flatten event!: SlashEvent;
}

/**
 * The memo of the ICS-20 transfer that carries a consumer's rewards to its provider contract (docs/rewards.md §2):
 *   {"mesh_rewards":{"round":3,"validators":[{"validator":"<valoper>","amount":"120"},…]},
 *    "dest_callback":{"address":"<provider>"},"src_callback":{"address":"<consumer>"}}
 * The split covers the transferred amount exactly; `round` is the consumer's id of the transfer (its source callback
 * finds the split again; the provider credits each round once). ibc-go's callbacks middleware reads the two
 * callback keys: the provider's ibc_destination_callback credits the stakers, the consumer's ibc_source_callback
 * keeps a refunded round for the next distribution.
 */
@message
export class RewardsMemo {
  meshRewards!: RewardsSplit;
  destCallback!: CallbackAddress;
  srcCallback!: CallbackAddress;
}

export class RewardsSplit {
  round!: u64;
  validators!: ValidatorReward[];
}

/** What the consumer's delegation to `validator` earned, in the transferred denom. */
export class ValidatorReward {
  validator!: string;
  amount!: Uint128;
}

export class CallbackAddress {
  address!: string;
}

/** ICS-20 packet data (ibc-go's FungibleTokenPacketData, sorted keys); the memo is absent when empty. */
@message
export class Ics20Packet {
  amount!: Uint128;
  denom!: string;
  memo: string | null = null;
  receiver!: string;
  sender!: string;
}
