// One interface for "a set of chains with accounts, contracts and a relayer", implemented on the in-process host
// (fast, fully controllable) and on real wasmd nodes (the devnet). Scenario code written against it runs on both,
// which is what the differential tests compare.

export interface Coin {
  denom: string;
  amount: string;
}

export interface ScenarioEvent {
  type: string;
  attributes: { key: string; value: string }[];
}

/** The outcome of a transaction. `error` is the contract's own message where the chain reports one. */
export type TxOutcome =
  | { ok: true; events: ScenarioEvent[]; gasUsed?: number }
  | { ok: false; error: string };

/** The fixed test accounts every chain funds at genesis (src/wasmd/accounts.ts). */
export type Account = "admin" | "alice" | "bob" | "carol" | "relayer" | "validator" | "validator2";

export interface ScenarioChain {
  readonly chainId: string;
  /** Staking and fee denom. */
  readonly denom: string;
  /** A second funded denom for tests. */
  readonly extraDenom: string;
  address(account: Account): string;
  balance(address: string, denom: string): Promise<bigint>;
  upload(sender: Account, wasm: Uint8Array): Promise<number>;
  /** Instantiates and returns the contract address; throws with the chain's message on failure. */
  instantiate(sender: Account, codeId: number, msg: unknown, label: string, funds?: Coin[]): Promise<string>;
  execute(sender: Account, contract: string, msg: unknown, funds?: Coin[]): Promise<TxOutcome>;
  /** MsgMigrateContract: `sender` must be the contract's admin (the instantiating account here). */
  migrate(sender: Account, contract: string, codeId: number, msg: unknown): Promise<TxOutcome>;
  /** Smart query; throws with the contract's message on failure. */
  query<T = any>(contract: string, msg: unknown): Promise<T>;
  /** Operator addresses of the bonded validators. */
  validators(): Promise<string[]>;
  /** Token value of `delegator`'s delegation to `validator` (0 when none). */
  delegation(delegator: string, validator: string): Promise<bigint>;
  /** Block time in nanoseconds. */
  now(): Promise<bigint>;
  /** Lets at least `seconds` of block time pass (the host advances its clock; a real chain is waited on). */
  wait(seconds: number): Promise<void>;
}

export interface RelayStats {
  packets: number;
  acks: number;
  timeouts: number;
}

/** A connection between two chains, with a relayer that only moves packets when asked (or when running). */
export interface ScenarioLink {
  readonly a: ScenarioChain;
  readonly b: ScenarioChain;
  readonly connectionA: string;
  readonly connectionB: string;
  /** Full handshake started on A; returns the channel id on each side. */
  openChannel(portA: string, portB: string, version: string): Promise<{ channelA: string; channelB: string }>;
  /** Delivers everything pending in both directions (packets, then acks, until quiet), including expired timeouts. */
  relayAll(): Promise<RelayStats>;
}

export interface ScenarioNetwork {
  readonly backend: "host" | "wasmd";
  chain(chainId: string): ScenarioChain;
  /** Connects two chains (new clients and connection). */
  link(a: string, b: string): Promise<ScenarioLink>;
  close(): Promise<void>;
}

/**
 * The contract's own message inside a chain error. wasmd wraps it as
 * "…message index: 0: <msg>: execute wasm contract failed […]" on a real node and "<msg>: execute wasm contract
 * failed" in the host; both reduce to "<msg>".
 */
export function contractMessage(error: string): string {
  let msg = error;
  const desc = msg.indexOf("desc = ");
  if (desc >= 0) msg = msg.slice(desc + "desc = ".length);
  msg = msg.replace(/^Query failed with \(\d+\): /, "");
  const idx = msg.lastIndexOf("message index: 0: ");
  if (idx >= 0) msg = msg.slice(idx + "message index: 0: ".length);
  const wasm = msg.search(/: (execute|instantiate|query|migrate) wasm contract failed/);
  if (wasm >= 0) msg = msg.slice(0, wasm);
  return msg;
}
