// Contract storage with cw-storage-plus's key layout, so raw queries and existing tooling read our state:
//   Item:  key = namespace
//   Map:   key = u16be(len(ns)) ‖ ns ‖ u16be(len(k1)) ‖ k1 ‖ … ‖ kN   (the last key part is not length-prefixed)
// Values are JSON, as cw-storage-plus stores them.
import { db_next, db_read, db_remove, db_scan, db_write } from "./imports";
import { bytesFromRegion, ptr, regionFromBytes, Region } from "./region";
import { JsonValue, JsonWriter, parseJson } from "./json";
import { panic } from "./abort";
import { Decimal, Uint128 } from "./math";
import { StringIndex } from "./string-index";

export const enum Order {
  Ascending = 1,
  Descending = 2,
}

export function utf8(text: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(text, false));
}

export function fromUtf8(bytes: Uint8Array): string {
  return String.UTF8.decodeUnsafe(bytes.dataStart, <usize>bytes.length, false);
}

// Buffered writes: while active, writes stay in the contract's memory and reads/iteration see them merged over the
// chain's store. ibc_packet_receive uses this so that a business error can be answered with an error
// acknowledgement (a successful call, whose writes the chain would keep) without leaving partial writes behind.
class BufferedWrites {
  index: StringIndex = new StringIndex();
  keys: Uint8Array[] = [];
  values: Array<Uint8Array | null> = [];
}

let buffered: BufferedWrites | null = null;

function hexKey(key: Uint8Array): string {
  const HEX = "0123456789abcdef";
  let out = "";
  for (let i = 0; i < key.length; i++) out += HEX.charAt(key[i] >> 4) + HEX.charAt(key[i] & 15);
  return out;
}

export function beginBufferedWrites(): void {
  buffered = new BufferedWrites();
}

/** Writes the buffered changes to the chain's store, in the order they were made. */
export function commitBufferedWrites(): void {
  const b = buffered;
  buffered = null;
  if (b == null) return;
  for (let i = 0; i < b.keys.length; i++) {
    const value = b.values[i];
    if (value != null) storageSet(b.keys[i], value);
    else storageRemove(b.keys[i]);
  }
}

export function discardBufferedWrites(): void {
  buffered = null;
}

function bufferWrite(b: BufferedWrites, key: Uint8Array, value: Uint8Array | null): void {
  const hex = hexKey(key);
  if (b.index.has(hex)) {
    b.values[b.index.get(hex)] = value;
  } else {
    b.index.set(hex, b.keys.length);
    b.keys.push(key.slice());
    b.values.push(value);
  }
}

export function storageGet(key: Uint8Array): Uint8Array | null {
  const b = buffered;
  if (b != null) {
    const hex = hexKey(key);
    if (b.index.has(hex)) return b.values[b.index.get(hex)];
  }
  const result = db_read(ptr(regionFromBytes(key)));
  return result == 0 ? null : bytesFromRegion(result);
}

export function storageSet(key: Uint8Array, value: Uint8Array): void {
  const b = buffered;
  if (b != null) { bufferWrite(b, key, value); return; }
  db_write(ptr(regionFromBytes(key)), ptr(regionFromBytes(value)));
}

export function storageRemove(key: Uint8Array): void {
  const b = buffered;
  if (b != null) { bufferWrite(b, key, null); return; }
  db_remove(ptr(regionFromBytes(key)));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): i32 {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (let i = 0; i < parts.length; i++) total += parts[i].length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (let i = 0; i < parts.length; i++) {
    out.set(parts[i], offset);
    offset += parts[i].length;
  }
  return out;
}

function lengthPrefixed(part: Uint8Array): Uint8Array {
  if (part.length > 0xffff) panic("storage key part longer than 65535 bytes");
  const out = new Uint8Array(part.length + 2);
  out[0] = <u8>(part.length >> 8);
  out[1] = <u8>part.length;
  out.set(part, 2);
  return out;
}

/** Big-endian u64, the cw-storage-plus encoding of integer keys (sorts numerically). */
export function u64Key(value: u64): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = <u8>(value >> (<u64>(56 - 8 * i)));
  return out;
}

export function u64FromKey(bytes: Uint8Array): u64 {
  let v: u64 = 0;
  for (let i = 0; i < 8; i++) v = (v << 8) | <u64>bytes[i];
  return v;
}

/** Splits a composite key suffix `u16be(len) ‖ k1 ‖ rest` into [k1, rest]. */
export function splitFirstKey(suffix: Uint8Array): Uint8Array[] {
  const n = (<i32>suffix[0] << 8) | <i32>suffix[1];
  return [suffix.subarray(2, 2 + n), suffix.subarray(2 + n)];
}

export class Record {
  constructor(public key: Uint8Array, public value: Uint8Array) {}
}

/**
 * A storage iterator over [start, end) in the given order; keys are returned with `prefixLength` bytes removed.
 * When writes are buffered, the buffered entries in range are merged in (and buffered removals hide stored keys).
 */
export class RangeIterator {
  private pending: Record | null = null;
  private storeDone: bool = false;
  private extraPos: i32 = 0;

  constructor(private id: u32, private prefixLength: i32, private ascending: bool, private extra: Record[],
              private shadowed: StringIndex | null) {}

  private nextFromStore(): Record | null {
    const result = db_next(this.id);
    // Sections encoding: key ‖ u32be(len(key)) ‖ value ‖ u32be(len(value)); an empty key marks the end.
    const region = changetype<Region>(<usize>result);
    const base = <usize>region.offset;
    const total = <i32>region.length;
    const valueLength = readU32BE(base + <usize>total - 4);
    const valueStart = total - 4 - <i32>valueLength;
    const keyLength = readU32BE(base + <usize>valueStart - 4);
    if (keyLength == 0) return null;
    const key = new Uint8Array(<i32>keyLength);
    memory.copy(key.dataStart, base, <usize>keyLength);
    const value = new Uint8Array(<i32>valueLength);
    memory.copy(value.dataStart, base + <usize>valueStart, <usize>valueLength);
    return new Record(key, value);
  }

  next(): Record | null {
    while (true) {
      if (this.pending == null && !this.storeDone) {
        const r = this.nextFromStore();
        if (r == null) this.storeDone = true;
        else if (this.shadowed != null && this.shadowed!.has(hexKey(r.key))) continue;
        else this.pending = r;
      }
      const fromStore = this.pending;
      const fromBuffer = this.extraPos < this.extra.length ? this.extra[this.extraPos] : null;
      let chosen: Record | null;
      if (fromStore == null) {
        chosen = fromBuffer;
        this.extraPos++;
      } else if (fromBuffer == null) {
        chosen = fromStore;
        this.pending = null;
      } else {
        const c = compareBytes(fromStore.key, fromBuffer.key);
        if (this.ascending ? c < 0 : c > 0) {
          chosen = fromStore;
          this.pending = null;
        } else {
          chosen = fromBuffer;
          this.extraPos++;
        }
      }
      if (chosen == null) return null;
      // A zero-length value marks a buffered removal (stored values are JSON, never empty).
      if (chosen.value.length == 0) continue;
      return new Record(chosen.key.subarray(this.prefixLength), chosen.value);
    }
  }
}

function readU32BE(at: usize): u32 {
  return (<u32>load<u8>(at) << 24) | (<u32>load<u8>(at + 1) << 16) | (<u32>load<u8>(at + 2) << 8) | <u32>load<u8>(at + 3);
}

/** The smallest key strictly greater than every key starting with `prefix` (null: unbounded). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | null {
  const end = prefix.slice();
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] != 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return null;
}

/** Iterates raw storage over [start, end); null bounds are open (the VM takes pointer 0 for "unbounded"). */
export function scanRaw(start: Uint8Array | null, end: Uint8Array | null, order: Order, prefixLength: i32): RangeIterator {
  const startPtr = start != null ? ptr(regionFromBytes(start)) : 0;
  const endPtr = end != null ? ptr(regionFromBytes(end)) : 0;
  const id = db_scan(startPtr, endPtr, <i32>order);
  const ascending = order == Order.Ascending;
  const b = buffered;
  const extra = new Array<Record>();
  if (b == null) return new RangeIterator(id, prefixLength, ascending, extra, null);
  for (let i = 0; i < b.keys.length; i++) {
    const key = b.keys[i];
    if (start != null && compareBytes(key, start) < 0) continue;
    if (end != null && compareBytes(key, end) >= 0) continue;
    const value = b.values[i];
    extra.push(new Record(key, value != null ? value : new Uint8Array(0)));
  }
  extra.sort((x: Record, y: Record): i32 => compareBytes(x.key, y.key));
  if (!ascending) extra.reverse();
  return new RangeIterator(id, prefixLength, ascending, extra, b.index);
}

export type Encoder<T> = (value: T, w: JsonWriter) => void;
export type Decoder<T> = (json: JsonValue) => T;

function encodeValue<T>(value: T, encode: Encoder<T>): Uint8Array {
  const w = new JsonWriter();
  encode(value, w);
  return w.toBytes();
}

function decodeValue<T>(bytes: Uint8Array, decode: Decoder<T>): T {
  const json = parseJson(bytes);
  // Stored values are written only by this contract: unreadable state is a bug, not an input error.
  if (json == null) panic("corrupt storage value");
  return decode(json!);
}

/** A Uint128 field of a stored value (written by this contract, so unreadable means a bug: abort). */
export function storedUint128(j: JsonValue, key: string): Uint128 {
  const v = j.get(key);
  if (v == null) panic("corrupt state: missing " + key);
  const parsed = Uint128.parse(v!.text);
  if (parsed == null) panic("corrupt state: bad " + key);
  return parsed!;
}

/** A stored token amount, `{"amount":"…"}`: queues, totals, owed and held rewards of the contracts. */
export class Amount {
  constructor(public amount: Uint128) {}
}

export function encodeAmount(a: Amount, w: JsonWriter): void { w.beginObject().key("amount").string(a.amount.toString()).endObject(); }
export function decodeAmount(j: JsonValue): Amount { return new Amount(storedUint128(j, "amount")); }

/** A stored rewards-per-share index, `{"index":"…"}` (18 decimals): what was earned, and where a holder was settled. */
export class RewardIndex {
  constructor(public index: Decimal) {}
}

export function encodeRewardIndex(r: RewardIndex, w: JsonWriter): void { w.beginObject().key("index").string(r.index.toString()).endObject(); }
export function decodeRewardIndex(j: JsonValue): RewardIndex { return new RewardIndex(Decimal.parse(j.get("index")!.text)!); }

/** A Uint128 field of a stored value, or `fallback` when the field is absent (state of an older version). */
export function storedUint128Or(j: JsonValue, key: string, fallback: Uint128): Uint128 {
  return j.get(key) != null ? storedUint128(j, key) : fallback;
}

/**
 * A u64 field of a stored value, or `fallback` when the field is absent (state written by an older version of the
 * contract, before the field existed).
 */
export function storedU64Or(j: JsonValue, key: string, fallback: u64): u64 {
  const v = j.get(key);
  if (v == null) return fallback;
  return U64.parseInt(v.text);
}

/**
 * An optional string field of a stored value: null when it is null, or absent (state written by an older version of
 * the contract, before the field existed).
 */
export function storedStringOrNull(j: JsonValue, key: string): string | null {
  const v = j.get(key);
  return v == null || v.isNull() ? null : v.text;
}

export class Item<T> {
  private key: Uint8Array;
  constructor(namespace: string, private encode: Encoder<T>, private decode: Decoder<T>) {
    this.key = utf8(namespace);
  }

  /** The stored value, or null if never saved. */
  may_load(): T | null {
    const raw = storageGet(this.key);
    return raw == null ? null : decodeValue<T>(raw, this.decode);
  }

  /** The stored value; aborts if missing (only for values instantiate always writes). */
  load(): T {
    const raw = storageGet(this.key);
    if (raw == null) panic("storage item missing");
    return decodeValue<T>(raw!, this.decode);
  }

  save(value: T): void { storageSet(this.key, encodeValue<T>(value, this.encode)); }
  remove(): void { storageRemove(this.key); }
}

/** A map keyed by one or more byte-string parts (strings via utf8(), integers via u64Key()). */
export class Map<T> {
  private namespace: Uint8Array;
  constructor(namespace: string, private encode: Encoder<T>, private decode: Decoder<T>) {
    this.namespace = lengthPrefixed(utf8(namespace));
  }

  /** The full storage key for the given key parts. */
  key(parts: Uint8Array[]): Uint8Array {
    const all = new Array<Uint8Array>(parts.length + 1);
    all[0] = this.namespace;
    for (let i = 0; i < parts.length; i++) all[i + 1] = i < parts.length - 1 ? lengthPrefixed(parts[i]) : parts[i];
    return concat(all);
  }

  /** The storage prefix under which all entries whose leading key parts are `parts` live. */
  prefix(parts: Uint8Array[]): Uint8Array {
    const all = new Array<Uint8Array>(parts.length + 1);
    all[0] = this.namespace;
    for (let i = 0; i < parts.length; i++) all[i + 1] = lengthPrefixed(parts[i]);
    return concat(all);
  }

  may_load(parts: Uint8Array[]): T | null {
    const raw = storageGet(this.key(parts));
    return raw == null ? null : decodeValue<T>(raw, this.decode);
  }

  has(parts: Uint8Array[]): bool { return storageGet(this.key(parts)) != null; }
  save(parts: Uint8Array[], value: T): void { storageSet(this.key(parts), encodeValue<T>(value, this.encode)); }
  remove(parts: Uint8Array[]): void { storageRemove(this.key(parts)); }

  /**
   * Iterates entries under `prefixParts` (empty: the whole map) in key order. `min`/`max` bound the remaining key
   * suffix: min inclusive unless `minExclusive`, max exclusive. Returned keys are the suffix after the prefix.
   */
  range(prefixParts: Uint8Array[], min: Uint8Array | null, minExclusive: bool, max: Uint8Array | null, order: Order): MapIterator<T> {
    const prefix = this.prefix(prefixParts);
    let start: Uint8Array = prefix;
    if (min != null) {
      start = concat([prefix, min]);
      // The smallest key after `min` itself: min ‖ 0x00.
      if (minExclusive) start = concat([start, new Uint8Array(1)]);
    }
    const end = max != null ? concat([prefix, max]) : prefixEnd(prefix);
    return new MapIterator<T>(scanRaw(start, end, order, prefix.length), this.decode);
  }
}

export class Entry<T> {
  constructor(public key: Uint8Array, public value: T) {}
}

export class MapIterator<T> {
  constructor(private inner: RangeIterator, private decode: Decoder<T>) {}

  next(): Entry<T> | null {
    const record = this.inner.next();
    if (record == null) return null;
    return new Entry<T>(record.key, decodeValue<T>(record.value, this.decode));
  }
}

export const DEFAULT_PAGE_LIMIT: u32 = 10;
export const MAX_PAGE_LIMIT: u32 = 30;

/** A requested page size, at most `max` (a message declares its own default for an absent limit). */
export function capLimit(requested: u32, max: u32 = MAX_PAGE_LIMIT): u32 {
  return requested < max ? requested : max;
}

/**
 * One page of the entries of `map` under `prefix`: those after `startAfter` (exclusive; from the first when null),
 * in key order, at most `limit`, each turned into an R by `entry` with its (UTF-8) key.
 */
export function readPage<T, R>(
  map: Map<T>, prefix: Uint8Array[], startAfter: string | null, limit: u32, entry: (key: string, value: T) => R,
): R[] {
  const it = map.range(prefix, startAfter != null ? utf8(startAfter) : null, true, null, Order.Ascending);
  const page = new Array<R>();
  for (let e = it.next(); e != null && <u32>page.length < limit; e = it.next()) page.push(entry(fromUtf8(e.key), e.value));
  return page;
}
