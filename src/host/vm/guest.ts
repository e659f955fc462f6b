// The contract's side of one call: its memory seen through the Region protocol (cosmwasm-vm memory.rs), and calls
// back into its exports under the VM's nesting limit. Created before the instance (the imports need it) and
// attached once the instance exists.

import { VmError } from "../types";
import { LIMITS } from "./limits";
import { WasmExports, WasmInstance, WasmMemory } from "./wasm-api";

interface Region { offset: number; capacity: number; length: number }

export function commErr(msg: string): VmError {
  return new VmError(`Error in guest/host communication: ${msg}`, "communication");
}

function asU32(v: unknown): number {
  return Number(v) >>> 0;
}

export class Guest {
  private exports?: WasmExports;
  private memory?: WasmMemory;
  private depth = 0;

  attach(instance: WasmInstance): void {
    this.exports = instance.exports;
    this.memory = instance.exports.memory as WasmMemory;
  }

  get memoryBytes(): number {
    return this.memory!.buffer.byteLength;
  }

  /** Calls an export (allocate/deallocate/the entry point), enforcing the VM's nesting limit; returns it as u32. */
  call(name: string, params: number[]): number {
    if (this.depth >= LIMITS.maxWasmCallDepth) throw new VmError("Maximum call depth exceeded.", "generic");
    this.depth++;
    try {
      return asU32((this.exports![name] as (...a: number[]) => unknown)(...params));
    } finally {
      this.depth--;
    }
  }

  readRegion(ptr: number, maxLength: number): Uint8Array {
    const r = this.region(ptr >>> 0);
    if (r.length > maxLength) throw commErr(`Region length too big. Got ${r.length}, limit ${maxLength}`);
    const m = this.bytes();
    if (r.offset + r.length > m.length) throw this.accessErr(r);
    return m.slice(r.offset, r.offset + r.length);
  }

  /** A null pointer means "no value" (db_scan's open bounds). */
  maybeReadRegion(ptr: number, maxLength: number): Uint8Array | undefined {
    return ptr === 0 ? undefined : this.readRegion(ptr, maxLength);
  }

  writeRegion(ptr: number, data: Uint8Array): void {
    const r = this.region(ptr >>> 0);
    if (data.length > r.capacity) throw commErr(`Region too small. Got ${r.capacity}, required ${data.length}`);
    const m = this.bytes();
    if (r.offset + data.length > m.length) throw this.accessErr(r);
    m.set(data, r.offset);
    new DataView(this.memory!.buffer).setUint32((ptr >>> 0) + 8, data.length, true);
  }

  /** Copies `data` into a Region the contract allocates (sized by byte length) and returns its pointer. */
  write(data: Uint8Array): number {
    const ptr = this.call("allocate", [data.length]);
    if (ptr === 0) throw commErr("Got a zero Wasm address");
    this.writeRegion(ptr, data);
    return ptr;
  }

  private bytes(): Uint8Array {
    return new Uint8Array(this.memory!.buffer);
  }

  private region(ptr: number): Region {
    const size = this.memoryBytes;
    if (ptr + 12 > size || ptr < 0) {
      throw commErr(`The Wasm memory address ${ptr} provided by the contract could not be dereferenced: Could not dereference this pointer to a Region`);
    }
    const dv = new DataView(this.memory!.buffer);
    const offset = dv.getUint32(ptr, true);
    const capacity = dv.getUint32(ptr + 4, true);
    const length = dv.getUint32(ptr + 8, true);
    if (offset === 0) throw commErr("Got an invalid region: Got a zero Wasm address in the offset");
    if (length > capacity) throw commErr(`Got an invalid region: Region length exceeds capacity. Length ${length}, capacity ${capacity}`);
    if (capacity > 0xffffffff - offset) throw commErr(`Got an invalid region: Region exceeds address space. Offset ${offset}, capacity ${capacity}`);
    return { offset, capacity, length };
  }

  private accessErr(r: Region): VmError {
    return commErr(
      `Tried to access memory of region Region { offset: ${r.offset}, capacity: ${r.capacity}, length: ${r.length} } in Wasm memory of size ${this.memoryBytes} bytes. This typically happens when the given Region pointer does not point to a proper Region struct.`,
    );
  }
}
