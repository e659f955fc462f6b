// mesh-provider storage (cw-storage-plus layout).
//   "config"                              Item<Config>
//   "validators"                          Item<ValidatorSet>  the consumer chain's active set, as it last told us
//   "state"                               Item<State>         tx id counter, channel generation, list in flight
//   closed:    generation (u64 BE)         Map<Closed>         when each closed channel closed
//   stakes:    (owner, validator)          Map<Stake>          stamped with the channel generation it went through
//   totals:    validator                   Map<Stake>          Σ over owners of the live generation
//   txs:       tx_id (u64 BE)              Map<Tx>             operations in flight, until their ack or timeout
//   unbonding: (owner, id u64 BE)          Map<Unbonding>      unstaked amounts waiting for the unbonding period
//
// Generations make a channel close O(1): each channel that connects gets the next generation number; a close only
// records its time. A stake record of a closed generation is, by that fact, unbonding since the close (staked,
// pending stake and pending unstake alike); it is turned into an unbonding entry the next time it is touched, and
// queries already show it that way.
import { Item, JsonValue, JsonWriter, Map, Uint128, storedU64Or, storedUint128, u64Key, utf8 } from "../../sdk";
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
  ) {}
}

export function encodeConfig(c: Config, w: JsonWriter): void {
  w.beginObject().key("admin").string(c.admin).key("ilp").string(c.ilp).key("consumer");
  const consumer = c.consumer;
  if (consumer != null) consumer.write(w); else w.null_();
  w.key("unbonding_period_seconds").u64(c.unbondingPeriodSeconds).key("packet_timeout_seconds").u64(c.packetTimeoutSeconds);
  w.endObject();
}

export const CONFIG = new Item<Config>("config", encodeConfig, (j: JsonValue): Config => {
  const consumer = j.get("consumer")!;
  return new Config(j.get("admin")!.text, j.get("ilp")!.text, consumer.isNull() ? null : Counterparty.fromJson(consumer),
    U64.parseInt(j.get("unbonding_period_seconds")!.text), U64.parseInt(j.get("packet_timeout_seconds")!.text));
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

/** One owner's stake on one validator (or, in TOTALS, everyone's), through the channel of `generation`. */
export class Stake {
  constructor(
    /** confirmed by the consumer's ack */
    public staked: Uint128,
    /** Stake packets in flight: counts for the claim, not yet for withdrawals or unstaking */
    public pendingStake: Uint128,
    /** Unstake packets in flight: reserved, restored if the unstake fails */
    public pendingUnstake: Uint128,
    public generation: u64 = 0,
  ) {}

  static zero(generation: u64): Stake { return new Stake(Uint128.zero(), Uint128.zero(), Uint128.zero(), generation); }
  isZero(): bool { return this.staked.isZero() && this.pendingStake.isZero() && this.pendingUnstake.isZero(); }
  /** Everything this record holds of the owner's claim. */
  sum(): Uint128 { return this.staked.checkedAdd(this.pendingStake)!.checkedAdd(this.pendingUnstake)!; }
}

function encodeStake(s: Stake, w: JsonWriter): void {
  w.beginObject().key("staked").string(s.staked.toString()).key("pending_stake").string(s.pendingStake.toString());
  w.key("pending_unstake").string(s.pendingUnstake.toString()).key("generation").u64(s.generation).endObject();
}

function decodeStake(j: JsonValue): Stake {
  return new Stake(storedUint128(j, "staked"), storedUint128(j, "pending_stake"), storedUint128(j, "pending_unstake"),
    storedU64Or(j, "generation", LEGACY_GENERATION));
}

export const STAKES = new Map<Stake>("stakes", encodeStake, decodeStake);
export const TOTALS = new Map<Stake>("totals", encodeStake, decodeStake);

export const enum TxKind {
  Stake = 0,
  Unstake = 1,
}

export class Tx {
  constructor(public kind: TxKind, public owner: string, public validator: string, public amount: Uint128, public generation: u64) {}
}

export const TXS = new Map<Tx>(
  "txs",
  (t: Tx, w: JsonWriter): void => {
    w.beginObject().key("kind").string(t.kind == TxKind.Stake ? "stake" : "unstake").key("owner").string(t.owner);
    w.key("validator").string(t.validator).key("amount").string(t.amount.toString()).key("generation").u64(t.generation).endObject();
  },
  (j: JsonValue): Tx => new Tx(j.get("kind")!.text == "stake" ? TxKind.Stake : TxKind.Unstake, j.get("owner")!.text,
    j.get("validator")!.text, storedUint128(j, "amount"), storedU64Or(j, "generation", LEGACY_GENERATION)),
);

export class Unbonding {
  constructor(public validator: string, public amount: Uint128, public releaseAtNanos: u64) {}
}

export const UNBONDING = new Map<Unbonding>(
  "unbonding",
  (u: Unbonding, w: JsonWriter): void => {
    w.beginObject().key("validator").string(u.validator).key("amount").string(u.amount.toString());
    w.key("release_at").u64String(u.releaseAtNanos).endObject();
  },
  (j: JsonValue): Unbonding => new Unbonding(j.get("validator")!.text, storedUint128(j, "amount"), U64.parseInt(j.get("release_at")!.text)),
);


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

/** The stake as it counts now: a record of a closed channel holds nothing live (it is unbonding). */
export function liveView(s: Stake): Stake {
  return closedAt(s.generation) > 0 ? Stake.zero(s.generation) : s;
}

export function saveStake(owner: string, validator: string, s: Stake): void {
  if (s.isZero()) STAKES.remove(stakeKey(owner, validator)); else STAKES.save(stakeKey(owner, validator), s);
}

/** Σ over owners on `validator` for the live channel (totals of a closed channel no longer count). */
export function loadTotal(validator: string): Stake {
  const s = TOTALS.may_load([utf8(validator)]);
  const generation = STATE.load().generation;
  return s != null && s.generation == generation && closedAt(generation) == 0 ? s : Stake.zero(generation);
}

export function saveTotal(validator: string, s: Stake): void {
  if (s.isZero()) TOTALS.remove([utf8(validator)]); else TOTALS.save([utf8(validator)], s);
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
