// Contract storage with cw-storage-plus's key layout, so raw queries and existing tooling read our state:
//   Item:  key = namespace
//   Map:   key = u16be(len(ns)) ‖ ns ‖ u16be(len(k1)) ‖ k1 ‖ … ‖ kN   (the last key part is not length-prefixed)
// Values are JSON, as cw-storage-plus stores them.
import { db_next, db_read, db_remove, db_scan, db_write } from "./imports";
import { bytesFromRegion, ptr, regionFromBytes, Region } from "./region";
import { JsonValue, JsonWriter, parseJson } from "./json";
import { panic } from "./abort";

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

export function storageGet(key: Uint8Array): Uint8Array | null {
  const result = db_read(ptr(regionFromBytes(key)));
  return result == 0 ? null : bytesFromRegion(result);
}

export function storageSet(key: Uint8Array, value: Uint8Array): void {
  db_write(ptr(regionFromBytes(key)), ptr(regionFromBytes(value)));
}

export function storageRemove(key: Uint8Array): void {
  db_remove(ptr(regionFromBytes(key)));
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

/** A storage iterator over [start, end) in the given order; keys are returned with `prefixLength` bytes removed. */
export class RangeIterator {
  constructor(private id: u32, private prefixLength: i32) {}

  next(): Record | null {
    const result = db_next(this.id);
    // Sections encoding: key ‖ u32be(len(key)) ‖ value ‖ u32be(len(value)); an empty key marks the end.
    const region = changetype<Region>(<usize>result);
    const base = <usize>region.offset;
    const total = <i32>region.length;
    const valueLength = readU32BE(base + <usize>total - 4);
    const valueStart = total - 4 - <i32>valueLength;
    const keyLength = readU32BE(base + <usize>valueStart - 4);
    if (keyLength == 0) return null;
    const key = new Uint8Array(<i32>keyLength - this.prefixLength);
    memory.copy(key.dataStart, base + <usize>this.prefixLength, <usize>key.length);
    const value = new Uint8Array(<i32>valueLength);
    memory.copy(value.dataStart, base + <usize>valueStart, <usize>valueLength);
    return new Record(key, value);
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
  return new RangeIterator(db_scan(startPtr, endPtr, <i32>order), prefixLength);
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

/** The page size for list queries: the requested limit, capped at `max` (never more, never zero). */
export function pageLimit(requested: u64, hasRequest: bool, defaultLimit: u32 = DEFAULT_PAGE_LIMIT, max: u32 = MAX_PAGE_LIMIT): i32 {
  if (!hasRequest) return <i32>defaultLimit;
  return <i32>(requested < <u64>max ? requested : <u64>max);
}
