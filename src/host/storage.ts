// Ordered byte-keyed key-value stores with transactional layering (the shape of cosmos-sdk's cachekv):
//   MemStore   – the committed root.
//   CacheStore – a write layer over a parent: `branch()` makes one, `commit()` writes it down, dropping it
//                discards it. Deletions are tombstones, so they hide the parent's entries in reads and scans.
//   PrefixStore – a view of a parent restricted to keys under a prefix (a contract's namespace).
//
// Keys are handled internally as "binary strings" (one char per byte, latin1): JS string comparison of such
// strings is exactly lexicographic byte order, so Map keys sort correctly with the default comparator.

export type Key = string; // binary string, chars 0..255
export type Entry = [Key, Uint8Array];
export type Order = "asc" | "desc";

export function bytesToKey(b: Uint8Array): Key {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}
export function keyToBytes(k: Key): Uint8Array {
  return new Uint8Array(Buffer.from(k, "latin1"));
}
export function utf8Key(s: string): Key {
  return bytesToKey(new TextEncoder().encode(s));
}

export interface KVStore {
  get(key: Key): Uint8Array | undefined;
  set(key: Key, value: Uint8Array): void;
  delete(key: Key): void;
  /** All entries with start <= key < end (undefined = unbounded), in the given order. A snapshot. */
  range(start: Key | undefined, end: Key | undefined, order: Order): Entry[];
}

function lowerBound(arr: Key[], k: Key): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Keys of `m` within [start, end), sorted ascending; `sorted` is a cache of all keys. */
function keysInRange(sorted: Key[], start: Key | undefined, end: Key | undefined): Key[] {
  const from = start === undefined ? 0 : lowerBound(sorted, start);
  const to = end === undefined ? sorted.length : lowerBound(sorted, end);
  return from < to ? sorted.slice(from, to) : [];
}

export class MemStore implements KVStore {
  private readonly data = new Map<Key, Uint8Array>();
  private sorted: Key[] | null = null;

  get(key: Key): Uint8Array | undefined {
    return this.data.get(key);
  }
  set(key: Key, value: Uint8Array): void {
    if (!this.data.has(key)) this.sorted = null;
    this.data.set(key, value);
  }
  delete(key: Key): void {
    if (this.data.delete(key)) this.sorted = null;
  }
  private sortedKeys(): Key[] {
    if (this.sorted === null) this.sorted = [...this.data.keys()].sort();
    return this.sorted;
  }
  range(start: Key | undefined, end: Key | undefined, order: Order): Entry[] {
    if (start !== undefined && end !== undefined && start >= end) return [];
    const out: Entry[] = keysInRange(this.sortedKeys(), start, end).map((k) => [k, this.data.get(k)!]);
    return order === "asc" ? out : out.reverse();
  }
  get size(): number {
    return this.data.size;
  }
  branch(): CacheStore {
    return new CacheStore(this);
  }
}

/** A write layer: reads fall through to the parent, writes stay here until `commit()`. */
export class CacheStore implements KVStore {
  private readonly dirty = new Map<Key, Uint8Array | null>(); // null = deleted
  private sorted: Key[] | null = null;
  private committed = false;

  constructor(readonly parent: KVStore) {}

  get(key: Key): Uint8Array | undefined {
    const v = this.dirty.get(key);
    if (v !== undefined) return v === null ? undefined : v;
    return this.parent.get(key);
  }
  set(key: Key, value: Uint8Array): void {
    this.checkOpen();
    if (!this.dirty.has(key)) this.sorted = null;
    this.dirty.set(key, value);
  }
  delete(key: Key): void {
    this.checkOpen();
    if (!this.dirty.has(key)) this.sorted = null;
    this.dirty.set(key, null);
  }

  range(start: Key | undefined, end: Key | undefined, order: Order): Entry[] {
    if (start !== undefined && end !== undefined && start >= end) return [];
    const parent = this.parent.range(start, end, "asc");
    if (this.dirty.size === 0) return order === "asc" ? parent : parent.reverse();
    if (this.sorted === null) this.sorted = [...this.dirty.keys()].sort();
    const mine = keysInRange(this.sorted, start, end);
    // merge two ascending sequences; this layer wins on equal keys, tombstones drop the entry
    const out: Entry[] = [];
    let i = 0;
    let j = 0;
    while (i < parent.length || j < mine.length) {
      if (j >= mine.length || (i < parent.length && parent[i][0] < mine[j])) {
        out.push(parent[i++]);
        continue;
      }
      const k = mine[j++];
      if (i < parent.length && parent[i][0] === k) i++;
      const v = this.dirty.get(k)!;
      if (v !== null) out.push([k, v]);
    }
    return order === "asc" ? out : out.reverse();
  }

  branch(): CacheStore {
    return new CacheStore(this);
  }

  /** Write this layer's changes into the parent. The layer cannot be written to afterwards. */
  commit(): void {
    this.checkOpen();
    for (const [k, v] of this.dirty) {
      if (v === null) this.parent.delete(k);
      else this.parent.set(k, v);
    }
    this.committed = true;
  }

  /** Number of pending writes and deletions. */
  get pending(): number {
    return this.dirty.size;
  }

  private checkOpen(): void {
    if (this.committed) throw new Error("CacheStore: already committed");
  }
}

/** The smallest key greater than every key starting with `prefix`, or undefined if there is none. */
export function prefixEnd(prefix: Key): Key | undefined {
  let p = prefix;
  while (p.length > 0) {
    const last = p.charCodeAt(p.length - 1);
    if (last < 0xff) return p.slice(0, -1) + String.fromCharCode(last + 1);
    p = p.slice(0, -1);
  }
  return undefined;
}

/** The keys under `prefix` of a parent store, with the prefix stripped. */
export class PrefixStore implements KVStore {
  constructor(readonly parent: KVStore, readonly prefix: Key) {}
  get(key: Key): Uint8Array | undefined {
    return this.parent.get(this.prefix + key);
  }
  set(key: Key, value: Uint8Array): void {
    this.parent.set(this.prefix + key, value);
  }
  delete(key: Key): void {
    this.parent.delete(this.prefix + key);
  }
  range(start: Key | undefined, end: Key | undefined, order: Order): Entry[] {
    const s = this.prefix + (start ?? "");
    const e = end === undefined ? prefixEnd(this.prefix) : this.prefix + end;
    const n = this.prefix.length;
    return this.parent.range(s, e, order).map(([k, v]) => [k.slice(n), v]);
  }
}

/** A view that rejects writes (used for queries; the VM turns the rejection into "Write access denied"). */
export class ReadOnlyStore implements KVStore {
  constructor(readonly parent: KVStore) {}
  get(key: Key): Uint8Array | undefined {
    return this.parent.get(key);
  }
  set(): void {
    throw new Error("ReadOnlyStore: write");
  }
  delete(): void {
    throw new Error("ReadOnlyStore: write");
  }
  range(start: Key | undefined, end: Key | undefined, order: Order): Entry[] {
    return this.parent.range(start, end, order);
  }
}
