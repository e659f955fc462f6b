// local-staking storage (cw-storage-plus layout):
//   "config"                          Item<Config>
//   pools:     validator              Map<Shares>     Σ owners' shares of our delegation to the validator
//   stakes:    (owner, validator)     Map<Stake>      an owner's shares there and the claim they hold
//   unbonding: (owner, id BE)         Map<Unbonding>  unstaked stake waiting for its meta-staking batch to be paid
//   "next_id"                         Item<NextId>
//   reward_index: (validator, denom)   Map<RewardIndex>  rewards collected per share of the validator's stakers
//   reward_paid: (owner, validator, denom) Map<RewardIndex> the index an owner's stake was last settled at
//   reward_folded: (validator, denom)  Map<Amount>      meta-staking's pending rewards already in the index, not yet collected
//   rewards_owed: (owner, denom)        Map<Amount>      settled and not yet withdrawn
//   "collect_cursor"                  Item<Cursor>      where the next collect_rewards starts
//
// An owner's stake is a share of what meta-staking holds for us on the validator, so a slash there (found by
// anyone's check_validator, or by meta-staking's own queries) lowers every owner's value at once, with no loop.
// `settled` is the part of the owner's ILP claim a record holds; settling sends the ILP the difference to its value
// (slash_claim), as mesh-provider does (docs/slashing.md §4).
import {
  Amount, Decimal, decodeAmount, decodeRewardIndex, encodeAmount, encodeRewardIndex, Item, JsonValue, JsonWriter, Map, RewardIndex, Uint128,
  storedStringOrNull, storedUint128, u64Key, utf8,
} from "../../sdk";

export class Config {
  constructor(public ilp: string, public metaStaking: string, public maxSlash: Decimal, public denom: string) {}
}

export const CONFIG = new Item<Config>(
  "config",
  (c: Config, w: JsonWriter): void => {
    w.beginObject().key("ilp").string(c.ilp).key("meta_staking").string(c.metaStaking).key("max_slash").string(c.maxSlash.toString());
    w.key("denom").string(c.denom).endObject();
  },
  (j: JsonValue): Config => new Config(j.get("ilp")!.text, j.get("meta_staking")!.text, Decimal.parse(j.get("max_slash")!.text)!, j.get("denom")!.text),
);

export class Shares {
  constructor(public shares: Uint128) {}
}

export const POOLS = new Map<Shares>(
  "pools",
  (s: Shares, w: JsonWriter): void => { w.beginObject().key("shares").string(s.shares.toString()).endObject(); },
  (j: JsonValue): Shares => new Shares(storedUint128(j, "shares")),
);

export class Stake {
  constructor(public shares: Uint128, public settled: Uint128) {}
}

export const STAKES = new Map<Stake>(
  "stakes",
  (s: Stake, w: JsonWriter): void => {
    w.beginObject().key("shares").string(s.shares.toString()).key("settled").string(s.settled.toString()).endObject();
  },
  (j: JsonValue): Stake => new Stake(storedUint128(j, "shares"), storedUint128(j, "settled")),
);

/**
 * Unstaked stake in meta-staking's undelegation batch `batch` of the validator, joined when the validator had
 * `joinSeq` slash events: later events of that batch (the queue's, then x/staking's on its entry) reach it.
 */
export class Unbonding {
  constructor(public validator: string, public batch: u64, public joinSeq: u64, public amount: Uint128, public settled: Uint128) {}
}

export const UNBONDING = new Map<Unbonding>(
  "unbonding",
  (u: Unbonding, w: JsonWriter): void => {
    w.beginObject().key("validator").string(u.validator).key("batch").u64(u.batch).key("join_seq").u64(u.joinSeq);
    w.key("amount").string(u.amount.toString()).key("settled").string(u.settled.toString()).endObject();
  },
  (j: JsonValue): Unbonding => new Unbonding(j.get("validator")!.text, U64.parseInt(j.get("batch")!.text), U64.parseInt(j.get("join_seq")!.text),
    storedUint128(j, "amount"), storedUint128(j, "settled")),
);

export class NextId {
  constructor(public id: u64) {}
}

export const NEXT_ID = new Item<NextId>(
  "next_id",
  (n: NextId, w: JsonWriter): void => { w.beginObject().key("id").u64(n.id).endObject(); },
  (j: JsonValue): NextId => new NextId(U64.parseInt(j.get("id")!.text)),
);

export const REWARD_INDEX = new Map<RewardIndex>("reward_index", encodeRewardIndex, decodeRewardIndex);
export const REWARD_PAID = new Map<RewardIndex>("reward_paid", encodeRewardIndex, decodeRewardIndex);

export const REWARDS_OWED = new Map<Amount>("rewards_owed", encodeAmount, decodeAmount);
export const REWARD_FOLDED = new Map<Amount>("reward_folded", encodeAmount, decodeAmount);

export class Cursor {
  constructor(public startAfter: string | null) {}
}

export const COLLECT_CURSOR = new Item<Cursor>(
  "collect_cursor",
  (c: Cursor, w: JsonWriter): void => { w.beginObject().key("start_after").nullableString(c.startAfter).endObject(); },
  (j: JsonValue): Cursor => new Cursor(storedStringOrNull(j, "start_after")),
);

export function ownerKey(owner: string): Uint8Array[] { return [utf8(owner)]; }
export function validatorKey(validator: string): Uint8Array[] { return [utf8(validator)]; }
export function stakeKey(owner: string, validator: string): Uint8Array[] { return [utf8(owner), utf8(validator)]; }
export function unbondingKey(owner: string, id: u64): Uint8Array[] { return [utf8(owner), u64Key(id)]; }
