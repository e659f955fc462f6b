// meta-staking storage (cw-storage-plus layout):
//   "config"                          Item<Config>
//   consumers:   consumer             Map<Consumer>      allowance and Σ delegated by that consumer
//   delegations: (consumer, validator) Map<Amount>        what that consumer delegated to that validator
//   validators:  validator            Map<Amount>        Σ over consumers, = our x/staking delegation barring slashes
import { Item, JsonValue, JsonWriter, Map, Uint128, storedUint128, utf8 } from "../../sdk";

export class Config {
  constructor(public admin: string, public denom: string) {}
}

export const CONFIG = new Item<Config>(
  "config",
  (c: Config, w: JsonWriter): void => { w.beginObject().key("admin").string(c.admin).key("denom").string(c.denom).endObject(); },
  (j: JsonValue): Config => new Config(j.get("admin")!.text, j.get("denom")!.text),
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


export function consumerKey(consumer: string): Uint8Array[] { return [utf8(consumer)]; }
export function delegationKey(consumer: string, validator: string): Uint8Array[] { return [utf8(consumer), utf8(validator)]; }
export function validatorKey(validator: string): Uint8Array[] { return [utf8(validator)]; }
