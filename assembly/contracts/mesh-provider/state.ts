// mesh-provider storage (cw-storage-plus layout).
//   "config"                              Item<Config>
//   "validators"                          Item<ValidatorSet>  the consumer chain's active set, as it last told us
//   "state"                               Item<State>         tx id counter, channel generation, list in flight
//   closed:    generation (u64 BE)         Map<Closed>         when each closed channel closed
//   stakes:    (owner, validator)          Map<Stake>          shares, stamped with the channel generation it went through
//   pools:     (generation, validator)     Map<Pool>           Σ shares, the slash multiplier applied and its event count
//   txs:       tx_id (u64 BE)              Map<Tx>             operations in flight, until their ack or timeout
//   unbonding: (owner, id u64 BE)          Map<Unbonding>      unstaked stake waiting for the unbonding period
//   batch_pools: (generation, validator, batch, join_seq)  Map<BatchPool>  slash multiplier of unbonding stake
//   applied_events: (generation, validator, seq)            slash events whose batch part was applied
//   unbacked:  owner                       Map<Amount>         claim recorded here that a cap took from the ILP
//
// Generations make a channel close O(1): each channel that connects gets the next generation number; a close only
// records its time. A stake record of a closed generation is, by that fact, unbonding since the close (staked,
// pending stake and pending unstake alike); it is turned into an unbonding entry the next time it is touched, and
// queries already show it that way.
import { Amount, Decimal, decodeAmount, encodeAmount, Item, JsonValue, JsonWriter, Map, Uint128, storedU64Or, storedUint128, u64Key, utf8 } from "../../sdk";
import { CHANNEL, Counterparty } from "../../shared/channel";

/** Records written by 0.1.0 carry no generation: they went through its only channel, generation 1. */
export const LEGACY_GENERATION: u64 = 1;

export class Config {
  constructor(
    public admin: string,
    public ilp: string,
    public consumer: Counterparty | null,
    /** Must be ≥ the consumer chain's unbonding period + the packet timeout. */
    public unbondingPeriodSeconds: u64,
    public packetTimeoutSeconds: u64,
    /** the largest fraction one slash on the consumer chain can take (the ILP's slash margin) */
    public maxSlash: Decimal,
  ) {}
}

export function encodeConfig(c: Config, w: JsonWriter): void {
  w.beginObject().key("admin").string(c.admin).key("ilp").string(c.ilp).key("consumer");
  const consumer = c.consumer;
  if (consumer != null) consumer.write(w); else w.null_();
  w.key("unbonding_period_seconds").u64(c.unbondingPeriodSeconds).key("packet_timeout_seconds").u64(c.packetTimeoutSeconds);
  w.key("max_slash").string(c.maxSlash.toString()).endObject();
}

export const CONFIG = new Item<Config>("config", encodeConfig, (j: JsonValue): Config => {
  const consumer = j.get("consumer")!;
  return new Config(j.get("admin")!.text, j.get("ilp")!.text, consumer.isNull() ? null : Counterparty.fromJson(consumer),
    U64.parseInt(j.get("unbonding_period_seconds")!.text), U64.parseInt(j.get("packet_timeout_seconds")!.text),
    // 0.2.0 and older had no slash margin.
    j.get("max_slash") != null ? Decimal.parse(j.get("max_slash")!.text)! : Decimal.zero());
});

/** The consumer's last validator-set update (see ValidatorSetUpdate in shared/packets.ts). */
export class ValidatorSet {
  constructor(
    public validators: string[],
    /** the consumer's version (block height) of this set; older updates are ignored */
    public version: u64,
    /** our height when we stored it */
    public updatedHeight: u64,
    public consumerUnbondingSeconds: u64,
    public consumerEpochSeconds: u64,
  ) {}
  has(validator: string): bool { return this.validators.includes(validator); }
  static empty(): ValidatorSet { return new ValidatorSet([], 0, 0, 0, 0); }
}

export function encodeValidatorSet(v: ValidatorSet, w: JsonWriter): void {
  w.beginObject().key("validators").beginArray();
  for (let i = 0; i < v.validators.length; i++) w.string(v.validators[i]);
  w.endArray().key("version").u64(v.version).key("updated_height").u64(v.updatedHeight);
  w.key("consumer_unbonding_period_seconds").u64(v.consumerUnbondingSeconds);
  w.key("consumer_unbonding_epoch_seconds").u64(v.consumerEpochSeconds).endObject();
}

export const VALIDATORS = new Item<ValidatorSet>(
  "validators",
  encodeValidatorSet,
  (j: JsonValue): ValidatorSet => {
    const items = j.get("validators")!.items;
    const list = new Array<string>();
    for (let i = 0; i < items.length; i++) list.push(items[i].text);
    // 0.1.0 stored no version and no unbonding rules: zero until the consumer announces them.
    return new ValidatorSet(list, storedU64Or(j, "version", 0), U64.parseInt(j.get("updated_height")!.text),
      storedU64Or(j, "consumer_unbonding_period_seconds", 0), storedU64Or(j, "consumer_unbonding_epoch_seconds", 0));
  },
);

export class State {
  constructor(
    public nextId: u64,
    /** the generation of the current (or, while none is open, the last) channel; 0 before the first */
    public generation: u64,
    /** a list_validators packet is in flight (at most one, so anyone may ask without flooding the channel) */
    public listing: bool,
  ) {}
}

export const STATE = new Item<State>(
  "state",
  (s: State, w: JsonWriter): void => {
    w.beginObject().key("next_id").u64(s.nextId).key("generation").u64(s.generation).key("listing").bool(s.listing).endObject();
  },
  (j: JsonValue): State => {
    const listing = j.get("listing");
    return new State(U64.parseInt(j.get("next_id")!.text), storedU64Or(j, "generation", LEGACY_GENERATION), listing != null && listing.flag);
  },
);

export class Closed {
  constructor(public atNanos: u64) {}
}

export const CLOSED = new Map<Closed>(
  "closed",
  (c: Closed, w: JsonWriter): void => { w.beginObject().key("at").u64String(c.atNanos).endObject(); },
  (j: JsonValue): Closed => new Closed(U64.parseInt(j.get("at")!.text)),
);

/**
 * A validator's stake pool through one channel generation (docs/slashing.md §3). A staker owns shares; a share is
 * worth `multiplier` provider tokens, the consumer's cumulative Π (1 − fraction) over the validator's slash events up
 * to `seq`. A slash event (or an ack that reports a later one) sets the multiplier: every staker of the validator
 * loses the fraction at once, whatever their number.
 */
export class Pool {
  constructor(
    public shares: Uint128,
    public multiplier: Decimal,
    public seq: u64,
    /** Stake packets in flight (amounts; they become shares at their ack) */
    public pendingStake: Uint128,
  ) {}
  static empty(): Pool { return new Pool(Uint128.zero(), Decimal.one(), 0, Uint128.zero()); }
  /** What `shares` are worth now, rounded down. */
  value(shares: Uint128): Uint128 { return this.multiplier.mulFloor(shares)!; }
}

export const POOLS = new Map<Pool>(
  "pools",
  (p: Pool, w: JsonWriter): void => {
    w.beginObject().key("shares").string(p.shares.toString()).key("multiplier").string(p.multiplier.toString());
    w.key("seq").u64(p.seq).key("pending_stake").string(p.pendingStake.toString()).endObject();
  },
  (j: JsonValue): Pool => new Pool(storedUint128(j, "shares"), Decimal.parse(j.get("multiplier")!.text)!, U64.parseInt(j.get("seq")!.text),
    storedUint128(j, "pending_stake")),
);

export function poolKey(generation: u64, validator: string): Uint8Array[] { return [u64Key(generation), utf8(validator)]; }

export function loadPool(generation: u64, validator: string): Pool {
  const p = POOLS.may_load(poolKey(generation, validator));
  return p != null ? p : Pool.empty();
}

export function savePool(generation: u64, validator: string, p: Pool): void {
  if (p.shares.isZero() && p.pendingStake.isZero() && p.seq == 0) POOLS.remove(poolKey(generation, validator));
  else POOLS.save(poolKey(generation, validator), p);
}

/**
 * One owner's stake on one validator, through the channel of `generation`. `settled` is the part of the owner's
 * ILP claim these shares hold: their value when last settled. Slashes lower the value at once; the difference
 * leaves the owner's collateral when the record is settled (docs/slashing.md §4).
 */
export class Stake {
  constructor(
    /** acknowledged shares of the validator's pool, including those of unstakes in flight */
    public shares: Uint128,
    /** shares of unstake packets in flight: reserved, restored if the unstake fails */
    public reserved: Uint128,
    /** Stake packets in flight: counts for the claim, not yet for withdrawals or unstaking */
    public pendingStake: Uint128,
    /** the claim the shares hold in the ILP */
    public settled: Uint128,
    public generation: u64 = 0,
  ) {}

  static zero(generation: u64): Stake { return new Stake(Uint128.zero(), Uint128.zero(), Uint128.zero(), Uint128.zero(), generation); }
  isZero(): bool { return this.shares.isZero() && this.pendingStake.isZero() && this.settled.isZero(); }
  /** Everything this record holds of the owner's claim. */
  claim(): Uint128 { return this.settled.checkedAdd(this.pendingStake)!; }
}

function encodeStake(s: Stake, w: JsonWriter): void {
  w.beginObject().key("shares").string(s.shares.toString()).key("reserved").string(s.reserved.toString());
  w.key("pending_stake").string(s.pendingStake.toString()).key("settled").string(s.settled.toString());
  w.key("generation").u64(s.generation).endObject();
}

function decodeStake(j: JsonValue): Stake {
  const generation = storedU64Or(j, "generation", LEGACY_GENERATION);
  if (j.get("shares") != null) {
    return new Stake(storedUint128(j, "shares"), storedUint128(j, "reserved"), storedUint128(j, "pending_stake"), storedUint128(j, "settled"),
      generation);
  }
  // 0.2.0 and older: amounts, no slash ever applied (a share was worth one token).
  const staked = storedUint128(j, "staked");
  const unstaking = storedUint128(j, "pending_unstake");
  const shares = staked.checkedAdd(unstaking)!;
  return new Stake(shares, unstaking, storedUint128(j, "pending_stake"), shares, generation);
}

export const STAKES = new Map<Stake>("stakes", encodeStake, decodeStake);

export const enum TxKind {
  Stake = 0,
  Unstake = 1,
}

export class Tx {
  constructor(
    public kind: TxKind, public owner: string, public validator: string, public amount: Uint128, public generation: u64,
    /** an unstake's reserved shares (0 for a stake) */
    public shares: Uint128,
  ) {}
}

export const TXS = new Map<Tx>(
  "txs",
  (t: Tx, w: JsonWriter): void => {
    w.beginObject().key("kind").string(t.kind == TxKind.Stake ? "stake" : "unstake").key("owner").string(t.owner);
    w.key("validator").string(t.validator).key("amount").string(t.amount.toString()).key("generation").u64(t.generation);
    w.key("shares").string(t.shares.toString()).endObject();
  },
  (j: JsonValue): Tx => {
    const amount = storedUint128(j, "amount");
    return new Tx(j.get("kind")!.text == "stake" ? TxKind.Stake : TxKind.Unstake, j.get("owner")!.text, j.get("validator")!.text, amount,
      storedU64Or(j, "generation", LEGACY_GENERATION), j.get("shares") != null ? storedUint128(j, "shares") : amount);
  },
);

/** Batch id of unbonding entries that belong to no consumer batch (closed channels, 0.2.0 entries): never slashed. */
export const NO_BATCH: u64 = 0;

/**
 * Unstaked stake waiting for the unbonding period. Its shares are of the pool of the consumer batch it joined, as
 * of the slash event count `join_seq` (later events on that batch hit it, earlier ones did not).
 */
export class Unbonding {
  constructor(
    public validator: string,
    public generation: u64,
    public batch: u64,
    public joinSeq: u64,
    public shares: Uint128,
    /** the claim it holds in the ILP */
    public settled: Uint128,
    public releaseAtNanos: u64,
  ) {}

  value(): Uint128 { return batchMultiplier(this.generation, this.validator, this.batch, this.joinSeq).mulFloor(this.shares)!; }
}

export const UNBONDING = new Map<Unbonding>(
  "unbonding",
  (u: Unbonding, w: JsonWriter): void => {
    w.beginObject().key("validator").string(u.validator).key("generation").u64(u.generation).key("batch").u64(u.batch);
    w.key("join_seq").u64(u.joinSeq).key("shares").string(u.shares.toString()).key("settled").string(u.settled.toString());
    w.key("release_at").u64String(u.releaseAtNanos).endObject();
  },
  (j: JsonValue): Unbonding => {
    const releaseAt = U64.parseInt(j.get("release_at")!.text);
    if (j.get("shares") == null) {
      // 0.2.0 and older: a plain amount, in no batch.
      const amount = storedUint128(j, "amount");
      return new Unbonding(j.get("validator")!.text, LEGACY_GENERATION, NO_BATCH, 0, amount, amount, releaseAt);
    }
    return new Unbonding(j.get("validator")!.text, U64.parseInt(j.get("generation")!.text), U64.parseInt(j.get("batch")!.text),
      U64.parseInt(j.get("join_seq")!.text), storedUint128(j, "shares"), storedUint128(j, "settled"), releaseAt);
  },
);

/** Multiplier of the (generation, validator, batch, join_seq) unbonding pool: Π (1 − fraction) of its events. */
export class BatchPool {
  constructor(public multiplier: Decimal) {}
}

export const BATCH_POOLS = new Map<BatchPool>(
  "batch_pools",
  (b: BatchPool, w: JsonWriter): void => { w.beginObject().key("multiplier").string(b.multiplier.toString()).endObject(); },
  (j: JsonValue): BatchPool => new BatchPool(Decimal.parse(j.get("multiplier")!.text)!),
);

export function batchPoolKey(generation: u64, validator: string, batch: u64, joinSeq: u64): Uint8Array[] {
  return [u64Key(generation), utf8(validator), u64Key(batch), u64Key(joinSeq)];
}

export function batchMultiplier(generation: u64, validator: string, batch: u64, joinSeq: u64): Decimal {
  if (batch == NO_BATCH) return Decimal.one();
  const b = BATCH_POOLS.may_load(batchPoolKey(generation, validator, batch, joinSeq));
  return b != null ? b.multiplier : Decimal.one();
}

/** Slash events whose batch part was applied, per (generation, validator, seq): each applies once. */
export const APPLIED_EVENTS = new Map<Flag>(
  "applied_events",
  (f: Flag, w: JsonWriter): void => { w.beginObject().endObject(); },
  (j: JsonValue): Flag => new Flag(),
);

export class Flag {}

export function appliedEventKey(generation: u64, validator: string, seq: u64): Uint8Array[] {
  return [u64Key(generation), utf8(validator), u64Key(seq)];
}

/**
 * Per owner: claim this contract records that the ILP no longer holds, because a slash through another lienholder
 * capped the claim (claim_capped). Releases and slashes are taken from it first, so what reaches the ILP never
 * exceeds the claim it holds.
 */
export const UNBACKED = new Map<Amount>("unbacked", encodeAmount, decodeAmount);

export function stakeKey(owner: string, validator: string): Uint8Array[] { return [utf8(owner), utf8(validator)]; }
export function generationKey(generation: u64): Uint8Array[] { return [u64Key(generation)]; }
export function txKey(id: u64): Uint8Array[] { return [u64Key(id)]; }
export function unbondingKey(owner: string, id: u64): Uint8Array[] { return [utf8(owner), u64Key(id)]; }

// ---------------------------------------------------------------------------------------------------------------
// Stake records and channel generations: what contract.ts and ibc.ts both read and write.

/** When generation `g`'s channel closed (ns), or 0 if it has not. */
export function closedAt(generation: u64): u64 {
  const c = CLOSED.may_load(generationKey(generation));
  return c != null ? c.atNanos : 0;
}

export function saveStake(owner: string, validator: string, s: Stake): void {
  if (s.isZero()) STAKES.remove(stakeKey(owner, validator)); else STAKES.save(stakeKey(owner, validator), s);
}

/** The live generation's pool of `validator` (a fresh one while no channel is open). */
export function livePool(validator: string): Pool {
  const generation = STATE.load().generation;
  return closedAt(generation) == 0 ? loadPool(generation, validator) : Pool.empty();
}

/** Bookkeeping of a close: O(1) whatever the number of stakers (see the generations above). */
export function closeLiveChannel(nowNanos: u64): void {
  CHANNEL.remove();
  const state = STATE.load();
  CLOSED.save(generationKey(state.generation), new Closed(nowNanos));
  state.listing = false;
  STATE.save(state);
  // Keep the version (updates stay ordered across channels); the set is the next channel's to announce.
  const set = VALIDATORS.load();
  set.validators = [];
  VALIDATORS.save(set);
}
