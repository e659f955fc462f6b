// Local staking (docs/local-staking.md) on in-process chains: one collateral in the ILP staked on its own chain
// through local-staking (custody: the tokens are delegated through local-staking's meta-staking) and to a consumer
// chain through mesh-provider at once. Unstake and withdraw follow meta-staking's batches; a slash of the home
// validator reaches the ILP and caps the remote claim (the cascade); a remote slash of collateral staked at home is
// owed, and the excess local-staking unstakes at once pays it when it comes back. After every step: the ILP's
// invariants (balance + held − debt = bonded), local-staking's held = Σ of its records' claims, and what x/staking
// holds for local-staking's meta-staking.
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { LocalStakingExecuteMsgBuilder, LocalStakingQueryMsgBuilder } from "../../src/contracts/LocalStaking.message-builder";
import type * as LocalStaking from "../../src/contracts/LocalStaking.types";
import { MeshConsumerExecuteMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MetaStakingExecuteMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import { commonErrors, localStakingErrors } from "../../src/contracts/errors";
import { HostScenarioChain, HostScenarioNetwork } from "../../src/scenario/host-backend";
import { LocalStakingDeployment, deployLocalStaking } from "../../src/scenario/scenarios/local-staking";
import { MeshDeployment, deployMesh } from "../../src/scenario/scenarios/mesh";
import { localStakingCodes, meshCodes } from "../helpers/artifacts";
import { checkIlpInvariants } from "../helpers/ilp";
import { ok } from "../helpers/mesh";

const UNBONDING = 90;

interface Setup {
  a: HostScenarioChain;
  b: HostScenarioChain;
  mesh: MeshDeployment;
  local: LocalStakingDeployment;
  home: string;
  remote: string;
  alice: string;
}

async function setup(): Promise<Setup> {
  const net = new HostScenarioNetwork(["mesh-a", "mesh-b"], { unbondingSeconds: UNBONDING });
  const mesh = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), {
    consumerUnbondingSeconds: UNBONDING, packetTimeoutSeconds: 30, rate: "1", discount: "0", metaStakingFunds: 10_000_000n, allowance: 5_000_000n,
  });
  const [a, b] = [net.chain("mesh-a"), net.chain("mesh-b")];
  const local = await deployLocalStaking(a, localStakingCodes(), { ilp: mesh.ilp, unbondingSeconds: UNBONDING });
  return { a, b, mesh, local, home: a.host.valoper("validator"), remote: b.host.valoper("validator"), alice: a.address("alice") };
}

const account = (s: Setup) => s.a.query<Ilp.AccountResponse>(s.mesh.ilp, IlpQueryMsgBuilder.account({ address: s.alice }));
const claimOf = (acc: Ilp.AccountResponse, lienholder: string) => acc.claims.find((c) => c.lienholder === lienholder);
const stakes = (s: Setup) => s.a.query<LocalStaking.StakesResponse>(s.local.localStaking, LocalStakingQueryMsgBuilder.stakes({ owner: s.alice }));
const unbonding = (s: Setup) => s.a.query<LocalStaking.UnbondingResponse>(s.local.localStaking, LocalStakingQueryMsgBuilder.unbonding({ owner: s.alice }));
const grant = (s: Setup, lienholder: string, amount: number, validator: string) =>
  s.a.execute("alice", s.mesh.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder, amount: String(amount), validator }));

/**
 * The ILP's invariants, and local-staking's records hold exactly what the ILP counts as held for alice (its settled
 * view: what local-staking reports as pending already taken off).
 */
async function check(s: Setup) {
  checkIlpInvariants(s.a.host, s.mesh.ilp, s.a.denom);
  const held = BigInt(claimOf(await account(s), s.local.localStaking)?.held ?? "0");
  const records = [...(await stakes(s)).stakes, ...(await unbonding(s)).entries].reduce((sum, r) => sum + BigInt(r.settled), 0n);
  const { amount: pending } = await s.a.query<LocalStaking.PendingSlashResponse>(s.local.localStaking, LocalStakingQueryMsgBuilder.pendingSlash({ owner: s.alice }));
  expect(records - BigInt(pending)).toBe(held);
  // What x/staking holds for local-staking covers every stake's value.
  const staked = (await stakes(s)).stakes.reduce((sum, r) => sum + BigInt(r.amount), 0n);
  expect(await s.a.delegation(s.local.metaStaking, s.home) >= staked).toBe(true);
}

/** Lets local-staking's meta-staking undelegate due batches and reconcile matured ones (two executions, blocks apart). */
async function crank(s: Setup) {
  for (let i = 0; i < 2; i++) {
    await ok(s.a.execute("carol", s.local.metaStaking, MetaStakingExecuteMsgBuilder.processUnbonding({})));
    await s.a.wait(5);
  }
}

it("stakes one collateral at home and on a consumer chain; unbond is blocked; an unstake comes back to the ILP after its batch is paid", async () => {
  const s = await setup();
  await ok(s.a.execute("alice", s.mesh.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: s.a.denom, amount: "2000" }]));
  const before = await s.a.delegation(s.local.metaStaking, s.home);
  await ok(grant(s, s.local.localStaking, 1000, s.home));
  await ok(grant(s, s.mesh.meshProvider, 1500, s.remote));
  await s.mesh.link.relayAll();
  // The same 2000 back 1000 delegated at home (by local-staking's meta-staking) and 1500 on mesh-b.
  expect(await s.a.delegation(s.local.metaStaking, s.home)).toBe(before + 1000n);
  expect(await s.b.delegation(s.mesh.metaStaking, s.remote)).toBe(1500n);
  expect(await account(s)).toMatchObject({ bonded: "2000", free: "500", max_claim: "1500", debt: "0" });
  expect(claimOf(await account(s), s.local.localStaking)).toEqual({ lienholder: s.local.localStaking, amount: "1000", max_slash: "0.05", custody: true, held: "1000" });
  expect((await stakes(s)).stakes).toEqual([{ validator: s.home, shares: "1000", amount: "1000", settled: "1000" }]);
  const refused = await s.a.execute("alice", s.mesh.ilp, IlpExecuteMsgBuilder.unbond({ amount: "501" }));
  expect(refused.ok ? "" : refused.error).toContain("Insufficient free collateral: cannot unbond 501, only 500");
  await check(s);

  // Unstake 400 at home: the first undelegation of the validator goes to x/staking at once (batch 1).
  await ok(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: s.home, amount: "400" })));
  expect(await s.a.delegation(s.local.metaStaking, s.home)).toBe(before + 600n);
  const [entry] = (await unbonding(s)).entries;
  expect(entry).toMatchObject({ validator: s.home, batch: 1, amount: "400", settled: "400", status: "unbonding" });
  const early = await s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.withdrawUnbonded());
  expect(early.ok ? "" : early.error).toBe(`${localStakingErrors.nothingToWithdraw}: no unbonding entry of ${s.alice} has been paid out by meta-staking yet`);
  // The claim is still whole while the tokens unbond.
  expect(claimOf(await account(s), s.local.localStaking)).toMatchObject({ amount: "1000", held: "1000" });
  await check(s);

  await s.a.wait(UNBONDING + 1);
  await crank(s);
  expect((await unbonding(s)).entries[0].status).toBe("paid");
  const ilpBefore = await s.a.balance(s.mesh.ilp, s.a.denom);
  await ok(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.withdrawUnbonded()));
  // The 400 are back in the ILP (not with local-staking or alice), and the claim is released by as much.
  expect(await s.a.balance(s.mesh.ilp, s.a.denom)).toBe(ilpBefore + 400n);
  expect(await s.a.balance(s.local.localStaking, s.a.denom)).toBe(0n);
  expect(claimOf(await account(s), s.local.localStaking)).toMatchObject({ amount: "600", held: "600" });
  expect((await unbonding(s)).entries).toEqual([]);
  await check(s);
});

it("a slash of the home validator lowers the collateral and caps the remote claim: the provider unstakes the excess on its chain", async () => {
  const s = await setup();
  await ok(s.a.execute("alice", s.mesh.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: s.a.denom, amount: "2000" }]));
  await ok(grant(s, s.local.localStaking, 1500, s.home));
  await ok(grant(s, s.mesh.meshProvider, 1500, s.remote));
  await s.mesh.link.relayAll();
  // x/staking slashes the home validator by half (and everyone's stake with it): alice's 1500 at home lose 750.
  s.a.host.slashValidator(s.home, "0.5", { jail: true });
  expect((await stakes(s)).stakes[0]).toMatchObject({ amount: "750", settled: "1500" });
  // Pending at once: the ILP's settled view already counts it, so nothing can be unbonded against it.
  expect(await account(s)).toMatchObject({ bonded: "1250", pending_slash: "750", free: "0" });
  await check(s);
  // A stranger settles: the ILP takes 750 of the collateral (burning nothing: x/staking did) and caps the remote claim.
  await ok(s.a.execute("carol", s.local.localStaking, LocalStakingExecuteMsgBuilder.settle({ owner: s.alice })));
  expect(await account(s)).toMatchObject({ bonded: "1250", pending_slash: "0", debt: "0" });
  expect(claimOf(await account(s), s.local.localStaking)).toMatchObject({ amount: "750", held: "750" });
  expect(claimOf(await account(s), s.mesh.meshProvider)).toMatchObject({ amount: "1250" });
  await check(s);
  // The cascade: mesh-provider unstakes 250 on mesh-b.
  await s.mesh.link.relayAll();
  const onB = await s.a.query<MeshProvider.StakeResponse>(s.mesh.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: s.alice, validator: s.remote }));
  expect(onB.staked).toBe("1250");
  expect(await s.b.delegation(s.mesh.metaStaking, s.remote)).toBe(1250n);
});

it("a remote slash of collateral staked at home: the ILP owes what it cannot burn, local-staking unstakes the excess at once, and its return pays the debt", async () => {
  const s = await setup();
  await ok(s.a.execute("alice", s.mesh.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: s.a.denom, amount: "1000" }]));
  await ok(grant(s, s.local.localStaking, 800, s.home));
  await ok(grant(s, s.mesh.meshProvider, 800, s.remote));
  await s.mesh.link.relayAll();
  const supply = async () => (await s.a.balance(s.mesh.ilp, s.a.denom)) + (await s.a.delegation(s.local.metaStaking, s.home));
  const supplyBefore = await supply();
  // mesh-b slashes its validator by half: a stranger's check, the packet, a stranger's settle on the provider.
  s.b.host.slashValidator(s.remote, "0.5", { jail: true });
  await ok(s.b.execute("carol", s.mesh.meshConsumer, MeshConsumerExecuteMsgBuilder.checkValidator({ validator: s.remote })));
  await s.mesh.link.relayAll();
  await ok(s.a.execute("carol", s.mesh.meshProvider, MeshProviderExecuteMsgBuilder.settle({ owner: s.alice })));
  // 400 slashed: the ILP held 200 of alice's tokens and burned them; 200 are owed. The home claim is capped to 600
  // and local-staking unstaked the 200 beyond it at once.
  expect(await account(s)).toMatchObject({ bonded: "600", debt: "200", free: "0" });
  expect(claimOf(await account(s), s.local.localStaking)).toMatchObject({ amount: "600", held: "800" });
  expect((await stakes(s)).stakes).toEqual([{ validator: s.home, shares: "600", amount: "600", settled: "600" }]);
  expect((await unbonding(s)).entries).toEqual([expect.objectContaining({ amount: "200", settled: "200" })]);
  expect(await supply()).toBe(supplyBefore - 200n - 200n);
  await check(s);
  // The 200 come back after the batch and pay the debt (burned); the claim stays 600 = bonded.
  await s.a.wait(UNBONDING + 1);
  await crank(s);
  await ok(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.withdrawUnbonded()));
  expect(await account(s)).toMatchObject({ bonded: "600", debt: "0" });
  expect(claimOf(await account(s), s.local.localStaking)).toMatchObject({ amount: "600", held: "600" });
  expect(await s.a.balance(s.mesh.ilp, s.a.denom)).toBe(0n);
  await check(s);
});

it("a cap is never refused: an owner at the entry limit cannot keep stake the ILP no longer backs", async () => {
  const s = await setup();
  await ok(s.a.execute("alice", s.mesh.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: s.a.denom, amount: "1000" }]));
  await ok(grant(s, s.local.localStaking, 800, s.home));
  await ok(grant(s, s.mesh.meshProvider, 800, s.remote));
  await s.mesh.link.relayAll();
  for (let i = 0; i < 20; i++) await ok(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: s.home, amount: "1" })));
  s.b.host.slashValidator(s.remote, "0.5", { jail: true });
  await ok(s.b.execute("carol", s.mesh.meshConsumer, MeshConsumerExecuteMsgBuilder.checkValidator({ validator: s.remote })));
  await s.mesh.link.relayAll();
  const settled = await s.a.execute("carol", s.mesh.meshProvider, MeshProviderExecuteMsgBuilder.settle({ owner: s.alice }));
  if (!settled.ok) throw new Error(settled.error);
  expect(settled.events.some((e) => e.attributes.some((a) => a.key === "action" && a.value === "claim_capped_notification_failed"))).toBe(false);
  // Capped to 600: the stake left (780) is cut to 600 at once, the 21st entry included.
  expect((await stakes(s)).stakes).toEqual([expect.objectContaining({ amount: "600", settled: "600" })]);
  expect((await unbonding(s)).entries).toHaveLength(21);
  await check(s);
});

it("a home slash settled after a cap: only the stake beyond the cut claim is unstaked, and the debt it owes comes back", async () => {
  const s = await setup();
  await ok(s.a.execute("alice", s.mesh.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: s.a.denom, amount: "1000" }]));
  await ok(grant(s, s.local.localStaking, 800, s.home));
  await ok(grant(s, s.mesh.meshProvider, 800, s.remote));
  await s.mesh.link.relayAll();
  // Both validators lose half; the remote slash is settled first: 200 burned, 200 owed, the home claim capped to 600.
  s.a.host.slashValidator(s.home, "0.5", { jail: true });
  s.b.host.slashValidator(s.remote, "0.5", { jail: true });
  await ok(s.b.execute("carol", s.mesh.meshConsumer, MeshConsumerExecuteMsgBuilder.checkValidator({ validator: s.remote })));
  await s.mesh.link.relayAll();
  await ok(s.a.execute("carol", s.mesh.meshProvider, MeshProviderExecuteMsgBuilder.settle({ owner: s.alice })));
  // The home stake is worth 400 after its own slash, within the capped claim: nothing is unstaked for the cap.
  expect((await unbonding(s)).entries).toEqual([]);
  expect(await s.a.query(s.mesh.ilp, IlpQueryMsgBuilder.totals())).toMatchObject({ debt: "200" });
  // The account's settled view already counts the home slash waiting to be settled: it pays 100 of the debt.
  expect(await account(s)).toMatchObject({ debt: "100", bonded: "300" });
  // Settling the home slash: 100 of the 400 x/staking burned were owed to the debt (held beyond the claim), 300 were
  // alice's; the 100 still held beyond the claim of 300 are unstaked at once to pay the rest of the debt.
  await ok(s.a.execute("carol", s.local.localStaking, LocalStakingExecuteMsgBuilder.settle({ owner: s.alice })));
  expect(await account(s)).toMatchObject({ bonded: "300", debt: "100" });
  expect(claimOf(await account(s), s.local.localStaking)).toMatchObject({ amount: "300", held: "400" });
  expect((await stakes(s)).stakes).toEqual([expect.objectContaining({ amount: "300", settled: "300" })]);
  expect((await unbonding(s)).entries).toEqual([expect.objectContaining({ amount: "100" })]);
  await check(s);
  await s.a.wait(UNBONDING + 1);
  await crank(s);
  await ok(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.withdrawUnbonded()));
  expect(await account(s)).toMatchObject({ bonded: "300", debt: "0" });
  expect(claimOf(await account(s), s.local.localStaking)).toMatchObject({ amount: "300", held: "300" });
  await check(s);
});

it("a double-sign slash reaching an unbonding entry: found when the batch matures, taken from the collateral on withdraw", async () => {
  const s = await setup();
  await ok(s.a.execute("alice", s.mesh.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: s.a.denom, amount: "2000" }]));
  await ok(grant(s, s.local.localStaking, 1000, s.home));
  const infractionHeight = s.a.host.height;
  await s.a.wait(5);
  await ok(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: s.home, amount: "400" })));
  // The evidence arrives later: x/staking slashes half of the bonded stake and of the entry created after the infraction.
  s.a.host.slashValidator(s.home, "0.5", { infractionHeight, jail: true });
  await ok(s.a.execute("carol", s.local.localStaking, LocalStakingExecuteMsgBuilder.settle({ owner: s.alice })));
  expect(await account(s)).toMatchObject({ bonded: "1700" });
  // The entry's loss is not visible yet (no query shows x/staking's entries): it is found when the batch matures.
  expect((await unbonding(s)).entries[0]).toMatchObject({ amount: "400", status: "unbonding" });
  await check(s);
  await s.a.wait(UNBONDING + 1);
  await crank(s);
  expect((await unbonding(s)).entries[0]).toMatchObject({ batch: 1, amount: "200", settled: "400", status: "paid" });
  await ok(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.withdrawUnbonded()));
  // 200 came back, 200 were taken from the collateral; the stake left at home (300) still holds its claim.
  expect(await account(s)).toMatchObject({ bonded: "1500", debt: "0" });
  expect(claimOf(await account(s), s.local.localStaking)).toMatchObject({ amount: "300", held: "300" });
  await check(s);
});

it("rewards of local stake: collected by anyone, split per share in O(1), a later staker gets none of what was collected before", async () => {
  const s = await setup();
  s.a.host.setBlockReward(s.home, 100_000_000n);
  const bob = s.a.address("bob");
  for (const [who, amount] of [["alice", 1000], ["bob", 3000]] as const) {
    // The ILP keeps 5 % beside a local claim (its slash margin).
    await ok(s.a.execute(who, s.mesh.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: s.a.denom, amount: String(amount * 1.05) }]));
    await ok(s.a.execute(who, s.mesh.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.local.localStaking, amount: String(amount), validator: s.home })));
  }
  const rewardsOf = async (owner: string) => (await s.a.query<LocalStaking.RewardsResponse>(s.local.localStaking, LocalStakingQueryMsgBuilder.rewards({ owner }))).rewards;
  const none = await s.a.execute("carol", s.local.localStaking, LocalStakingExecuteMsgBuilder.withdrawRewards());
  expect(none.ok ? "" : none.error).toBe(`${localStakingErrors.noRewards}: nothing collected for ${s.a.address("carol")} yet (collect_rewards collects them)`);
  await s.a.wait(10);
  await ok(s.a.execute("carol", s.local.localStaking, LocalStakingExecuteMsgBuilder.collectRewards({})));
  const collected = await s.a.balance(s.local.localStaking, s.a.denom);
  expect(collected).toBeGreaterThan(10_000n);
  // alice held all the shares until bob joined, then 1000 of 4000: at least a quarter is hers; together they have
  // everything collected, up to each owner's rounding.
  const [aliceShare] = await rewardsOf(s.alice);
  const [bobShare] = await rewardsOf(bob);
  expect(BigInt(aliceShare.amount) >= (collected * 1000n) / 4000n).toBe(true);
  const together = BigInt(aliceShare.amount) + BigInt(bobShare.amount);
  expect(together <= collected && together >= collected - 2n).toBe(true);
  // carol stakes after the collection: nothing of it is hers.
  await ok(s.a.execute("carol", s.mesh.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: s.a.denom, amount: "4200" }]));
  await ok(s.a.execute("carol", s.mesh.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.local.localStaking, amount: "4000", validator: s.home })));
  expect(await rewardsOf(s.a.address("carol"))).toEqual([]);
  // Withdrawing pays exactly what the query said (carol's grant folded in what accrued since the collection).
  const [aliceNow] = await rewardsOf(s.alice);
  expect(BigInt(aliceNow.amount) >= BigInt(aliceShare.amount)).toBe(true);
  const before = await s.a.balance(s.alice, s.a.denom);
  await ok(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.withdrawRewards()));
  expect(await s.a.balance(s.alice, s.a.denom)).toBe(before + BigInt(aliceNow.amount));
  await ok(s.a.execute("bob", s.local.localStaking, LocalStakingExecuteMsgBuilder.withdrawRewards()));
  // What stays is what the owners have not withdrawn yet (a withdrawal claims first), up to their rounding.
  const owed = (await Promise.all([s.alice, bob, s.a.address("carol")].map(rewardsOf))).flat().reduce((x, r) => x + BigInt(r.amount), 0n);
  const left = await s.a.balance(s.local.localStaking, s.a.denom);
  expect(left >= owed && left - owed <= 3n).toBe(true);
  await check(s);
});

it("rewards belong to the shares that earned them: a staker joining just before a collection gets none of what accrued before, a leaving one keeps hers", async () => {
  const s = await setup();
  s.a.host.setBlockReward(s.home, 100_000_000n);
  await ok(s.a.execute("alice", s.mesh.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: s.a.denom, amount: "1050" }]));
  await ok(grant(s, s.local.localStaking, 1000, s.home));
  await s.a.wait(10);
  // What meta-staking would pay local-staking for the validator now: all of it earned by alice's shares.
  const accrued = async () => BigInt((await s.a.query<{ rewards: { amount: string }[] }>(s.local.metaStaking,
    { rewards: { consumer: s.local.localStaking, validator: s.home } })).rewards[0]?.amount ?? "0");
  const aliceEarned = await accrued();
  expect(aliceEarned).toBeGreaterThan(1000n);
  // carol joins with 9 times alice's stake, then somebody collects at once.
  await ok(s.a.execute("carol", s.mesh.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: s.a.denom, amount: "9450" }]));
  await ok(s.a.execute("carol", s.mesh.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.local.localStaking, amount: "9000", validator: s.home })));
  await ok(s.a.execute("bob", s.local.localStaking, LocalStakingExecuteMsgBuilder.collectRewards({})));
  const rewardsOf = async (owner: string) => BigInt((await s.a.query<LocalStaking.RewardsResponse>(s.local.localStaking,
    LocalStakingQueryMsgBuilder.rewards({ owner }))).rewards[0]?.amount ?? "0");
  const [alice, carol] = [await rewardsOf(s.alice), await rewardsOf(s.a.address("carol"))];
  // alice has at least what accrued before carol joined; carol only a share of the blocks since (two at most).
  expect(alice >= aliceEarned - 1n).toBe(true);
  expect(carol < aliceEarned / 2n).toBe(true);
  // alice leaves before the next collection: she keeps what her shares earned until then, and nothing stays behind.
  await s.a.wait(10);
  await ok(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: s.home, amount: "1000" })));
  const aliceBefore = await rewardsOf(s.alice);
  expect(aliceBefore).toBeGreaterThan(alice);
  await ok(s.a.execute("bob", s.local.localStaking, LocalStakingExecuteMsgBuilder.collectRewards({})));
  expect(await rewardsOf(s.alice)).toBe(aliceBefore);
  await ok(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.withdrawRewards()));
  await ok(s.a.execute("carol", s.local.localStaking, LocalStakingExecuteMsgBuilder.withdrawRewards()));
  // Everything collected is somebody's (a withdrawal claims first, so carol has earned a little more since), up to
  // each owner's rounding: nothing is stranded when alice left.
  const owed = (await rewardsOf(s.alice)) + (await rewardsOf(s.a.address("carol")));
  const left = await s.a.balance(s.local.localStaking, s.a.denom);
  expect(left >= owed && left - owed <= 2n).toBe(true);
});

describe("refusals: nothing changes", () => {
  it("stake from anyone but the ILP, unstake beyond the stake, too many entries, a slashed-away validator, bad max_slash", async () => {
    const s = await setup();
    await ok(s.a.execute("alice", s.mesh.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: s.a.denom, amount: "2000" }]));
    await ok(grant(s, s.local.localStaking, 1000, s.home));
    const err = async (p: ReturnType<HostScenarioChain["execute"]>) => { const r = await p; return r.ok ? "" : r.error; };
    const receive = LocalStakingExecuteMsgBuilder.receiveClaim({ owner: s.alice, amount: "10", validator: s.home });
    expect(await err(s.a.execute("carol", s.local.localStaking, receive, [{ denom: s.a.denom, amount: "10" }])))
      .toBe(`${localStakingErrors.notIlp}: only the ILP ${s.mesh.ilp} may send this, not ${s.a.address("carol")}`);
    expect(await err(s.a.execute("carol", s.local.localStaking, LocalStakingExecuteMsgBuilder.claimCapped({ owner: s.alice, amount: "0" }))))
      .toContain(localStakingErrors.notIlp);
    expect(await err(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: s.home, amount: "1001" }))))
      .toBe(`${localStakingErrors.insufficientStake}: cannot unstake 1001 from ${s.home}, the stake there is worth 1000`);
    expect(await err(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: s.home, amount: "0" }))))
      .toContain(commonErrors.zeroAmount);
    for (let i = 0; i < 20; i++) await ok(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: s.home, amount: "1" })));
    expect(await err(s.a.execute("alice", s.local.localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: s.home, amount: "1" }))))
      .toBe(`${localStakingErrors.tooManyUnbonding}: ${s.alice} has 20; withdraw matured ones first`);
    await check(s);
    // A slash of everything: the delegation is worth nothing, new stake there is refused (and the grant rolled back).
    s.a.host.slashValidator(s.home, "1", { jail: true });
    expect(await err(grant(s, s.local.localStaking, 10, s.home))).toContain(`${localStakingErrors.slashedToZero}: the delegation to ${s.home} is worth nothing`);
    await expect(s.a.instantiate("admin", await s.a.upload("admin", localStakingCodes().localStaking),
      { ilp: s.mesh.ilp, meta_staking: s.local.metaStaking, max_slash: "1" }, "bad")).rejects.toThrow(`${localStakingErrors.invalidMaxSlash}: must be below 1, got 1`);
  });

  it("a misbehaving ILP: a claim without its tokens is refused", async () => {
    const s = await setup();
    // An account stands in for the ILP.
    const fake = await deployLocalStaking(s.a, localStakingCodes(), { ilp: s.a.address("carol"), unbondingSeconds: UNBONDING });
    const receive = LocalStakingExecuteMsgBuilder.receiveClaim({ owner: s.alice, amount: "10", validator: s.home });
    const r = await s.a.execute("carol", fake.localStaking, receive, [{ denom: s.a.denom, amount: "9" }]);
    expect(r.ok ? "" : r.error).toBe(`${localStakingErrors.custodyFundsMismatch}: a claim of 10 must come with 10 tokens, got 9`);
  });
});
