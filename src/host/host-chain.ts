// One simulated chain: block clock, transactional state, the module table for message dispatch and
// `query_chain`, and the user-facing tx/query API.

import { AddressApi, addressFromName } from "./address";
import { BankModule, toWasmCoins, validateUserFunds } from "./bank";
import { Ctx, DispatchResult, HostModule } from "./context";
import { JsonSyntaxError, JsonValue, ShapeError, fromUtf8Lossy, isObject, parseJson, rustString, toBase64 } from "./json";
import { CosmosMsg } from "./messages";
import { CacheStore, MemStore } from "./storage";
import { Coin, Errors, Event, HostError, QueryError, SystemError, TxFailure, TxResult } from "./types";
import { DEFAULT_CAPABILITIES, VmStats, WasmCode } from "./vm";
import { ContractInfo, WasmModule } from "./wasm-module";
import { decToString as decString, parseDec } from "./dec";
import { DistributionModule } from "./distribution";
import { IbcModule } from "./ibc/module";
import { StakingModule, StakingParams, UnbondingEntry, Validator, ValidatorOptions } from "./staking";
import { TransferApp } from "./transfer";
import { CallbacksMiddleware } from "./ibc/callbacks";

export interface ChainOptions {
  chainId: string;
  /** Bech32 prefix of account and contract addresses. */
  prefix: string;
  bondDenom: string;
  /** Block time used by `advance({blocks})`. Default 5000. */
  blockTimeMs?: number;
  /** Default 1. */
  startHeight?: number;
  /** Unix time of the start block in ns. Default 1_700_000_000_000_000_000 (fixed, so tests are deterministic). */
  startTimeNs?: bigint;
  /** Capabilities accepted at upload (`requires_*` exports). Default: stock wasmd v0.54. */
  capabilities?: string[];
  /**
   * wasmd < v0.51 redacted every error given to `reply` and to `query_chain` callers ("codespace: wasm, code: 5");
   * since v0.51 contract errors (DeterministicError) are passed through verbatim. Default false (v0.51+ behaviour).
   */
  redactAllErrors?: boolean;
  /** x/staking parameters (unbonding time in ns, max validators, power reduction…). Default: SDK defaults, 21 days. */
  staking?: Partial<StakingParams>;
  /** Shortcut for `staking.unbondingTimeNs`, in seconds. */
  unbondingTimeSeconds?: number;
}

export type InstantiateOptions = { funds?: Coin[]; label?: string; admin?: string };

/** The kinds of CosmosMsg/QueryRequest that stock wasmd handles but this host does not (yet). */
export const UNSUPPORTED_KINDS = ["gov", "any", "custom", "stargate", "grpc"];

const QUERY_KINDS = ["bank", "custom", "ibc", "staking", "stargate", "grpc", "wasm", "distribution"];

const encoder = new TextEncoder();
const utf8 = (s: string) => encoder.encode(s);

function msgBytes(msg: unknown): Uint8Array {
  if (typeof msg === "string") return utf8(msg);
  if (msg instanceof Uint8Array) return msg;
  return utf8(JSON.stringify(msg, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

function systemErrorJson(e: SystemError): string {
  if ("invalid_request" in e) return `{"invalid_request":{"error":${rustString(e.invalid_request.error)},"request":"${toBase64(e.invalid_request.request)}"}}`;
  if ("invalid_response" in e) return `{"invalid_response":{"error":${rustString(e.invalid_response.error)},"response":"${toBase64(e.invalid_response.response)}"}}`;
  if ("no_such_contract" in e) return `{"no_such_contract":{"addr":${rustString(e.no_such_contract.addr)}}}`;
  if ("no_such_code" in e) return `{"no_such_code":{"code_id":${e.no_such_code.code_id}}}`;
  if ("unsupported_request" in e) return `{"unsupported_request":{"kind":${rustString(e.unsupported_request.kind)}}}`;
  return `{"unknown":{}}`;
}

export interface DebugEntry {
  contract: string;
  entry: string;
  message: string;
}

export class Chain {
  readonly chainId: string;
  readonly prefix: string;
  readonly bondDenom: string;
  readonly blockTimeMs: number;
  height: number;
  timeNs: bigint;
  readonly api: AddressApi;
  readonly capabilities: string[];
  readonly redactAllErrors: boolean;
  /** Counters for benchmarks: entry-point calls and wasm instances created. */
  readonly stats: VmStats = { calls: 0, instances: 0 };
  /** `debug` messages of the latest top-level tx or query (printed to stderr when MESH_HOST_DEBUG=1). */
  debugLog: DebugEntry[] = [];
  /** Committed state of every module. */
  readonly state = new MemStore();
  readonly modules = new Map<string, HostModule>();
  readonly bank: BankModule;
  readonly wasm: WasmModule;
  readonly staking: StakingModule;
  readonly distribution: DistributionModule;
  readonly ibc: IbcModule;
  /** The ICS-20 app on the "transfer" port. */
  readonly transfer: TransferApp;
  private txIndex = 0;

  constructor(opts: ChainOptions) {
    this.chainId = opts.chainId;
    this.prefix = opts.prefix;
    this.bondDenom = opts.bondDenom;
    this.blockTimeMs = opts.blockTimeMs ?? 5000;
    this.height = opts.startHeight ?? 1;
    this.timeNs = opts.startTimeNs ?? 1_700_000_000_000_000_000n;
    this.capabilities = opts.capabilities ?? [...DEFAULT_CAPABILITIES];
    this.redactAllErrors = opts.redactAllErrors ?? false;
    this.api = new AddressApi(this.prefix);
    this.bank = new BankModule(this.prefix);
    this.wasm = new WasmModule(this.bank, this);
    const stakingParams: Partial<StakingParams> = { ...opts.staking };
    if (opts.unbondingTimeSeconds !== undefined) stakingParams.unbondingTimeNs = BigInt(Math.round(opts.unbondingTimeSeconds * 1e9));
    this.staking = new StakingModule(this.prefix, this.bondDenom, this.bank, stakingParams, () => this.view());
    this.distribution = new DistributionModule(this.prefix, this.bank, this.staking);
    this.staking.setHooks([this.distribution], this.distribution);
    this.ibc = new IbcModule(this.wasm);
    this.transfer = new TransferApp(this.prefix, this.bank, this.ibc);
    // wasmd v0.54 wraps its transfer stack in ibc-go's callbacks middleware
    this.ibc.transfer = new CallbacksMiddleware(this.transfer, this.wasm);
    this.registerModule(this.bank);
    this.registerModule(this.wasm);
    this.registerModule(this.staking);
    this.registerModule(this.distribution);
    this.registerModule(this.ibc);
  }

  /** Adds (or replaces) the module handling `{"<module.name>": …}` messages and queries. */
  registerModule(module: HostModule): void {
    this.modules.set(module.name, module);
  }

  // -- clock ------------------------------------------------------------------------------------------------------

  /**
   * Moves to a later block. `blocks` defaults to 1 (or to enough blocks to cover `seconds`); time advances by
   * `seconds` if given, else by blocks × blockTimeMs. Runs the modules' endBlock/beginBlock hooks per block.
   */
  advance(opts: { blocks?: number; seconds?: number } = {}): void {
    const { seconds } = opts;
    const blocks = opts.blocks ?? (seconds !== undefined ? Math.max(1, Math.ceil((seconds * 1000) / this.blockTimeMs)) : 1);
    if (!Number.isInteger(blocks) || blocks < 0) throw new Error("advance: blocks must be a non-negative integer");
    const totalNs = seconds !== undefined ? BigInt(Math.round(seconds * 1e9)) : BigInt(blocks) * BigInt(this.blockTimeMs) * 1_000_000n;
    const hooks = [...this.modules.values()].filter((m) => m.beginBlock || m.endBlock);
    if (hooks.length === 0 || blocks === 0) {
      this.height += blocks;
      this.timeNs += totalNs;
    } else {
      const step = totalNs / BigInt(blocks);
      const lastStep = totalNs - step * BigInt(blocks - 1);
      // quiet blocks can be skipped in bulk when every module with hooks supports it (see HostModule.nextDeadline)
      const fast = hooks.every((m) => m.nextDeadline && m.skipBlocks);
      let i = 0;
      while (i < blocks) {
        this.runBlockHook((ctx) => hooks.forEach((m) => m.endBlock?.(ctx)));
        this.height += 1;
        this.timeNs += i === blocks - 1 ? lastStep : step;
        this.runBlockHook((ctx) => hooks.forEach((m) => m.beginBlock?.(ctx)));
        i++;
        if (!fast || i >= blocks) continue;
        // blocks i.. end at times timeNs + k·step (k = 0, 1, …); those before the earliest deadline are quiet
        const view = new Ctx(this, this.state, [], null);
        let deadline: bigint | undefined;
        for (const m of hooks) {
          const d = m.nextDeadline!(view);
          if (d !== undefined && (deadline === undefined || d < deadline)) deadline = d;
        }
        let quiet = blocks - i;
        if (deadline !== undefined) {
          if (deadline <= this.timeNs) quiet = 0;
          else if (step > 0n) quiet = Math.min(quiet, Number((deadline - this.timeNs + step - 1n) / step));
        }
        if (quiet <= 0) continue;
        this.runBlockHook((ctx) => hooks.forEach((m) => m.skipBlocks!(ctx, quiet)));
        const includesLast = i + quiet === blocks;
        this.height += quiet;
        this.timeNs += includesLast ? step * BigInt(quiet - 1) + lastStep : step * BigInt(quiet);
        i += quiet;
      }
    }
    this.txIndex = 0;
  }

  private runBlockHook(fn: (ctx: Ctx) => void): void {
    const branch = this.state.branch();
    fn(new Ctx(this, branch, [], null));
    branch.commit();
  }

  // -- accounts and bank --------------------------------------------------------------------------------------------

  /** Deterministic user address: bech32(prefix, sha256(name)[0..20]). */
  addr(name: string): string {
    return addressFromName(this.prefix, name);
  }

  /** Genesis-style mint to any address (no tx, no events). */
  fund(addr: string, coins: Coin[]): void {
    this.requireAddress(addr);
    const norm = validateUserFunds(coins);
    this.bank.mint(this.state, addr, norm);
  }

  balance(addr: string, denom: string): bigint {
    return this.bank.balance(this.state, addr, denom);
  }

  allBalances(addr: string): Coin[] {
    return toWasmCoins(this.bank.allBalances(this.state, addr));
  }

  supply(denom: string): bigint {
    return this.bank.supply(this.state, denom);
  }

  private requireAddress(addr: string): void {
    const err = this.api.validate(addr);
    if (err !== undefined) throw new Error(`invalid address ${JSON.stringify(addr)}: ${err}`);
  }

  // -- wasm ---------------------------------------------------------------------------------------------------------

  /** Stores a code (compiled once; upload checks as far as the host can do them). Code ids start at 1. */
  storeCode(wasm: Uint8Array, creator = ""): number {
    return this.wasm.storeCode(new WasmCode(wasm, this.capabilities), creator);
  }

  /** The committed contract info, if any. */
  contract(address: string): ContractInfo | undefined {
    return this.wasm.contractInfo(new Ctx(this, this.state, [], null), address);
  }

  instantiate(sender: string, codeId: number, msg: unknown, opts: InstantiateOptions = {}): TxResult & { address?: string } {
    let address: string | undefined;
    const r = this.runTx((ctx) => {
      this.checkSender(sender);
      const funds = validateUserFunds(opts.funds);
      if (opts.admin) this.checkAddr(opts.admin, "admin");
      const label = opts.label ?? `contract-${codeId}`;
      if (label === "") throw Errors.empty.wrap("is required").wrap("label");
      const res = this.wasm.instantiate(ctx, codeId, sender, opts.admin ?? "", msgBytes(msg), label, funds);
      address = res.address;
      return res.data;
    });
    return r.ok ? { ...r, address } : r;
  }

  execute(sender: string, contract: string, msg: unknown, funds?: Coin[]): TxResult {
    return this.runTx((ctx) => {
      this.checkSender(sender);
      this.checkAddr(contract, "contract");
      const norm = validateUserFunds(funds);
      return this.wasm.execute(ctx, contract, sender, msgBytes(msg), norm);
    });
  }

  /** A privileged call as a native module makes it (e.g. from EndBlock): `env.transaction` is null. */
  sudo(contract: string, msg: unknown): TxResult {
    return this.runTx((ctx) => {
      this.checkAddr(contract, "contract");
      return this.wasm.sudo(ctx, contract, msgBytes(msg));
    }, false);
  }

  migrate(sender: string, contract: string, newCodeId: number, msg: unknown): TxResult {
    return this.runTx((ctx) => {
      this.checkSender(sender);
      this.checkAddr(contract, "contract");
      if (newCodeId === 0) throw Errors.invalidRequest.wrap("code id is required");
      return this.wasm.migrate(ctx, contract, sender, newCodeId, msgBytes(msg));
    });
  }

  /** Smart query; the response bytes parsed as JSON. Throws QueryError on a contract or VM error. */
  query<T = any>(contract: string, msg: unknown): T {
    const bytes = this.queryBytes(contract, msg);
    const text = Buffer.from(bytes).toString("utf8");
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new QueryError(`query response is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
    }
  }

  /** Smart query returning the raw response bytes. */
  queryBytes(contract: string, msg: unknown): Uint8Array {
    this.debugLog = [];
    const ctx = new Ctx(this, this.state.branch(), [], null);
    try {
      this.checkAddr(contract, "contract");
      return this.wasm.querySmart(ctx, contract, msgBytes(msg));
    } catch (e) {
      if (e instanceof HostError) throw new QueryError(e.message, e.vm);
      throw e;
    }
  }

  /** Smart query returning the response bytes as (lossy) UTF-8 text, unparsed — for exact-byte assertions. */
  queryRawResponse(contract: string, msg: unknown): string {
    return fromUtf8Lossy(this.queryBytes(contract, msg));
  }

  /** Raw read of a contract's committed storage. */
  queryRaw(contract: string, key: Uint8Array | string): Uint8Array | undefined {
    const k = typeof key === "string" ? utf8(key) : key;
    const ctx = new Ctx(this, this.state, [], null);
    if (!this.wasm.contractInfo(ctx, contract)) return undefined;
    return this.wasm.queryRaw(ctx, contract, k);
  }

  // -- staking (genesis and admin operations, user txs, committed-state views) -------------------------------------

  /** The operator address ("<prefix>valoper1…") of the validator run by account `name` (same bytes as addr(name)). */
  valoper(name: string): string {
    return this.staking.valoperFromName(name);
  }

  /**
   * Genesis-style validator: mints `selfBond` to `addr(name)`, creates the validator and self-delegates; the
   * validator set update runs at once (as InitGenesis does), so it is bonded if its power (selfBond /
   * powerReduction, default 10^6) is ≥ 1. Returns the operator address.
   */
  addValidator(name: string, selfBond: bigint | number | string, opts: ValidatorOptions = {}): string {
    const valoper = this.valoper(name);
    const operator = this.addr(name);
    const amount = BigInt(selfBond);
    this.admin((ctx) => {
      if (amount > 0n) this.bank.mint(ctx.store, operator, [{ denom: this.bondDenom, amount }]);
      const v = this.staking.createValidator(ctx, valoper, opts);
      if (amount > 0n) this.staking.delegate(ctx, operator, amount, "unbonded", v, true);
      this.staking.applyValidatorSetUpdates(ctx);
    });
    return valoper;
  }

  /**
   * Slashes a validator as x/slashing does for an infraction at `infractionHeight` (default: the current height,
   * so no unbonding entries are slashed): fraction × (power × powerReduction) is burnt, first from unbonding
   * delegations and redelegations created at or after the infraction height, the rest from the validator's
   * tokens. `jail` also jails it. `fraction` is a decimal string ("0.1").
   */
  slashValidator(valoper: string, fraction: string, opts: { jail?: boolean; infractionHeight?: number; power?: bigint } = {}): { slashAmount: bigint; burned: bigint } {
    const f = parseDec(fraction);
    return this.admin((ctx) => {
      const r = this.staking.slash(ctx, valoper, opts.infractionHeight ?? this.height, f, opts.power);
      if (opts.jail) this.staking.jail(ctx, valoper);
      return r;
    });
  }

  /** Jails a validator (out of all_validators at once, out of the bonded set at the next EndBlock). */
  jailValidator(valoper: string): void {
    this.admin((ctx) => this.staking.jail(ctx, valoper));
  }

  unjailValidator(valoper: string): void {
    this.admin((ctx) => this.staking.unjail(ctx, valoper));
  }

  validator(valoper: string): Validator | undefined {
    return this.staking.getValidator(this.state, valoper);
  }

  /** Operator addresses of the bonded validators, in all_validators order. */
  bondedValidators(): string[] {
    return this.staking.bondedByPower(this.state).map((v) => v.operator);
  }

  /** A delegation: shares (LegacyDec raw, ×10^18) and token value (truncated); undefined when none. */
  delegation(delegator: string, valoper: string): { shares: bigint; tokens: bigint } | undefined {
    const ctx = this.view();
    const shares = this.staking.getDelegationShares(ctx, delegator, valoper);
    if (shares === undefined) return undefined;
    const v = this.staking.getValidator(this.state, valoper);
    return { shares, tokens: v ? this.staking.tokenValue(v, shares) : 0n };
  }

  unbondingEntries(delegator: string, valoper: string): UnbondingEntry[] {
    return this.staking.getUnbondingEntries(this.view(), delegator, valoper);
  }

  delegate(delegator: string, valoper: string, amount: bigint | number | string): TxResult {
    return this.runTx((ctx) => {
      this.checkSender(delegator);
      return this.staking.msgDelegate(ctx, delegator, valoper, { denom: this.bondDenom, amount: BigInt(amount) }).data;
    });
  }

  undelegate(delegator: string, valoper: string, amount: bigint | number | string): TxResult {
    return this.runTx((ctx) => {
      this.checkSender(delegator);
      return this.staking.msgUndelegate(ctx, delegator, valoper, { denom: this.bondDenom, amount: BigInt(amount) }).data;
    });
  }

  redelegate(delegator: string, src: string, dst: string, amount: bigint | number | string): TxResult {
    return this.runTx((ctx) => {
      this.checkSender(delegator);
      return this.staking.msgBeginRedelegate(ctx, delegator, src, dst, { denom: this.bondDenom, amount: BigInt(amount) }).data;
    });
  }

  // -- distribution -------------------------------------------------------------------------------------------------

  /** The reward minted for `valoper` at the end of every block while it is bonded (bond denom, or coins). */
  setBlockReward(valoper: string, amount: bigint | number | string | Coin[]): void {
    const coins = Array.isArray(amount) ? validateUserFunds(amount) : [{ denom: this.bondDenom, amount: BigInt(amount) }].filter((c) => c.amount > 0n);
    this.admin((ctx) => this.distribution.setBlockReward(ctx, valoper, coins));
  }

  /** Outstanding rewards of a delegation as decimal strings (18 decimals), as delegation_rewards reports them. */
  rewards(delegator: string, valoper: string): { denom: string; amount: string }[] {
    return this.distribution.rewardsOf(this.view(), delegator, valoper).map((r) => ({ denom: r.denom, amount: decString(r.raw) }));
  }

  withdrawRewards(delegator: string, valoper: string): TxResult {
    return this.runTx((ctx) => {
      this.checkSender(delegator);
      return this.distribution.msgWithdrawDelegatorReward(ctx, delegator, valoper).data;
    });
  }

  setWithdrawAddress(delegator: string, address: string): TxResult {
    return this.runTx((ctx) => {
      this.checkSender(delegator);
      return this.distribution.msgSetWithdrawAddress(ctx, delegator, address).data;
    });
  }

  // -- ibc ----------------------------------------------------------------------------------------------------------

  /** A user's MsgTransfer (ICS-20) on port "transfer". `sequence` is the packet's sequence. */
  ibcTransfer(
    sender: string,
    t: { channelId: string; toAddress: string; amount: Coin; timeout: { block?: { revision: bigint; height: bigint }; timestamp?: bigint }; memo?: string },
  ): TxResult & { sequence?: bigint } {
    let sequence: bigint | undefined;
    const r = this.runTx((ctx) => {
      this.checkSender(sender);
      const [token] = validateUserFunds([t.amount]);
      sequence = this.transfer.msgTransfer(ctx, {
        sourcePort: "transfer", sourceChannel: t.channelId, token, sender, receiver: t.toAddress,
        timeoutHeight: t.timeout.block, timeoutTimestamp: t.timeout.timestamp ?? 0n, memo: t.memo ?? "",
      });
      return undefined;
    });
    return r.ok ? { ...r, sequence } : r;
  }

  /**
   * Runs `fn` as one transaction of the current block (what a relayer's or module's tx does): committed only if
   * it returns; a HostError becomes a failed TxResult.
   */
  runTransaction(fn: (ctx: Ctx) => Uint8Array | undefined): TxResult {
    return this.runTx(fn);
  }

  /** A privileged state change outside any tx (genesis, slashing…): committed unless it throws. */
  private admin<T>(fn: (ctx: Ctx) => T): T {
    const branch = this.state.branch();
    const r = fn(new Ctx(this, branch, [], null));
    branch.commit();
    return r;
  }

  /** A read-only context on the committed state. */
  private view(): Ctx {
    return new Ctx(this, this.state, [], null);
  }

  // -- tx machinery -------------------------------------------------------------------------------------------------

  /**
   * Runs `fn` as one transaction: all writes go to a branch of the committed state, which is committed only if
   * `fn` returns. A HostError becomes a failed TxResult; anything else (a host bug) is rethrown.
   */
  private runTx(fn: (ctx: Ctx) => Uint8Array | undefined, inTx = true): TxResult {
    this.debugLog = [];
    const branch = this.state.branch();
    const events: Event[] = [];
    // wasmd's CountTXDecorator counts every tx of the block, failed ones included
    const ctx = new Ctx(this, branch, events, inTx ? this.txIndex++ : null);
    try {
      const data = fn(ctx);
      branch.commit();
      return data === undefined ? { ok: true, events } : { ok: true, events, data };
    } catch (e) {
      if (e instanceof HostError) return this.failure(e);
      throw e;
    }
  }

  private failure(e: HostError): TxFailure {
    return { ok: false, error: e.message, vmError: e.vm, codespace: e.codespace, code: e.code };
  }

  private checkSender(sender: string): void {
    this.checkAddr(sender, "sender");
  }

  private checkAddr(addr: string, what: string): void {
    const c = this.api.canonicalize(addr);
    if ("error" in c) throw new HostError(`${what}: ${c.error}`, "sdk", 7);
  }

  /** What a contract is told about a failed sub-message or query (wasmd redactError). */
  redact(e: HostError): string {
    return this.redactAllErrors ? `codespace: ${e.codespace}, code: ${e.code}` : e.redacted();
  }

  recordDebug(contract: string, entry: string, message: string): void {
    this.debugLog.push({ contract, entry, message });
    if (process.env.MESH_HOST_DEBUG === "1") process.stderr.write(`[${this.chainId} ${contract} ${entry}] ${message}\n`);
  }

  /** Routes one CosmosMsg from `sender` (a contract) to its module. */
  dispatchMsg(ctx: Ctx, sender: string, msg: CosmosMsg): DispatchResult {
    if (msg.kind === "none") throw Errors.unknownMsg.wrap("unknown variant of Wasm");
    const module = this.modules.get(msg.kind);
    if (!module?.handleMsg) throw Errors.unknownMsg.wrap(`unsupported message: ${msg.kind}`);
    return module.handleMsg(ctx, sender, msg.value);
  }

  /**
   * `query_chain`: parses the QueryRequest, routes it to its module and serialises the
   * `SystemResult<ContractResult<Binary>>` as the VM hands it to the contract (serde JSON).
   */
  queryChain(ctx: Ctx, caller: string, request: Uint8Array): Uint8Array {
    const sys = (e: SystemError) => utf8(`{"error":${systemErrorJson(e)}}`);
    let v: JsonValue;
    try {
      v = parseJson(request);
    } catch (e) {
      if (e instanceof JsonSyntaxError) return sys({ invalid_request: { error: e.message, request } });
      throw e;
    }
    if (!isObject(v)) {
      return sys({ invalid_request: { error: "json: cannot unmarshal non-object into Go value of type types.QueryRequest", request } });
    }
    const known = new Set([...QUERY_KINDS, ...this.modules.keys()]);
    const present = Object.keys(v).filter((k) => known.has(k) && v[k] !== null);
    if (present.length === 0) return sys({ unknown: {} });
    if (present.length > 1) {
      return sys({ invalid_request: { error: `more than one QueryRequest variant set (${present.join(", ")})`, request } });
    }
    const kind = present[0];
    const module = this.modules.get(kind);
    if (!module?.handleQuery) return sys({ unsupported_request: { kind } });
    // like wasmd: the query sees the caller's current state through a branch that is thrown away
    const qctx = ctx.with({ store: new CacheStore(ctx.store), events: [] });
    try {
      const bytes = module.handleQuery(qctx, caller, v[kind]);
      return utf8(`{"ok":{"ok":"${toBase64(bytes)}"}}`);
    } catch (e) {
      if (e instanceof ShapeError) return sys({ invalid_request: { error: e.message, request } });
      if (e instanceof HostError) {
        if (e.system) return sys(e.system);
        return utf8(`{"ok":{"error":${rustString(this.redact(e))}}}`);
      }
      throw e;
    }
  }
}

