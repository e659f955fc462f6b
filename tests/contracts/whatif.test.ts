// The dashboard's what-if (src/dashboard/whatif.ts) on in-process chains: a slash predicted from the current state,
// then applied for real (x/staking slashes the validator, a stranger's check, the packet, settlement, the cascade
// to the other provider): each staker's collateral and every claim end where the prediction said, up to rounding.
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { MeshConsumerExecuteMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import { MetaStakingExecuteMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { predictSlash, predictUnstake } from "../../src/dashboard/whatif";
import { HostScenarioNetwork } from "../../src/scenario/host-backend";
import { MeshDeployment, MeshOptions, deployMesh, drainUnbondingQueue } from "../../src/scenario/scenarios/mesh";
import { meshCodes } from "../helpers/artifacts";
import { ok } from "../helpers/mesh";

const opts: MeshOptions = {
  consumerUnbondingSeconds: 90, packetTimeoutSeconds: 30, rate: "1", discount: "0", metaStakingFunds: 10_000_000n, allowance: 5_000_000n,
};

const linkOf = (d: MeshDeployment) =>
  ({ providerChain: "mesh-a", ilp: d.ilp, meshProvider: d.meshProvider, consumerChain: d.consumer.chainId, meshConsumer: d.meshConsumer });

it("predicts a slash and its cascade to the other chain as it then happens", async () => {
  const net = new HostScenarioNetwork(["mesh-a", "mesh-b", "mesh-c"]);
  const toB = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), opts);
  const toC = await deployMesh(net, "mesh-a", "mesh-c", meshCodes(), { ...opts, ilp: toB.ilp });
  const [a, b] = [net.chain("mesh-a"), net.chain("mesh-b")];
  const [valB, valC] = [b.host.valoper("validator"), net.chain("mesh-c").host.valoper("validator")];
  for (const [who, bond, onB, onC] of [["alice", 2000, 1000, 1500], ["bob", 1000, 600, 0]] as const) {
    await ok(a.execute(who, toB.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: a.denom, amount: String(bond) }]));
    await ok(a.execute(who, toB.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: toB.meshProvider, amount: String(onB), validator: valB })));
    if (onC > 0) await ok(a.execute(who, toB.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: toC.meshProvider, amount: String(onC), validator: valC })));
  }
  await toB.link.relayAll();
  await toC.link.relayAll();

  const query = <T>(chain: string, contract: string, msg: unknown) => net.chain(chain).query<T>(contract, msg);
  const w = await predictSlash(query, linkOf(toB), valB, "0.6");
  const [alice, bob] = [a.address("alice"), a.address("bob")];
  expect(w.owners).toEqual([
    { owner: alice, stake: "1000", loss: "600", unbonding: [], bondedBefore: "2000", bondedAfter: "1400", claims: expect.arrayContaining([
      { lienholder: toB.meshProvider, before: "1000", after: "400" }, { lienholder: toC.meshProvider, before: "1500", after: "1400" }]) },
    { owner: bob, stake: "600", loss: "360", unbonding: [], bondedBefore: "1000", bondedAfter: "640", claims: [{ lienholder: toB.meshProvider, before: "600", after: "240" }] },
  ].sort((x, y) => x.owner.localeCompare(y.owner)));
  expect(w.cascade).toEqual([{ lienholder: toC.meshProvider, unstaked: "100" }]);

  // Now for real: x/staking slashes 60 %, a stranger's check sends the packet, a stranger settles both stakers.
  b.host.slashValidator(valB, "0.6", { jail: true });
  await ok(b.execute("carol", toB.meshConsumer, MeshConsumerExecuteMsgBuilder.checkValidator({ validator: valB })));
  await toB.link.relayAll();
  for (const who of [alice, bob]) await ok(a.execute("carol", toB.meshProvider, MeshProviderExecuteMsgBuilder.settle({ owner: who })));
  await toC.link.relayAll();
  const close = (actual: string, predicted: string) => expect(Math.abs(Number(actual) - Number(predicted))).toBeLessThanOrEqual(1);
  for (const o of w.owners) {
    const account = await a.query<Ilp.AccountResponse>(toB.ilp, IlpQueryMsgBuilder.account({ address: o.owner }));
    close(account.bonded, o.bondedAfter);
    for (const c of o.claims) close(account.claims.find((x) => x.lienholder === c.lienholder)?.amount ?? "0", c.after);
  }
  // The cascade: the other provider unstaked the excess on its own consumer chain.
  const onC = await a.query<MeshProvider.StakeResponse>(toC.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: alice, validator: valC }));
  close(onC.staked, "1400");
});

it("predicts a double-sign slash reaching unbonding stake: the queue at once, an undelegated batch when it matures", async () => {
  const net = new HostScenarioNetwork(["mesh-a", "mesh-b"]);
  const d = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), opts);
  const [a, b] = [net.chain("mesh-a"), net.chain("mesh-b")];
  const validator = b.host.valoper("validator");
  for (const [who, bond, staked] of [["alice", 2000, 1000], ["bob", 1000, 600]] as const) {
    await ok(a.execute(who, d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: a.denom, amount: String(bond) }]));
    await ok(a.execute(who, d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: String(staked), validator })));
  }
  await d.link.relayAll();
  // The infraction, then alice's unstake goes to x/staking in batch 1, bob's waits in the queue (batch 2).
  const infractionHeight = b.host.height;
  await b.wait(5);
  await ok(a.execute("alice", d.meshProvider, MeshProviderExecuteMsgBuilder.unstake({ validator, amount: "300" })));
  await d.link.relayAll();
  await drainUnbondingQueue(d, "carol");
  await ok(a.execute("bob", d.meshProvider, MeshProviderExecuteMsgBuilder.unstake({ validator, amount: "200" })));
  await d.link.relayAll();

  const query = <T>(chain: string, contract: string, msg: unknown) => net.chain(chain).query<T>(contract, msg);
  const [alice, bob] = [a.address("alice"), a.address("bob")];
  const entry = async (owner: string) => (await a.query<MeshProvider.UnbondingResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.unbonding({ owner }))).unbonding[0];
  const [aliceEntry, bobEntry] = [await entry(alice), await entry(bob)];
  expect([aliceEntry.batch, bobEntry.batch]).toEqual([1, 2]);
  // A slash now reaches the queue only; one whose infraction precedes batch 1 reaches alice's entry too.
  const now = await predictSlash(query, linkOf(d), validator, "0.5");
  expect(now).toMatchObject({ openBatch: 2, fromBatch: 2 });
  const byOwner = Object.fromEntries(now.owners.map((o) => [o.owner, { loss: o.loss, unbonding: o.unbonding.map((e) => e.batch) }]));
  expect(byOwner).toEqual({ [alice]: { loss: "350", unbonding: [] }, [bob]: { loss: "300", unbonding: [2] } });
  const w = await predictSlash(query, linkOf(d), validator, "0.5", 1);
  expect(w).toMatchObject({ openBatch: 2, fromBatch: 1 });
  expect(w.owners).toEqual([
    { owner: alice, stake: "700", loss: "500", unbonding: [{ id: aliceEntry.id, batch: 1, amount: "300", loss: "150" }], bondedBefore: "2000", bondedAfter: "1500",
      claims: [{ lienholder: d.meshProvider, before: "1000", after: "500" }] },
    { owner: bob, stake: "400", loss: "300", unbonding: [{ id: bobEntry.id, batch: 2, amount: "200", loss: "100" }], bondedBefore: "1000", bondedAfter: "700",
      claims: [{ lienholder: d.meshProvider, before: "600", after: "300" }] },
  ].sort((x, y) => x.owner.localeCompare(y.owner)));

  // For real: a double-sign slash of 50 % at the infraction height. The bonded stake and the queue lose it at once;
  // alice's x/staking entry is found short when it matures (meta-staking's ledger), then both are settled.
  b.host.slashValidator(validator, "0.5", { infractionHeight, jail: true });
  await ok(b.execute("carol", d.meshConsumer, MeshConsumerExecuteMsgBuilder.checkValidator({ validator })));
  await d.link.relayAll();
  await b.wait(opts.consumerUnbondingSeconds + 5);
  for (let i = 0; i < 2; i++) {
    await ok(b.execute("carol", d.metaStaking, MetaStakingExecuteMsgBuilder.processUnbonding({})));
    await b.wait(5);
  }
  await ok(b.execute("carol", d.meshConsumer, MeshConsumerExecuteMsgBuilder.checkValidator({ validator })));
  await d.link.relayAll();
  for (const who of [alice, bob]) await ok(a.execute("carol", d.meshProvider, MeshProviderExecuteMsgBuilder.settle({ owner: who })));
  const close = (actual: string, predicted: string) => expect(Math.abs(Number(actual) - Number(predicted))).toBeLessThanOrEqual(1);
  for (const o of w.owners) {
    const account = await a.query<Ilp.AccountResponse>(d.ilp, IlpQueryMsgBuilder.account({ address: o.owner }));
    close(account.bonded, o.bondedAfter);
    close(account.claims[0]?.amount ?? "0", o.claims[0].after);
    close((await entry(o.owner)).amount, String(BigInt(o.unbonding[0].amount) - BigInt(o.unbonding[0].loss)));
  }
});

it("predicts what an unstake returns and when, as it then happens", async () => {
  const net = new HostScenarioNetwork(["mesh-a", "mesh-b"]);
  const d = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), opts);
  const a = net.chain("mesh-a");
  const validator = net.chain("mesh-b").host.valoper("validator");
  await ok(a.execute("alice", d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: a.denom, amount: "2000" }]));
  await ok(a.execute("alice", d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: "1500", validator })));
  await d.link.relayAll();
  const alice = a.address("alice");
  const query = <T>(chain: string, contract: string, msg: unknown) => net.chain(chain).query<T>(contract, msg);
  const now = await a.now();
  const w = await predictUnstake(query, "mesh-a", d.ilp, d.meshProvider, alice, validator, 600n, now);
  expect(w).toMatchObject({ amount: "600", freeAfterRelease: "1100" });
  // For real: the release time lies in the predicted window, and once it passes the collateral is free as predicted.
  await ok(a.execute("alice", d.meshProvider, MeshProviderExecuteMsgBuilder.unstake({ validator, amount: "600" })));
  await d.link.relayAll();
  const { unbonding } = await a.query<MeshProvider.UnbondingResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.unbonding({ owner: alice }));
  expect(unbonding.map((e) => e.amount)).toEqual(["600"]);
  const at = BigInt(unbonding[0].release_at);
  expect(at >= BigInt(w.earliestReleaseAt) && at <= BigInt(w.latestReleaseAt)).toBe(true);
  await a.wait(Number((at - (await a.now())) / 1_000_000_000n) + 1);
  await ok(a.execute("alice", d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})));
  expect((await a.query<Ilp.AccountResponse>(d.ilp, IlpQueryMsgBuilder.account({ address: alice }))).free).toBe(w.freeAfterRelease);
});
