// The mesh-security IBC protocol between mesh-provider (provider chain) and mesh-consumer (consumer chain).
// One definition for both sides; exact JSON pinned by tests/fixtures/packets.json.
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
// Acknowledgements use the ICS envelope: {"result":"<base64 JSON>"} or {"error":"<reason>"}; the success result of
// stake/unstake/validator_set is {}.
// tx_id is the provider's own id of the in-flight operation, so an ack or timeout can be matched to what it reserved.
import { Fields, JsonWriter, Uint128, Variant, clearError, fail, parseJson } from "../sdk";

export const MESH_VERSION = "mesh-security-v1";

export const enum PacketKind {
  Stake = 0,
  Unstake = 1,
  ListValidators = 2,
  ValidatorSet = 3,
}

export class ProviderPacket {
  constructor(
    public kind: PacketKind,
    public txId: u64 = 0,
    public validator: string = "",
    public amount: Uint128 = Uint128.zero(),
  ) {}

  static stake(txId: u64, validator: string, amount: Uint128): ProviderPacket {
    return new ProviderPacket(PacketKind.Stake, txId, validator, amount);
  }
  static unstake(txId: u64, validator: string, amount: Uint128): ProviderPacket {
    return new ProviderPacket(PacketKind.Unstake, txId, validator, amount);
  }
  static listValidators(): ProviderPacket { return new ProviderPacket(PacketKind.ListValidators); }

  toBytes(): Uint8Array {
    const w = new JsonWriter();
    w.beginObject();
    if (this.kind == PacketKind.ListValidators) {
      w.key("list_validators").emptyObject();
    } else {
      w.key(this.kind == PacketKind.Stake ? "stake" : "unstake").beginObject();
      w.key("tx_id").u64(this.txId).key("validator").string(this.validator).key("amount").string(this.amount.toString());
      w.endObject();
    }
    w.endObject();
    return w.toBytes();
  }

  /** Strict decoding; returns null with an error naming the problem (it becomes the error ack). */
  static decode(data: Uint8Array): ProviderPacket | null {
    const json = parseJson(data);
    if (json == null) return null;
    const variant = Variant.of(json, "packet");
    if (variant == null) return null;
    const f = variant.fields;
    if (variant.name == "list_validators") {
      if (!f.finish()) return null;
      return ProviderPacket.listValidators();
    }
    if (variant.name != "stake" && variant.name != "unstake") {
      return fail<ProviderPacket>("Unknown packet '" + variant.name + "'; expected one of: stake, unstake, list_validators");
    }
    const txId = f.u64("tx_id");
    const validator = f.str("validator");
    const amount = f.uint128("amount");
    if (!f.finish()) return null;
    return new ProviderPacket(variant.name == "stake" ? PacketKind.Stake : PacketKind.Unstake, txId, validator, amount);
  }
}

/**
 * What the consumer tells its provider about staking there: the bonded validators and the unbonding rules that the
 * provider's own unbonding period must cover. `version` is the consumer's block height when the set was read; the
 * provider ignores an update older than the one it has (packets and acks may arrive in any order).
 */
export class ValidatorSetUpdate {
  constructor(
    public version: u64,
    public validators: string[],
    /** x/staking's unbonding period on the consumer chain */
    public unbondingPeriodSeconds: u64,
    /** how long an unstake may wait in the consumer's undelegation batch */
    public unbondingEpochSeconds: u64,
  ) {}

  /** Writes the fields into an open object. */
  writeFields(w: JsonWriter): void {
    w.key("version").u64(this.version);
    writeValidatorList(w, this.validators);
    w.key("unbonding_period_seconds").u64(this.unbondingPeriodSeconds).key("unbonding_epoch_seconds").u64(this.unbondingEpochSeconds);
  }

  static readFields(f: Fields): ValidatorSetUpdate | null {
    const version = f.u64("version");
    const list = readValidatorList(f);
    const unbonding = f.u64("unbonding_period_seconds");
    const epoch = f.u64("unbonding_epoch_seconds");
    if (list == null) return null;
    return new ValidatorSetUpdate(version, list, unbonding, epoch);
  }

  /** The packet `{"validator_set":{…}}` (consumer → provider). */
  toPacket(): Uint8Array {
    const w = new JsonWriter();
    w.beginObject().key("validator_set").beginObject();
    this.writeFields(w);
    w.endObject().endObject();
    return w.toBytes();
  }

  /** The success result of list_validators: the same fields at top level. */
  toResult(): Uint8Array {
    const w = new JsonWriter();
    w.beginObject();
    this.writeFields(w);
    w.endObject();
    return w.toBytes();
  }

  static decodePacket(data: Uint8Array): ValidatorSetUpdate | null {
    const json = parseJson(data);
    if (json == null) return null;
    const variant = Variant.of(json, "packet");
    if (variant == null) return null;
    if (variant.name != "validator_set") return fail<ValidatorSetUpdate>("Unknown packet '" + variant.name + "'; expected: validator_set");
    const update = ValidatorSetUpdate.readFields(variant.fields);
    if (update == null || !variant.fields.finish()) return null;
    return update;
  }

  static decodeResult(data: Uint8Array): ValidatorSetUpdate | null {
    const f = Fields.of(parseJson(data), "list_validators result");
    if (f == null) return null;
    const update = ValidatorSetUpdate.readFields(f);
    if (update == null || !f.finish()) return null;
    return update;
  }
}

/** Writes `"validators":[…]` into an open object. */
export function writeValidatorList(w: JsonWriter, validators: string[]): void {
  w.key("validators").beginArray();
  for (let i = 0; i < validators.length; i++) w.string(validators[i]);
  w.endArray();
}

export function readValidatorList(f: Fields): string[] | null {
  const items = f.array("validators");
  const out = new Array<string>();
  for (let i = 0; i < items.length; i++) {
    if (items[i].kind != 3) return fail<string[]>(f.path + ".validators: expected strings");
    out.push(items[i].text);
  }
  return out;
}

export function emptyResult(): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode("{}", false));
}

/** A parsed acknowledgement: success with its result bytes, or an error with its reason. */
export class Ack {
  constructor(public ok: bool, public result: Uint8Array, public error: string) {}

  /**
   * Never fails: an ack that is not the expected envelope counts as an error (the counterparty did not confirm
   * the operation, so the sender must roll back). wasmd's own error acks ({"error":"ABCI code: …"}) fit too.
   */
  static parse(data: Uint8Array): Ack {
    const json = parseJson(data);
    if (json != null && json.kind == 5 && json.keys.length == 1) {
      const v = json.items[0];
      if (json.keys[0] == "result" && v.kind == 3) {
        const f = new Fields(json, "ack");
        const bytes = f.binary("result");
        if (f.ok()) return new Ack(true, bytes, "");
      }
      if (json.keys[0] == "error" && v.kind == 3) return new Ack(false, new Uint8Array(0), v.text);
    }
    clearError();
    return new Ack(false, new Uint8Array(0), "malformed acknowledgement");
  }
}
