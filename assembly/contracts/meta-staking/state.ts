// meta-staking storage (cw-storage-plus layout):
//   "config"                          Item<Config>
//   consumers:   consumer             Map<Consumer>      allowance of that consumer
//   delegations: (consumer, validator) Map<Shares>        that consumer's shares of the validator's pool
//   validators:  validator            Map<Pool>          booked tokens (queued undelegations excluded) and Σ shares
//   queue:       validator            Map<Amount>        undelegations waiting for the validator's next batch
//   last_batch:  validator            Map<BatchTime>     when the validator's last batch was undelegated
//   slashing:    validator            Map<SlashState>    slash events so far, their cumulative product, open batch id
//   slash_events: (validator, seq BE)  Map<SlashEvent>    every slash observed, in order
//   reward_index: (validator, denom)   Map<RewardIndex>   rewards per pool share harvested so far (docs/rewards.md)
//   reward_paid: (consumer, validator, denom) Map<RewardIndex> the index a consumer was last settled at
//   rewards_owed: (consumer, validator, denom) Map<Amount> settled and not yet claimed
//   rewards_held: denom                Map<Amount>        Σ harvested for consumers and not yet paid (not the fund)
//   "ledger"                          Item<Ledger>       the bond-denom balance expected without matured entries
//   maturing: completion BE ‖ validator Map<Maturing>     x/staking unbonding entries of our batches, until reconciled
//   batch_entries: (validator, batch BE) Map<BatchTime>    the same entries by batch: their completion
//
// Consumers own shares of a validator's pool, as delegators do in x/staking: a consumer's delegation is worth
// shares × tokens ÷ total shares, so a slash scales `tokens` once and every consumer loses the same fraction.
// State of 0.2.0 and older (amounts, no shares) reads as shares = amounts: no slash was ever booked then.
import {
  Amount, Decimal, decodeAmount, decodeRewardIndex, encodeAmount, encodeRewardIndex, Fields, Item, JsonValue, JsonWriter, Map, RewardIndex, Uint128,
  storedStringOrNull, storedU64Or, storedUint128, storedUint128Or, u64Key, utf8,
} from "../../sdk";
import { SlashEvent } from "../../shared/meta-staking";
import { readSlashEvent, writeSlashEvent } from "../../shared/meta-staking.codec";

export class Config {
  constructor(
    public admin: string,
    public denom: string,
    /** x/staking's unbonding period on this chain, as governance configured it */
    public unbondingPeriodSeconds: u64,
    /** x/staking's max_entries per (delegator, validator) pair (7 on stock chains) */
    public maxUnbondingEntries: u32,
    /** the share of bonded stake that stays local (docs/economics.md §4); zero: no rule */
    public minLocalShare: Decimal = Decimal.zero(),
  ) {}

  /**
   * Minimum time between two undelegations from one validator. Entries at least this far apart that are all alive
   * within one unbonding period number at most ⌈U / epoch⌉ ≤ max_entries − 1, one below x/staking's limit.
   */
  epochSeconds(): u64 {
    const slots = <u64>(this.maxUnbondingEntries - 1);
    return (this.unbondingPeriodSeconds + slots - 1) / slots;
  }
}

function encodeConfig(c: Config, w: JsonWriter): void {
  w.beginObject().key("admin").string(c.admin).key("denom").string(c.denom);
  w.key("unbonding_period_seconds").u64(c.unbondingPeriodSeconds).key("max_unbonding_entries").u64(c.maxUnbondingEntries);
  w.key("unbonding_epoch_seconds").u64(c.epochSeconds()).key("min_local_share").string(c.minLocalShare.toString()).endObject();
}

export const CONFIG = new Item<Config>(
  "config",
  encodeConfig,
  // 0.1.0 stored neither: unbonding 0 marks a config that migrate must complete.
  (j: JsonValue): Config => new Config(j.get("admin")!.text, j.get("denom")!.text, storedU64Or(j, "unbonding_period_seconds", 0),
    <u32>storedU64Or(j, "max_unbonding_entries", 7),
    // State from before the power rules has none.
    j.get("min_local_share") != null ? Decimal.parse(j.get("min_local_share")!.text)! : Decimal.zero()),
);

export class Consumer {
  constructor(
    public allowance: Uint128,
    /** the most of the bonded stake it may hold (docs/economics.md §3); null: no cap */
    public maxPowerShare: Decimal | null = null,
    /** its last report_requested, and that value capped when reported */
    public requested: Uint128 = Uint128.zero(),
    public capped: Uint128 = Uint128.zero(),
  ) {}
}

export const CONSUMERS = new Map<Consumer>(
  "consumers",
  (c: Consumer, w: JsonWriter): void => {
    w.beginObject().key("allowance").string(c.allowance.toString());
    const share = c.maxPowerShare;
    w.key("max_power_share").nullableString(share != null ? share.toString() : null);
    w.key("requested").string(c.requested.toString()).key("capped").string(c.capped.toString()).endObject();
  },
  // 0.2.0 also stored Σ delegated, which is now computed from the pools; state from before the power rules has none of them.
  (j: JsonValue): Consumer => {
    const share = storedStringOrNull(j, "max_power_share");
    return new Consumer(storedUint128(j, "allowance"), share != null ? Decimal.parse(share)! : null,
      storedUint128Or(j, "requested", Uint128.zero()), storedUint128Or(j, "capped", Uint128.zero()));
  },
);

/** A validator's pool: tokens booked for consumers (queue excluded) and the consumers' shares of them. */
export class Pool {
  constructor(public tokens: Uint128, public shares: Uint128) {}
  static empty(): Pool { return new Pool(Uint128.zero(), Uint128.zero()); }

  /** What `shares` of this pool are worth, rounded down. */
  value(shares: Uint128): Uint128 {
    if (this.shares.isZero()) return Uint128.zero();
    return shares.mulDivFloor(this.tokens, this.shares)!;
  }
}

export const VALIDATORS = new Map<Pool>(
  "validators",
  (p: Pool, w: JsonWriter): void => {
    w.beginObject().key("tokens").string(p.tokens.toString()).key("shares").string(p.shares.toString()).endObject();
  },
  (j: JsonValue): Pool => {
    if (j.get("tokens") != null) return new Pool(storedUint128(j, "tokens"), storedUint128(j, "shares"));
    const amount = storedUint128(j, "amount");
    return new Pool(amount, amount);
  },
);

export class Shares {
  constructor(public shares: Uint128) {}
}

export const DELEGATIONS = new Map<Shares>(
  "delegations",
  (d: Shares, w: JsonWriter): void => { w.beginObject().key("shares").string(d.shares.toString()).endObject(); },
  (j: JsonValue): Shares => new Shares(storedUint128(j, j.get("shares") != null ? "shares" : "amount")),
);

export const QUEUE = new Map<Amount>("queue", encodeAmount, decodeAmount);

export class BatchTime {
  constructor(public atNanos: u64) {}
}

export const LAST_BATCH = new Map<BatchTime>(
  "last_batch",
  (b: BatchTime, w: JsonWriter): void => { w.beginObject().key("at").u64String(b.atNanos).endObject(); },
  (j: JsonValue): BatchTime => new BatchTime(U64.parseInt(j.get("at")!.text)),
);

/** A validator's slash record: events so far, Π (1 − fraction) over them, and the id of its open batch. */
export class SlashState {
  constructor(public seq: u64, public cumulative: Decimal, public batch: u64) {}
  /** Batch ids start at 1 (0 means "none" in acks of consumers that predate slashing). */
  static initial(): SlashState { return new SlashState(0, Decimal.one(), 1); }
}

export const SLASHING = new Map<SlashState>(
  "slashing",
  (s: SlashState, w: JsonWriter): void => {
    w.beginObject().key("seq").u64(s.seq).key("cumulative").string(s.cumulative.toString()).key("batch").u64(s.batch).endObject();
  },
  (j: JsonValue): SlashState => new SlashState(U64.parseInt(j.get("seq")!.text), Decimal.parse(j.get("cumulative")!.text)!,
    U64.parseInt(j.get("batch")!.text)),
);

/** The validator's slash record, or the initial one (no event, open batch 1). */
export function loadSlashState(validator: string): SlashState {
  const s = SLASHING.may_load(validatorKey(validator));
  return s != null ? s : SlashState.initial();
}

export const SLASH_EVENTS = new Map<SlashEvent>(
  "slash_events",
  (e: SlashEvent, w: JsonWriter): void => { writeSlashEvent(w, e); },
  (j: JsonValue): SlashEvent => readSlashEvent(new Fields(j, "stored slash event")),
);

/** Rewards per pool share (18 decimals), as harvested so far; only grows. */
export const REWARD_INDEX = new Map<RewardIndex>("reward_index", encodeRewardIndex, decodeRewardIndex);
export const REWARD_PAID = new Map<RewardIndex>("reward_paid", encodeRewardIndex, decodeRewardIndex);
export const REWARDS_OWED = new Map<Amount>("rewards_owed", encodeAmount, decodeAmount);
export const REWARDS_HELD = new Map<Amount>("rewards_held", encodeAmount, decodeAmount);

export function rewardIndexKey(validator: string, denom: string): Uint8Array[] { return [utf8(validator), utf8(denom)]; }
export function consumerRewardKey(consumer: string, validator: string, denom: string): Uint8Array[] {
  return [utf8(consumer), utf8(validator), utf8(denom)];
}
export function denomKey(denom: string): Uint8Array[] { return [utf8(denom)]; }

/**
 * What the bond-denom balance would be if no unbonding entry had matured since the last reconciliation and nobody
 * had sent us tokens: `book − deficit` (at most one of them non-zero; it is below zero when an execution spends the
 * payout of an entry that is not reconciled yet). `prior` and `last` are the block times of our last two executions
 * in different blocks: entries that complete at or before `prior` have surely been paid out by x/staking's end
 * blocker.
 */
export class Ledger {
  /** reward withdrawals since the last reconciliation (each may be paid a unit short) */
  withdrawals: u32 = 0;

  constructor(public book: Uint128, public deficit: Uint128, public prior: u64, public last: u64) {}

  add(amount: Uint128): void {
    if (this.deficit.isZero()) {
      this.book = this.book.checkedAdd(amount)!;
    } else if (amount.gte(this.deficit)) {
      this.book = amount.checkedSub(this.deficit)!;
      this.deficit = Uint128.zero();
    } else {
      this.deficit = this.deficit.checkedSub(amount)!;
    }
  }

  sub(amount: Uint128): void {
    if (this.book.gte(amount)) {
      this.book = this.book.checkedSub(amount)!;
    } else {
      this.deficit = this.deficit.checkedAdd(amount.checkedSub(this.book)!)!;
      this.book = Uint128.zero();
    }
  }
}

export const LEDGER = new Item<Ledger>(
  "ledger",
  (l: Ledger, w: JsonWriter): void => {
    w.beginObject().key("book").string(l.book.toString()).key("deficit").string(l.deficit.toString())
      .key("prior").u64String(l.prior).key("last").u64String(l.last).key("withdrawals").u64(l.withdrawals).endObject();
  },
  (j: JsonValue): Ledger => {
    const l = new Ledger(storedUint128(j, "book"), storedUint128(j, "deficit"), U64.parseInt(j.get("prior")!.text),
      U64.parseInt(j.get("last")!.text));
    l.withdrawals = <u32>storedU64Or(j, "withdrawals", 0);
    return l;
  },
);

/** An x/staking unbonding entry of one of our batches, as x/staking reported it (amount, completion). */
export class Maturing {
  constructor(public validator: string, public batch: u64, public amount: Uint128, public createdNanos: u64) {}
}

export const MATURING = new Map<Maturing>(
  "maturing",
  (m: Maturing, w: JsonWriter): void => {
    w.beginObject().key("validator").string(m.validator).key("batch").u64(m.batch).key("amount").string(m.amount.toString())
      .key("created").u64String(m.createdNanos).endObject();
  },
  (j: JsonValue): Maturing => new Maturing(j.get("validator")!.text, U64.parseInt(j.get("batch")!.text), storedUint128(j, "amount"),
    U64.parseInt(j.get("created")!.text)),
);

/** A batch's x/staking entry by (validator, batch): its completion time, until the ledger reconciled it. */
export const BATCH_ENTRIES = new Map<BatchTime>(
  "batch_entries",
  (b: BatchTime, w: JsonWriter): void => { w.beginObject().key("at").u64String(b.atNanos).endObject(); },
  (j: JsonValue): BatchTime => new BatchTime(U64.parseInt(j.get("at")!.text)),
);

export function batchEntryKey(validator: string, batch: u64): Uint8Array[] { return [utf8(validator), u64Key(batch)]; }

/** Ordered by completion time: one part, completion (big-endian) ‖ validator. */
export function maturingKey(completionNanos: u64, validator: string): Uint8Array[] {
  const time = u64Key(completionNanos);
  const v = utf8(validator);
  const key = new Uint8Array(time.length + v.length);
  key.set(time, 0);
  key.set(v, time.length);
  return [key];
}

export function slashEventKey(validator: string, seq: u64): Uint8Array[] { return [utf8(validator), u64Key(seq)]; }

export function consumerKey(consumer: string): Uint8Array[] { return [utf8(consumer)]; }
export function delegationKey(consumer: string, validator: string): Uint8Array[] { return [utf8(consumer), utf8(validator)]; }
export function validatorKey(validator: string): Uint8Array[] { return [utf8(validator)]; }
