// One CosmWasm entry-point call on Node's WebAssembly API, with cosmwasm-vm's semantics
// (packages/vm/src/{calls,imports,memory,instance}.rs): a fresh instance per call, the Region protocol, the `env`
// imports with their return conventions and length limits, and VM errors distinct from contract errors.

import { AddressApi } from "./address";
import { fromUtf8Lossy } from "./json";
import { KVStore, Order, bytesToKey, keyToBytes, Entry } from "./storage";
import { VmError } from "./types";
import { FuncSig, readWasmInfo, sigToString, WasmInfo } from "./wasm-info";
import { WasmExports, WasmMemory, WasmModuleHandle, WasmInstance, compileModule, customSections, instantiate, isRuntimeError } from "./wasm-api";
import { sha256 } from "./address";

const KI = 1024;
const MI = 1024 * 1024;

/** Input limits of the `env` imports (cosmwasm-vm imports.rs) and of the result region (calls.rs read_limits). */
export const LIMITS = {
  dbKey: 64 * KI,
  dbValue: 128 * KI,
  canonicalAddress: 64,
  humanAddress: 256,
  queryRequest: 64 * KI,
  debug: 2 * MI,
  abort: 2 * MI,
  result: 64 * MI,
  /** wasmd `contractMemoryLimit` (32 MiB per instance). */
  memoryBytes: 32 * MI,
  /** wasmd's default max query stack size (nested smart queries). */
  maxQueryStack: 10,
  /** host → export → import → allocate (environment.rs MAX_CALL_DEPTH). */
  maxWasmCallDepth: 2,
};

/** The import allow-list with the exact signatures (cosmwasm-vm compatibility.rs + std imports.rs). */
export const IMPORT_SIGNATURES: Record<string, string> = {
  abort: "(i32)->()",
  debug: "(i32)->()",
  db_read: "(i32)->(i32)",
  db_write: "(i32,i32)->()",
  db_remove: "(i32)->()",
  db_scan: "(i32,i32,i32)->(i32)",
  db_next: "(i32)->(i32)",
  db_next_key: "(i32)->(i32)",
  db_next_value: "(i32)->(i32)",
  addr_validate: "(i32)->(i32)",
  addr_canonicalize: "(i32,i32)->(i32)",
  addr_humanize: "(i32,i32)->(i32)",
  secp256k1_verify: "(i32,i32,i32)->(i32)",
  secp256k1_recover_pubkey: "(i32,i32,i32)->(i64)",
  secp256r1_verify: "(i32,i32,i32)->(i32)",
  secp256r1_recover_pubkey: "(i32,i32,i32)->(i64)",
  ed25519_verify: "(i32,i32,i32)->(i32)",
  ed25519_batch_verify: "(i32,i32,i32)->(i32)",
  bls12_381_aggregate_g1: "(i32,i32)->(i32)",
  bls12_381_aggregate_g2: "(i32,i32)->(i32)",
  bls12_381_pairing_equality: "(i32,i32,i32,i32)->(i32)",
  bls12_381_hash_to_g1: "(i32,i32,i32,i32)->(i32)",
  bls12_381_hash_to_g2: "(i32,i32,i32,i32)->(i32)",
  query_chain: "(i32)->(i32)",
};

const CRYPTO_IMPORTS = Object.keys(IMPORT_SIGNATURES).filter((n) => /^(secp|ed25519|bls12)/.test(n));

/** Capabilities of stock wasmd v0.54 (wasmvm 2.2): x/wasm/keeper/capabilities.go BuiltInCapabilities(). */
export const DEFAULT_CAPABILITIES = [
  "iterator", "staking", "stargate",
  "cosmwasm_1_1", "cosmwasm_1_2", "cosmwasm_1_3", "cosmwasm_1_4",
  "cosmwasm_2_0", "cosmwasm_2_1", "cosmwasm_2_2",
];

const REQUIRED_IBC_EXPORTS = [
  "ibc_channel_open", "ibc_channel_connect", "ibc_channel_close",
  "ibc_packet_receive", "ibc_packet_ack", "ibc_packet_timeout",
];

/** A stored code: compiled once, instantiated fresh for every call. */
export class WasmCode {
  readonly module: WasmModuleHandle;
  readonly checksum: Uint8Array;
  readonly info: WasmInfo;
  readonly exportSigs = new Map<string, FuncSig | undefined>();
  readonly hasIbcEntryPoints: boolean;
  readonly requiredCapabilities: string[];
  /** `cw_migrate_version` custom section (wasmd skips `migrate` when old and new values are equal). */
  readonly migrateVersion?: bigint;
  /**
   * Set when the module passes upload but can never be instantiated by cosmwasm-vm (a start section, an import
   * with the wrong signature): every call then fails with this VM error, as on chain.
   */
  readonly instantiationError?: string;

  /** Compiles and runs the upload checks (check_wasm's subset that JS cannot do by itself); throws on rejection. */
  constructor(readonly wasm: Uint8Array, capabilities: string[] = DEFAULT_CAPABILITIES) {
    this.checksum = sha256(wasm);
    try {
      this.module = compileModule(wasm);
    } catch (e) {
      throw new Error(`Error compiling Wasm: ${(e as Error).message}`);
    }
    this.info = readWasmInfo(wasm);
    for (const e of this.info.exports) if (e.kind === "func") this.exportSigs.set(e.name, e.sig);
    const problems: string[] = [];
    const exportNames = new Set(this.info.exports.map((e) => e.name));
    const mem = this.info.exports.find((e) => e.name === "memory");
    if (!mem || mem.kind !== "memory") problems.push("Wasm contract must contain exactly one memory, exported as \"memory\"");
    const versions = this.info.exports.filter((e) => e.name.startsWith("interface_version_"));
    if (versions.length !== 1 || versions[0].name !== "interface_version_8") {
      problems.push("Wasm contract must export exactly one interface_version_8 marker");
    }
    for (const req of ["allocate", "deallocate"]) {
      if (!this.exportSigs.has(req)) problems.push(`Wasm contract doesn't have required export: "${req}"`);
    }
    const sigErrors: string[] = [];
    for (const imp of this.info.imports) {
      const full = `${imp.module}.${imp.name}`;
      if (imp.module !== "env" || !(imp.name in IMPORT_SIGNATURES)) {
        problems.push(`Wasm contract requires unsupported import: "${full}"`);
      } else if (imp.kind !== "func") {
        problems.push(`Wasm contract requires non-function import: "${full}"`);
      } else if (sigToString(imp.sig!) !== IMPORT_SIGNATURES[imp.name]) {
        sigErrors.push(`${full} has signature ${sigToString(imp.sig!)}, the VM provides ${IMPORT_SIGNATURES[imp.name]}`);
      }
    }
    this.requiredCapabilities = [...exportNames].filter((n) => n.startsWith("requires_")).map((n) => n.slice(9));
    const missingCaps = this.requiredCapabilities.filter((c) => !capabilities.includes(c));
    if (missingCaps.length) problems.push(`Wasm contract requires unavailable capabilities: {${missingCaps.map((c) => JSON.stringify(c)).join(", ")}}`);
    if (problems.length) throw new Error(`Error during static Wasm validation: ${problems.join("; ")}`);

    if (this.info.hasStart) {
      this.instantiationError =
        "Error instantiating a Wasm module: the module has a start section; cosmwasm-vm runs it before the gas " +
        "limit is set, so it always runs out of gas on chain (remove it, see cosmwasm-abi.md rule 1)";
    } else if (sigErrors.length) {
      this.instantiationError = `Error instantiating a Wasm module: incompatible import type: ${sigErrors.join("; ")}`;
    }
    this.hasIbcEntryPoints = REQUIRED_IBC_EXPORTS.every((n) => this.exportSigs.has(n));
    const mv = customSections(this.module, "cw_migrate_version");
    if (mv.length > 0) {
      const s = Buffer.from(mv[0]).toString("utf8");
      if (/^(0|[1-9][0-9]*)$/.test(s)) this.migrateVersion = BigInt(s);
    }
  }

  hasExport(name: string): boolean {
    return this.exportSigs.has(name);
  }

  /** Number of parameters of an exported function (e.g. 2 or 3 for `migrate`). */
  arity(name: string): number | undefined {
    return this.exportSigs.get(name)?.params.length;
  }
}

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

export interface VmStats {
  /** Entry-point calls. */
  calls: number;
  /** Wasm instances created (one per call). */
  instances: number;
}

export interface CallOptions {
  stats?: VmStats;
  /** Receives every `debug` message of the call. */
  debug?: (message: string) => void;
}

interface IteratorState {
  entries: Entry[];
  pos: number;
}

function asU32(v: unknown): number {
  return Number(v) >>> 0;
}

/**
 * Calls `entry` with the given arguments (each written into a Region allocated by the contract) and returns the
 * bytes of the result Region. Throws VmError for anything cosmwasm-vm would report as a VM error.
 */
export function callEntryPoint(
  code: WasmCode,
  entry: string,
  args: Uint8Array[],
  backend: VmBackend,
  opts: CallOptions = {},
): Uint8Array {
  if (code.instantiationError) throw new VmError(code.instantiationError, "instantiation");
  const sig = code.exportSigs.get(entry);
  if (!code.exportSigs.has(entry)) {
    throw new VmError(`Error resolving Wasm function: Could not get export: Missing export ${entry}`, "instantiation");
  }
  if (sig && (sig.params.length !== args.length || sig.results.length !== 1)) {
    throw new VmError(
      `Error resolving Wasm function: export ${entry} has signature ${sigToString(sig)}, expected ${args.length} i32 parameters and one i32 result`,
      "instantiation",
    );
  }

  const stats = opts.stats;
  if (stats) stats.calls++;

  let wasmExports: WasmExports | undefined;
  let memory: WasmMemory | undefined;
  let wasmDepth = 0;
  const iterators: IteratorState[] = [];

  const mem = (): Uint8Array => new Uint8Array(memory!.buffer);
  const view = (): DataView => new DataView(memory!.buffer);

  const commErr = (msg: string) => new VmError(`Error in guest/host communication: ${msg}`, "communication");

  const getRegion = (ptr: number) => {
    const size = memory!.buffer.byteLength;
    if (ptr + 12 > size || ptr < 0) {
      throw commErr(`The Wasm memory address ${ptr} provided by the contract could not be dereferenced: Could not dereference this pointer to a Region`);
    }
    const dv = view();
    const offset = dv.getUint32(ptr, true);
    const capacity = dv.getUint32(ptr + 4, true);
    const length = dv.getUint32(ptr + 8, true);
    if (offset === 0) throw commErr("Got an invalid region: Got a zero Wasm address in the offset");
    if (length > capacity) throw commErr(`Got an invalid region: Region length exceeds capacity. Length ${length}, capacity ${capacity}`);
    if (capacity > 0xffffffff - offset) throw commErr(`Got an invalid region: Region exceeds address space. Offset ${offset}, capacity ${capacity}`);
    return { offset, capacity, length };
  };

  const regionAccessErr = (r: { offset: number; capacity: number; length: number }) =>
    commErr(
      `Tried to access memory of region Region { offset: ${r.offset}, capacity: ${r.capacity}, length: ${r.length} } in Wasm memory of size ${memory!.buffer.byteLength} bytes. This typically happens when the given Region pointer does not point to a proper Region struct.`,
    );

  const readRegion = (ptr: number, maxLength: number): Uint8Array => {
    const r = getRegion(ptr >>> 0);
    if (r.length > maxLength) throw commErr(`Region length too big. Got ${r.length}, limit ${maxLength}`);
    const m = mem();
    if (r.offset + r.length > m.length) throw regionAccessErr(r);
    return m.slice(r.offset, r.offset + r.length);
  };

  const maybeReadRegion = (ptr: number, maxLength: number): Uint8Array | undefined =>
    ptr === 0 ? undefined : readRegion(ptr, maxLength);

  const writeRegion = (ptr: number, data: Uint8Array): void => {
    const r = getRegion(ptr >>> 0);
    if (data.length > r.capacity) throw commErr(`Region too small. Got ${r.capacity}, required ${data.length}`);
    const m = mem();
    if (r.offset + data.length > m.length) throw regionAccessErr(r);
    m.set(data, r.offset);
    view().setUint32((ptr >>> 0) + 8, data.length, true);
  };

  /** Calls back into the contract (allocate/deallocate/the entry point), enforcing the VM's nesting limit. */
  const callWasm = (name: string, params: number[]): unknown => {
    if (wasmDepth >= LIMITS.maxWasmCallDepth) throw new VmError("Maximum call depth exceeded.", "generic");
    wasmDepth++;
    try {
      return (wasmExports![name] as (...a: number[]) => unknown)(...params);
    } finally {
      wasmDepth--;
    }
  };

  const writeToContract = (data: Uint8Array): number => {
    const ptr = asU32(callWasm("allocate", [data.length]));
    if (ptr === 0) throw commErr("Got a zero Wasm address");
    writeRegion(ptr, data);
    return ptr;
  };

  const checkWritable = () => {
    if (backend.readonly) {
      throw new VmError("Write access denied: must not call a writing storage function in this context", "write_access_denied");
    }
  };

  const storageKeyTooBig = (kind: string, e: unknown, max: number): never => {
    const m = /Region length too big\. Got (\d+), limit/.exec((e as Error).message);
    if (m) throw new VmError(`Generic error: ${kind} too big. Tried to write ${m[1]} bytes to storage, limit is ${max}.`, "communication");
    throw e;
  };

  const nextEntry = (id: number): Entry | undefined => {
    const it = iterators[id - 1];
    if (!it) throw new VmError(`Error calling into the VM's backend: Iterator with ID ${id} does not exist`, "generic");
    if (it.pos >= it.entries.length) return undefined;
    return it.entries[it.pos++];
  };

  const env: Record<string, (...a: number[]) => number | bigint | void> = {
    abort(msgPtr) {
      const msg = readRegion(msgPtr, LIMITS.abort);
      throw new VmError(`Aborted: ${fromUtf8Lossy(msg)}`, "aborted");
    },
    debug(msgPtr) {
      const msg = fromUtf8Lossy(readRegion(msgPtr, LIMITS.debug));
      opts.debug?.(msg);
    },
    db_read(keyPtr) {
      const key = readRegion(keyPtr, LIMITS.dbKey);
      const v = backend.store.get(bytesToKey(key));
      if (v === undefined) return 0;
      return writeToContract(v);
    },
    db_write(keyPtr, valuePtr) {
      checkWritable();
      let key: Uint8Array;
      let value: Uint8Array;
      try {
        key = readRegion(keyPtr, LIMITS.dbKey);
      } catch (e) {
        return storageKeyTooBig("Key", e, LIMITS.dbKey);
      }
      try {
        value = readRegion(valuePtr, LIMITS.dbValue);
      } catch (e) {
        return storageKeyTooBig("Value", e, LIMITS.dbValue);
      }
      backend.store.set(bytesToKey(key), value);
    },
    db_remove(keyPtr) {
      checkWritable();
      const key = readRegion(keyPtr, LIMITS.dbKey);
      backend.store.delete(bytesToKey(key));
    },
    db_scan(startPtr, endPtr, order) {
      const start = maybeReadRegion(startPtr >>> 0, LIMITS.dbKey);
      const end = maybeReadRegion(endPtr >>> 0, LIMITS.dbKey);
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
      return iterators.length; // ids start at 1, per call
    },
    db_next(id) {
      const e = nextEntry(id >>> 0);
      const key = e ? keyToBytes(e[0]) : new Uint8Array(0);
      const value = e ? e[1] : new Uint8Array(0);
      return writeToContract(encodeSections([key, value]));
    },
    db_next_key(id) {
      const e = nextEntry(id >>> 0);
      return e ? writeToContract(keyToBytes(e[0])) : 0;
    },
    db_next_value(id) {
      const e = nextEntry(id >>> 0);
      return e ? writeToContract(e[1]) : 0;
    },
    addr_validate(srcPtr) {
      const src = readRegion(srcPtr, LIMITS.humanAddress);
      if (src.length === 0) return writeToContract(utf8("Input is empty"));
      const s = decodeUtf8Strict(src);
      if (s === undefined) return writeToContract(utf8("Input is not valid UTF-8"));
      const err = backend.api.validate(s);
      return err === undefined ? 0 : writeToContract(utf8(err));
    },
    addr_canonicalize(srcPtr, dstPtr) {
      const src = readRegion(srcPtr, LIMITS.humanAddress);
      if (src.length === 0) return writeToContract(utf8("Input is empty"));
      const s = decodeUtf8Strict(src);
      if (s === undefined) return writeToContract(utf8("Input is not valid UTF-8"));
      const r = backend.api.canonicalize(s);
      if ("error" in r) return writeToContract(utf8(r.error));
      writeRegion(dstPtr, r.ok);
      return 0;
    },
    addr_humanize(srcPtr, dstPtr) {
      const src = readRegion(srcPtr, LIMITS.canonicalAddress);
      const r = backend.api.humanize(src);
      if ("error" in r) return writeToContract(utf8(r.error));
      writeRegion(dstPtr, utf8(r.ok));
      return 0;
    },
    query_chain(reqPtr) {
      const req = readRegion(reqPtr, LIMITS.queryRequest);
      return writeToContract(backend.query(req));
    },
  };
  for (const name of CRYPTO_IMPORTS) {
    env[name] = () => {
      throw new VmError(`not implemented in host: ${name}`, "not_implemented");
    };
  }

  let instance: WasmInstance;
  try {
    instance = instantiate(code.module, { env });
  } catch (e) {
    throw new VmError(`Error instantiating a Wasm module: ${(e as Error).message}`, "instantiation");
  }
  if (stats) stats.instances++;
  wasmExports = instance.exports;
  memory = wasmExports.memory as WasmMemory;

  try {
    const ptrs = args.map((a) => writeToContract(a));
    const resPtr = asU32(callWasm(entry, ptrs));
    const result = readRegion(resPtr, LIMITS.result);
    callWasm("deallocate", [resPtr]);
    if (memory.buffer.byteLength > LIMITS.memoryBytes) {
      // wasmd runs every instance with a 32 MiB memory limit, where memory.grow fails (and asc code traps)
      throw new VmError(`Error executing Wasm: memory grew to ${memory.buffer.byteLength} bytes, over the ${LIMITS.memoryBytes}-byte instance limit`, "trap");
    }
    return result;
  } catch (e) {
    throw toVmError(e);
  }
}

function toVmError(e: unknown): unknown {
  if (e instanceof VmError) return e;
  if (isRuntimeError(e)) return new VmError(`Error executing Wasm: Wasmer runtime error: RuntimeError: ${e.message}`, "trap");
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new VmError(`Error executing Wasm: Wasmer runtime error: RuntimeError: call stack exhausted`, "trap");
  }
  return e; // a host bug: let it surface
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
