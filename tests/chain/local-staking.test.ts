// Local staking on real wasmd chains (docs/local-staking.md): alice bonds once in the ILP of a home chain with two
// validators and stakes the same collateral at home (local-staking, through its meta-staking, to the small
// validator) and on mesh-b (mesh-provider). The small validator is stopped until x/staking jails and slashes it for
// downtime (1 %): a stranger settles, the ILP's collateral and alice's home claim fall by what x/staking took, and
// her claim on mesh-b is capped, so that provider unstakes the excess there (the cascade). Then everything unbonds
// through meta-staking's batch and the mesh, comes back to the ILP, and alice takes out all that was not slashed.
import { WasmdScenarioChain, WasmdScenarioNetwork } from "../../src/scenario/wasmd-backend";
import { deployMesh, waitUntilTime } from "../../src/scenario/scenarios/mesh";
import { deployLocalStaking } from "../../src/scenario/scenarios/local-staking";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { LocalStakingExecuteMsgBuilder, LocalStakingQueryMsgBuilder } from "../../src/contracts/LocalStaking.message-builder";
import type * as LocalStaking from "../../src/contracts/LocalStaking.types";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MetaStakingExecuteMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import { localStakingCodes, meshCodes } from "../helpers/artifacts";
import { ensureChain, getHeight, isolatedChain, moduleQueryClient, releaseLease, stopChain, testChain, waitForBlocks, waitForHeight } from "./helpers";

const homeCfg = isolatedChain("mesh-home", 23, { validators: 2, unbondingSeconds: 30 });
let net: WasmdScenarioNetwork;

jest.setTimeout(300_000);

beforeAll(async () => {
  await ensureChain(homeCfg, { fresh: true, leaseFor: process.pid });
  net = new WasmdScenarioNetwork([homeCfg, testChain("mesh-b")]);
});

afterAll(async () => {
  await net?.close();
  await stopChain(homeCfg);
  releaseLease(homeCfg.chainId);
});

async function ok<T extends { ok: boolean; error?: string }>(p: Promise<T>, what: string): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${what} failed: ${r.error}`);
  return r;
}

it("one collateral staked at home and on mesh-b: a downtime slash at home reduces both; everything unbonds and comes back", async () => {
  const meshB = testChain("mesh-b");
  const d = await deployMesh(net, homeCfg.chainId, meshB.chainId, meshCodes(), {
    consumerUnbondingSeconds: meshB.unbondingSeconds, packetTimeoutSeconds: 10, rate: "1", discount: "0",
    metaStakingFunds: 5_000_000n, allowance: 5_000_000n,
  });
  const home = d.provider as WasmdScenarioChain;
  // No margin beside the home claim, so that a slash there leaves less than the remote claim (the cascade).
  const local = await deployLocalStaking(home, localStakingCodes(), { ilp: d.ilp, unbondingSeconds: homeCfg.unbondingSeconds, maxSlash: "0" });
  const remoteValidator = (await home.query<MeshProvider.ValidatorsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators[0];
  const alice = home.address("alice");
  const account = () => home.query<Ilp.AccountResponse>(d.ilp, IlpQueryMsgBuilder.account({ address: alice }));
  const { query } = await moduleQueryClient(homeCfg);
  const small = async () => (await query.staking.validators("")).validators.find((v) => v.description?.moniker === homeCfg.nodes[1].moniker)!;
  const target = (await small()).operatorAddress;

  const aliceBefore = await home.balance(alice, home.denom);
  await ok(home.execute("alice", d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: home.denom, amount: "1000000" }]), "bond");
  await ok(home.execute("alice", d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: local.localStaking, amount: "1000000", validator: target })), "grant at home");
  await ok(home.execute("alice", d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: "1000000", validator: remoteValidator })), "grant to mesh-b");
  await d.link.relayAll();
  // The same 1 000 000 are delegated at home (by local-staking's meta-staking) and on mesh-b.
  expect(await home.delegation(local.metaStaking, target)).toBe(1_000_000n);
  expect(await d.consumer.delegation(d.metaStaking, remoteValidator)).toBe(1_000_000n);
  expect(await account()).toMatchObject({ bonded: "1000000", free: "0", max_claim: "1000000", debt: "0" });
  expect(await home.balance(d.ilp, home.denom)).toBe(0n);

  // Downtime at home: the small validator signs a full window, then stops until jailed and slashed 1 %.
  await waitForHeight(homeCfg, homeCfg.slashing.signedBlocksWindow + 5);
  await stopChain(homeCfg, { nodes: [1] });
  const stoppedAt = await getHeight(homeCfg);
  const deadline = Date.now() + 90_000;
  while (!(await small()).jailed && Date.now() < deadline) await waitForBlocks(homeCfg, 1);
  expect((await small()).jailed).toBe(true);
  process.stderr.write(`${homeCfg.chainId}: validator2 jailed ${(await getHeight(homeCfg)) - stoppedAt} blocks after being stopped\n`);
  expect(await home.delegation(local.metaStaking, target)).toBe(990_000n);
  // Seen at once (meta-staking's delegation applies what x/staking took): pending until settled.
  expect((await home.query<LocalStaking.StakesResponse>(local.localStaking, LocalStakingQueryMsgBuilder.stakes({ owner: alice }))).stakes)
    .toEqual([{ validator: target, shares: "1000000", amount: "990000", settled: "1000000" }]);
  expect(await account()).toMatchObject({ bonded: "990000", pending_slash: "10000" });

  // A stranger settles: the collateral falls by 10 000 (nothing burned in the ILP: x/staking did), the claim on
  // mesh-b is capped to 990 000 and its provider unstakes the excess there.
  await ok(home.execute("carol", local.localStaking, LocalStakingExecuteMsgBuilder.settle({ owner: alice })), "settle");
  const settled = await account();
  expect(settled).toMatchObject({ bonded: "990000", pending_slash: "0", debt: "0" });
  expect(settled.claims).toEqual(expect.arrayContaining([
    { lienholder: local.localStaking, amount: "990000", max_slash: "0", custody: true, held: "990000" },
    expect.objectContaining({ lienholder: d.meshProvider, amount: "990000" }),
  ]));
  await d.link.relayAll();
  expect(await d.consumer.delegation(d.metaStaking, remoteValidator)).toBe(990_000n);

  // Everything unbonds: at home through meta-staking's batch (the validator is jailed: x/staking pays out when its
  // unbonding allows), on mesh-b through the mesh.
  await ok(home.execute("alice", local.localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: target, amount: "990000" })), "unstake at home");
  await ok(home.execute("alice", d.meshProvider, MeshProviderExecuteMsgBuilder.unstake({ validator: remoteValidator, amount: "990000" })), "unstake on mesh-b");
  await d.link.relayAll();
  const [entry] = (await home.query<LocalStaking.UnbondingResponse>(local.localStaking, LocalStakingQueryMsgBuilder.unbonding({ owner: alice }))).entries;
  expect(entry).toMatchObject({ validator: target, amount: "990000", status: "unbonding" });
  await waitUntilTime(home, BigInt(entry.completion) + 2_000_000_000n);
  for (let i = 0; i < 2; i++) {
    await ok(home.execute("carol", local.metaStaking, MetaStakingExecuteMsgBuilder.processUnbonding({})), "process_unbonding");
    await waitForBlocks(homeCfg, 2);
  }
  await ok(home.execute("alice", local.localStaking, LocalStakingExecuteMsgBuilder.withdrawUnbonded()), "withdraw at home");
  expect(await home.balance(d.ilp, home.denom)).toBe(990_000n);
  const { unbonding } = await home.query<MeshProvider.UnbondingResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.unbonding({ owner: alice }));
  const releaseAt = unbonding.reduce((max, e) => (BigInt(e.release_at) > max ? BigInt(e.release_at) : max), 0n);
  await waitUntilTime(home, releaseAt + 1_000_000_000n);
  await ok(home.execute("alice", d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})), "withdraw from mesh-b");
  expect(await account()).toMatchObject({ bonded: "990000", free: "990000", max_claim: "0", claims: [], debt: "0" });
  await ok(home.execute("alice", d.ilp, IlpExecuteMsgBuilder.unbond({ amount: "990000" })), "unbond");
  // Alice has everything back but the 10 000 x/staking slashed, less the fees of her transactions.
  const aliceAfter = await home.balance(alice, home.denom);
  expect(aliceAfter).toBeLessThanOrEqual(aliceBefore - 10_000n);
  expect(aliceAfter).toBeGreaterThan(aliceBefore - 10_000n - 100_000n);
  expect(await home.query(d.ilp, IlpQueryMsgBuilder.totals())).toEqual({ bonded: "0", custody_held: "0", debt: "0" });
  expect(await home.balance(d.ilp, home.denom)).toBe(0n);
});
