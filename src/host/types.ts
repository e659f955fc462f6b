// Public types and the error model of the in-process CosmWasm host.

export type Coin = { denom: string; amount: string };
export type Attribute = { key: string; value: string };
export type Event = { type: string; attributes: Attribute[] };

export type TxSuccess = { ok: true; events: Event[]; data?: Uint8Array; gasUsed?: number };
export type TxFailure = {
  ok: false;
  /** The error as wasmd would report it (wrapped messages, e.g. "boom: execute wasm contract failed"). */
  error: string;
  /** True when the root cause is a VM error (trap, abort, VM limit, unparsable contract result), not a returned `{"error":…}`. */
  vmError: boolean;
  /** ABCI codespace/code of the root error (e.g. "wasm"/5 for a contract error, "sdk"/5 for insufficient funds). */
  codespace: string;
  code: number;
};
export type TxResult = TxSuccess | TxFailure;

export type MsgResponse = { type_url: string; value: Uint8Array };

/**
 * An error raised by the VM itself (cosmwasm-vm's `VmError`): a wasm trap, `env.abort`, a VM limit, a region
 * protocol violation, a write in a read-only call, an unparsable contract result. On chain, wasmd wraps these in
 * `ErrVMError` (codespace wasm, code 29); they are distinct from a contract's returned `{"error":"…"}`.
 */
export class VmError extends Error {
  constructor(message: string, readonly kind: VmErrorKind = "generic") {
    super(message);
    this.name = "VmError";
  }
}
export type VmErrorKind =
  | "generic"
  | "aborted"
  | "trap"
  | "communication"
  | "write_access_denied"
  | "not_implemented"
  | "instantiation"
  | "result";

/**
 * An error in the sense of cosmos-sdk `errorsmod`: a registered root error (codespace, code, description), wrapped
 * with context. `message` is exactly what Go's `err.Error()` prints ("ctx: inner: root description").
 * `deterministic` mirrors wasmd's `DeterministicError` marker, which exempts an error from redaction in replies
 * and query results (only while it is the top-level error, as in wasmd: wrapping drops the marker).
 */
export class HostError extends Error {
  constructor(
    message: string,
    readonly codespace: string,
    readonly code: number,
    readonly vm: boolean = false,
    readonly deterministic: boolean = false,
    /** A wasmvm SystemError carried by this error (e.g. no_such_contract), kept through `query_chain`. */
    readonly system?: SystemError,
  ) {
    super(message);
    this.name = "HostError";
  }

  wrap(context: string): HostError {
    return new HostError(`${context}: ${this.message}`, this.codespace, this.code, this.vm, false, this.system);
  }

  markDeterministic(): HostError {
    return new HostError(this.message, this.codespace, this.code, this.vm, true, this.system);
  }

  /** wasmd `redactError`: what a contract sees of this error in a reply or a query result. */
  redacted(): string {
    if (this.deterministic) return this.message;
    return `codespace: ${this.codespace}, code: ${this.code}`;
  }
}

/** A registered root error, like `errorsmod.Register(codespace, code, description)`. */
export class RootError {
  constructor(readonly codespace: string, readonly code: number, readonly description: string) {}
  /** The bare error ("description"). */
  err(): HostError {
    return new HostError(this.description, this.codespace, this.code);
  }
  /** `errorsmod.Wrap(root, msg)` → "msg: description". */
  wrap(msg: string, vm = false): HostError {
    return new HostError(`${msg}: ${this.description}`, this.codespace, this.code, vm);
  }
}

/** Root errors used by the host (codes from wasmd x/wasm/types/errors.go and cosmos-sdk types/errors). */
export const Errors = {
  // wasm codespace
  createFailed: new RootError("wasm", 2, "create wasm contract failed"),
  instantiateFailed: new RootError("wasm", 4, "instantiate wasm contract failed"),
  executeFailed: new RootError("wasm", 5, "execute wasm contract failed"),
  notFound: new RootError("wasm", 8, "not found"),
  queryFailed: new RootError("wasm", 9, "query wasm contract failed"),
  migrationFailed: new RootError("wasm", 11, "migrate wasm contract failed"),
  empty: new RootError("wasm", 12, "empty"),
  limit: new RootError("wasm", 13, "exceeds limit"),
  invalid: new RootError("wasm", 14, "invalid"),
  duplicate: new RootError("wasm", 15, "duplicate"),
  unknownMsg: new RootError("wasm", 20, "unknown message from the contract"),
  invalidEvent: new RootError("wasm", 21, "invalid event"),
  noSuchContract: new RootError("wasm", 22, "no such contract"),
  maxQueryStack: new RootError("wasm", 27, "max query stack size exceeded"),
  noSuchCode: new RootError("wasm", 28, "no such code"),
  vmError: new RootError("wasm", 29, "wasmvm error"),
  maxCallDepth: new RootError("wasm", 30, "max call depth exceeded"),
  // sdk codespace
  unauthorized: new RootError("sdk", 4, "unauthorized"),
  insufficientFunds: new RootError("sdk", 5, "insufficient funds"),
  unknownRequest: new RootError("sdk", 6, "unknown request"),
  invalidAddress: new RootError("sdk", 7, "invalid address"),
  invalidCoins: new RootError("sdk", 10, "invalid coins"),
  invalidRequest: new RootError("sdk", 18, "invalid request"),
  sdkNotFound: new RootError("sdk", 38, "not found"),
};

/** wasmvm `SystemError` variants (JSON shape inside `{"error":…}` of a `query_chain` result). */
export type SystemError =
  | { invalid_request: { error: string; request: Uint8Array } }
  | { invalid_response: { error: string; response: Uint8Array } }
  | { no_such_contract: { addr: string } }
  | { no_such_code: { code_id: bigint } }
  | { unknown: Record<string, never> }
  | { unsupported_request: { kind: string } };

/** Thrown by `Chain.query` when the contract returns an error or the VM fails. */
export class QueryError extends Error {
  constructor(message: string, readonly vmError: boolean = false) {
    super(message);
    this.name = "QueryError";
  }
}
