// The `env` imports of one call (cosmwasm-vm imports.rs): their return conventions, length limits and VM errors.
// Each group is built by its own function; `envImports` puts them together.

import { CRYPTO_IMPORTS } from "../../cosmwasm-abi";
import { AddressApi } from "../address";
import { fromUtf8Lossy } from "../json";
import { Entry, KVStore, Order, bytesToKey, keyToBytes } from "../storage";
import { VmError } from "../types";
import { Guest, commErr } from "./guest";
import { LIMITS } from "./limits";

/** What a call can reach outside the wasm instance. */
export interface VmBackend {
  /** The contract's storage namespace. */
  store: KVStore;
  /** True for queries: db_write/db_remove are VM errors. */
  readonly: boolean;
  api: AddressApi;
  /** Handles `query_chain`: gets the raw request, returns the serialised `SystemResult<ContractResult<Binary>>`. */
  query(request: Uint8Array): Uint8Array;
}

type ImportFn = (...a: number[]) => number | bigint | void;
type Imports = Record<string, ImportFn>;

export function envImports(guest: Guest, backend: VmBackend, debug?: (message: string) => void): Imports {
  return {
    ...diagnosticImports(guest, debug),
    ...storageImports(guest, backend),
    ...addressImports(guest, backend.api),
    query_chain(reqPtr) {
      const req = guest.readRegion(reqPtr, LIMITS.queryRequest);
      return guest.write(backend.query(req));
    },
    ...cryptoImports(),
  };
}

function diagnosticImports(guest: Guest, debug?: (message: string) => void): Imports {
  return {
    abort(msgPtr) {
      const msg = guest.readRegion(msgPtr, LIMITS.abort);
      throw new VmError(`Aborted: ${fromUtf8Lossy(msg)}`, "aborted");
    },
    debug(msgPtr) {
      const msg = fromUtf8Lossy(guest.readRegion(msgPtr, LIMITS.debug));
      debug?.(msg);
    },
  };
}

function storageImports(guest: Guest, backend: VmBackend): Imports {
  // db_scan iterators are snapshots taken at scan time (SDK cachekv semantics), ids from 1, per call
  const iterators: { entries: Entry[]; pos: number }[] = [];
  const nextEntry = (id: number): Entry | undefined => {
    const it = iterators[id - 1];
    if (!it) throw new VmError(`Error calling into the VM's backend: Iterator with ID ${id} does not exist`, "generic");
    if (it.pos >= it.entries.length) return undefined;
    return it.entries[it.pos++];
  };
  const checkWritable = () => {
    if (backend.readonly) {
      throw new VmError("Write access denied: must not call a writing storage function in this context", "write_access_denied");
    }
  };
  // the VM words an oversized key or value of db_write differently from other oversized regions
  const readLimited = (kind: string, ptr: number, max: number): Uint8Array => {
    try {
      return guest.readRegion(ptr, max);
    } catch (e) {
      const m = /Region length too big\. Got (\d+), limit/.exec((e as Error).message);
      if (m) throw new VmError(`Generic error: ${kind} too big. Tried to write ${m[1]} bytes to storage, limit is ${max}.`, "communication");
      throw e;
    }
  };
  return {
    db_read(keyPtr) {
      const key = guest.readRegion(keyPtr, LIMITS.dbKey);
      const v = backend.store.get(bytesToKey(key));
      return v === undefined ? 0 : guest.write(v);
    },
    db_write(keyPtr, valuePtr) {
      checkWritable();
      const key = readLimited("Key", keyPtr, LIMITS.dbKey);
      const value = readLimited("Value", valuePtr, LIMITS.dbValue);
      backend.store.set(bytesToKey(key), value);
    },
    db_remove(keyPtr) {
      checkWritable();
      const key = guest.readRegion(keyPtr, LIMITS.dbKey);
      backend.store.delete(bytesToKey(key));
    },
    db_scan(startPtr, endPtr, order) {
      const start = guest.maybeReadRegion(startPtr >>> 0, LIMITS.dbKey);
      const end = guest.maybeReadRegion(endPtr >>> 0, LIMITS.dbKey);
      let o: Order;
      if (order === 1) o = "asc";
      else if (order === 2) o = "desc";
      else throw commErr(`Got an invalid value for iteration order: ${order}`);
      const entries = backend.store.range(
        start === undefined ? undefined : bytesToKey(start),
        end === undefined ? undefined : bytesToKey(end),
        o,
      );
      iterators.push({ entries, pos: 0 });
      return iterators.length;
    },
    db_next(id) {
      const e = nextEntry(id >>> 0);
      const key = e ? keyToBytes(e[0]) : new Uint8Array(0);
      const value = e ? e[1] : new Uint8Array(0);
      return guest.write(encodeSections([key, value]));
    },
    db_next_key(id) {
      const e = nextEntry(id >>> 0);
      return e ? guest.write(keyToBytes(e[0])) : 0;
    },
    db_next_value(id) {
      const e = nextEntry(id >>> 0);
      return e ? guest.write(e[1]) : 0;
    },
  };
}

function addressImports(guest: Guest, api: AddressApi): Imports {
  // errors are returned to the contract as a Region with the message, success as 0
  const readHuman = (ptr: number): string | Uint8Array => {
    const src = guest.readRegion(ptr, LIMITS.humanAddress);
    if (src.length === 0) return utf8("Input is empty");
    const s = decodeUtf8Strict(src);
    return s === undefined ? utf8("Input is not valid UTF-8") : s;
  };
  return {
    addr_validate(srcPtr) {
      const s = readHuman(srcPtr);
      if (typeof s !== "string") return guest.write(s);
      const err = api.validate(s);
      return err === undefined ? 0 : guest.write(utf8(err));
    },
    addr_canonicalize(srcPtr, dstPtr) {
      const s = readHuman(srcPtr);
      if (typeof s !== "string") return guest.write(s);
      const r = api.canonicalize(s);
      if ("error" in r) return guest.write(utf8(r.error));
      guest.writeRegion(dstPtr, r.ok);
      return 0;
    },
    addr_humanize(srcPtr, dstPtr) {
      const src = guest.readRegion(srcPtr, LIMITS.canonicalAddress);
      const r = api.humanize(src);
      if ("error" in r) return guest.write(utf8(r.error));
      guest.writeRegion(dstPtr, utf8(r.ok));
      return 0;
    },
  };
}

// linked so that contracts importing them instantiate, but not implemented: a call is a VM error
function cryptoImports(): Imports {
  const out: Imports = {};
  for (const name of CRYPTO_IMPORTS) {
    out[name] = () => {
      throw new VmError(`not implemented in host: ${name}`, "not_implemented");
    };
  }
  return out;
}

/** `section1 ‖ u32be(len1) ‖ section2 ‖ u32be(len2) …` (cosmwasm std sections.rs). */
export function encodeSections(sections: Uint8Array[]): Uint8Array {
  const total = sections.reduce((n, s) => n + s.length + 4, 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let p = 0;
  for (const s of sections) {
    out.set(s, p);
    p += s.length;
    dv.setUint32(p, s.length, false);
    p += 4;
  }
  return out;
}

const encoder = new TextEncoder();
function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function decodeUtf8Strict(b: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(b);
  } catch {
    return undefined;
  }
}
