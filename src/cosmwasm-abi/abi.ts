// The CosmWasm contract ABI as wasmd 0.54 / wasmvm 2.2 / cosmwasm-vm 2.2 define it, in one place for the gate
// (static checks at build time) and the in-process host (checks at storeCode and at every call). See the ABI
// design note (cosmwasm-abi.md) §1.2–1.4.

/** The interface-version marker export every contract must have exactly one of. */
export const INTERFACE_VERSION = "interface_version_8";
export const INTERFACE_VERSION_PREFIX = "interface_version_";
/** Exports named `requires_<capability>` declare the capabilities a contract needs. */
export const CAPABILITY_PREFIX = "requires_";

// wasmd v0.54/v0.55/v0.60 (wasmvm 2.2) BuiltInCapabilities (x/wasm/keeper/capabilities.go); `ibc2`/`cosmwasm_3_0`
// deliberately absent.
export const DEFAULT_CAPABILITIES: readonly string[] = [
  "iterator", "staking", "stargate",
  "cosmwasm_1_1", "cosmwasm_1_2", "cosmwasm_1_3", "cosmwasm_1_4",
  "cosmwasm_2_0", "cosmwasm_2_1", "cosmwasm_2_2",
];

/** cosmwasm-vm check_wasm structure limits. */
export const MODULE_LIMITS = {
  maxImports: 100,
  maxFunctions: 20000,
  maxParamsPerType: 100,
  maxTotalParams: 10000,
  maxResultsPerType: 1,
  maxMemoryPages: 512,
  maxTableSize: 2500,
};

// cosmwasm-vm SUPPORTED_IMPORTS with the signatures from cosmwasm-std imports.rs (ABI doc table 1.3). The VM
// itself only checks names at upload; wasmer then rejects a wrong signature at instantiation, i.e. too late.
export const IMPORT_SIGNATURES: Readonly<Record<string, string>> = {
  abort: "(i32)->()",
  debug: "(i32)->()",
  db_read: "(i32)->i32",
  db_write: "(i32,i32)->()",
  db_remove: "(i32)->()",
  db_scan: "(i32,i32,i32)->i32",
  db_next: "(i32)->i32",
  db_next_key: "(i32)->i32",
  db_next_value: "(i32)->i32",
  addr_validate: "(i32)->i32",
  addr_canonicalize: "(i32,i32)->i32",
  addr_humanize: "(i32,i32)->i32",
  secp256k1_verify: "(i32,i32,i32)->i32",
  secp256k1_recover_pubkey: "(i32,i32,i32)->i64",
  secp256r1_verify: "(i32,i32,i32)->i32",
  secp256r1_recover_pubkey: "(i32,i32,i32)->i64",
  ed25519_verify: "(i32,i32,i32)->i32",
  ed25519_batch_verify: "(i32,i32,i32)->i32",
  bls12_381_aggregate_g1: "(i32,i32)->i32",
  bls12_381_aggregate_g2: "(i32,i32)->i32",
  bls12_381_pairing_equality: "(i32,i32,i32,i32)->i32",
  bls12_381_hash_to_g1: "(i32,i32,i32,i32)->i32",
  bls12_381_hash_to_g2: "(i32,i32,i32,i32)->i32",
  query_chain: "(i32)->i32",
};

/** The allowed signature of `env.<name>`, or undefined when CosmWasm does not provide that import. */
export function importSignature(name: string): string | undefined {
  // own properties only: "constructor" or "toString" must not look like an allowed import
  return Object.prototype.hasOwnProperty.call(IMPORT_SIGNATURES, name) ? IMPORT_SIGNATURES[name] : undefined;
}

/** The crypto imports (the host links them but does not implement them). */
export const CRYPTO_IMPORTS = Object.keys(IMPORT_SIGNATURES).filter((n) => /^(secp|ed25519|bls12)/.test(n));

// Exports the VM calls; a wrong arity is only discovered when the call happens (FunctionArityMismatch).
export const ENTRY_POINTS: Readonly<Record<string, readonly string[]>> = {
  allocate: ["(i32)->i32"],
  deallocate: ["(i32)->()"],
  instantiate: ["(i32,i32,i32)->i32"],
  execute: ["(i32,i32,i32)->i32"],
  migrate: ["(i32,i32)->i32", "(i32,i32,i32)->i32"],
  query: ["(i32,i32)->i32"],
  sudo: ["(i32,i32)->i32"],
  reply: ["(i32,i32)->i32"],
  ibc_channel_open: ["(i32,i32)->i32"],
  ibc_channel_connect: ["(i32,i32)->i32"],
  ibc_channel_close: ["(i32,i32)->i32"],
  ibc_packet_receive: ["(i32,i32)->i32"],
  ibc_packet_ack: ["(i32,i32)->i32"],
  ibc_packet_timeout: ["(i32,i32)->i32"],
  ibc_source_callback: ["(i32,i32)->i32"],
  ibc_destination_callback: ["(i32,i32)->i32"],
};

/** What the gate requires; the VM itself (and so the host at storeCode) only requires the first two. */
export const REQUIRED_EXPORTS = ["allocate", "deallocate", "instantiate"];
export const VM_REQUIRED_EXPORTS = ["allocate", "deallocate"];
// wasmd binds an IBC port only when all six exist (REQUIRED_IBC_EXPORTS); a partial set is a silent misconfiguration.
export const IBC_EXPORTS = [
  "ibc_channel_open", "ibc_channel_connect", "ibc_channel_close",
  "ibc_packet_receive", "ibc_packet_ack", "ibc_packet_timeout",
];
