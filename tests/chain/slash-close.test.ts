// A real downtime slash on the consumer chain, carried through the mesh and cascading to a third chain, then a
// governance close that completes on both ends, and everybody leaves (docs/slashing.md). The consumer is a chain of its
// own with two validators; users cross-stake to the small one, which is then stopped until x/staking jails and slashes
// it (1%). Alice lent the same collateral to a second provider, whose consumer is mesh-b. An unprivileged account asks
// mesh-consumer to check the validator; the slash packet is relayed; the provider applies it to both stakers at once,
// the ILP shows the claims and collateral 1% lower and burns the tokens when a stranger settles an owner; alice's claim
// on the second provider is capped and that provider unstakes the excess on mesh-b (the cascade). Then the consumer's
// governance closes: it undelegates what x/staking holds, and the provider counts the slashed stake as unbonding.
// Finally every user withdraws from both providers and unbonds from the ILP: what was not burned comes back, no claim
// is left.
import { WasmdScenarioChain, WasmdScenarioLink, WasmdScenarioNetwork } from "../../src/scenario/wasmd-backend";
import { MeshDeployment, deployMesh, drainUnbondingQueue, waitUntilTime } from "../../src/scenario/scenarios/mesh";
import { IlpExecuteMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../../src/contracts/MeshConsumer.types";
import { IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MetaStakingQueryMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import { openDashboard } from "./dashboard";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import { meshCodes } from "../helpers/artifacts";
import {
  ensureChain, getHeight, isolatedChain, moduleQueryClient, releaseLease, stopChain, testChain, waitForBlocks, waitForHeight,
} from "./helpers";

// A short unbonding period: the test ends with everybody withdrawing.
const consumerCfg = isolatedChain("mesh-slash", 22, { validators: 2, unbondingSeconds: 30 });
let net: WasmdScenarioNetwork;
let d: MeshDeployment;
let d2: MeshDeployment;

jest.setTimeout(300_000);

beforeAll(async () => {
  await ensureChain(consumerCfg, { fresh: true, leaseFor: process.pid });
  net = new WasmdScenarioNetwork([testChain("mesh-a"), consumerCfg, testChain("mesh-b")]);
});

afterAll(async () => {
  await net?.close();
  await stopChain(consumerCfg);
  releaseLease(consumerCfg.chainId);
});

async function ok<T extends { ok: boolean; error?: string }>(p: Promise<T>, what: string): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${what} failed: ${r.error}`);
  return r;
}

it("a downtime slash reaches the provider and the ILP through a stranger's check, cascades to mesh-b; a governance close then completes on both ends and everybody leaves", async () => {
  d = await deployMesh(net, "mesh-a", consumerCfg.chainId, meshCodes(), {
    consumerUnbondingSeconds: consumerCfg.unbondingSeconds, packetTimeoutSeconds: 30,
    rate: "1", discount: "0", metaStakingFunds: 5_000_000n, allowance: 5_000_000n,
  });
  // The second provider shares the ILP; its consumer is on mesh-b.
  const mesh_b = testChain("mesh-b");
  d2 = await deployMesh(net, "mesh-a", mesh_b.chainId, meshCodes(), {
    consumerUnbondingSeconds: mesh_b.unbondingSeconds, packetTimeoutSeconds: 10,
    rate: "1", discount: "0", metaStakingFunds: 5_000_000n, allowance: 5_000_000n, ilp: d.ilp,
  });
  const provider = d.provider as WasmdScenarioChain;
  const consumer = d.consumer as WasmdScenarioChain;
  const consumerB = d2.consumer as WasmdScenarioChain;
  const link = d.link as WasmdScenarioLink;
  const linkB = d2.link as WasmdScenarioLink;
  const validatorB = (await provider.query<MeshProvider.ValidatorsResponse>(d2.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators[0];
  const alice = provider.address("alice");
  const bob = provider.address("bob");
  const { query, comet } = await moduleQueryClient(consumerCfg);
  try {
    const small = async () => {
      const { validators } = await query.staking.validators("");
      return validators.find((v) => v.description?.moniker === consumerCfg.nodes[1].moniker)!;
    };
    const target = (await small()).operatorAddress;
    expect((await provider.query<MeshProvider.ValidatorsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators).toContain(target);

    for (const [user, amount] of [["alice", 600_000n], ["bob", 400_000n]] as const) {
      await ok(provider.execute(user, d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: provider.denom, amount: amount.toString() }]), "bond");
      await ok(provider.execute(user, d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: amount.toString(), validator: target })),
        "grant claim");
    }
    // Alice lends the same 600 000 to the second provider too (no slash margin is configured on either).
    await ok(provider.execute("alice", d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d2.meshProvider, amount: "600000", validator: validatorB })),
      "grant claim to the second provider");
    await link.relayAll();
    await linkB.relayAll();
    expect(await consumer.delegation(d.metaStaking, target)).toBe(1_000_000n);
    expect(await consumerB.delegation(d2.metaStaking, validatorB)).toBe(600_000n);

    // Downtime: the small validator signs a full window first, then stops until it is jailed (and slashed 1%).
    await waitForHeight(consumerCfg, consumerCfg.slashing.signedBlocksWindow + 5);
    await stopChain(consumerCfg, { nodes: [1] });
    const stoppedAt = await getHeight(consumerCfg);
    const deadline = Date.now() + 90_000;
    while (!(await small()).jailed && Date.now() < deadline) await waitForBlocks(consumerCfg, 1);
    expect((await small()).jailed).toBe(true);
    process.stderr.write(`${consumerCfg.chainId}: validator2 jailed ${(await getHeight(consumerCfg)) - stoppedAt} blocks after being stopped\n`);
    const onChain = await consumer.delegation(d.metaStaking, target);
    expect(onChain).toBe(990_000n); // slash_fraction_downtime 0.01
    // meta-staking's view already applies what x/staking took (recorded at the next check or delegation change).
    expect(await consumer.query<MetaStaking.ValidatorResponse>(d.metaStaking, MetaStakingQueryMsgBuilder.validator({ validator: target })))
      .toMatchObject({ delegated: "990000", queued: "0", on_chain: "990000", slash_seq: 1, cumulative: "0.99" });

    // An unprivileged account asks for the check; the relayer carries the slash packet.
    await ok(consumer.execute("carol", d.meshConsumer, MeshConsumerExecuteMsgBuilder.checkValidator({ validator: target })), "check_validator");
    const events = await consumer.query<MetaStaking.SlashEventsResponse>(d.metaStaking, MetaStakingQueryMsgBuilder.slashEvents({ validator: target }));
    expect(events.events).toEqual([expect.objectContaining({ seq: 1, fraction: "0.01", cumulative: "0.99", jailed: true })]);
    await link.relayAll();
    expect(await provider.query(d.meshProvider, MeshProviderQueryMsgBuilder.pool({ validator: target })))
      .toMatchObject({ shares: "1000000", multiplier: "0.99", slash_seq: 1, value: "990000" });
    expect((await provider.query<MeshProvider.ValidatorsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators)
      .not.toContain(target);
    // The revalue crank (anyone's) notices that the bonded set changed and sends it: the jailed validator is gone
    // from the set the provider holds, not only marked by the slash packet. Nothing to re-value: same price.
    const crank = await consumer.execute("carol", d.meshConsumer, MeshConsumerExecuteMsgBuilder.revalue({}));
    if (!crank.ok) throw new Error(crank.error);
    const sent = crank.events.flatMap((e) => e.attributes);
    expect(sent.find((x) => x.key === "validator_set_sent")).toBeDefined();
    expect([sent.find((x) => x.key === "delegated")?.value, sent.find((x) => x.key === "undelegated")?.value]).toEqual(["0", "0"]);
    await link.relayAll();
    const announced = await consumer.query<{ validators: string[] }>(d.meshConsumer, MeshConsumerQueryMsgBuilder.lastValidatorSet());
    expect(announced.validators).not.toContain(target);
    expect((await provider.query<MeshProvider.ValidatorsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators)
      .toEqual(announced.validators);
    // The dashboard shows the slash: in the timeline (observed on the consumer, applied on the provider), the
    // validator jailed, and in alice's view the settled collateral and the slash not yet taken from it.
    const dash = await openDashboard([testChain("mesh-a"), consumerCfg, mesh_b], [d, d2], alice);
    try {
      expect(await dash.text("slashes")).toMatch(new RegExp(`mesh-slash \\S+\\s+1\\.00 %\\s+jailed\\s+observed at mesh-slash height \\d+ → applied on mesh-a`));
      expect(await dash.page.$eval("[data-testid=validators-mesh-slash]", (e) => (e as unknown as { innerText: string }).innerText)).toMatch(/jailed\s+990000/);
      expect(await dash.page.$eval("[data-testid=user-accounts]", (e) => (e as unknown as { innerText: string }).innerText))
        .toMatch(/mesh-a\s+594000\s+0\s+594000\s+6000/);
      expect(await dash.text("user")).toMatch(/594000\s+\+0 \/ −0\s+6000/);
      expect((await dash.state()).links.map((l) => l.solvency!.checks.every((c) => c.ok))).toEqual([true, true]);
      await dash.screenshot("4-slash");
      expect(dash.errors).toEqual([]);
    } finally {
      await dash.close();
    }
    const ilpBefore = await provider.balance(d.ilp, provider.denom);
    for (const [user, left] of [["alice", "594000"], ["bob", "396000"]] as const) {
      expect(await provider.query<Ilp.AccountResponse>(d.ilp, IlpQueryMsgBuilder.account({ address: provider.address(user) })))
        .toMatchObject({ bonded: left, max_claim: left });
    }
    await ok(provider.execute("carol", d.meshProvider, MeshProviderExecuteMsgBuilder.settle({ owner: alice })), "settle");
    expect(await provider.balance(d.ilp, provider.denom)).toBe(ilpBefore - 6_000n);

    // The cascade: alice's claim on the second provider is capped at her collateral, and that provider unstakes the
    // excess on mesh-b, so the power it lends there stays backed.
    expect(await provider.query<Ilp.AccountResponse>(d.ilp, IlpQueryMsgBuilder.account({ address: alice })))
      .toMatchObject({ bonded: "594000", pending_slash: "0", max_claim: "594000" });
    expect((await provider.query<Ilp.AccountResponse>(d.ilp, IlpQueryMsgBuilder.account({ address: alice }))).claims)
      .toEqual(expect.arrayContaining([expect.objectContaining({ lienholder: d2.meshProvider, amount: "594000" })]));
    expect(await provider.query(d2.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: alice, validator: validatorB })))
      .toMatchObject({ staked: "594000", pending_unstake: "6000" });
    await linkB.relayAll();
    expect(await consumerB.query<MetaStaking.ValidatorResponse>(d2.metaStaking, MetaStakingQueryMsgBuilder.validator({ validator: validatorB })))
      .toMatchObject({ delegated: "594000" });
    // Alice leaves the second provider now (its unbonding period runs while the first channel closes).
    await ok(provider.execute("alice", d2.meshProvider, MeshProviderExecuteMsgBuilder.unstake({ validator: validatorB, amount: "594000" })), "unstake");
    await linkB.relayAll();
    expect(await consumerB.query<MetaStaking.ValidatorResponse>(d2.metaStaking, MetaStakingQueryMsgBuilder.validator({ validator: validatorB })))
      .toMatchObject({ delegated: "0" });

    // Governance closes on the consumer: x/staking holds 990 000; nothing may fail.
    await ok(consumer.execute("admin", d.meshConsumer, MeshConsumerExecuteMsgBuilder.closeChannel()), "consumer close_channel");
    expect(await consumer.query(d.meshConsumer, MeshConsumerQueryMsgBuilder.channel())).toBeNull();
    expect((await consumer.query<MeshConsumer.RecordsResponse>(d.meshConsumer, MeshConsumerQueryMsgBuilder.records({}))).records).toEqual([]);
    await drainUnbondingQueue(d, "carol");
    expect(await consumer.query<MetaStaking.ValidatorResponse>(d.metaStaking, MetaStakingQueryMsgBuilder.validator({ validator: target })))
      .toMatchObject({ validator: target, delegated: "0", queued: "0", on_chain: "0" });

    // The provider's end follows through close_confirm, and everything staked there unbonds from now.
    await link.confirmClose("A", `wasm.${d.meshProvider}`, d.channelA);
    expect(await link.channelState("A", `wasm.${d.meshProvider}`, d.channelA)).toBe("CLOSED");
    expect(await provider.query<MeshProvider.ChannelResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.channel())).toMatchObject({ channel_id: null, generation: 1 });
    let releaseAt = 0n;
    for (const [user, amount] of [["alice", "594000"], ["bob", "396000"]] as const) {
      const u = await provider.query<MeshProvider.UnbondingResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.unbonding({ owner: provider.address(user) }));
      expect(u.from_closed_channels).toEqual([expect.objectContaining({ validator: target, amount })]);
      for (const e of u.from_closed_channels) releaseAt = BigInt(e.release_at) > releaseAt ? BigInt(e.release_at) : releaseAt;
    }
    const u2 = await provider.query<MeshProvider.UnbondingResponse>(d2.meshProvider, MeshProviderQueryMsgBuilder.unbonding({ owner: alice }));
    expect(u2.unbonding.map((e) => e.amount).sort()).toEqual(["594000", "6000"]);
    for (const e of u2.unbonding) releaseAt = BigInt(e.release_at) > releaseAt ? BigInt(e.release_at) : releaseAt;

    // Everybody leaves: withdraw from both providers once unbonded, then unbond everything from the ILP.
    await waitUntilTime(provider, releaseAt + 1_000_000_000n);
    await ok(provider.execute("alice", d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})), "alice withdraws from the first provider");
    await ok(provider.execute("alice", d2.meshProvider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})), "alice withdraws from the second provider");
    await ok(provider.execute("bob", d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})), "bob withdraws");
    for (const [user, left] of [["alice", 594_000n], ["bob", 396_000n]] as const) {
      const account = await provider.query<Ilp.AccountResponse>(d.ilp, IlpQueryMsgBuilder.account({ address: provider.address(user) }));
      expect(account).toMatchObject({ bonded: left.toString(), pending_slash: "0", free: left.toString(), claims: [] });
      await ok(provider.execute(user, d.ilp, IlpExecuteMsgBuilder.unbond({ amount: left.toString() })), `${user} unbonds from the ILP`);
    }
    // 1 000 000 bonded: 6 000 burned for alice and 4 000 for bob (settled on withdraw), the rest paid out.
    expect(await provider.balance(d.ilp, provider.denom)).toBe(0n);
  } finally {
    comet.disconnect();
  }
});
