// Stateful property test of local staking on the in-process host: random sequences of bonds, local and remote
// grants, local unstakes and withdrawals, slashes of the home validator (now, or double-sign evidence reaching
// unbonding entries), remote slashes that leave a debt, remote releases, settlements, unbonds, reward collections,
// cranks and waiting. The remote lienholder is a stand-in (build/test-contracts/test-lienholder), so only the ILP
// and local staking are exercised; mesh-provider's side has its own property test. After every step:
//   - the ILP's invariants: balance + Σ held − Σ debt = Σ bonded, max(claims) ≤ bonded, free as computed, …;
//   - per owner, local-staking's records (Σ settled − its pending slash) = what the ILP counts as held;
//   - Σ of the owners' stake values ≤ what x/staking holds for local-staking's meta-staking (+1: its truncation);
//   - no call aborts the VM: every refusal is a contract error.
// At the end everything unwinds: every stake comes home, every claim is released, every owner unbonds all, and the
// ILP holds nothing and local staking only the rewards not yet withdrawn. Seeded and reproducible;
// MESH_PROPERTY_RUNS raises the budget.
import fc from "fast-check";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { LocalStakingExecuteMsgBuilder, LocalStakingQueryMsgBuilder } from "../../src/contracts/LocalStaking.message-builder";
import type * as LocalStaking from "../../src/contracts/LocalStaking.types";
import { MetaStakingExecuteMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import { HostScenarioNetwork } from "../../src/scenario/host-backend";
import { deployLocalStaking } from "../../src/scenario/scenarios/local-staking";
import { Account } from "../../src/scenario/types";
import { artifact, localStakingCodes, testContract } from "../helpers/artifacts";
import { checkIlpInvariants } from "../helpers/ilp";

const RUNS = Number(process.env.MESH_PROPERTY_RUNS ?? 12);
const SEED = Number(process.env.MESH_PROPERTY_SEED ?? 20261204);
const UNBONDING = 90;
const USERS: Account[] = ["alice", "bob"];

type Op =
  | { kind: "bond"; user: number; amount: number }
  | { kind: "grant_local" | "grant_remote" | "unstake" | "remote_slash" | "remote_release" | "unbond"; user: number; pct: number }
  | { kind: "withdraw" | "settle" | "rewards"; user: number }
  | { kind: "home_slash"; pct: number; pastBlocks: number }
  | { kind: "crank" | "collect" }
  | { kind: "wait"; seconds: number };

const user = fc.integer({ min: 0, max: USERS.length - 1 });
const pct = fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constantFrom(50, 100));
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("bond" as const), user, amount: fc.integer({ min: 100, max: 5000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("grant_local" as const), user, pct: fc.integer({ min: 1, max: 80 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("grant_remote" as const), user, pct: fc.integer({ min: 1, max: 90 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("unstake" as const), user, pct }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("remote_slash" as const), user, pct }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remote_release" as const), user, pct }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("unbond" as const), user, pct }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("withdraw" as const), user }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("settle" as const), user }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("rewards" as const), user }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("home_slash" as const), pct: fc.integer({ min: 1, max: 40 }), pastBlocks: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("crank" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("collect" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: UNBONDING }) }) },
);

const part = (amount: bigint, p: number) => (amount * BigInt(p)) / 100n;

async function run(ops: Op[]): Promise<void> {
  const net = new HostScenarioNetwork(["mesh-a"], { unbondingSeconds: UNBONDING });
  const a = net.chain("mesh-a");
  const home = a.host.valoper("validator");
  a.host.setBlockReward(home, 1_000_000n);
  const ilp = await a.instantiate("admin", await a.upload("admin", artifact("ilp")), { denom: a.denom }, "ilp");
  const remote = await a.instantiate("admin", await a.upload("admin", testContract("test-lienholder")), { ilp }, "remote stand-in");
  const d = await deployLocalStaking(a, localStakingCodes(), { ilp, unbondingSeconds: UNBONDING });
  const owners = USERS.map((u) => a.address(u));

  const account = (o: string) => a.query<Ilp.AccountResponse>(ilp, IlpQueryMsgBuilder.account({ address: o }));
  const stakes = async (o: string) => (await a.query<LocalStaking.StakesResponse>(d.localStaking, LocalStakingQueryMsgBuilder.stakes({ owner: o }))).stakes;
  const entries = async (o: string) => (await a.query<LocalStaking.UnbondingResponse>(d.localStaking, LocalStakingQueryMsgBuilder.unbonding({ owner: o }))).entries;
  const claimOf = async (o: string, lienholder: string) => (await account(o)).claims.find((c) => c.lienholder === lienholder);
  const exec = async (sender: Account | string, contract: string, msg: unknown, funds?: { denom: string; amount: string }[]) => {
    const r = typeof sender === "string" && !USERS.includes(sender as Account) && sender !== "carol" && sender !== "admin"
      ? a.host.execute(sender, contract, msg, funds) : await a.execute(sender as Account, contract, msg, funds);
    if (!r.ok) expect((r as { vmError?: boolean }).vmError ?? false).toBe(false);
    return r.ok;
  };

  async function check(): Promise<void> {
    checkIlpInvariants(a.host, ilp, a.denom);
    let staked = 0n;
    for (const o of owners) {
      const s = await stakes(o);
      const e = await entries(o);
      const records = [...s, ...e].reduce((sum, r) => sum + BigInt(r.settled), 0n);
      const { amount: pending } = await a.query<LocalStaking.PendingSlashResponse>(d.localStaking, LocalStakingQueryMsgBuilder.pendingSlash({ owner: o }));
      expect(records - BigInt(pending)).toBe(BigInt((await claimOf(o, d.localStaking))?.held ?? "0"));
      staked += s.reduce((sum, r) => sum + BigInt(r.amount), 0n);
    }
    // meta-staking tolerates x/staking's one-unit truncation of a delegation's value (docs/slashing.md §1).
    expect(staked <= (await a.delegation(d.metaStaking, home)) + 1n).toBe(true);
  }

  // Every run starts with both owners staking part of their collateral at home and part elsewhere.
  const opening: Op[] = [0, 1].flatMap((u) => [
    { kind: "bond", user: u, amount: 3000 }, { kind: "grant_local", user: u, pct: 50 }, { kind: "grant_remote", user: u, pct: 60 },
  ] as Op[]);
  for (const o of [...opening, ...ops]) {
    const who = "user" in o ? USERS[o.user] : "carol";
    const owner = "user" in o ? owners[o.user] : "";
    switch (o.kind) {
      case "bond": await exec(who, ilp, IlpExecuteMsgBuilder.bond(), [{ denom: a.denom, amount: String(o.amount) }]); break;
      case "grant_local":
      case "grant_remote": {
        const amount = part(BigInt((await account(owner)).bonded), o.pct);
        const lienholder = o.kind === "grant_local" ? d.localStaking : remote;
        if (amount > 0n) await exec(who, ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder, amount: amount.toString(), validator: home }));
        break;
      }
      case "unstake": {
        const [s] = await stakes(owner);
        const amount = s ? part(BigInt(s.amount), o.pct) : 0n;
        if (amount > 0n) await exec(who, d.localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: home, amount: amount.toString() }));
        break;
      }
      case "remote_slash":
      case "remote_release": {
        const claim = BigInt((await claimOf(owner, remote))?.amount ?? "0");
        const amount = part(claim, o.pct);
        if (amount > 0n) await exec(remote, remote, { [o.kind === "remote_slash" ? "slash" : "release"]: { owner, amount: amount.toString() } });
        break;
      }
      case "unbond": {
        const amount = part(BigInt((await account(owner)).free), o.pct);
        if (amount > 0n) await exec(who, ilp, IlpExecuteMsgBuilder.unbond({ amount: amount.toString() }));
        break;
      }
      case "withdraw": await exec(who, d.localStaking, LocalStakingExecuteMsgBuilder.withdrawUnbonded()); break;
      case "settle": await exec("carol", d.localStaking, LocalStakingExecuteMsgBuilder.settle({ owner })); break;
      case "rewards": await exec(who, d.localStaking, LocalStakingExecuteMsgBuilder.withdrawRewards()); break;
      case "home_slash":
        a.host.slashValidator(home, (o.pct / 100).toString(), { infractionHeight: Math.max(1, a.host.height - o.pastBlocks) });
        break;
      case "crank": await exec("carol", d.metaStaking, MetaStakingExecuteMsgBuilder.processUnbonding({})); await a.wait(3); break;
      case "collect": await exec("carol", d.localStaking, LocalStakingExecuteMsgBuilder.collectRewards({})); break;
      case "wait": await a.wait(o.seconds); break;
    }
    await check();
  }

  // Unwind: every local stake comes home, the stand-in releases its claims, every owner takes everything out.
  // A stake worth nothing after a slash leaves when settled; another's rounding can make one worth a unit again.
  for (let pass = 0; pass < 2; pass++) {
    for (const [i, o] of owners.entries()) {
      for (const s of await stakes(o)) {
        if (BigInt(s.amount) > 0n) expect(await exec(USERS[i], d.localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: home, amount: s.amount }))).toBe(true);
      }
      await exec("carol", d.localStaking, LocalStakingExecuteMsgBuilder.settle({ owner: o }));
    }
  }
  for (let round = 0; round < 3; round++) {
    await a.wait(UNBONDING + 20);
    await exec("carol", d.metaStaking, MetaStakingExecuteMsgBuilder.processUnbonding({}));
    await a.wait(5);
    await exec("carol", d.metaStaking, MetaStakingExecuteMsgBuilder.processUnbonding({}));
    for (const [i, o] of owners.entries()) if ((await entries(o)).length > 0) await exec(USERS[i], d.localStaking, LocalStakingExecuteMsgBuilder.withdrawUnbonded());
  }
  for (const [i, o] of owners.entries()) {
    expect(await entries(o)).toEqual([]);
    expect(await stakes(o)).toEqual([]);
    const claim = BigInt((await claimOf(o, remote))?.amount ?? "0");
    if (claim > 0n) expect(await exec(remote, remote, { release: { owner: o, amount: claim.toString() } })).toBe(true);
    const acc = await account(o);
    expect(acc).toMatchObject({ debt: "0", max_claim: "0", claims: [] });
    if (BigInt(acc.bonded) > 0n) expect(await exec(USERS[i], ilp, IlpExecuteMsgBuilder.unbond({ amount: acc.bonded }))).toBe(true);
    // Rewards are the only thing an owner can end with beyond what went in; take them out of the comparison.
    await exec(USERS[i], d.localStaking, LocalStakingExecuteMsgBuilder.collectRewards({}));
  }
  await check();
  expect(await a.query(ilp, IlpQueryMsgBuilder.totals())).toEqual({ bonded: "0", custody_held: "0", debt: "0" });
  expect(await a.balance(ilp, a.denom)).toBe(0n);
  // Nothing of the collateral stays behind in local staking's hands (rewards not yet withdrawn excepted).
  const owed = await Promise.all(owners.map(async (o) => (await a.query<LocalStaking.RewardsResponse>(d.localStaking,
    LocalStakingQueryMsgBuilder.rewards({ owner: o }))).rewards.reduce((s, r) => s + BigInt(r.amount), 0n)));
  expect(await a.balance(d.localStaking, a.denom) >= owed.reduce((x, y) => x + y, 0n)).toBe(true);
  expect(await a.delegation(d.metaStaking, home) <= BigInt(owners.length)).toBe(true);
}

describe("local staking model-free property", () => {
  it(`keeps the ILP and local staking consistent on random sequences and always unwinds (${RUNS} runs, seed ${SEED})`, async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30, size: "max" }), (ops) => run(ops)), { numRuns: RUNS, seed: SEED, verbose: 1 });
  });
});
