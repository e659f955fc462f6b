// The CosmWasm VM of the host: stored codes (code.ts), one entry-point call (call.ts) on a fresh instance whose
// memory is reached through Regions (guest.ts) and whose `env` imports are built per call (imports.ts).
export { WasmCode } from "./code";
export { callEntryPoint } from "./call";
export type { VmStats, CallOptions } from "./call";
export { encodeSections } from "./imports";
export type { VmBackend } from "./imports";
export { LIMITS } from "./limits";
export { DEFAULT_CAPABILITIES, IMPORT_SIGNATURES } from "../../cosmwasm-abi";
