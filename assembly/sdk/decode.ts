// Typed, strict reading of parsed JSON objects, with errors that name the field path ("bond.amount: …").
// Decoding records only the first error and keeps going with placeholder values, so a handler can read all its
// fields and check `ok()` once; unknown fields are errors (serde's deny_unknown_fields behaviour).
import { JsonKind, JsonValue, kindName } from "./json";
import { Decimal, Uint128, parseU64Strict } from "./math";
import { clearError, fail, hasError, takeError } from "./error";
import { base64Decode } from "./base64";

export class Fields {
  private used: bool[];
  private firstError: string | null = null;

  /**
   * `lenient`: for answers of other contracts and the chain, which add fields over versions: unknown fields are
   * accepted here and in every nested object read through this one.
   */
  constructor(public readonly value: JsonValue, public readonly path: string, public readonly lenient: bool = false) {
    this.used = new Array<bool>(value.keys.length);
  }

  /** Wraps `value`, which must be an object; returns null (error recorded) otherwise. */
  static of(value: JsonValue | null, path: string): Fields | null {
    // A null value usually means parsing already failed: keep that (more precise) error.
    if (value == null && hasError()) return null;
    if (value == null || value.kind != JsonKind.Object) {
      return fail<Fields>(path + ": expected an object, got " + (value == null ? "nothing" : kindName(value.kind)));
    }
    return new Fields(value, path);
  }

  ok(): bool { return this.firstError == null; }

  error(message: string): void {
    if (this.firstError == null) this.firstError = message;
  }

  fieldPath(key: string): string { return this.path.length > 0 ? this.path + "." + key : key; }

  /** Path of a field (index < 0) or of an item of the array field `key`; built only for error messages. */
  private at(key: string, index: i32): string {
    return index < 0 ? this.fieldPath(key) : this.fieldPath(key) + "[" + index.toString() + "]";
  }

  /** The member `key` (marking it used), or null if absent. JSON null counts as present here. */
  private take(key: string): JsonValue | null {
    const keys = this.value.keys;
    for (let i = 0, n = keys.length; i < n; i++) {
      if (keys[i] == key) {
        this.used[i] = true;
        return this.value.items[i];
      }
    }
    return null;
  }

  /** `v` when it is of `kind`; otherwise records "missing" or the kind mismatch and returns null. */
  private expect(v: JsonValue | null, kind: i32, key: string, index: i32): JsonValue | null {
    if (v == null) { this.error(this.at(key, index) + ": missing field"); return null; }
    if (v.kind != kind) {
      this.error(this.at(key, index) + ": expected " + kindName(kind) + ", got " + kindName(v.kind));
      return null;
    }
    return v;
  }

  private required(key: string, kind: i32): JsonValue | null {
    return this.expect(this.take(key), kind, key, -1);
  }

  /** Absent and null both mean "not given" (Go omits empty optionals, Rust writes null). */
  private optional(key: string, kind: i32): JsonValue | null {
    const v = this.take(key);
    if (v == null || v.kind == JsonKind.Null) return null;
    if (v.kind != kind) {
      this.error(this.fieldPath(key) + ": expected " + kindName(kind) + " or null, got " + kindName(v.kind));
      return null;
    }
    return v;
  }

  has(key: string): bool {
    const v = this.value.get(key);
    return v != null && !v.isNull();
  }

  str(key: string): string { return this.strOf(this.take(key), key, -1); }
  strItem(items: JsonValue[], i: i32, key: string): string { return this.strOf(items[i], key, i); }
  private strOf(value: JsonValue | null, key: string, index: i32): string {
    const v = this.expect(value, JsonKind.String, key, index);
    return v != null ? v.text : "";
  }

  optStr(key: string): string | null {
    const v = this.optional(key, JsonKind.String);
    return v != null ? v.text : null;
  }

  bool(key: string): bool { return this.boolOf(this.take(key), key, -1); }
  boolItem(items: JsonValue[], i: i32, key: string): bool { return this.boolOf(items[i], key, i); }
  private boolOf(value: JsonValue | null, key: string, index: i32): bool {
    const v = this.expect(value, JsonKind.Bool, key, index);
    return v != null ? v.flag : false;
  }

  /** A u64 encoded as a JSON number (heights, ids, sequences). */
  u64(key: string): u64 { return this.u64Of(this.take(key), key, -1, u64.MAX_VALUE); }
  u64Item(items: JsonValue[], i: i32, key: string): u64 { return this.u64Of(items[i], key, i, u64.MAX_VALUE); }
  /** A JSON number that must fit in a u32. */
  u32(key: string): u32 { return <u32>this.u64Of(this.take(key), key, -1, <u64>u32.MAX_VALUE); }
  u32Item(items: JsonValue[], i: i32, key: string): u32 { return <u32>this.u64Of(items[i], key, i, <u64>u32.MAX_VALUE); }
  private u64Of(value: JsonValue | null, key: string, index: i32, max: u64): u64 {
    const v = this.expect(value, JsonKind.Number, key, index);
    if (v == null) return 0;
    const n = this.numberText(this.at(key, index), v.text);
    if (n > max) { this.error(this.at(key, index) + ": number too large: must be at most " + max.toString()); return 0; }
    return n;
  }

  optU64(key: string, fallback: u64): u64 {
    const v = this.optional(key, JsonKind.Number);
    return v != null ? this.numberText(this.fieldPath(key), v.text) : fallback;
  }

  /** A u64 encoded as a decimal string (Uint64, Timestamp nanoseconds). */
  u64String(key: string): u64 { return this.u64StringOf(this.take(key), key, -1); }
  u64StringItem(items: JsonValue[], i: i32, key: string): u64 { return this.u64StringOf(items[i], key, i); }
  private u64StringOf(value: JsonValue | null, key: string, index: i32): u64 {
    const v = this.expect(value, JsonKind.String, key, index);
    return v != null ? this.numberText(this.at(key, index), v.text) : 0;
  }

  optU64String(key: string, fallback: u64): u64 {
    const v = this.optional(key, JsonKind.String);
    return v != null ? this.numberText(this.fieldPath(key), v.text) : fallback;
  }

  private numberText(path: string, text: string): u64 {
    clearError();
    const value = parseU64Strict(text, path);
    if (hasError()) this.error(takeError());
    return value;
  }

  uint128(key: string): Uint128 { return this.uint128Of(this.take(key), key, -1); }
  uint128Item(items: JsonValue[], i: i32, key: string): Uint128 { return this.uint128Of(items[i], key, i); }
  private uint128Of(value: JsonValue | null, key: string, index: i32): Uint128 {
    const v = this.expect(value, JsonKind.String, key, index);
    if (v == null) return Uint128.zero();
    const parsed = Uint128.parse(v.text, this.at(key, index));
    if (parsed == null) { this.error(takeError()); return Uint128.zero(); }
    return parsed;
  }

  optUint128(key: string): Uint128 | null {
    const v = this.optional(key, JsonKind.String);
    return v != null ? this.uint128Of(v, key, -1) : null;
  }

  decimal(key: string): Decimal { return this.decimalOf(this.take(key), key, -1); }
  decimalItem(items: JsonValue[], i: i32, key: string): Decimal { return this.decimalOf(items[i], key, i); }
  private decimalOf(value: JsonValue | null, key: string, index: i32): Decimal {
    const v = this.expect(value, JsonKind.String, key, index);
    if (v == null) return Decimal.zero();
    const parsed = Decimal.parse(v.text, this.at(key, index));
    if (parsed == null) { this.error(takeError()); return Decimal.zero(); }
    return parsed;
  }

  /** Binary: standard padded base64. */
  binary(key: string): Uint8Array { return this.binaryOf(this.take(key), key, -1); }
  binaryItem(items: JsonValue[], i: i32, key: string): Uint8Array { return this.binaryOf(items[i], key, i); }
  private binaryOf(value: JsonValue | null, key: string, index: i32): Uint8Array {
    const v = this.expect(value, JsonKind.String, key, index);
    if (v == null) return new Uint8Array(0);
    const bytes = base64Decode(v.text);
    if (bytes == null) { this.error(this.at(key, index) + ": " + takeError()); return new Uint8Array(0); }
    return bytes;
  }

  optBinary(key: string): Uint8Array | null {
    const v = this.optional(key, JsonKind.String);
    return v != null ? this.binaryOf(v, key, -1) : null;
  }

  /** An item of the array field `key` that must be an object (placeholder on error); close it with closeNested. */
  objItem(items: JsonValue[], i: i32, key: string): Fields {
    const v = this.expect(items[i], JsonKind.Object, key, i);
    return new Fields(v != null ? v : emptyObject(), this.at(key, i), this.lenient);
  }

  /** Ends a nested object read by generated code: its unknown fields and first error become this one's error. */
  closeNested(nested: Fields): void {
    if (nested.firstError == null && !nested.lenient) {
      for (let i = 0, n = nested.used.length; i < n; i++) {
        if (!nested.used[i]) { nested.firstError = nested.fieldPath(nested.value.keys[i]) + ": unknown field"; break; }
      }
    }
    if (nested.firstError != null) this.error(nested.firstError!);
  }

  /** A nested object; on error returns an empty placeholder so reading can continue. */
  obj(key: string): Fields {
    const v = this.required(key, JsonKind.Object);
    return new Fields(v != null ? v : emptyObject(), this.fieldPath(key), this.lenient);
  }

  optObj(key: string): Fields | null {
    const v = this.optional(key, JsonKind.Object);
    return v != null ? new Fields(v, this.fieldPath(key), this.lenient) : null;
  }

  array(key: string): JsonValue[] {
    const v = this.required(key, JsonKind.Array);
    return v != null ? v.items : [];
  }

  optArray(key: string): JsonValue[] | null {
    const v = this.optional(key, JsonKind.Array);
    return v != null ? v.items : null;
  }

  /** Raw access to a member's JSON (marked used), for values decoded elsewhere. */
  any(key: string): JsonValue | null {
    const v = this.take(key);
    if (v == null) this.error(this.fieldPath(key) + ": missing field");
    return v;
  }

  /** Fields that are accepted but ignored (e.g. ones newer chains add). */
  ignore(key: string): void { this.take(key); }

  /** Merges a nested decoder's error into this one. */
  absorb(nested: Fields): void {
    if (!nested.ok()) this.error(nested.firstError!);
  }

  /**
   * Ends decoding: rejects unknown fields and reports the first error. Returns true when the whole object was
   * valid; otherwise records the error (see error.ts) and returns false.
   */
  finish(): bool {
    if (this.firstError == null) {
      for (let i = 0, n = this.used.length; i < n; i++) {
        if (!this.used[i]) {
          this.firstError = this.fieldPath(this.value.keys[i]) + ": unknown field";
          break;
        }
      }
    }
    if (this.firstError != null) {
      fail<string>(this.firstError!);
      return false;
    }
    clearError();
    return true;
  }

  /** Like finish() but tolerates unknown fields: for inputs from the chain, which adds fields over versions. */
  finishLenient(): bool {
    if (this.firstError != null) {
      fail<string>(this.firstError!);
      return false;
    }
    return true;
  }
}

function emptyObject(): JsonValue {
  const v = new JsonValue();
  v.kind = JsonKind.Object;
  return v;
}

/**
 * An externally tagged enum value: `{"variant": {...}}` (struct variant) or `"variant"` (unit variant).
 * Returns the variant name and its payload (an empty object for unit variants), or null on error.
 */
export class Variant {
  constructor(public readonly name: string, public readonly fields: Fields) {}

  static of(value: JsonValue | null, path: string): Variant | null {
    // A null value usually means parsing already failed: keep that (more precise) error.
    if (value == null && hasError()) return null;
    if (value == null) return fail<Variant>(path + ": missing");
    if (value.kind == JsonKind.String) return new Variant(value.text, new Fields(emptyObject(), path + "." + value.text));
    if (value.kind != JsonKind.Object || value.keys.length != 1) {
      return fail<Variant>(path + ": expected an object with exactly one key naming the variant");
    }
    const name = value.keys[0];
    const payload = value.items[0];
    if (payload.kind != JsonKind.Object) {
      return fail<Variant>(path + "." + name + ": expected an object, got " + kindName(payload.kind));
    }
    return new Variant(name, new Fields(payload, name));
  }
}

/**
 * Reads an answer of another contract or of the chain with `reader`, leniently: such answers may gain fields over
 * versions, so unknown fields (nested ones too) are accepted. Null (error recorded) when it is not an object or a
 * field the reader needs is missing or malformed.
 */
export function readLenient<T>(answer: JsonValue | null, path: string, reader: (f: Fields) => T): T | null {
  const f = Fields.of(answer, path);
  if (f == null) return null;
  const lenient = new Fields(f.value, path, true);
  const value = reader(lenient);
  return lenient.finishLenient() ? value : null;
}
