// Typed access to the JS WebAssembly API. The project's tsconfig (lib ES2022, no DOM) has no WebAssembly typings
// and @types/node 20 does not declare them, so the host declares the small part it uses here, locally (a global
// declaration could clash with typings other parts of the tree may add).

export interface WasmModuleHandle {
  readonly __wasmModule: unique symbol;
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

export type WasmExports = Record<string, unknown>;

export interface WasmInstance {
  readonly exports: WasmExports;
}

interface WebAssemblyApi {
  Module: {
    new (bytes: Uint8Array): WasmModuleHandle;
    customSections(module: WasmModuleHandle, name: string): ArrayBuffer[];
  };
  Instance: new (module: WasmModuleHandle, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  RuntimeError: new (...args: unknown[]) => Error;
}

const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

export function compileModule(bytes: Uint8Array): WasmModuleHandle {
  return new api.Module(bytes);
}

export function customSections(module: WasmModuleHandle, name: string): ArrayBuffer[] {
  return api.Module.customSections(module, name);
}

export function instantiate(module: WasmModuleHandle, imports: Record<string, Record<string, unknown>>): WasmInstance {
  return new api.Instance(module, imports);
}

export function isRuntimeError(e: unknown): e is Error {
  return e instanceof api.RuntimeError;
}
