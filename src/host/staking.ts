// x/staking for the host, following cosmos-sdk v0.50 (wasmd v0.54): validators with tokens and delegator shares,
// the bonded / not-bonded pools as module accounts holding real bank balances, delegations valued as
// shares × tokens / total shares (LegacyDec arithmetic, truncated), unbonding delegations and redelegations with
// entries that mature in the EndBlocker, the validator set update (bonded = top `maxValidators` non-jailed
// validators by consensus power, power ≥ 1), slashing (validator tokens and the entries created at or after the
// infraction height) and jailing. Contracts reach it through `{"staking":…}` messages and queries, answered in
// wasmd's JSON layout (x/wasm/keeper/query_plugins.go StakingQuerier).
//
// Deliberate simplifications (documented in README): no consensus keys, no historical info, no commission
// changes, the validator set update also runs at genesis (addValidator) like InitGenesis, slashing power defaults
// to the validator's current consensus power.

import { fromBech32, moduleAddress, sha256, toBech32 } from "./address";
import { BankModule, NormCoin, coinsToString, parseWasmCoin } from "./bank";
import { Ctx, DispatchResult, HostModule } from "./context";
import {
  ONE, decFromInt, decMul, decMulInt, decQuo, decQuoInt, decQuoTruncate, decToString, decTruncateInt, minBig, maxBig,
  parseDec,
} from "./dec";
import { JsonValue, ShapeError, decObject, decString, goString, isObject } from "./json";
import { protoCoin, protoMessage, protoTimestamp } from "./proto";
import { KVStore, bytesToKey, prefixEnd } from "./storage";
import { Coin, Errors, Event, HostError, RootError } from "./types";

export const DAY_NS = 86_400n * 1_000_000_000n;

export interface StakingParams {
  /** x/staking UnbondingTime in ns. Default 21 days. */
  unbondingTimeNs: bigint;
  /** Default 100. */
  maxValidators: number;
  /** MaxEntries of unbonding delegations / redelegations per pair. Default 7. */
  maxEntries: number;
  /** sdk.DefaultPowerReduction (10^6): consensus power = tokens / powerReduction; validators need power ≥ 1 to bond. */
  powerReduction: bigint;
}

export const DEFAULT_STAKING_PARAMS: StakingParams = {
  unbondingTimeNs: 21n * DAY_NS,
  maxValidators: 100,
  maxEntries: 7,
  powerReduction: 1_000_000n,
};

export type BondStatus = "bonded" | "unbonding" | "unbonded";

export interface Validator {
  operator: string;
  tokens: bigint;
  /** Delegator shares, LegacyDec raw (×10^18). */
  shares: bigint;
  status: BondStatus;
  jailed: boolean;
  /** Set when the validator starts unbonding (leaves the bonded set). */
  unbondingTimeNs: bigint;
  unbondingHeight: number;
  /** Commission rates, LegacyDec raw. */
  commissionRate: bigint;
  maxCommissionRate: bigint;
  maxChangeRate: bigint;
  minSelfDelegation: bigint;
}

export interface UnbondingEntry {
  creationHeight: number;
  completionTimeNs: bigint;
  initialBalance: bigint;
  balance: bigint;
}

export interface RedelegationEntry {
  creationHeight: number;
  completionTimeNs: bigint;
  initialBalance: bigint;
  /** LegacyDec raw. */
  sharesDst: bigint;
}

export interface ValidatorOptions {
  /** Decimal strings, default "0", "0.2", "0.01". */
  commission?: string;
  maxCommission?: string;
  maxChangeRate?: string;
  /** Default 1. */
  minSelfDelegation?: bigint;
}

/** Hooks another module (distribution) implements; called like x/staking's StakingHooks. */
export interface StakingHooks {
  /** Before a delegation's shares change or it is removed (x/distribution withdraws the rewards here). */
  beforeDelegationSharesModified?(ctx: Ctx, delegator: string, validator: string): void;
}

/** Where the `delegation` query gets `accumulated_rewards` (x/distribution), without staking depending on it. */
export interface RewardsSource {
  rewardsOf(ctx: Ctx, delegator: string, validator: string): { denom: string; raw: bigint }[];
}

// -- errors (x/staking/types/errors.go, codespace "staking") -------------------------------------------------------

const staking = (code: number, desc: string) => new RootError("staking", code, desc);
export const StakingErrors = {
  noValidatorFound: staking(3, "validator does not exist"),
  validatorJailed: staking(7, "validator for this address is currently jailed"),
  noDelegation: staking(19, "no delegation for (address, validator) tuple"),
  insufficientShares: staking(22, "insufficient delegation shares"),
  notEnoughDelegationShares: staking(24, "not enough delegation shares"),
  maxUnbondingEntries: staking(27, "too many unbonding delegation entries for (delegator, validator) tuple"),
  selfRedelegation: staking(29, "cannot redelegate to the same validator"),
  tinyRedelegationAmount: staking(30, "too few tokens to redelegate (truncates to zero tokens)"),
  badRedelegationDst: staking(31, "redelegation destination validator not found"),
  transitiveRedelegation: staking(32, "redelegation to this validator already in progress; first redelegation to this validator must complete before next redelegation"),
  maxRedelegationEntries: staking(33, "too many redelegation entries for (delegator, src-validator, dst-validator) tuple"),
  delegatorShareExRateInvalid: staking(34, "cannot delegate to validators with invalid (zero) ex-rate"),
};

// -- state layout (host-internal): 0x06 ‖ sub-prefix ‖ … → JSON --------------------------------------------------

const VAL = "\x06\x01";
const DEL = "\x06\x02";
const UBD = "\x06\x03";
const RED = "\x06\x04";

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s);
const lp = (b: Uint8Array) => String.fromCharCode(b.length) + bytesToKey(b);

function readJson<T>(store: KVStore, key: string): T | undefined {
  const v = store.get(key);
  return v === undefined ? undefined : (JSON.parse(Buffer.from(v).toString("utf8")) as T);
}

function writeJson(store: KVStore, key: string, value: unknown): void {
  store.set(key, utf8(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v))));
}

type Raw<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] };

function toValidator(r: Raw<Validator>): Validator {
  return {
    ...r,
    tokens: BigInt(r.tokens), shares: BigInt(r.shares), unbondingTimeNs: BigInt(r.unbondingTimeNs),
    commissionRate: BigInt(r.commissionRate), maxCommissionRate: BigInt(r.maxCommissionRate), maxChangeRate: BigInt(r.maxChangeRate),
    minSelfDelegation: BigInt(r.minSelfDelegation),
  };
}
const toUbdEntry = (r: Raw<UnbondingEntry>): UnbondingEntry => ({
  creationHeight: r.creationHeight, completionTimeNs: BigInt(r.completionTimeNs), initialBalance: BigInt(r.initialBalance), balance: BigInt(r.balance),
});
const toRedEntry = (r: Raw<RedelegationEntry>): RedelegationEntry => ({
  creationHeight: r.creationHeight, completionTimeNs: BigInt(r.completionTimeNs), initialBalance: BigInt(r.initialBalance), sharesDst: BigInt(r.sharesDst),
});

/** Go `time.Time.Format(time.RFC3339)` of a ns timestamp (UTC). `undefined` = Go's zero time. */
export function rfc3339(ns: bigint | undefined): string {
  if (ns === undefined) return "0001-01-01T00:00:00Z";
  const ms = Number(ns / 1_000_000n);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const GO_ZERO_TIME_SECONDS = -62_135_596_800n;

function ev(type: string, ...attrs: [string, string][]): Event {
  return { type, attributes: attrs.map(([key, value]) => ({ key, value })) };
}

export type StakingMsg =
  | { delegate: { validator: string; amount: Coin } }
  | { undelegate: { validator: string; amount: Coin } }
  | { redelegate: { src_validator: string; dst_validator: string; amount: Coin } }
  | { unknown: true };

function decCoin(v: JsonValue | undefined, path: string): Coin {
  const o = decObject(v, path, "types.Coin");
  return { denom: decString(o.denom, `${path}.denom`), amount: decString(o.amount, `${path}.amount`) };
}

export class StakingModule implements HostModule {
  readonly name = "staking";
  readonly params: StakingParams;
  readonly valPrefix: string;
  private hooks: StakingHooks[] = [];
  private rewards?: RewardsSource;

  constructor(
    private readonly prefix: string,
    readonly bondDenom: string,
    private readonly bank: BankModule,
    params: Partial<StakingParams> = {},
    /** A context on the owning chain's committed state, for the views below (bondedValidators, delegationTokens). */
    private readonly committed?: () => Ctx,
  ) {
    this.params = { ...DEFAULT_STAKING_PARAMS, ...params };
    this.valPrefix = `${prefix}valoper`;
  }

  get bondedPool(): string {
    return moduleAddress(this.prefix, "bonded_tokens_pool");
  }

  get notBondedPool(): string {
    return moduleAddress(this.prefix, "not_bonded_tokens_pool");
  }

  /** The operator address of the validator run by the account `name` (same bytes as `chain.addr(name)`). */
  valoperFromName(name: string): string {
    return toBech32(this.valPrefix, sha256(name).slice(0, 20));
  }

  /** The account address with the operator's bytes. */
  operatorAccount(valoper: string): string {
    return toBech32(this.prefix, this.valBytes(valoper));
  }

  /** `sdk.ValAddressFromBech32`; throws the SDK's error text as an (unregistered) error. */
  private valBytes(valoper: string): Uint8Array {
    const r = this.parseValoper(valoper);
    if ("error" in r) throw new HostError(r.error, "undefined", 1);
    return r.ok;
  }

  parseValoper(valoper: string): { ok: Uint8Array } | { error: string } {
    if (valoper.trim().length === 0) return { error: "empty address string is not allowed" };
    const d = fromBech32(valoper);
    if ("error" in d) return d;
    if (d.prefix !== this.valPrefix) return { error: `invalid Bech32 prefix; expected ${this.valPrefix}, got ${d.prefix}` };
    if (d.data.length === 0) return { error: "addresses cannot be empty: unknown address" };
    return { ok: d.data };
  }

  private accBytes(ctx: Ctx, addr: string): Uint8Array {
    const c = ctx.env.api.canonicalize(addr);
    if ("error" in c) throw new HostError(c.error, "undefined", 1);
    return c.ok;
  }

  consensusPower(tokens: bigint): bigint {
    return tokens / this.params.powerReduction;
  }

  // -- state ------------------------------------------------------------------------------------------------------

  getValidator(store: KVStore, valoper: string): Validator | undefined {
    const r = this.parseValoper(valoper);
    if ("error" in r) return undefined;
    const raw = readJson<Raw<Validator>>(store, VAL + bytesToKey(r.ok));
    return raw && toValidator(raw);
  }

  private requireValidator(store: KVStore, valoper: string): Validator {
    const v = this.getValidator(store, valoper);
    if (!v) throw StakingErrors.noValidatorFound.err();
    return v;
  }

  setValidator(store: KVStore, v: Validator): void {
    writeJson(store, VAL + bytesToKey(this.valBytes(v.operator)), v);
  }

  private removeValidator(store: KVStore, valoper: string): void {
    store.delete(VAL + bytesToKey(this.valBytes(valoper)));
  }

  /** All validators, ordered by operator address bytes. */
  allValidators(store: KVStore): Validator[] {
    return store.range(VAL, prefixEnd(VAL), "asc").map(([, v]) => toValidator(JSON.parse(Buffer.from(v).toString("utf8"))));
  }

  private delKey(ctx: Ctx, delegator: string, valoper: string): string {
    return DEL + lp(this.accBytes(ctx, delegator)) + bytesToKey(this.valBytes(valoper));
  }

  /** Delegator shares (LegacyDec raw), undefined when there is no delegation. */
  getDelegationShares(ctx: Ctx, delegator: string, valoper: string): bigint | undefined {
    const raw = readJson<{ shares: string }>(ctx.store, this.delKey(ctx, delegator, valoper));
    return raw && BigInt(raw.shares);
  }

  private setDelegation(ctx: Ctx, delegator: string, valoper: string, shares: bigint): void {
    writeJson(ctx.store, this.delKey(ctx, delegator, valoper), { delegator, validator: valoper, shares });
  }

  private removeDelegation(ctx: Ctx, delegator: string, valoper: string): void {
    ctx.store.delete(this.delKey(ctx, delegator, valoper));
  }

  /** Delegations (of one delegator, or all), in store order (delegator bytes, then validator bytes). */
  delegations(ctx: Ctx, delegator?: string): { delegator: string; validator: string; shares: bigint }[] {
    const p = delegator === undefined ? DEL : DEL + lp(this.accBytes(ctx, delegator));
    return ctx.store.range(p, prefixEnd(p), "asc").map(([, v]) => {
      const r = JSON.parse(Buffer.from(v).toString("utf8"));
      return { delegator: r.delegator, validator: r.validator, shares: BigInt(r.shares) };
    });
  }

  private ubdKey(ctx: Ctx, delegator: string, valoper: string): string {
    return UBD + lp(this.accBytes(ctx, delegator)) + bytesToKey(this.valBytes(valoper));
  }

  getUnbondingEntries(ctx: Ctx, delegator: string, valoper: string): UnbondingEntry[] {
    const raw = readJson<{ entries: Raw<UnbondingEntry>[] }>(ctx.store, this.ubdKey(ctx, delegator, valoper));
    return raw ? raw.entries.map(toUbdEntry) : [];
  }

  private setUnbondingEntries(ctx: Ctx, delegator: string, valoper: string, entries: UnbondingEntry[]): void {
    const k = this.ubdKey(ctx, delegator, valoper);
    if (entries.length === 0) ctx.store.delete(k);
    else writeJson(ctx.store, k, { delegator, validator: valoper, entries });
  }

  /** All unbonding delegations, in store order. */
  allUnbondings(store: KVStore): { delegator: string; validator: string; entries: UnbondingEntry[] }[] {
    return store.range(UBD, prefixEnd(UBD), "asc").map(([, v]) => {
      const r = JSON.parse(Buffer.from(v).toString("utf8"));
      return { delegator: r.delegator, validator: r.validator, entries: (r.entries as Raw<UnbondingEntry>[]).map(toUbdEntry) };
    });
  }

  private redKey(ctx: Ctx, delegator: string, src: string, dst: string): string {
    return RED + lp(this.accBytes(ctx, delegator)) + lp(this.valBytes(src)) + bytesToKey(this.valBytes(dst));
  }

  getRedelegationEntries(ctx: Ctx, delegator: string, src: string, dst: string): RedelegationEntry[] {
    const raw = readJson<{ entries: Raw<RedelegationEntry>[] }>(ctx.store, this.redKey(ctx, delegator, src, dst));
    return raw ? raw.entries.map(toRedEntry) : [];
  }

  private setRedelegationEntries(ctx: Ctx, delegator: string, src: string, dst: string, entries: RedelegationEntry[]): void {
    const k = this.redKey(ctx, delegator, src, dst);
    if (entries.length === 0) ctx.store.delete(k);
    else writeJson(ctx.store, k, { delegator, src, dst, entries });
  }

  allRedelegations(store: KVStore): { delegator: string; src: string; dst: string; entries: RedelegationEntry[] }[] {
    return store.range(RED, prefixEnd(RED), "asc").map(([, v]) => {
      const r = JSON.parse(Buffer.from(v).toString("utf8"));
      return { delegator: r.delegator, src: r.src, dst: r.dst, entries: (r.entries as Raw<RedelegationEntry>[]).map(toRedEntry) };
    });
  }

  hasReceivingRedelegation(ctx: Ctx, delegator: string, dst: string): boolean {
    return this.allRedelegations(ctx.store).some((r) => r.delegator === delegator && r.dst === dst && r.entries.length > 0);
  }

  // -- validator arithmetic (x/staking/types/validator.go) ---------------------------------------------------------

  /** TokensFromShares: shares × tokens / delegatorShares (LegacyDec Quo, banker's rounding); raw. */
  tokensFromShares(v: Validator, shares: bigint): bigint {
    if (v.shares === 0n) return 0n;
    return decQuo(decMulInt(shares, v.tokens), v.shares);
  }

  /** The token value of `shares`, truncated (what wasmd reports as a delegation's amount). */
  tokenValue(v: Validator, shares: bigint): bigint {
    return decTruncateInt(this.tokensFromShares(v, shares));
  }

  private sharesFromTokens(v: Validator, amount: bigint): bigint {
    if (v.tokens === 0n) throw StakingErrors.insufficientShares.err();
    return decQuoInt(decMulInt(v.shares, amount), v.tokens);
  }

  private sharesFromTokensTruncated(v: Validator, amount: bigint): bigint {
    if (v.tokens === 0n) throw StakingErrors.insufficientShares.err();
    return decQuoTruncate(decMulInt(v.shares, amount), decFromInt(v.tokens));
  }

  // -- pools ------------------------------------------------------------------------------------------------------

  private coins(amount: bigint): NormCoin[] {
    return amount > 0n ? [{ denom: this.bondDenom, amount }] : [];
  }

  private poolOf(status: BondStatus): string {
    return status === "bonded" ? this.bondedPool : this.notBondedPool;
  }

  private movePool(ctx: Ctx, from: BondStatus, to: BondStatus, amount: bigint): void {
    const a = this.poolOf(from);
    const b = this.poolOf(to);
    if (a === b || amount <= 0n) return;
    this.bank.send(ctx, a, b, this.coins(amount));
  }

  /** bankkeeper.DelegateCoinsFromAccountToModule (events coin_spent, coin_received). */
  private delegateCoins(ctx: Ctx, from: string, pool: string, amount: bigint): void {
    const have = this.bank.balance(ctx.store, from, this.bondDenom);
    if (have < amount) {
      throw Errors.insufficientFunds.wrap(`failed to delegate; ${have}${this.bondDenom} is smaller than ${amount}${this.bondDenom}`);
    }
    this.bank.subtract(ctx, from, this.coins(amount));
    this.bank.add(ctx, pool, this.coins(amount));
  }

  private burn(ctx: Ctx, status: BondStatus, amount: bigint): void {
    if (amount > 0n) this.bank.burnCoins(ctx, this.poolOf(status), this.coins(amount));
  }

  /** keeper.SetHooks: the modules told about delegation changes (and the source of delegation rewards). */
  setHooks(hooks: StakingHooks[], rewards?: RewardsSource): void {
    this.hooks = hooks.filter((h) => h.beforeDelegationSharesModified);
    this.rewards = rewards;
  }

  // -- keeper operations -------------------------------------------------------------------------------------------

  /** Creates a validator (genesis-style, outside a tx). */
  createValidator(ctx: Ctx, valoper: string, opts: ValidatorOptions = {}): Validator {
    if (this.getValidator(ctx.store, valoper)) throw new Error(`validator ${valoper} already exists`);
    const v: Validator = {
      operator: valoper, tokens: 0n, shares: 0n, status: "unbonded", jailed: false, unbondingTimeNs: 0n, unbondingHeight: 0,
      commissionRate: parseDec(opts.commission ?? "0"), maxCommissionRate: parseDec(opts.maxCommission ?? "0.2"),
      maxChangeRate: parseDec(opts.maxChangeRate ?? "0.01"), minSelfDelegation: opts.minSelfDelegation ?? 1n,
    };
    this.setValidator(ctx.store, v);
    return v;
  }

  /**
   * keeper.Delegate. `tokenSrc` is where the tokens come from: "unbonded" with `subtractAccount` for a new
   * delegation (the delegator's balance), the source validator's status for a redelegation.
   */
  delegate(ctx: Ctx, delegator: string, amount: bigint, tokenSrc: BondStatus, validatorIn: Validator, subtractAccount: boolean): bigint {
    let validator = this.requireValidator(ctx.store, validatorIn.operator);
    if (validator.tokens === 0n && validator.shares > 0n) throw StakingErrors.delegatorShareExRateInvalid.err();
    const existing = this.getDelegationShares(ctx, delegator, validator.operator);
    if (existing !== undefined) for (const h of this.hooks) h.beforeDelegationSharesModified!(ctx, delegator, validator.operator);
    if (subtractAccount) {
      this.delegateCoins(ctx, delegator, this.poolOf(validator.status), amount);
    } else {
      const srcBonded = tokenSrc === "bonded";
      const dstBonded = validator.status === "bonded";
      if (!srcBonded && dstBonded) this.movePool(ctx, "unbonded", "bonded", amount);
      else if (srcBonded && !dstBonded) this.movePool(ctx, "bonded", "unbonded", amount);
    }
    // AddTokensFromDel: the first delegation sets the exchange rate to one
    const issued = validator.shares === 0n ? decFromInt(amount) : this.sharesFromTokens(validator, amount);
    validator = { ...validator, tokens: validator.tokens + amount, shares: validator.shares + issued };
    this.setValidator(ctx.store, validator);
    this.setDelegation(ctx, delegator, validator.operator, (existing ?? 0n) + issued);
    return issued;
  }

  /** keeper.ValidateUnbondAmount: the shares to remove for `amount` tokens, capped at the delegation's shares. */
  validateUnbondAmount(ctx: Ctx, delegator: string, valoper: string, amount: bigint): bigint {
    const validator = this.requireValidator(ctx.store, valoper);
    const delShares = this.getDelegationShares(ctx, delegator, valoper);
    if (delShares === undefined) throw StakingErrors.noDelegation.err();
    let shares = this.sharesFromTokens(validator, amount);
    const truncated = this.sharesFromTokensTruncated(validator, amount);
    if (truncated > delShares) throw Errors.invalidRequest.wrap("invalid shares amount");
    if (shares > delShares) shares = delShares;
    return shares;
  }

  /** keeper.Unbond: removes shares from the delegation and the validator; returns the tokens they were worth. */
  unbond(ctx: Ctx, delegator: string, valoper: string, shares: bigint): bigint {
    const delShares = this.getDelegationShares(ctx, delegator, valoper);
    if (delShares === undefined) throw StakingErrors.noDelegation.err();
    for (const h of this.hooks) h.beforeDelegationSharesModified!(ctx, delegator, valoper);
    if (delShares < shares) throw StakingErrors.notEnoughDelegationShares.wrap(decToString(delShares));
    let validator = this.requireValidator(ctx.store, valoper);
    const remaining = delShares - shares;
    // the operator undelegating below the minimum self delegation jails its validator
    const isOperator = this.operatorAccount(valoper) === delegator;
    if (isOperator && !validator.jailed && this.tokenValue(validator, remaining) < validator.minSelfDelegation) {
      validator = { ...validator, jailed: true };
      this.setValidator(ctx.store, validator);
    }
    if (remaining === 0n) this.removeDelegation(ctx, delegator, valoper);
    else this.setDelegation(ctx, delegator, valoper, remaining);
    // RemoveDelShares: the last share gets any trimmings
    let issued: bigint;
    const remainingShares = validator.shares - shares;
    if (remainingShares === 0n) {
      issued = validator.tokens;
      validator = { ...validator, tokens: 0n, shares: 0n };
    } else {
      issued = this.tokenValue(validator, shares);
      validator = { ...validator, tokens: validator.tokens - issued, shares: remainingShares };
    }
    if (validator.shares === 0n && validator.status === "unbonded") this.removeValidator(ctx.store, valoper);
    else this.setValidator(ctx.store, validator);
    return issued;
  }

  /** keeper.Undelegate. */
  undelegate(ctx: Ctx, delegator: string, valoper: string, shares: bigint): { completionTimeNs: bigint; amount: bigint } {
    const validator = this.requireValidator(ctx.store, valoper);
    const entries = this.getUnbondingEntries(ctx, delegator, valoper);
    if (entries.length >= this.params.maxEntries) throw StakingErrors.maxUnbondingEntries.err();
    const amount = this.unbond(ctx, delegator, valoper, shares);
    if (validator.status === "bonded") this.movePool(ctx, "bonded", "unbonded", amount);
    const completionTimeNs = ctx.env.timeNs + this.params.unbondingTimeNs;
    // UnbondingDelegation.AddEntry merges entries of the same height and completion time
    const same = entries.find((e) => e.creationHeight === ctx.env.height && e.completionTimeNs === completionTimeNs);
    if (same) {
      same.balance += amount;
      same.initialBalance += amount;
    } else {
      entries.push({ creationHeight: ctx.env.height, completionTimeNs, initialBalance: amount, balance: amount });
    }
    this.setUnbondingEntries(ctx, delegator, valoper, entries);
    return { completionTimeNs, amount };
  }

  /** keeper.BeginRedelegation; completionTimeNs undefined = completed at once (source validator unbonded). */
  beginRedelegation(ctx: Ctx, delegator: string, src: string, dst: string, shares: bigint): bigint | undefined {
    if (src === dst) throw StakingErrors.selfRedelegation.err();
    const dstValidator = this.getValidator(ctx.store, dst);
    if (!dstValidator) throw StakingErrors.badRedelegationDst.err();
    const srcValidator = this.getValidator(ctx.store, src);
    if (!srcValidator) throw StakingErrors.badRedelegationDst.err();
    if (this.hasReceivingRedelegation(ctx, delegator, src)) throw StakingErrors.transitiveRedelegation.err();
    const entries = this.getRedelegationEntries(ctx, delegator, src, dst);
    if (entries.length >= this.params.maxEntries) throw StakingErrors.maxRedelegationEntries.err();
    const amount = this.unbond(ctx, delegator, src, shares);
    if (amount === 0n) throw StakingErrors.tinyRedelegationAmount.err();
    const sharesCreated = this.delegate(ctx, delegator, amount, srcValidator.status, dstValidator, false);
    // getBeginInfo
    const after = this.getValidator(ctx.store, src);
    let completionTimeNs: bigint;
    let height: number;
    if (!after || after.status === "bonded") {
      completionTimeNs = ctx.env.timeNs + this.params.unbondingTimeNs;
      height = ctx.env.height;
    } else if (after.status === "unbonded") {
      return undefined;
    } else {
      completionTimeNs = after.unbondingTimeNs;
      height = after.unbondingHeight;
    }
    entries.push({ creationHeight: height, completionTimeNs, initialBalance: amount, sharesDst: sharesCreated });
    this.setRedelegationEntries(ctx, delegator, src, dst, entries);
    return completionTimeNs;
  }

  /** Jails a validator: it leaves the power index at once (all_validators) and the bonded set at the next EndBlock. */
  jail(ctx: Ctx, valoper: string): void {
    const v = this.requireValidator(ctx.store, valoper);
    if (v.jailed) throw new Error(`cannot jail already jailed validator ${valoper}`);
    this.setValidator(ctx.store, { ...v, jailed: true });
  }

  unjail(ctx: Ctx, valoper: string): void {
    const v = this.requireValidator(ctx.store, valoper);
    if (!v.jailed) throw new Error(`validator ${valoper} is not jailed`);
    this.setValidator(ctx.store, { ...v, jailed: false });
  }

  /**
   * keeper.Slash(consAddr, infractionHeight, power, slashFactor): slash amount = fraction × power × powerReduction
   * (truncated); unbonding delegations and redelegations created at or after `infractionHeight` (and not mature)
   * are slashed first by fraction × their initial balance; the rest comes from the validator's tokens (burned
   * from its pool). Returns the amounts.
   */
  slash(ctx: Ctx, valoper: string, infractionHeight: number, fractionRaw: bigint, power?: bigint): { slashAmount: bigint; burned: bigint } {
    let validator = this.getValidator(ctx.store, valoper);
    if (!validator) return { slashAmount: 0n, burned: 0n }; // over-slashed and removed: nothing to do
    if (validator.status === "unbonded") throw new Error("should not be slashing unbonded validator");
    if (fractionRaw < 0n || fractionRaw > ONE) throw new Error("slash fraction must be between 0 and 1");
    if (infractionHeight > ctx.env.height) throw new Error(`impossible attempt to slash future infraction at height ${infractionHeight} but we are at height ${ctx.env.height}`);
    const amount = (power ?? this.consensusPower(validator.tokens)) * this.params.powerReduction;
    const slashAmount = decTruncateInt(decMul(decFromInt(amount), fractionRaw));
    let remaining = slashAmount;
    let burned = 0n;
    const now = ctx.env.timeNs;
    if (infractionHeight < ctx.env.height) {
      // unbonding delegations from the validator
      for (const ubd of this.allUnbondings(ctx.store).filter((u) => u.validator === valoper)) {
        let total = 0n;
        let burnedHere = 0n;
        for (const e of ubd.entries) {
          if (e.creationHeight < infractionHeight) continue;
          if (e.completionTimeNs <= now) continue; // mature: no longer slashable
          const s = decTruncateInt(decMulInt(fractionRaw, e.initialBalance));
          total += s;
          const cut = minBig(s, e.balance);
          if (cut === 0n) continue;
          burnedHere += cut;
          e.balance -= cut;
        }
        this.setUnbondingEntries(ctx, ubd.delegator, ubd.validator, ubd.entries);
        this.burn(ctx, "unbonded", burnedHere);
        burned += burnedHere;
        remaining -= total;
      }
      // redelegations from the validator
      for (const red of this.allRedelegations(ctx.store).filter((r) => r.src === valoper)) {
        const r = this.slashRedelegation(ctx, red, infractionHeight, fractionRaw);
        burned += r.burned;
        remaining -= r.total;
      }
    }
    validator = this.requireValidator(ctx.store, valoper);
    const tokensToBurn = maxBig(minBig(remaining, validator.tokens), 0n);
    validator = { ...validator, tokens: validator.tokens - tokensToBurn };
    this.setValidator(ctx.store, validator);
    this.burn(ctx, validator.status, tokensToBurn);
    burned += tokensToBurn;
    return { slashAmount, burned };
  }

  /** keeper.SlashRedelegation (v0.50: an unbonding from the destination is slashed before the moved delegation). */
  private slashRedelegation(
    ctx: Ctx, red: { delegator: string; src: string; dst: string; entries: RedelegationEntry[] }, infractionHeight: number, fractionRaw: bigint,
  ): { total: bigint; burned: bigint } {
    const now = ctx.env.timeNs;
    let total = 0n;
    let bondedBurn = 0n;
    let notBondedBurn = 0n;
    for (const entry of red.entries) {
      if (entry.creationHeight < infractionHeight) continue;
      if (entry.completionTimeNs <= now) continue;
      let slashAmount = decTruncateInt(decMulInt(fractionRaw, entry.initialBalance));
      total += slashAmount;
      const ubdEntries = this.getUnbondingEntries(ctx, red.delegator, red.dst);
      if (ubdEntries.length > 0) {
        for (const u of ubdEntries) {
          const cut = minBig(slashAmount, u.balance);
          if (cut === 0n || u.creationHeight < infractionHeight || u.completionTimeNs <= now) continue;
          slashAmount -= cut;
          notBondedBurn += cut;
          u.balance -= cut;
        }
        this.setUnbondingEntries(ctx, red.delegator, red.dst, ubdEntries);
      }
      let sharesToUnbond = decMul(fractionRaw, entry.sharesDst);
      if (sharesToUnbond === 0n || slashAmount === 0n) continue;
      const delShares = this.getDelegationShares(ctx, red.delegator, red.dst);
      if (delShares === undefined) continue;
      if (sharesToUnbond > delShares) sharesToUnbond = delShares;
      const tokens = this.unbond(ctx, red.delegator, red.dst, sharesToUnbond);
      const dst = this.getValidator(ctx.store, red.dst);
      if (dst?.status === "bonded") bondedBurn += tokens;
      else notBondedBurn += tokens;
    }
    this.burn(ctx, "bonded", bondedBurn);
    this.burn(ctx, "unbonded", notBondedBurn);
    return { total, burned: bondedBurn + notBondedBurn };
  }

  // -- EndBlocker --------------------------------------------------------------------------------------------------

  /** Non-jailed validators in power-index order: power desc, then operator address bytes asc. */
  private byPower(store: KVStore): Validator[] {
    const vals = this.allValidators(store).filter((v) => !v.jailed);
    return vals.sort((a, b) => {
      const pa = this.consensusPower(a.tokens);
      const pb = this.consensusPower(b.tokens);
      if (pa !== pb) return pa > pb ? -1 : 1;
      return Buffer.compare(Buffer.from(this.valBytes(a.operator)), Buffer.from(this.valBytes(b.operator)));
    });
  }

  /** ApplyAndReturnValidatorSetUpdates. */
  applyValidatorSetUpdates(ctx: Ctx): void {
    const next = new Set<string>();
    let toBonded = 0n;
    let toNotBonded = 0n;
    for (const v of this.byPower(ctx.store)) {
      if (next.size >= this.params.maxValidators) break;
      if (this.consensusPower(v.tokens) === 0n) break;
      next.add(v.operator);
      if (v.status !== "bonded") {
        toBonded += v.tokens;
        this.setValidator(ctx.store, { ...v, status: "bonded" });
      }
    }
    for (const v of this.allValidators(ctx.store)) {
      if (v.status === "bonded" && !next.has(v.operator)) {
        toNotBonded += v.tokens;
        this.setValidator(ctx.store, {
          ...v, status: "unbonding", unbondingTimeNs: ctx.env.timeNs + this.params.unbondingTimeNs, unbondingHeight: ctx.env.height,
        });
      }
    }
    if (toBonded > toNotBonded) this.movePool(ctx, "unbonded", "bonded", toBonded - toNotBonded);
    else if (toBonded < toNotBonded) this.movePool(ctx, "bonded", "unbonded", toNotBonded - toBonded);
  }

  endBlock(ctx: Ctx): void {
    this.applyValidatorSetUpdates(ctx);
    const now = ctx.env.timeNs;
    // UnbondAllMatureValidators
    for (const v of this.allValidators(ctx.store)) {
      if (v.status === "unbonding" && v.unbondingTimeNs <= now && v.unbondingHeight <= ctx.env.height) {
        if (v.shares === 0n) this.removeValidator(ctx.store, v.operator);
        else this.setValidator(ctx.store, { ...v, status: "unbonded" });
      }
    }
    // DequeueAllMatureUBDQueue + CompleteUnbonding
    for (const ubd of this.allUnbondings(ctx.store)) {
      if (!ubd.entries.some((e) => e.completionTimeNs <= now)) continue;
      let paid = 0n;
      const keep: UnbondingEntry[] = [];
      for (const e of ubd.entries) {
        if (e.completionTimeNs <= now) paid += e.balance;
        else keep.push(e);
      }
      if (paid > 0n) {
        this.bank.subtract(ctx, this.notBondedPool, this.coins(paid));
        this.bank.add(ctx, ubd.delegator, this.coins(paid));
      }
      this.setUnbondingEntries(ctx, ubd.delegator, ubd.validator, keep);
      ctx.emit(ev("complete_unbonding", ["amount", coinsToString(this.coins(paid))], ["validator", ubd.validator], ["delegator", ubd.delegator]));
    }
    // DequeueAllMatureRedelegationQueue + CompleteRedelegation
    for (const red of this.allRedelegations(ctx.store)) {
      if (!red.entries.some((e) => e.completionTimeNs <= now)) continue;
      let balance = 0n;
      const keep = red.entries.filter((e) => {
        if (e.completionTimeNs > now) return true;
        balance += e.initialBalance;
        return false;
      });
      this.setRedelegationEntries(ctx, red.delegator, red.src, red.dst, keep);
      ctx.emit(ev("complete_redelegation", ["amount", coinsToString(this.coins(balance))], ["delegator", red.delegator],
        ["source_validator", red.src], ["destination_validator", red.dst]));
    }
  }

  nextDeadline(ctx: Ctx): bigint | undefined {
    let d: bigint | undefined;
    const take = (t: bigint) => {
      if (d === undefined || t < d) d = t;
    };
    for (const v of this.allValidators(ctx.store)) if (v.status === "unbonding") take(v.unbondingTimeNs);
    for (const u of this.allUnbondings(ctx.store)) for (const e of u.entries) take(e.completionTimeNs);
    for (const r of this.allRedelegations(ctx.store)) for (const e of r.entries) take(e.completionTimeNs);
    // a validator whose bonded status no longer matches the set update must get an ordinary block
    const want = new Set<string>();
    for (const v of this.byPower(ctx.store)) {
      if (want.size >= this.params.maxValidators || this.consensusPower(v.tokens) === 0n) break;
      want.add(v.operator);
    }
    if (this.allValidators(ctx.store).some((v) => (v.status === "bonded") !== want.has(v.operator))) return ctx.env.timeNs;
    return d;
  }

  skipBlocks(): void {
    // nothing happens in a quiet block
  }

  // -- HostModule: StakingMsg --------------------------------------------------------------------------------------

  decodeMsg(value: JsonValue, path: string): StakingMsg {
    const o = decObject(value, path, "types.StakingMsg");
    const variants = ["delegate", "undelegate", "redelegate"].filter((k) => o[k] !== undefined && o[k] !== null);
    if (variants.length > 1) throw new ShapeError(`${path}: more than one StakingMsg variant set (${variants.join(", ")})`);
    const v = variants[0];
    if (v === "delegate" || v === "undelegate") {
      const m = decObject(o[v], `${path}.${v}`);
      const inner = { validator: decString(m.validator, `${path}.${v}.validator`), amount: decCoin(m.amount, `${path}.${v}.amount`) };
      return v === "delegate" ? { delegate: inner } : { undelegate: inner };
    }
    if (v === "redelegate") {
      const m = decObject(o.redelegate, `${path}.redelegate`);
      return {
        redelegate: {
          src_validator: decString(m.src_validator, `${path}.redelegate.src_validator`),
          dst_validator: decString(m.dst_validator, `${path}.redelegate.dst_validator`),
          amount: decCoin(m.amount, `${path}.redelegate.amount`),
        },
      };
    }
    return { unknown: true };
  }

  handleMsg(ctx: Ctx, sender: string, msg: StakingMsg): DispatchResult {
    if ("delegate" in msg) return this.msgDelegate(ctx, sender, msg.delegate.validator, parseWasmCoin(msg.delegate.amount));
    if ("undelegate" in msg) return this.msgUndelegate(ctx, sender, msg.undelegate.validator, parseWasmCoin(msg.undelegate.amount));
    if ("redelegate" in msg) {
      const m = msg.redelegate;
      return this.msgBeginRedelegate(ctx, sender, m.src_validator, m.dst_validator, parseWasmCoin(m.amount));
    }
    throw Errors.unknownMsg.wrap("unknown variant of Staking");
  }

  private checkValAddr(valoper: string, what = "validator"): void {
    const r = this.parseValoper(valoper);
    if ("error" in r) throw Errors.invalidAddress.wrap(`invalid ${what} address: ${r.error}`);
  }

  private checkDenom(denom: string): void {
    if (denom !== this.bondDenom) throw Errors.invalidRequest.wrap(`invalid coin denomination: got ${denom}, expected ${this.bondDenom}`);
  }

  /** msgServer.Delegate. */
  msgDelegate(ctx: Ctx, delegator: string, valoper: string, amount: NormCoin): DispatchResult {
    this.checkValAddr(valoper);
    if (amount.amount <= 0n) throw Errors.invalidRequest.wrap("invalid delegation amount");
    const validator = this.requireValidator(ctx.store, valoper);
    this.checkDenom(amount.denom);
    const shares = this.delegate(ctx, delegator, amount.amount, "unbonded", validator, true);
    ctx.emit(ev("delegate", ["validator", valoper], ["delegator", delegator], ["amount", `${amount.amount}${amount.denom}`], ["new_shares", decToString(shares)]));
    return response("/cosmos.staking.v1beta1.MsgDelegateResponse", new Uint8Array(0));
  }

  /** msgServer.Undelegate. */
  msgUndelegate(ctx: Ctx, delegator: string, valoper: string, amount: NormCoin): DispatchResult {
    this.checkValAddr(valoper);
    if (amount.amount <= 0n) throw Errors.invalidRequest.wrap("invalid shares amount");
    const shares = this.validateUnbondAmount(ctx, delegator, valoper, amount.amount);
    this.checkDenom(amount.denom);
    const r = this.undelegate(ctx, delegator, valoper, shares);
    ctx.emit(ev("unbond", ["validator", valoper], ["delegator", delegator], ["amount", `${r.amount}${amount.denom}`],
      ["completion_time", rfc3339(r.completionTimeNs)]));
    return response("/cosmos.staking.v1beta1.MsgUndelegateResponse", protoMessage([
      [1, "message", protoTimestamp(r.completionTimeNs)],
      [2, "message", protoCoin(amount.denom, r.amount)],
    ]));
  }

  /** msgServer.BeginRedelegate. */
  msgBeginRedelegate(ctx: Ctx, delegator: string, src: string, dst: string, amount: NormCoin): DispatchResult {
    this.checkValAddr(src, "source validator");
    this.checkValAddr(dst, "destination validator");
    if (amount.amount <= 0n) throw Errors.invalidRequest.wrap("invalid shares amount");
    const shares = this.validateUnbondAmount(ctx, delegator, src, amount.amount);
    this.checkDenom(amount.denom);
    const completion = this.beginRedelegation(ctx, delegator, src, dst, shares);
    ctx.emit(ev("redelegate", ["source_validator", src], ["destination_validator", dst], ["amount", `${amount.amount}${amount.denom}`],
      ["completion_time", rfc3339(completion)]));
    const ts = completion === undefined ? protoMessage([[1, "varint", GO_ZERO_TIME_SECONDS]]) : protoTimestamp(completion);
    return response("/cosmos.staking.v1beta1.MsgBeginRedelegateResponse", protoMessage([[1, "message", ts]]));
  }

  // -- committed-state views (used by the scenario host backend) ----------------------------------------------------

  /** Operator addresses of the bonded validators, in all_validators order. */
  bondedValidators(): string[] {
    const ctx = this.committed?.();
    return ctx ? this.bondedByPower(ctx.store).map((v) => v.operator) : [];
  }

  /** Token value of a delegation on the committed state (0 when none). */
  delegationTokens(delegator: string, valoper: string): bigint {
    const ctx = this.committed?.();
    if (!ctx) return 0n;
    const shares = this.getDelegationShares(ctx, delegator, valoper);
    const v = this.getValidator(ctx.store, valoper);
    return shares === undefined || !v ? 0n : this.tokenValue(v, shares);
  }

  // -- HostModule: StakingQuery ------------------------------------------------------------------------------------

  private validatorJson(v: Validator): string {
    return `{"address":${goString(v.operator)},"commission":"${decToString(v.commissionRate)}",` +
      `"max_commission":"${decToString(v.maxCommissionRate)}","max_change_rate":"${decToString(v.maxChangeRate)}"}`;
  }

  /** GetBondedValidatorsByPower: the power index (non-jailed), bonded ones, at most maxValidators entries. */
  bondedByPower(store: KVStore): Validator[] {
    return this.byPower(store).slice(0, this.params.maxValidators).filter((v) => v.status === "bonded");
  }

  handleQuery(ctx: Ctx, _caller: string, value: JsonValue): Uint8Array {
    const o = decObject(value, "QueryRequest.staking", "types.StakingQuery");
    const coin = (amount: bigint) => `{"denom":${goString(this.bondDenom)},"amount":"${amount}"}`;
    if (isObject(o.all_validators)) {
      return utf8(`{"validators":[${this.bondedByPower(ctx.store).map((v) => this.validatorJson(v)).join(",")}]}`);
    }
    if (isObject(o.validator)) {
      const addr = decString(o.validator.address, "StakingQuery.validator.address");
      this.valBytes(addr);
      const v = this.getValidator(ctx.store, addr);
      return utf8(`{"validator":${v ? this.validatorJson(v) : "null"}}`);
    }
    if (isObject(o.all_delegations)) {
      const delegator = decString(o.all_delegations.delegator, "StakingQuery.all_delegations.delegator");
      if ("error" in ctx.env.api.canonicalize(delegator)) throw Errors.invalidAddress.wrap(delegator);
      const items = this.delegations(ctx, delegator).map((d) => {
        const v = this.getValidator(ctx.store, d.validator);
        if (!v) throw StakingErrors.noValidatorFound.wrap("can't load validator for delegation");
        return `{"delegator":${goString(d.delegator)},"validator":${goString(d.validator)},"amount":${coin(this.tokenValue(v, d.shares))}}`;
      });
      return utf8(`{"delegations":[${items.join(",")}]}`);
    }
    if (isObject(o.delegation)) {
      const delegator = decString(o.delegation.delegator, "StakingQuery.delegation.delegator");
      const valoper = decString(o.delegation.validator, "StakingQuery.delegation.validator");
      if ("error" in ctx.env.api.canonicalize(delegator)) throw Errors.invalidAddress.wrap(delegator);
      if ("error" in this.parseValoper(valoper)) throw Errors.invalidAddress.wrap(valoper);
      const shares = this.getDelegationShares(ctx, delegator, valoper);
      if (shares === undefined) return utf8("{}"); // Go omits the nil *FullDelegation
      const v = this.getValidator(ctx.store, valoper);
      if (!v) throw StakingErrors.noValidatorFound.wrap("can't load validator for delegation");
      const amount = this.tokenValue(v, shares);
      const canRedelegate = this.hasReceivingRedelegation(ctx, delegator, valoper) ? 0n : amount;
      const rewards = (this.rewards?.rewardsOf(ctx, delegator, valoper) ?? [])
        .map((r) => `{"denom":${goString(r.denom)},"amount":"${decTruncateInt(r.raw)}"}`);
      return utf8(
        `{"delegation":{"delegator":${goString(delegator)},"validator":${goString(valoper)},"amount":${coin(amount)},` +
          `"accumulated_rewards":[${rewards.join(",")}],"can_redelegate":${coin(canRedelegate)}}}`,
      );
    }
    if (isObject(o.bonded_denom)) return utf8(`{"denom":${goString(this.bondDenom)}}`);
    throw new HostError("unknown Staking variant", "wasm", 0, false, false, { unsupported_request: { kind: "unknown Staking variant" } });
  }
}

function response(typeUrl: string, value: Uint8Array): DispatchResult {
  return { data: value, msgResponses: [{ type_url: typeUrl, value }] };
}
