// meta-staking's rewards (docs/rewards.md §1) on the in-process host, whose x/distribution pays a fixed reward per
// block to each validator's delegations pro rata and withdraws a delegation's rewards automatically whenever its
// shares change. Accounts stand in for consumer contracts. The expected amounts come from a model written here from
// the design's rules (harvest what the chain reports before each change, split pool / queue by tokens, index per
// share rounded down, each consumer's part rounded down), fed with what the host's x/distribution reports.
import { commonErrors, metaStakingErrors } from "../../src/contracts/errors";
import { MetaStakingExecuteMsgBuilder, MetaStakingQueryMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import { Chain } from "../../src/host";
import { HostScenarioChain, HostScenarioNetwork } from "../../src/scenario/host-backend";
import { TxOutcome } from "../../src/scenario/types";
import { artifact } from "../helpers/artifacts";
import { ok } from "../helpers/mesh";

const SCALE = 10n ** 18n;
const FUNDS = 20_000_000n;
const REWARD_PER_BLOCK = 100_000n;
const errorOf = (r: TxOutcome) => (r.ok ? "" : r.error);

interface Setup {
  b: HostScenarioChain;
  host: Chain;
  meta: string;
  /** a validator of its own, so meta-staking's delegation is a large part of it */
  validator: string;
  alice: string;
  bob: string;
}

async function setup(): Promise<Setup> {
  const b = new HostScenarioNetwork(["mesh-b"]).chain("mesh-b");
  const code = await b.upload("admin", artifact("meta-staking"));
  const meta = await b.instantiate("admin", code, { unbonding_period_seconds: 90 } satisfies MetaStaking.InstantiateMsg, "meta", [{ denom: b.denom, amount: FUNDS.toString() }]);
  for (const who of ["alice", "bob"] as const) {
    await ok(b.execute("admin", meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: b.address(who), amount: FUNDS.toString() })));
  }
  const host = b.host;
  const validator = host.addValidator("rewarded", 1_000_000n);
  host.setBlockReward(validator, REWARD_PER_BLOCK);
  return { b, host, meta, validator, alice: b.address("alice"), bob: b.address("bob") };
}

/** Whole coins of meta-staking's outstanding rewards on the validator, as x/distribution would pay them now. */
function accrued(s: Setup): bigint {
  const r = s.host.rewards(s.meta, s.validator).find((c) => c.denom === s.b.denom);
  return r ? BigInt(r.amount.split(".")[0]) : 0n;
}

function exec(s: Setup, sender: string, msg: unknown): { data?: Uint8Array } {
  const r = s.host.execute(sender, s.meta, msg);
  if (!r.ok) throw new Error(r.error);
  return r;
}

/** The design's accounting, kept by the test. */
class Model {
  index = 0n; // atomics (18 decimals)
  shares = new Map<string, bigint>();
  paidAt = new Map<string, bigint>();
  owed = new Map<string, bigint>();
  poolTokens = 0n;
  queued = 0n;
  harvestedForConsumers = 0n;

  harvest(rewards: bigint): void {
    const totalShares = [...this.shares.values()].reduce((a, b) => a + b, 0n);
    if (rewards === 0n || totalShares === 0n || this.poolTokens === 0n) return;
    const part = (rewards * this.poolTokens) / (this.poolTokens + this.queued);
    if (part === 0n) return;
    this.index += (part * SCALE) / totalShares;
    this.harvestedForConsumers += part;
  }

  settle(who: string): void {
    const shares = this.shares.get(who) ?? 0n;
    const earned = (shares * (this.index - (this.paidAt.get(who) ?? 0n))) / SCALE;
    this.owed.set(who, (this.owed.get(who) ?? 0n) + earned);
    this.paidAt.set(who, this.index);
  }

  pending(who: string): bigint {
    return (this.owed.get(who) ?? 0n) + ((this.shares.get(who) ?? 0n) * (this.index - (this.paidAt.get(who) ?? 0n))) / SCALE;
  }
}

describe("meta-staking rewards", () => {
  it("are attributed to the consumers that earned them while delegations change, and claimed exactly", async () => {
    const s = await setup();
    const m = new Model();
    const delegate = (who: string, amount: bigint) => {
      m.harvest(accrued(s));
      m.settle(who);
      exec(s, who, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: amount.toString() }));
      m.shares.set(who, (m.shares.get(who) ?? 0n) + amount); // no slash: one share per token
      m.poolTokens += amount;
      s.host.advance({ blocks: 10 });
    };
    delegate(s.alice, 1_000_000n);
    delegate(s.bob, 3_000_000n);
    delegate(s.alice, 500_000n);

    // Alice undelegates part: the first batch of the validator goes to x/staking at once (the queue stays empty).
    m.harvest(accrued(s));
    m.settle(s.alice);
    exec(s, s.alice, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "700000" }));
    m.shares.set(s.alice, m.shares.get(s.alice)! - 700_000n);
    m.poolTokens -= 700_000n;
    s.host.advance({ blocks: 7 });

    // The query includes what x/distribution accrued since the last harvest.
    const preview = new Model();
    Object.assign(preview, { ...m, shares: new Map(m.shares), paidAt: new Map(m.paidAt), owed: new Map(m.owed) });
    preview.harvest(accrued(s));
    for (const who of [s.alice, s.bob]) {
      expect(await s.b.query<MetaStaking.RewardsResponse>(s.meta, MetaStakingQueryMsgBuilder.rewards({ consumer: who })))
        .toEqual({ rewards: [{ validator: s.validator, denom: s.b.denom, amount: preview.pending(who).toString() }], next_start_after: null });
    }

    // Each claim pays exactly the model's amount, in one bank send, and reports the split as its data.
    let paid = 0n;
    for (const who of [s.alice, s.bob]) {
      m.harvest(accrued(s));
      m.settle(who);
      const expected = m.owed.get(who)!;
      expect(expected > 0n).toBe(true);
      const before = s.host.balance(who, s.b.denom);
      const r = exec(s, who, MetaStakingExecuteMsgBuilder.claimRewards({}));
      expect(Buffer.from(r.data!).toString()).toBe(`{"rewards":[{"validator":"${s.validator}","denom":"${s.b.denom}","amount":"${expected}"}],"next_start_after":null}`);
      expect(s.host.balance(who, s.b.denom)).toBe(before + expected);
      m.owed.set(who, 0n);
      paid += expected;
      // A second claim in the same block pays nothing.
      expect(Buffer.from(exec(s, who, MetaStakingExecuteMsgBuilder.claimRewards({})).data!).toString()).toBe(`{"rewards":[],"next_start_after":null}`);
    }
    // What is still held for consumers is the unsettled part plus the index's rounding dust: never paid twice.
    const totals = await s.b.query<MetaStaking.RewardTotalsResponse>(s.meta, MetaStakingQueryMsgBuilder.rewardTotals());
    const held = BigInt(totals.held.find((h) => h.denom === s.b.denom)?.amount ?? "0");
    expect(held).toBe(m.harvestedForConsumers - paid);
    expect(held).toBeLessThan(7n); // below one unit per settlement (seven here)
    // Σ paid + held = Σ harvested for consumers; the fund is the balance minus what is held.
    expect(BigInt(totals.fund)).toBe(s.host.balance(s.meta, s.b.denom) - held);
  });

  it("the governance fund never includes rewards held for consumers", async () => {
    const s = await setup();
    exec(s, s.alice, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "2000000" }));
    s.host.advance({ blocks: 5 });
    const rewards = accrued(s);
    // Bob's delegation harvests alice's rewards: they are held, not fund.
    exec(s, s.bob, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "1000000" }));
    const balance = s.host.balance(s.meta, s.b.denom);
    const fund = FUNDS - 3_000_000n;
    expect(balance).toBe(fund + rewards);
    expect(await s.b.query(s.meta, MetaStakingQueryMsgBuilder.rewardTotals())).toEqual({ held: [{ denom: s.b.denom, amount: rewards.toString() }], fund: fund.toString() });
    expect(errorOf(await s.b.execute("admin", s.meta, MetaStakingExecuteMsgBuilder.withdrawFunds({ amount: balance.toString() }))))
      .toBe(`${metaStakingErrors.insufficientLiquidFunds}: ${fund}${s.b.denom} available, ${balance} requested`);
    expect(errorOf(await s.b.execute("bob", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: (fund + 1n).toString() }))))
      .toBe(`${metaStakingErrors.insufficientFunds}: ${fund}${s.b.denom} available, ${fund + 1n} needed`);
  });

  it("queued undelegations earn for the fund, not for the consumers who left", async () => {
    const s = await setup();
    exec(s, s.alice, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "1000000" }));
    exec(s, s.bob, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "1000000" }));
    exec(s, s.bob, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "1" })); // first batch: at once
    exec(s, s.bob, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "999999" })); // queued: epoch
    s.host.advance({ blocks: 10 });
    const rewards = accrued(s);
    // The pool (alice's 1 000 000) and the queue (bob's 999 999, still delegated) share the rewards by tokens.
    const forAlice = (rewards * 1_000_000n) / 1_999_999n;
    const r = exec(s, s.alice, MetaStakingExecuteMsgBuilder.claimRewards({}));
    expect(JSON.parse(Buffer.from(r.data!).toString()).rewards[0].amount).toBe(forAlice.toString());
    expect(await s.b.query(s.meta, MetaStakingQueryMsgBuilder.rewards({ consumer: s.bob }))).toEqual({ rewards: [], next_start_after: null });
  });

  it("a slash between distributions keeps every consumer's proportion", async () => {
    const s = await setup();
    exec(s, s.alice, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "1000000" }));
    exec(s, s.bob, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "3000000" }));
    s.host.advance({ blocks: 2 });
    s.host.slashValidator(s.validator, "0.1");
    s.host.advance({ blocks: 10 });
    const a = BigInt((await s.b.query<MetaStaking.RewardsResponse>(s.meta, MetaStakingQueryMsgBuilder.rewards({ consumer: s.alice }))).rewards[0].amount);
    const b = BigInt((await s.b.query<MetaStaking.RewardsResponse>(s.meta, MetaStakingQueryMsgBuilder.rewards({ consumer: s.bob }))).rewards[0].amount);
    expect(a > 0n).toBe(true);
    // 1:3 up to each one's rounding down.
    expect(b - 3n * a).toBeGreaterThanOrEqual(0n);
    expect(b - 3n * a).toBeLessThanOrEqual(3n);
  });

  it("claim_rewards returns a cursor only while validators follow: a page that ends exactly at the last one wraps around", async () => {
    const s = await setup();
    const validators = [s.validator, s.host.addValidator("second", 1_000_000n), s.host.addValidator("third", 1_000_000n)].sort();
    s.host.advance({ blocks: 1 });
    for (const validator of validators) exec(s, s.alice, MetaStakingExecuteMsgBuilder.delegate({ validator, amount: "1000" }));
    const next = (msg: unknown) => JSON.parse(Buffer.from(exec(s, s.alice, msg).data!).toString()).next_start_after;
    // Three validators, pages of 3: the page reaches the end, no cursor (claiming "after the last" would be empty).
    expect(next(MetaStakingExecuteMsgBuilder.claimRewards({ limit: 3 }))).toBeNull();
    // Pages of 2: the first leaves one, the second ends exactly at the last.
    expect(next(MetaStakingExecuteMsgBuilder.claimRewards({ limit: 2 }))).toBe(validators[1]);
    expect(next(MetaStakingExecuteMsgBuilder.claimRewards({ startAfter: validators[1], limit: 2 }))).toBeNull();
    expect(next(MetaStakingExecuteMsgBuilder.claimRewards({ startAfter: validators[0], limit: 2 }))).toBeNull();
  });

  it("claim_rewards: only registered consumers, no funds; rewards of another consumer refuse an unknown address", async () => {
    const s = await setup();
    const carol = s.b.address("carol");
    expect(errorOf(await s.b.execute("carol", s.meta, MetaStakingExecuteMsgBuilder.claimRewards({}))))
      .toBe(`${metaStakingErrors.unauthorizedConsumer}: ${carol} is not a registered consumer`);
    expect(errorOf(await s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.claimRewards({}), [{ denom: s.b.denom, amount: "1" }])))
      .toContain(commonErrors.fundsNotAccepted);
    await expect(s.b.query(s.meta, MetaStakingQueryMsgBuilder.rewards({ consumer: carol }))).rejects.toThrow(`${metaStakingErrors.consumerNotFound}: ${carol}`);
  });
});
