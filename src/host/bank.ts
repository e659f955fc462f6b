// x/bank for the host: balances and supply in the chain's KV state, sends with the SDK's events, contract burns
// (wasmd's BurnCoinMessageHandler), and the bank queries of `query_chain`.

import { moduleAddress } from "./address";
import type { Ctx, DispatchResult, HostModule } from "./context";
import { JsonValue, ShapeError, decArray, decObject, decString, goString, isObject } from "./json";
import { KVStore, prefixEnd, utf8Key } from "./storage";
import { Coin, Errors, Event, HostError } from "./types";

/** A validated coin with an exact amount. */
export type NormCoin = { denom: string; amount: bigint };

const DENOM_RE = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/; // cosmos-sdk types/coin.go reDnmString
const MAX_AMOUNT_BITS = 256; // sdkmath.MaxBitLen

export function coinsToString(coins: NormCoin[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(",");
}

export function toWasmCoins(coins: NormCoin[]): Coin[] {
  return coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
}

function parseAmount(c: Coin): bigint {
  const s = c.amount;
  // The SDK parses with big.Int SetString(s, 0), which also takes signs, 0x/0o/0b prefixes, underscores and treats
  // a leading 0 as octal. The host accepts plain decimal only, so a contract never silently differs from chain.
  if (typeof s !== "string" || !/^(0|[1-9][0-9]*)$/.test(s)) {
    throw Errors.invalidCoins.wrap(`${s}${c.denom}`);
  }
  const v = BigInt(s);
  if (v.toString(2).length > MAX_AMOUNT_BITS) throw Errors.invalidCoins.wrap(`${s}${c.denom}`);
  return v;
}

function checkDenom(denom: string): void {
  if (!DENOM_RE.test(denom)) throw new HostError(`invalid denom: ${denom}`, "undefined", 1);
}

/** wasmd `ConvertWasmCoinToSdkCoin`: one coin with a parsable amount (zero allowed) and a valid denom. */
export function parseWasmCoin(c: Coin): NormCoin {
  const amount = parseAmount(c);
  checkDenom(c.denom);
  return { denom: c.denom, amount };
}

/**
 * wasmd `ConvertWasmCoinsToSdkCoins` for coins in contract messages: every coin must parse and have a valid
 * denom; then they are added up (duplicates merged, zero amounts dropped) and sorted by denom.
 */
export function normalizeWasmCoins(coins: Coin[]): NormCoin[] {
  const sums = new Map<string, bigint>();
  for (const c of coins) {
    const amount = parseAmount(c);
    checkDenom(c.denom);
    sums.set(c.denom, (sums.get(c.denom) ?? 0n) + amount);
  }
  return [...sums.entries()]
    .filter(([, a]) => a > 0n)
    .map(([denom, amount]) => ({ denom, amount }))
    .sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
}

/**
 * Funds of a user tx (`sdk.Coins.Validate` in MsgExecuteContract.ValidateBasic): positive amounts, valid denoms,
 * no duplicates. For convenience the host sorts them (CosmJS users must sort themselves).
 */
export function validateUserFunds(coins: Coin[] | undefined): NormCoin[] {
  if (!coins || coins.length === 0) return [];
  const out: NormCoin[] = [];
  for (const c of coins) {
    const amount = parseAmount(c);
    checkDenom(c.denom);
    if (amount === 0n) throw Errors.invalidCoins.wrap(`coin ${c.amount}${c.denom} amount is not positive`).wrap("funds");
    out.push({ denom: c.denom, amount });
  }
  out.sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
  for (let i = 1; i < out.length; i++) {
    if (out[i].denom === out[i - 1].denom) throw Errors.invalidCoins.wrap(`duplicate denomination ${out[i].denom}`).wrap("funds");
  }
  return out;
}

// State layout (host-internal): 0x01 ‖ u8(len(addr)) ‖ addr ‖ denom → decimal amount; 0x02 ‖ denom → supply.
const BALANCE = "\x01";
const SUPPLY = "\x02";

function balancePrefix(addr: string): string {
  const a = utf8Key(addr);
  return BALANCE + String.fromCharCode(a.length) + a;
}

function readAmount(store: KVStore, key: string): bigint {
  const v = store.get(key);
  return v === undefined ? 0n : BigInt(Buffer.from(v).toString("latin1"));
}

function writeAmount(store: KVStore, key: string, amount: bigint): void {
  if (amount === 0n) store.delete(key);
  else store.set(key, new Uint8Array(Buffer.from(amount.toString(), "latin1")));
}

export type BankMsg =
  | { send: { to_address: string; amount: Coin[] } }
  | { burn: { amount: Coin[] } };

function decCoins(v: JsonValue | undefined, path: string): Coin[] {
  return decArray(v, path, "[]types.Coin").map((c, i) => {
    const o = decObject(c, `${path}[${i}]`, "types.Coin");
    return { denom: decString(o.denom, `${path}.denom`), amount: decString(o.amount, `${path}.amount`) };
  });
}

export class BankModule implements HostModule {
  readonly name = "bank";

  constructor(private readonly prefix: string) {}

  /** Address of the wasm module account (receives coins before burning them). */
  get burnerAddress(): string {
    return moduleAddress(this.prefix, "wasm");
  }

  balance(store: KVStore, addr: string, denom: string): bigint {
    return readAmount(store, balancePrefix(addr) + utf8Key(denom));
  }

  allBalances(store: KVStore, addr: string): NormCoin[] {
    const p = balancePrefix(addr);
    return store.range(p, prefixEnd(p), "asc").map(([k, v]) => ({
      denom: Buffer.from(k.slice(p.length), "latin1").toString("utf8"),
      amount: BigInt(Buffer.from(v).toString("latin1")),
    }));
  }

  supply(store: KVStore, denom: string): bigint {
    return readAmount(store, SUPPLY + utf8Key(denom));
  }

  /** Genesis-style mint: balance and supply grow, no events. */
  mint(store: KVStore, addr: string, coins: NormCoin[]): void {
    for (const c of coins) {
      const k = balancePrefix(addr) + utf8Key(c.denom);
      writeAmount(store, k, readAmount(store, k) + c.amount);
      const s = SUPPLY + utf8Key(c.denom);
      writeAmount(store, s, readAmount(store, s) + c.amount);
    }
  }

  /** Removes coins from `addr` (insufficient funds error), emitting `coin_spent`. */
  subtract(ctx: Ctx, addr: string, coins: NormCoin[]): void {
    for (const c of coins) {
      const k = balancePrefix(addr) + utf8Key(c.denom);
      const have = readAmount(ctx.store, k);
      if (have < c.amount) {
        throw Errors.insufficientFunds.wrap(`spendable balance ${have}${c.denom} is smaller than ${c.amount}${c.denom}`);
      }
      writeAmount(ctx.store, k, have - c.amount);
    }
    ctx.emit(ev("coin_spent", ["spender", addr], ["amount", coinsToString(coins)]));
  }

  /** Adds coins to `addr`, emitting `coin_received`. */
  add(ctx: Ctx, addr: string, coins: NormCoin[]): void {
    for (const c of coins) {
      const k = balancePrefix(addr) + utf8Key(c.denom);
      writeAmount(ctx.store, k, readAmount(ctx.store, k) + c.amount);
    }
    ctx.emit(ev("coin_received", ["receiver", addr], ["amount", coinsToString(coins)]));
  }

  /** `bankkeeper.SendCoins` with its events (coin_spent, coin_received, transfer). Nothing for no coins. */
  send(ctx: Ctx, from: string, to: string, coins: NormCoin[]): void {
    if (coins.length === 0) return;
    this.subtract(ctx, from, coins);
    this.add(ctx, to, coins);
    ctx.emit(ev("transfer", ["recipient", to], ["sender", from], ["amount", coinsToString(coins)]));
  }

  /** `bankkeeper.MintCoins` into `addr` (a module account): supply grows; events coin_received, coinbase. */
  mintCoins(ctx: Ctx, addr: string, coins: NormCoin[]): void {
    if (coins.length === 0) return;
    this.add(ctx, addr, coins);
    for (const c of coins) {
      const s = SUPPLY + utf8Key(c.denom);
      writeAmount(ctx.store, s, readAmount(ctx.store, s) + c.amount);
    }
    ctx.emit(ev("coinbase", ["minter", addr], ["amount", coinsToString(coins)]));
  }

  /** `bankkeeper.BurnCoins` from `addr` (a module account): supply shrinks; events coin_spent, burn. */
  burnCoins(ctx: Ctx, addr: string, coins: NormCoin[]): void {
    if (coins.length === 0) return;
    this.subtract(ctx, addr, coins);
    for (const c of coins) {
      const s = SUPPLY + utf8Key(c.denom);
      writeAmount(ctx.store, s, readAmount(ctx.store, s) - c.amount);
    }
    ctx.emit(ev("burn", ["burner", addr], ["amount", coinsToString(coins)]));
  }

  /** wasmd BurnCoinMessageHandler: send to the wasm module account, then burn from it. */
  burn(ctx: Ctx, from: string, coins: NormCoin[]): void {
    const module = this.burnerAddress;
    try {
      this.send(ctx, from, module, coins);
    } catch (e) {
      throw e instanceof HostError ? e.wrap("transfer to module") : e;
    }
    this.subtract(ctx, module, coins);
    for (const c of coins) {
      const s = SUPPLY + utf8Key(c.denom);
      writeAmount(ctx.store, s, readAmount(ctx.store, s) - c.amount);
    }
    ctx.emit(ev("burn", ["burner", module], ["amount", coinsToString(coins)]));
  }

  // -- HostModule ------------------------------------------------------------------------------------------------

  decodeMsg(value: JsonValue, path: string): BankMsg | { unknown: true } {
    const o = decObject(value, path, "types.BankMsg");
    const variants = ["send", "burn"].filter((k) => o[k] !== undefined && o[k] !== null);
    if (variants.length > 1) throw new ShapeError(`${path}: more than one BankMsg variant set (${variants.join(", ")})`);
    if (o.send !== undefined && o.send !== null) {
      const s = decObject(o.send, `${path}.send`, "types.SendMsg");
      return { send: { to_address: decString(s.to_address, `${path}.send.to_address`), amount: decCoins(s.amount, `${path}.send.amount`) } };
    }
    if (o.burn !== undefined && o.burn !== null) {
      const b = decObject(o.burn, `${path}.burn`, "types.BurnMsg");
      return { burn: { amount: decCoins(b.amount, `${path}.burn.amount`) } };
    }
    return { unknown: true };
  }

  handleMsg(ctx: Ctx, sender: string, msg: BankMsg | { unknown: true }): DispatchResult {
    if ("send" in msg) {
      if (msg.send.amount.length === 0) return { msgResponses: [] }; // wasmd encodes no SDK message at all
      const coins = normalizeWasmCoins(msg.send.amount);
      const to = msg.send.to_address;
      const c = ctx.env.api.canonicalize(to);
      if ("error" in c) throw Errors.invalidAddress.wrap(`invalid to address: ${c.error}`);
      if (coins.length === 0) throw Errors.invalidCoins.wrap(coinsToString(coins));
      this.send(ctx, sender, to, coins);
      return {
        data: new Uint8Array(0),
        msgResponses: [{ type_url: "/cosmos.bank.v1beta1.MsgSendResponse", value: new Uint8Array(0) }],
      };
    }
    if ("burn" in msg) {
      const coins = normalizeWasmCoins(msg.burn.amount);
      if (coins.length === 0) throw Errors.empty.wrap("amount");
      this.burn(ctx, sender, coins);
      return { msgResponses: [] };
    }
    throw Errors.unknownMsg.wrap("unknown variant of Bank");
  }

  handleQuery(ctx: Ctx, _caller: string, value: JsonValue): Uint8Array {
    const o = decObject(value, "QueryRequest.bank", "types.BankQuery");
    const addrOf = (a: string) => {
      const c = ctx.env.api.canonicalize(a);
      if ("error" in c) throw Errors.invalidAddress.wrap(a);
      return a;
    };
    const coinJson = (denom: string, amount: bigint) => `{"denom":${goString(denom)},"amount":"${amount}"}`;
    if (isObject(o.all_balances)) {
      const addr = addrOf(decString(o.all_balances.address, "BankQuery.all_balances.address"));
      const coins = this.allBalances(ctx.store, addr);
      return utf8(`{"amount":[${coins.map((c) => coinJson(c.denom, c.amount)).join(",")}]}`);
    }
    if (isObject(o.balance)) {
      const addr = addrOf(decString(o.balance.address, "BankQuery.balance.address"));
      const denom = decString(o.balance.denom, "BankQuery.balance.denom");
      return utf8(`{"amount":${coinJson(denom, this.balance(ctx.store, addr, denom))}}`);
    }
    if (isObject(o.supply)) {
      const denom = decString(o.supply.denom, "BankQuery.supply.denom");
      return utf8(`{"amount":${coinJson(denom, this.supply(ctx.store, denom))}}`);
    }
    if (isObject(o.denom_metadata)) {
      // the host keeps no denom metadata: the chain's answer for an unknown denom
      throw Errors.sdkNotFound.wrap(decString(o.denom_metadata.denom, "BankQuery.denom_metadata.denom"));
    }
    throw new HostError("unknown BankQuery variant", "wasm", 0, false, false, { unsupported_request: { kind: "unknown BankQuery variant" } });
  }
}

function ev(type: string, ...attrs: [string, string][]): Event {
  return { type, attributes: attrs.map(([key, value]) => ({ key, value })) };
}

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

