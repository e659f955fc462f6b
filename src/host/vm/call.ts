// One CosmWasm entry-point call on Node's WebAssembly API, with cosmwasm-vm's semantics
// (packages/vm/src/{calls,imports,memory,instance}.rs): a fresh instance per call, the Region protocol, the `env`
// imports with their return conventions and length limits, and VM errors distinct from contract errors.

import { sigString } from "../../cosmwasm-abi";
import { VmError } from "../types";
import { WasmCode } from "./code";
import { Guest } from "./guest";
import { VmBackend, envImports } from "./imports";
import { LIMITS } from "./limits";
import { instantiate, isRuntimeError } from "./wasm-api";

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
  checkEntryPoint(code, entry, args.length);
  if (opts.stats) opts.stats.calls++;
  const guest = new Guest();
  guest.attach(instantiateFresh(code, envImports(guest, backend, opts.debug)));
  if (opts.stats) opts.stats.instances++;
  try {
    return runEntryPoint(guest, entry, args);
  } catch (e) {
    throw toVmError(e);
  }
}

/** What wasmer reports before running anything: an uninstantiable module, a missing export, a wrong arity. */
function checkEntryPoint(code: WasmCode, entry: string, argCount: number): void {
  if (code.instantiationError) throw new VmError(code.instantiationError, "instantiation");
  const sig = code.exportSigs.get(entry);
  if (!sig) {
    throw new VmError(`Error resolving Wasm function: Could not get export: Missing export ${entry}`, "instantiation");
  }
  if (sig.params.length !== argCount || sig.results.length !== 1) {
    throw new VmError(
      `Error resolving Wasm function: export ${entry} has signature ${sigString(sig)}, expected ${argCount} i32 parameters and one i32 result`,
      "instantiation",
    );
  }
}

function instantiateFresh(code: WasmCode, env: Record<string, unknown>) {
  try {
    return instantiate(code.module, { env });
  } catch (e) {
    throw new VmError(`Error instantiating a Wasm module: ${(e as Error).message}`, "instantiation");
  }
}

function runEntryPoint(guest: Guest, entry: string, args: Uint8Array[]): Uint8Array {
  const ptrs = args.map((a) => guest.write(a));
  const resPtr = guest.call(entry, ptrs);
  const result = guest.readRegion(resPtr, LIMITS.result);
  guest.call("deallocate", [resPtr]);
  if (guest.memoryBytes > LIMITS.memoryBytes) {
    // wasmd runs every instance with a 32 MiB memory limit, where memory.grow fails (and asc code traps)
    throw new VmError(`Error executing Wasm: memory grew to ${guest.memoryBytes} bytes, over the ${LIMITS.memoryBytes}-byte instance limit`, "trap");
  }
  return result;
}

function toVmError(e: unknown): unknown {
  if (e instanceof VmError) return e;
  if (isRuntimeError(e)) return new VmError(`Error executing Wasm: Wasmer runtime error: RuntimeError: ${e.message}`, "trap");
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new VmError(`Error executing Wasm: Wasmer runtime error: RuntimeError: call stack exhausted`, "trap");
  }
  return e; // a host bug: let it surface
}
