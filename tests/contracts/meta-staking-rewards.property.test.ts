// Stateful property test of meta-staking's rewards (docs/rewards.md §1) on the in-process host: random consumers
// delegate, undelegate (into queued and immediate batches), claim, blocks pass with rewards on two validators,
// validators are slashed (also through unbonding entries), tokens are gifted, the crank runs. After every step, per
// the bond denom:
//   Σ harvested (what meta-staking booked, per its events) = Σ x/distribution paid it (withdraw_rewards events): the
//     explicit withdrawal before each staking message leaves nothing for the automatic one
//   Σ paid to consumers + held = Σ harvested for consumers (pool parts); the fund = balance − held
//   each claim pays exactly what its data says
// At the end every consumer claims: what stays held is rounding dust, below one unit per settlement.
// Seeded: REWARDS_PROPERTY_SEED / REWARDS_PROPERTY_RUNS.
import fc from "fast-check";
import { MetaStakingExecuteMsgBuilder, MetaStakingQueryMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import { Chain } from "../../src/host";
import { HostScenarioNetwork } from "../../src/scenario/host-backend";
import { artifact } from "../helpers/artifacts";

const RUNS = Number(process.env.REWARDS_PROPERTY_RUNS ?? 40);
const SEED = Number(process.env.REWARDS_PROPERTY_SEED ?? 7);
const CONSUMERS = ["alice", "bob", "carol"] as const;
const FUNDS = 50_000_000n;

type Op =
  | { kind: "delegate"; consumer: number; validator: number; amount: number }
  | { kind: "undelegate"; consumer: number; validator: number; percent: number }
  | { kind: "claim"; consumer: number }
  | { kind: "blocks"; n: number }
  | { kind: "slash"; validator: number; percent: number; pastBlocks: number }
  | { kind: "gift"; amount: number }
  | { kind: "crank" };

const consumer = fc.integer({ min: 0, max: CONSUMERS.length - 1 });
const validator = fc.integer({ min: 0, max: 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("delegate" as const), consumer, validator, amount: fc.integer({ min: 1, max: 3_000_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("undelegate" as const), consumer, validator, percent: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("claim" as const), consumer }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("blocks" as const), n: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("slash" as const), validator, percent: fc.constantFrom(1, 5, 20), pastBlocks: fc.constantFrom(0, 30) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("gift" as const), amount: fc.integer({ min: 1, max: 1000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("crank" as const) }) },
);

interface World {
  host: Chain;
  meta: string;
  denom: string;
  validators: string[];
  harvested: bigint;
  forConsumers: bigint;
  withdrawn: bigint;
  paid: bigint;
  settlements: number;
}

function exec(w: World, sender: string, msg: unknown, funds?: { denom: string; amount: string }[]) {
  const r = w.host.execute(sender, w.meta, msg, funds);
  if (r.ok) {
    for (const e of r.events) {
      for (const a of e.attributes) {
        // harvest: "reward_<denom>" = "<validator>:<accrued>:<pool part>"
        if (a.key === `reward_${w.denom}`) {
          const [, accrued, part] = a.value.split(":");
          w.harvested += BigInt(accrued);
          w.forConsumers += BigInt(part);
        }
      }
      if (e.type === "withdraw_rewards" && e.attributes.some((a) => a.key === "delegator" && a.value === w.meta)) {
        // "12ustake,3uother"; an empty withdrawal reads "0stake" (x/distribution's default denom)
        for (const coin of e.attributes.find((a) => a.key === "amount")!.value.split(",")) {
          const m = /^(\d+)(.+)$/.exec(coin);
          if (m && m[2] === w.denom) w.withdrawn += BigInt(m[1]);
        }
      }
    }
  }
  return r;
}

function claim(w: World, who: string): void {
  const before = w.host.balance(who, w.denom);
  const r = exec(w, who, MetaStakingExecuteMsgBuilder.claimRewards({}));
  if (!r.ok) throw new Error(r.error);
  const data = JSON.parse(Buffer.from(r.data!).toString()) as MetaStaking.RewardsResponse;
  const total = data.rewards.filter((x) => x.denom === w.denom).reduce((s, x) => s + BigInt(x.amount), 0n);
  expect(w.host.balance(who, w.denom)).toBe(before + total);
  w.paid += total;
}

function checkInvariants(w: World): void {
  expect(w.harvested).toBe(w.withdrawn);
  const totals = JSON.parse(w.host.queryRawResponse(w.meta, MetaStakingQueryMsgBuilder.rewardTotals())) as MetaStaking.RewardTotalsResponse;
  const held = BigInt(totals.held.find((h) => h.denom === w.denom)?.amount ?? "0");
  expect(w.paid + held).toBe(w.forConsumers);
  expect(BigInt(totals.fund)).toBe(w.host.balance(w.meta, w.denom) - held);
}

async function run(ops: Op[]): Promise<void> {
  const b = new HostScenarioNetwork(["mesh-b"]).chain("mesh-b");
  const host = b.host;
  const code = await b.upload("admin", artifact("meta-staking"));
  const meta = await b.instantiate("admin", code, { unbonding_period_seconds: 90 } satisfies MetaStaking.InstantiateMsg, "meta", [{ denom: b.denom, amount: FUNDS.toString() }]);
  const validators = [host.addValidator("r1", 2_000_000n), host.addValidator("r2", 5_000_000n)];
  host.setBlockReward(validators[0], 70_001n);
  host.setBlockReward(validators[1], 33_333n);
  const w: World = { host, meta, denom: b.denom, validators, harvested: 0n, forConsumers: 0n, withdrawn: 0n, paid: 0n, settlements: 0 };
  const admin = b.address("admin");
  for (const c of CONSUMERS) {
    const r = host.execute(admin, meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: b.address(c), amount: FUNDS.toString() }));
    if (!r.ok) throw new Error(r.error);
  }
  for (const o of ops) {
    switch (o.kind) {
      case "delegate":
        if (exec(w, b.address(CONSUMERS[o.consumer]), MetaStakingExecuteMsgBuilder.delegate({ validator: validators[o.validator], amount: o.amount.toString() })).ok) w.settlements++;
        break;
      case "undelegate": {
        const who = b.address(CONSUMERS[o.consumer]);
        const d = JSON.parse(host.queryRawResponse(meta, MetaStakingQueryMsgBuilder.delegation({ consumer: who, validator: validators[o.validator] }))) as MetaStaking.DelegationResponse;
        const amount = (BigInt(d.amount) * BigInt(o.percent)) / 100n;
        if (amount > 0n && exec(w, who, MetaStakingExecuteMsgBuilder.undelegate({ validator: validators[o.validator], amount: amount.toString() })).ok) w.settlements++;
        break;
      }
      case "claim":
        claim(w, b.address(CONSUMERS[o.consumer]));
        w.settlements += 2;
        break;
      case "blocks": host.advance({ blocks: o.n }); break;
      case "slash": host.slashValidator(validators[o.validator], (o.percent / 100).toString(), { infractionHeight: Math.max(1, host.height - o.pastBlocks) }); break;
      case "gift": host.fund(meta, [{ denom: b.denom, amount: o.amount.toString() }]); break;
      case "crank": exec(w, b.address("carol"), MetaStakingExecuteMsgBuilder.processUnbonding({})); break;
    }
    host.advance({ blocks: 1 });
    checkInvariants(w);
  }
  for (const c of CONSUMERS) claim(w, b.address(c));
  checkInvariants(w);
  const held = BigInt((JSON.parse(host.queryRawResponse(meta, MetaStakingQueryMsgBuilder.rewardTotals())) as MetaStaking.RewardTotalsResponse)
    .held.find((h) => h.denom === w.denom)?.amount ?? "0");
  // Each settlement rounds a consumer's part down by less than a unit per validator.
  expect(held <= BigInt((w.settlements + CONSUMERS.length) * validators.length)).toBe(true);
  expect(w.paid > 0n || w.forConsumers === 0n).toBe(true);
  totalPaid += w.paid;
  totalHarvested += w.harvested;
}

let totalPaid = 0n;
let totalHarvested = 0n;

it(`meta-staking rewards: booked = paid by x/distribution, paid + held = earned, fund = balance − held (${RUNS} runs, seed ${SEED})`, async () => {
  await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 50 }), (ops) => run(ops)), { numRuns: RUNS, seed: SEED, verbose: 1 });
  process.stdout.write(`meta-staking rewards property: ${RUNS} runs, ${totalHarvested} harvested, ${totalPaid} paid to consumers\n`);
  expect(totalPaid > 0n && totalHarvested >= totalPaid).toBe(true);
}, 600_000);
