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
