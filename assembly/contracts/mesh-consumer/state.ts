// mesh-consumer storage (cw-storage-plus layout; the JSON of each record is its stored form):
//   "config"                    Item<Config>
//   records:   validator        Map<StakeRecord>        the provider's stake there (shares) and the slash events sent
//   "last_sent_validator_set"   Item<ValidatorSetUpdate> the last validator_set sent and not known to have failed
//   "channel", "closing"        the live channel (shared/channel.ts)
import { Amount, Decimal, decodeAmount, encodeAmount, Fields, Item, JsonValue, JsonWriter, Map, Uint128, storedStringOrNull, utf8 } from "../../sdk";
import { Counterparty } from "../../shared/channel";
import { ValidatorSetUpdate } from "../../shared/packets";
import { readValidatorSetUpdate, writeValidatorSetUpdate } from "../../shared/packets.codec";

export class Config {
  constructor(
    public admin: string,
    public metaStaking: string,
    public provider: Counterparty | null,
    /** local tokens per provider token */
    public rate: Decimal,
    /** haircut on converted stake, in [0, 1) */
    public discount: Decimal,
    public packetTimeoutSeconds: u64,
    /** the contract new stake is priced by (docs/economics.md §1); `rate` when null */
    public priceFeed: string | null = null,
  ) {}
}

function encodeConfig(c: Config, w: JsonWriter): void {
  w.beginObject().key("admin").string(c.admin).key("meta_staking").string(c.metaStaking).key("provider");
  const provider = c.provider;
  if (provider != null) provider.write(w); else w.null_();
  w.key("rate").string(c.rate.toString()).key("discount").string(c.discount.toString());
  w.key("packet_timeout_seconds").u64(c.packetTimeoutSeconds).key("price_feed").nullableString(c.priceFeed).endObject();
}

export const CONFIG = new Item<Config>(
  "config",
  encodeConfig,
  (j: JsonValue): Config => {
    const p = j.get("provider")!;
    return new Config(j.get("admin")!.text, j.get("meta_staking")!.text, p.isNull() ? null : Counterparty.fromJson(p),
      Decimal.parse(j.get("rate")!.text)!, Decimal.parse(j.get("discount")!.text)!, U64.parseInt(j.get("packet_timeout_seconds")!.text),
      // 0.2.0 had no price feed.
      storedStringOrNull(j, "price_feed"));
  },
);

/**
 * Per validator: the provider's stake in slash-free units (`shares`: provider tokens ÷ meta-staking's cumulative
 * multiplier when staked; the provider's pool holds the same number), the last slash event sent to the provider,
 * and `value`, the provider tokens it stands for (shares × cumulative) when last seen — their sum over validators is
 * the provider total the power rules price (docs/economics.md §2). What we delegated for it is meta-staking's answer
 * (our delegation there), not a copy that a slash would outdate. A record stays (with zero shares) after a full
 * unstake: the undelegated stake waits in a batch that a later slash may still reach, and its events must still be
 * sent.
 */
export class StakeRecord {
  constructor(public shares: Uint128, public forwarded: u64, public value: Uint128 = Uint128.zero()) {}
}

export const RECORDS = new Map<StakeRecord>(
  "records",
  (r: StakeRecord, w: JsonWriter): void => {
    w.beginObject().key("shares").string(r.shares.toString()).key("forwarded").u64(r.forwarded).key("value").string(r.value.toString()).endObject();
  },
  // 0.2.0 stored provider tokens and the local amount: no slash existed, so shares = provider tokens. Records from
  // before the power rules have no value: migrate computes it (until then it reads as the shares).
  (j: JsonValue): StakeRecord => {
    if (j.get("shares") == null) {
      const provider = Uint128.parse(j.get("provider")!.text)!;
      return new StakeRecord(provider, 0, provider);
    }
    const shares = Uint128.parse(j.get("shares")!.text)!;
    const value = j.get("value");
    return new StakeRecord(shares, U64.parseInt(j.get("forwarded")!.text), value != null ? Uint128.parse(value.text)! : shares);
  },
);

/** Σ of the records' values: the provider tokens staked here, after the slashes seen (docs/economics.md §2). */
export const PROVIDER_TOTAL = new Item<Amount>("provider_total", encodeAmount, decodeAmount);

export function loadProviderTotal(): Uint128 {
  const t = PROVIDER_TOTAL.may_load();
  return t != null ? t.amount : Uint128.zero();
}

/** Sets the record's value, moving the provider total by the difference (the caller saves the record). */
export function revalueRecord(record: StakeRecord, value: Uint128): void {
  const total = loadProviderTotal().saturatingSub(record.value).checkedAdd(value)!;
  record.value = value;
  PROVIDER_TOTAL.save(new Amount(total));
}

export function recordKey(validator: string): Uint8Array[] { return [utf8(validator)]; }

/** The last validator_set sent (validators and unbonding rules; its version is ignored when comparing). */
export const LAST_SENT = new Item<ValidatorSetUpdate>(
  "last_sent_validator_set",
  (u: ValidatorSetUpdate, w: JsonWriter): void => { writeValidatorSetUpdate(w, u); },
  (j: JsonValue): ValidatorSetUpdate => readValidatorSetUpdate(new Fields(j, "stored")),
);

// Rewards (docs/rewards.md §2):
//   "reward_config"               Item<RewardConfig>
//   "reward_state"                Item<RewardState>       the next round id
//   rewards_waiting: (denom, validator)   Map<Amount>    claimed or refunded, not sent yet
//   reward_rounds:   round (u64 BE)       Map<Round>     transfers in flight, until the source callback
//   reward_totals:   denom                Map<RewardTotals>

export class RewardConfig {
  constructor(public transferChannel: string, public commission: Decimal, public commissionRecipient: string | null) {}
}

export const REWARD_CONFIG = new Item<RewardConfig>(
  "reward_config",
  (c: RewardConfig, w: JsonWriter): void => {
    w.beginObject().key("transfer_channel").string(c.transferChannel).key("commission").string(c.commission.toString());
    w.key("commission_recipient").nullableString(c.commissionRecipient).endObject();
  },
  (j: JsonValue): RewardConfig =>
    new RewardConfig(j.get("transfer_channel")!.text, Decimal.parse(j.get("commission")!.text)!, storedStringOrNull(j, "commission_recipient")),
);

export class RewardState {
  constructor(
    public nextRound: u64,
    /** where the next claim_rewards starts harvesting (null: from the first validator) */
    public claimAfter: string | null = null,
  ) {}
}

export const REWARD_STATE = new Item<RewardState>(
  "reward_state",
  (s: RewardState, w: JsonWriter): void => {
    w.beginObject().key("next_round").u64(s.nextRound).key("claim_after").nullableString(s.claimAfter).endObject();
  },
  (j: JsonValue): RewardState => {
    return new RewardState(U64.parseInt(j.get("next_round")!.text), storedStringOrNull(j, "claim_after"));
  },
);

export const REWARDS_WAITING = new Map<Amount>("rewards_waiting", encodeAmount, decodeAmount);

export function waitingKey(denom: string, validator: string): Uint8Array[] { return [utf8(denom), utf8(validator)]; }

/** A reward transfer in flight: the denom and the split it carries. */
export class Round {
  constructor(public denom: string, public validators: string[], public amounts: Uint128[]) {}
  total(): Uint128 {
    let sum = Uint128.zero();
    for (let i = 0; i < this.amounts.length; i++) sum = sum.checkedAdd(this.amounts[i])!;
    return sum;
  }
}

export const REWARD_ROUNDS = new Map<Round>(
  "reward_rounds",
  (r: Round, w: JsonWriter): void => {
    w.beginObject().key("denom").string(r.denom).key("split").beginArray();
    for (let i = 0; i < r.validators.length; i++) w.beginArray().string(r.validators[i]).string(r.amounts[i].toString()).endArray();
    w.endArray().endObject();
  },
  (j: JsonValue): Round => {
    const items = j.get("split")!.items;
    const validators = new Array<string>();
    const amounts = new Array<Uint128>();
    for (let i = 0; i < items.length; i++) {
      validators.push(items[i].items[0].text);
      amounts.push(Uint128.parse(items[i].items[1].text)!);
    }
    return new Round(j.get("denom")!.text, validators, amounts);
  },
);

export class RewardTotals {
  constructor(public claimed: Uint128, public commission: Uint128, public delivered: Uint128) {}
  static zero(): RewardTotals { return new RewardTotals(Uint128.zero(), Uint128.zero(), Uint128.zero()); }
}

export const REWARD_TOTALS = new Map<RewardTotals>(
  "reward_totals",
  (t: RewardTotals, w: JsonWriter): void => {
    w.beginObject().key("claimed").string(t.claimed.toString()).key("commission").string(t.commission.toString());
    w.key("delivered").string(t.delivered.toString()).endObject();
  },
  (j: JsonValue): RewardTotals =>
    new RewardTotals(Uint128.parse(j.get("claimed")!.text)!, Uint128.parse(j.get("commission")!.text)!, Uint128.parse(j.get("delivered")!.text)!),
);

export function loadTotals(denom: string): RewardTotals {
  const t = REWARD_TOTALS.may_load([utf8(denom)]);
  return t != null ? t : RewardTotals.zero();
}
