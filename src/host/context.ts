// The execution context threaded through message handlers and queries (the host's sdk.Context), and the
// interface a chain module implements to plug into message dispatch and `query_chain`.

import type { AddressApi } from "./address";
import type { JsonValue } from "./json";
import type { CosmosMsg } from "./messages";
import type { CacheStore, MemStore } from "./storage";
import type { Event, HostError, MsgResponse } from "./types";

/**
 * What a handler may read about the chain it runs on. Modules are not reachable from here: each module receives
 * the modules it uses through its constructor, so the dependencies between them are explicit.
 */
export interface ChainEnv {
  readonly chainId: string;
  readonly prefix: string;
  readonly height: number;
  readonly timeNs: bigint;
  readonly api: AddressApi;
  /** The module table: decoding contract responses, hooks across modules. */
  readonly modules: ReadonlyMap<string, HostModule>;
  /** Routes one CosmosMsg of a contract to its module (wasmd's message router). */
  dispatchMsg(ctx: Ctx, sender: string, msg: CosmosMsg): DispatchResult;
  /** What a contract is told about a failed sub-message or query (wasmd redactError). */
  redact(e: HostError): string;
}

export class Ctx {
  constructor(
    readonly env: ChainEnv,
    /** The current state branch: a tx branch, a submessage branch, or a throwaway branch for queries. */
    readonly store: CacheStore | MemStore,
    /** Event sink of the current scope (a submessage gets a fresh one, appended to the parent's on success). */
    readonly events: Event[],
    /** Position of the tx in the block (`env.transaction.index`), null outside a tx (queries, sudo). */
    readonly txIndex: number | null,
    /** wasmd call depth (handleContractResponse), max 100. */
    readonly callDepth = 0,
    /** wasmd query stack size (nested smart queries), max 10. */
    readonly queryDepth = 0,
  ) {}

  with(p: Partial<Pick<Ctx, "store" | "events" | "callDepth" | "queryDepth">>): Ctx {
    return new Ctx(
      this.env,
      p.store ?? this.store,
      p.events ?? this.events,
      this.txIndex,
      p.callDepth ?? this.callDepth,
      p.queryDepth ?? this.queryDepth,
    );
  }

  emit(...events: Event[]): void {
    this.events.push(...events);
  }
}

/** What dispatching one CosmosMsg produced (events go to `ctx.events`). Mirrors wasmd DispatchMsg's data/msgResponses. */
export interface DispatchResult {
  /** `sdk.Result.Data` of the first SDK message: the protobuf-encoded Msg…Response (wasmd passes it as reply `data`). */
  data?: Uint8Array;
  msgResponses: MsgResponse[];
}

/**
 * A chain module. `name` is its key in CosmosMsg and QueryRequest (`bank`, `wasm`, later `staking`,
 * `distribution`, `ibc`…). Without a module for a key, messages fail with "unsupported message: <key>" and queries
 * return `unsupported_request`.
 */
export interface HostModule {
  readonly name: string;
  /**
   * Decodes the inner value of `{"<name>": value}` in a contract's Response with Go's strictness (wasmvm
   * unmarshals the whole Response before anything is dispatched). Throws ShapeError.
   */
  decodeMsg?(value: JsonValue, path: string): unknown;
  /** Executes a decoded message on behalf of `sender` (a contract). Throws HostError. */
  handleMsg?(ctx: Ctx, sender: string, msg: unknown): DispatchResult;
  /** Answers `{"<name>": value}` from `query_chain`: returns the response bytes, throws HostError or ShapeError. */
  handleQuery?(ctx: Ctx, caller: string, value: JsonValue): Uint8Array;
  /** Called by `Chain.advance` at the start of every new block (state changes committed, events dropped). */
  beginBlock?(ctx: Ctx): void;
  /** Called by `Chain.advance` at the end of every block it leaves. */
  endBlock?(ctx: Ctx): void;
  /**
   * Fast path of `Chain.advance` over many empty blocks (used only when every module with hooks has both
   * `nextDeadline` and `skipBlocks`). After one ordinary block, blocks whose end-block time is before the earliest
   * `nextDeadline` (block time in ns; undefined = none) are "quiet": their hooks would only repeat per-block work,
   * which `skipBlocks(ctx, n)` must apply for n blocks at once, with exactly the same result.
   */
  nextDeadline?(ctx: Ctx): bigint | undefined;
  skipBlocks?(ctx: Ctx, n: number): void;
}
