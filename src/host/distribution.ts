// x/distribution for the host, simplified but exact. Instead of fees and inflation, each validator can be given a
// fixed reward per block (`setBlockReward`); at the end of every block the reward of every bonded, non-jailed
// validator is minted into the distribution module account and shared: the commission (rate × reward) is kept
// for the validator, the rest is credited to its delegations pro rata by shares, each credit truncated to 18
// decimals (LegacyDec), the truncation dust going to the community pool. Rewards are withdrawn (truncated to whole
// coins, the decimal remainder going to the community pool as in x/distribution) by
// `withdraw_delegator_reward`, and automatically before a delegation's shares change (staking hook
// BeforeDelegationSharesModified, as x/distribution does on delegate / undelegate / redelegate).
// Queries answer in wasmd's layout (DistributionQuerier): DecCoins as {"amount":"1.500000000000000000","denom":…}.
//
// Not modelled: F1 periods and slash events (rewards are proportional to shares, which slashing does not change,
// so the split is the same), withdrawing validator commission, community pool spends.

import { moduleAddress } from "./address";
import { BankModule, NormCoin, coinsToString, normalizeWasmCoins } from "./bank";
import type { Ctx, DispatchResult, HostModule } from "./context";
import { ONE, decFromInt, decMul, decToString, decTruncateInt } from "./dec";
import { JsonValue, ShapeError, decArray, decObject, decString, goString, isObject } from "./json";
import { protoCoin, protoMessage } from "./proto";
import type { StakingHooks, StakingModule } from "./staking";
import { KVStore, bytesToKey, utf8Key } from "./storage";
import { Coin, Errors, Event, HostError, RootError } from "./types";

const distr = (code: number, desc: string) => new RootError("distribution", code, desc);
export const DistributionErrors = {
  emptyDelegationDistInfo: distr(5, "no delegation distribution info"),
  noValidatorDistInfo: distr(6, "no validator distribution info"),
  noValidatorExists: distr(12, "validator does not exist"),
  noDelegationExists: distr(13, "delegation does not exist"),
};

// State layout (host-internal): 0x07 ‖ sub-prefix ‖ … → JSON.
const WITHDRAW_ADDR = "\x07\x01";
const BLOCK_REWARD = "\x07\x02";
const ACCRUED = "\x07\x03";
const COMMUNITY_POOL = "\x07\x04";
const COMMISSION = "\x07\x05";

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s);

/** DecCoins as denom → raw LegacyDec. */
type DecMap = Record<string, string>;

function readMap(store: KVStore, key: string): Map<string, bigint> {
  const v = store.get(key);
  const m = new Map<string, bigint>();
  if (v !== undefined) for (const [d, a] of Object.entries(JSON.parse(Buffer.from(v).toString("utf8")) as DecMap)) m.set(d, BigInt(a));
  return m;
}

function writeMap(store: KVStore, key: string, m: Map<string, bigint>): void {
  const o: DecMap = {};
  for (const [d, a] of [...m.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) if (a !== 0n) o[d] = a.toString();
  if (Object.keys(o).length === 0) store.delete(key);
  else store.set(key, utf8(JSON.stringify(o)));
}

function addTo(m: Map<string, bigint>, denom: string, raw: bigint): void {
  m.set(denom, (m.get(denom) ?? 0n) + raw);
}

function ev(type: string, ...attrs: [string, string][]): Event {
  return { type, attributes: attrs.map(([key, value]) => ({ key, value })) };
}

export type DistributionMsg =
  | { set_withdraw_address: { address: string } }
  | { withdraw_delegator_reward: { validator: string } }
  | { fund_community_pool: { amount: Coin[] } }
  | { unknown: true };

export class DistributionModule implements HostModule, StakingHooks {
  readonly name = "distribution";

  constructor(private readonly prefix: string, private readonly bank: BankModule, private readonly staking: StakingModule) {}

  /** The distribution module account (holds minted rewards until withdrawn). */
  get moduleAccount(): string {
    return moduleAddress(this.prefix, "distribution");
  }

  private lp(ctx: Ctx, addr: string): string {
    const c = ctx.env.api.canonicalize(addr);
    if ("error" in c) throw new HostError(c.error, "undefined", 1);
    return String.fromCharCode(c.ok.length) + bytesToKey(c.ok);
  }

  private accruedKey(ctx: Ctx, delegator: string, valoper: string): string {
    return ACCRUED + this.lp(ctx, delegator) + utf8Key(valoper);
  }

  // -- configuration and state -------------------------------------------------------------------------------------

  /** Sets the reward minted for `valoper` at the end of every block (replaces the previous one; [] = none). */
  setBlockReward(ctx: Ctx, valoper: string, coins: NormCoin[]): void {
    const m = new Map<string, bigint>();
    for (const c of coins) addTo(m, c.denom, c.amount);
    writeMap(ctx.store, BLOCK_REWARD + utf8Key(valoper), m);
  }

  blockReward(store: KVStore, valoper: string): NormCoin[] {
    return [...readMap(store, BLOCK_REWARD + utf8Key(valoper)).entries()].map(([denom, amount]) => ({ denom, amount }));
  }

  withdrawAddress(ctx: Ctx, delegator: string): string {
    const v = ctx.store.get(WITHDRAW_ADDR + this.lp(ctx, delegator));
    return v === undefined ? delegator : Buffer.from(v).toString("utf8");
  }

  /** Outstanding rewards of a delegation (raw LegacyDec per denom, non-zero only, sorted by denom). */
  rewardsOf(ctx: Ctx, delegator: string, valoper: string): { denom: string; raw: bigint }[] {
    return [...readMap(ctx.store, this.accruedKey(ctx, delegator, valoper)).entries()]
      .filter(([, raw]) => raw !== 0n)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([denom, raw]) => ({ denom, raw }));
  }

  communityPool(store: KVStore): { denom: string; raw: bigint }[] {
    return [...readMap(store, COMMUNITY_POOL).entries()].map(([denom, raw]) => ({ denom, raw }));
  }

  validatorCommission(store: KVStore, valoper: string): { denom: string; raw: bigint }[] {
    return [...readMap(store, COMMISSION + utf8Key(valoper)).entries()].map(([denom, raw]) => ({ denom, raw }));
  }

  // -- allocation -------------------------------------------------------------------------------------------------

  /** Allocates `times` blocks' rewards (one block's allocation repeated: the state does not change in between). */
  private allocate(ctx: Ctx, times: bigint): void {
    const staking = this.staking;
    const rewarded = staking.allValidators(ctx.store).filter((v) => v.status === "bonded" && !v.jailed && v.shares > 0n);
    if (rewarded.length === 0) return;
    const withReward = rewarded.map((v) => ({ v, reward: this.blockReward(ctx.store, v.operator) })).filter((x) => x.reward.length > 0);
    if (withReward.length === 0) return;
    const byValidator = new Map<string, { delegator: string; shares: bigint }[]>();
    for (const d of staking.delegations(ctx)) {
      const list = byValidator.get(d.validator) ?? [];
      list.push(d);
      byValidator.set(d.validator, list);
    }
    const pool = readMap(ctx.store, COMMUNITY_POOL);
    for (const { v, reward } of withReward) {
      this.bank.mintCoins(ctx, this.moduleAccount, reward.map((c) => ({ denom: c.denom, amount: c.amount * times })));
      const commission = readMap(ctx.store, COMMISSION + utf8Key(v.operator));
      const dels = byValidator.get(v.operator) ?? [];
      for (const c of reward) {
        const commissionRaw = decMul(decFromInt(c.amount), v.commissionRate);
        const shared = decFromInt(c.amount) - commissionRaw;
        addTo(commission, c.denom, commissionRaw * times);
        let credited = 0n;
        for (const d of dels) {
          const inc = (shared * d.shares) / v.shares; // truncated to 18 decimals
          if (inc === 0n) continue;
          credited += inc;
          const key = this.accruedKey(ctx, d.delegator, v.operator);
          const acc = readMap(ctx.store, key);
          addTo(acc, c.denom, inc * times);
          writeMap(ctx.store, key, acc);
        }
        addTo(pool, c.denom, (shared - credited) * times);
      }
      writeMap(ctx.store, COMMISSION + utf8Key(v.operator), commission);
    }
    writeMap(ctx.store, COMMUNITY_POOL, pool);
  }

  endBlock(ctx: Ctx): void {
    this.allocate(ctx, 1n);
  }

  nextDeadline(): bigint | undefined {
    return undefined;
  }

  skipBlocks(ctx: Ctx, n: number): void {
    this.allocate(ctx, BigInt(n));
  }

  // -- withdrawal -------------------------------------------------------------------------------------------------

  /** withdrawDelegationRewards: pays the truncated rewards to the withdraw address; the remainder goes to the pool. */
  withdraw(ctx: Ctx, delegator: string, valoper: string): NormCoin[] {
    const key = this.accruedKey(ctx, delegator, valoper);
    const acc = readMap(ctx.store, key);
    const pool = readMap(ctx.store, COMMUNITY_POOL);
    const coins: NormCoin[] = [];
    for (const [denom, raw] of [...acc.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const whole = decTruncateInt(raw);
      if (whole > 0n) coins.push({ denom, amount: whole });
      addTo(pool, denom, raw - whole * ONE);
    }
    writeMap(ctx.store, COMMUNITY_POOL, pool);
    ctx.store.delete(key);
    if (coins.length > 0) this.bank.send(ctx, this.moduleAccount, this.withdrawAddress(ctx, delegator), coins);
    // x/distribution emits "0stake" (sdk.DefaultBondDenom when no base denom is registered) for an empty withdrawal
    const emitted = coins.length > 0 ? coinsToString(coins) : "0stake";
    ctx.emit(ev("withdraw_rewards", ["amount", emitted], ["validator", valoper], ["delegator", delegator]));
    return coins;
  }

  /** StakingHooks: withdraw before the delegation changes (x/distribution's BeforeDelegationSharesModified). */
  beforeDelegationSharesModified(ctx: Ctx, delegator: string, validator: string): void {
    this.withdraw(ctx, delegator, validator);
  }

  // -- HostModule: DistributionMsg ---------------------------------------------------------------------------------

  decodeMsg(value: JsonValue, path: string): DistributionMsg {
    const o = decObject(value, path, "types.DistributionMsg");
    const variants = ["set_withdraw_address", "withdraw_delegator_reward", "fund_community_pool"].filter((k) => o[k] !== undefined && o[k] !== null);
    if (variants.length > 1) throw new ShapeError(`${path}: more than one DistributionMsg variant set (${variants.join(", ")})`);
    switch (variants[0]) {
      case "set_withdraw_address": {
        const m = decObject(o.set_withdraw_address, `${path}.set_withdraw_address`);
        return { set_withdraw_address: { address: decString(m.address, `${path}.set_withdraw_address.address`) } };
      }
      case "withdraw_delegator_reward": {
        const m = decObject(o.withdraw_delegator_reward, `${path}.withdraw_delegator_reward`);
        return { withdraw_delegator_reward: { validator: decString(m.validator, `${path}.withdraw_delegator_reward.validator`) } };
      }
      case "fund_community_pool": {
        const m = decObject(o.fund_community_pool, `${path}.fund_community_pool`);
        const amount = decArray(m.amount, `${path}.fund_community_pool.amount`).map((c, i) => {
          const co = decObject(c, `${path}.fund_community_pool.amount[${i}]`, "types.Coin");
          return { denom: decString(co.denom, "Coin.denom"), amount: decString(co.amount, "Coin.amount") };
        });
        return { fund_community_pool: { amount } };
      }
      default:
        return { unknown: true };
    }
  }

  handleMsg(ctx: Ctx, sender: string, msg: DistributionMsg): DispatchResult {
    if ("set_withdraw_address" in msg) return this.msgSetWithdrawAddress(ctx, sender, msg.set_withdraw_address.address);
    if ("withdraw_delegator_reward" in msg) return this.msgWithdrawDelegatorReward(ctx, sender, msg.withdraw_delegator_reward.validator);
    if ("fund_community_pool" in msg) return this.msgFundCommunityPool(ctx, sender, normalizeWasmCoins(msg.fund_community_pool.amount));
    throw Errors.unknownMsg.wrap("unknown variant of Distribution");
  }

  /** msgServer.SetWithdrawAddress. */
  msgSetWithdrawAddress(ctx: Ctx, delegator: string, address: string): DispatchResult {
    const c = ctx.env.api.canonicalize(address);
    if ("error" in c) throw new HostError(c.error, "undefined", 1);
    ctx.store.set(WITHDRAW_ADDR + this.lp(ctx, delegator), utf8(address));
    ctx.emit(ev("set_withdraw_address", ["withdraw_address", address]));
    return response("/cosmos.distribution.v1beta1.MsgSetWithdrawAddressResponse", new Uint8Array(0));
  }

  /** msgServer.WithdrawDelegatorReward → keeper.WithdrawDelegationRewards. */
  msgWithdrawDelegatorReward(ctx: Ctx, delegator: string, valoper: string): DispatchResult {
    const staking = this.staking;
    const r = staking.parseValoper(valoper);
    if ("error" in r) throw new HostError(r.error, "undefined", 1);
    if (!staking.getValidator(ctx.store, valoper)) throw DistributionErrors.noValidatorDistInfo.err();
    if (staking.getDelegationShares(ctx, delegator, valoper) === undefined) throw DistributionErrors.emptyDelegationDistInfo.err();
    const coins = this.withdraw(ctx, delegator, valoper);
    return response("/cosmos.distribution.v1beta1.MsgWithdrawDelegatorRewardResponse",
      protoMessage(coins.map((c) => [1, "message", protoCoin(c.denom, c.amount)] as [number, "message", Uint8Array])));
  }

  /** msgServer.FundCommunityPool. */
  msgFundCommunityPool(ctx: Ctx, depositor: string, coins: NormCoin[]): DispatchResult {
    if (coins.length === 0) throw Errors.invalidCoins.wrap("amount cannot be empty");
    this.bank.send(ctx, depositor, this.moduleAccount, coins);
    const pool = readMap(ctx.store, COMMUNITY_POOL);
    for (const c of coins) addTo(pool, c.denom, decFromInt(c.amount));
    writeMap(ctx.store, COMMUNITY_POOL, pool);
    return response("/cosmos.distribution.v1beta1.MsgFundCommunityPoolResponse", new Uint8Array(0));
  }

  // -- HostModule: DistributionQuery --------------------------------------------------------------------------------

  handleQuery(ctx: Ctx, _caller: string, value: JsonValue): Uint8Array {
    const o = decObject(value, "QueryRequest.distribution", "types.DistributionQuery");
    const staking = this.staking;
    const delegatorOf = (v: JsonValue | undefined, path: string) => {
      const d = decString(v, path);
      if (d === "") throw new HostError("empty delegator address", "undefined", 1);
      const c = ctx.env.api.canonicalize(d);
      if ("error" in c) throw new HostError(c.error, "undefined", 1);
      return d;
    };
    const decCoins = (list: { denom: string; raw: bigint }[]) =>
      `[${list.map((r) => `{"amount":"${decToString(r.raw)}","denom":${goString(r.denom)}}`).join(",")}]`;
    if (isObject(o.delegator_withdraw_address)) {
      const d = delegatorOf(o.delegator_withdraw_address.delegator_address, "DistributionQuery.delegator_withdraw_address.delegator_address");
      return utf8(`{"withdraw_address":${goString(this.withdrawAddress(ctx, d))}}`);
    }
    if (isObject(o.delegation_rewards)) {
      const d = delegatorOf(o.delegation_rewards.delegator_address, "DistributionQuery.delegation_rewards.delegator_address");
      const valoper = decString(o.delegation_rewards.validator_address, "DistributionQuery.delegation_rewards.validator_address");
      if (valoper === "") throw new HostError("empty validator address", "undefined", 1);
      const r = staking.parseValoper(valoper);
      if ("error" in r) throw new HostError(r.error, "undefined", 1);
      if (!staking.getValidator(ctx.store, valoper)) throw DistributionErrors.noValidatorExists.wrap(valoper);
      if (staking.getDelegationShares(ctx, d, valoper) === undefined) throw DistributionErrors.noDelegationExists.err();
      return utf8(`{"rewards":${decCoins(this.rewardsOf(ctx, d, valoper))}}`);
    }
    if (isObject(o.delegation_total_rewards)) {
      const d = delegatorOf(o.delegation_total_rewards.delegator_address, "DistributionQuery.delegation_total_rewards.delegator_address");
      const total = new Map<string, bigint>();
      const items = staking.delegations(ctx, d).map((del) => {
        const rewards = this.rewardsOf(ctx, d, del.validator);
        for (const r of rewards) addTo(total, r.denom, r.raw);
        return `{"reward":${decCoins(rewards)},"validator_address":${goString(del.validator)}}`;
      });
      const totals = [...total.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([denom, raw]) => ({ denom, raw }));
      return utf8(`{"rewards":[${items.join(",")}],"total":${decCoins(totals)}}`);
    }
    if (isObject(o.delegator_validators)) {
      const d = delegatorOf(o.delegator_validators.delegator_address, "DistributionQuery.delegator_validators.delegator_address");
      return utf8(`{"validators":[${staking.delegations(ctx, d).map((x) => goString(x.validator)).join(",")}]}`);
    }
    throw new HostError("unknown distribution query", "wasm", 0, false, false, { unsupported_request: { kind: "unknown distribution query" } });
  }
}

function response(typeUrl: string, value: Uint8Array): DispatchResult {
  return { data: value, msgResponses: [{ type_url: typeUrl, value }] };
}
