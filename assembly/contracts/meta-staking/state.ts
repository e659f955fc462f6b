// meta-staking storage (cw-storage-plus layout):
//   "config"                          Item<Config>
//   consumers:   consumer             Map<Consumer>      allowance and Σ delegated by that consumer
//   delegations: (consumer, validator) Map<Amount>        what that consumer delegated to that validator
//   validators:  validator            Map<Amount>        Σ over consumers still delegated (queued undelegations excluded)
//   queue:       validator            Map<Amount>        undelegations waiting for the validator's next batch
//   last_batch:  validator            Map<BatchTime>     when the validator's last batch was undelegated
import { Item, JsonValue, JsonWriter, Map, Uint128, storedU64Or, storedUint128, utf8 } from "../../sdk";

export class Config {
  constructor(
    public admin: string,
    public denom: string,
    /** x/staking's unbonding period on this chain, as governance configured it */
    public unbondingPeriodSeconds: u64,
    /** x/staking's max_entries per (delegator, validator) pair (7 on stock chains) */
    public maxUnbondingEntries: u32,
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
  w.key("unbonding_epoch_seconds").u64(c.epochSeconds()).endObject();
}

export const CONFIG = new Item<Config>(
  "config",
  encodeConfig,
  // 0.1.0 stored neither: unbonding 0 marks a config that migrate must complete.
  (j: JsonValue): Config => new Config(j.get("admin")!.text, j.get("denom")!.text, storedU64Or(j, "unbonding_period_seconds", 0),
    <u32>storedU64Or(j, "max_unbonding_entries", 7)),
);

export class Consumer {
  constructor(public allowance: Uint128, public delegated: Uint128) {}
}

export const CONSUMERS = new Map<Consumer>(
  "consumers",
  (c: Consumer, w: JsonWriter): void => {
    w.beginObject().key("allowance").string(c.allowance.toString()).key("delegated").string(c.delegated.toString()).endObject();
  },
  (j: JsonValue): Consumer => new Consumer(storedUint128(j, "allowance"), storedUint128(j, "delegated")),
);

export class Amount {
  constructor(public amount: Uint128) {}
}

function encodeAmount(a: Amount, w: JsonWriter): void { w.beginObject().key("amount").string(a.amount.toString()).endObject(); }
function decodeAmount(j: JsonValue): Amount { return new Amount(storedUint128(j, "amount")); }

export const DELEGATIONS = new Map<Amount>("delegations", encodeAmount, decodeAmount);
export const VALIDATORS = new Map<Amount>("validators", encodeAmount, decodeAmount);
export const QUEUE = new Map<Amount>("queue", encodeAmount, decodeAmount);

export class BatchTime {
  constructor(public atNanos: u64) {}
}

export const LAST_BATCH = new Map<BatchTime>(
  "last_batch",
  (b: BatchTime, w: JsonWriter): void => { w.beginObject().key("at").u64String(b.atNanos).endObject(); },
  (j: JsonValue): BatchTime => new BatchTime(U64.parseInt(j.get("at")!.text)),
);


export function consumerKey(consumer: string): Uint8Array[] { return [utf8(consumer)]; }
export function delegationKey(consumer: string, validator: string): Uint8Array[] { return [utf8(consumer), utf8(validator)]; }
export function validatorKey(validator: string): Uint8Array[] { return [utf8(validator)]; }
