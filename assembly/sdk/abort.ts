import { env_abort } from "./imports";
import { regionFromString, ptr } from "./region";

// Replaces asc's 4-argument abort (which CosmWasm's import allow-list rejects) with one that reports the message
// through the VM's `env.abort(i32)`. Aborts are for broken invariants only: input errors are returned as values.
export function cwAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = message != null ? message : "abort";
  if (fileName != null) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  env_abort(ptr(regionFromString(text)));
  unreachable();
}

/** Aborts the call (a VM error) for a broken invariant. Never use for bad input: return an error instead. */
export function panic(message: string): void {
  cwAbort(message, null, 0, 0);
}
