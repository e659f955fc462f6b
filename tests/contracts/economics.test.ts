// Consumer-side economics (docs/economics.md §2–5), compiled, on the in-process host with a small bonded total
// (one validator with the least self-bond that has voting power, 1 000 000) so that shares of it are reachable: the revalue crank moves delegations to the price, a
// provider's cap refuses stake and trims after the bonded total shrank, a local minimum scales three providers by
// the same factor, and the crank pushes the validator set when a validator leaves it.
import { commonErrors, meshConsumerErrors, meshProviderErrors, metaStakingErrors } from "../../src/contracts/errors";
import { IlpExecuteMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../../src/contracts/MeshConsumer.types";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MetaStakingExecuteMsgBuilder, MetaStakingQueryMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import { PriceFeedExecuteMsgBuilder } from "../../src/contracts/PriceFeed.message-builder";
import type * as PriceFeed from "../../src/contracts/PriceFeed.types";
import { HostScenarioChain, HostScenarioNetwork } from "../../src/scenario/host-backend";
import { deployMesh, drainUnbondingQueue, MeshDeployment, MeshOptions } from "../../src/scenario/scenarios/mesh";
import type { Account, TxOutcome } from "../../src/scenario/types";
import { artifact, meshCodes } from "../helpers/artifacts";
import { bondAndGrant, Mesh, ok, record, setup, stake } from "../helpers/mesh";

const SELF_BOND = 1_000_000n;

function attr(outcome: TxOutcome, key: string): string | undefined {
  if (!outcome.ok) throw new Error(outcome.error);
  for (const e of outcome.events) for (const a of e.attributes) if (a.key === key) return a.value;
  return undefined;
}

async function priceFeed(m: Mesh, price: string): Promise<string> {
  const f = await m.b.instantiate("admin", await m.b.upload("admin", artifact("price-feed")),
    { feeders: [m.b.address("alice")], max_age_seconds: 600 } satisfies PriceFeed.InstantiateMsg, "price feed");
  await ok(m.b.execute("alice", f, PriceFeedExecuteMsgBuilder.submitPrice({ price })));
  await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setPriceFeed({ priceFeed: f })));
  return f;
}

const revalue = (b: HostScenarioChain, consumer: string, who: Account = "carol") => b.execute(who, consumer, MeshConsumerExecuteMsgBuilder.revalue({}));
const power = (b: HostScenarioChain, meta: string, consumer: string) =>
  b.query<MetaStaking.PowerResponse>(meta, MetaStakingQueryMsgBuilder.power({ consumer }));
const booked = async (b: HostScenarioChain, meta: string, consumer: string) =>
  BigInt((await b.query<MetaStaking.ConsumerResponse>(meta, MetaStakingQueryMsgBuilder.consumer({ address: consumer }))).delegated);

describe("revalue: power follows the price", () => {
  it("moves each delegation to value × price × (1 − discount) exactly; provider amounts never change; a stale price stops it", async () => {
    const m = await setup({ selfBond: SELF_BOND });
    const f = await priceFeed(m, "2");
    await ok(bondAndGrant(m, "alice", 1000n));
    await m.link.relayAll();
    expect(await record(m)).toMatchObject({ provider_amount: "1000", local_amount: "1500" });

    // Price up: a stranger's crank delegates the difference, 1000 × 3 × 0.75 − 1500 = 750.
    await ok(m.b.execute("alice", f, PriceFeedExecuteMsgBuilder.submitPrice({ price: "3" })));
    const up = await revalue(m.b, m.consumer);
    expect([attr(up, "price"), attr(up, "requested"), attr(up, "delegated"), attr(up, "undelegated")]).toEqual(["3", "2250", "750", "0"]);
    expect(await m.b.delegation(m.meta, m.validator)).toBe(2250n);
    expect(await record(m)).toMatchObject({ provider_amount: "1000", local_amount: "2250" });
    expect(await stake(m, "alice")).toMatchObject({ staked: "1000" });

    // Nothing moved: a second crank changes nothing.
    const again = await revalue(m.b, m.consumer);
    expect([attr(again, "delegated"), attr(again, "undelegated")]).toEqual(["0", "0"]);

    // Price down to 1.2: 1000 × 1.2 × 0.75 = 900; the 1350 leave through meta-staking's batch.
    await ok(m.b.execute("alice", f, PriceFeedExecuteMsgBuilder.submitPrice({ price: "1.2" })));
    expect(attr(await revalue(m.b, m.consumer), "undelegated")).toBe("1350");
    expect(await record(m)).toMatchObject({ provider_amount: "1000", local_amount: "900" });
    await drainUnbondingQueue({ consumer: m.b, metaStaking: m.meta }, "carol");
    expect(await m.b.delegation(m.meta, m.validator)).toBe(900n);
    const economics = await m.b.query<MeshConsumer.EconomicsResponse>(m.consumer, MeshConsumerQueryMsgBuilder.economics());
    expect(economics).toMatchObject({ price: "1.2", price_error: null, discount: "0.25", provider_total: "1000", requested: "900" });
    expect(economics.power).toMatchObject({ delegated: "900", requested: "900", scale: "1", factor: "1", effective: "900" });

    // Stale: no price, no crank (existing stake stays as it is); the economics query says why.
    await m.b.wait(601);
    const stale = await revalue(m.b, m.consumer);
    expect(stale.ok ? "" : stale.error).toContain(`${meshConsumerErrors.priceUnavailable}: the price feed ${f} answered: `);
    expect(await m.b.query<MeshConsumer.EconomicsResponse>(m.consumer, MeshConsumerQueryMsgBuilder.economics()))
      .toMatchObject({ price: null, requested: null, price_error: expect.stringContaining("Price stale") });

    // Unstaking everything takes back exactly what is delegated now.
    await ok(m.a.execute("alice", m.provider, { unstake: { validator: m.validator, amount: "1000" } }));
    await m.link.relayAll();
    expect(await record(m)).toMatchObject({ provider_amount: "0", local_amount: "0" });
    expect((await m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.revalue({}), [{ denom: m.b.denom, amount: "1" }])).error)
      .toContain(commonErrors.fundsNotAccepted);
  });
});

describe("max_power_share: a provider's cap as a share of the bonded stake", () => {
  it("refuses stake above the cap with an error ack naming it, and the crank trims after the bonded total shrank", async () => {
    const m = await setup({ selfBond: SELF_BOND });
    await priceFeed(m, "2");
    // The chain's own stake: the validator's 1 000 000 and bob's 400 000.
    expect(m.b.host.delegate(m.b.host.addr("bob"), m.validator, 400_000n).ok).toBe(true);
    m.b.host.advance({ blocks: 1 });
    expect((await m.b.execute("bob", m.meta, MetaStakingExecuteMsgBuilder.setMaxPowerShare({ consumer: m.consumer, share: "0.2" }))).error)
      .toContain(commonErrors.unauthorized);
    await ok(m.b.execute("admin", m.meta, MetaStakingExecuteMsgBuilder.setMaxPowerShare({ consumer: m.consumer, share: "0.2" })));
    // cap = (bonded − queued − delegated) × 0.2 ÷ 0.8 = 1 400 000 × 0.25 = 350 000.
    expect(await power(m.b, m.meta, m.consumer)).toMatchObject({ bonded: "1400000", cap: "350000", max_power_share: "0.2", delegated: "0" });

    await ok(bondAndGrant(m, "alice", 100_000n));
    await m.link.relayAll();
    // 225 000 more would make 375 000 > 350 000: refused, the claim goes back.
    await ok(bondAndGrant(m, "bob", 150_000n));
    const [packet] = m.link.relayer.pending().packets;
    const refused = m.link.relayer.deliver(packet);
    expect(refused.ackText).toContain(
      `${meshConsumerErrors.powerCapReached}: delegating 225000 more would take this provider above its cap of 350000 (max_power_share 0.2 of the bonded stake)`);
    await m.link.relayAll();
    expect(await stake(m, "bob")).toMatchObject({ staked: "0", pending_stake: "0" });
    // 180 000 more fits: 330 000 of 1 730 000 bonded (19.1 %).
    await ok(m.a.execute("bob", m.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: m.provider, amount: "120000", validator: m.validator })));
    await m.link.relayAll();
    expect(await m.b.delegation(m.meta, m.validator)).toBe(330_000n);

    // bob's local stake leaves: the cap is 1 000 000 × 0.25 = 250 000, and the crank trims to it. The factor is
    // 250 000 ÷ 330 000 (18 decimals, rounded down), so the target is 220 000 × 1.5 × factor = 249 999.
    expect(m.b.host.undelegate(m.b.host.addr("bob"), m.validator, 400_000n).ok).toBe(true);
    m.b.host.advance({ blocks: 1 });
    expect(await power(m.b, m.meta, m.consumer)).toMatchObject({ cap: "250000", delegated: "330000" });
    const trim = await revalue(m.b, m.consumer);
    expect([attr(trim, "factor"), attr(trim, "undelegated")]).toEqual(["0.757575757575757575", "80001"]);
    expect(await booked(m.b, m.meta, m.consumer)).toBe(249_999n);
    const after = await power(m.b, m.meta, m.consumer);
    expect(BigInt(after.delegated)).toBeLessThanOrEqual(BigInt(after.cap!));
    // The provider's amounts did not change: only the delegation did.
    expect(await stake(m, "alice")).toMatchObject({ staked: "100000" });
    expect(await stake(m, "bob")).toMatchObject({ staked: "120000" });
    // Unstaking takes the proportional part of what is delegated now: 249 999 − ⌊249 999 × 120 000 ÷ 220 000⌋.
    await ok(m.a.execute("alice", m.provider, { unstake: { validator: m.validator, amount: "100000" } }));
    await m.link.relayAll();
    expect(await booked(m.b, m.meta, m.consumer)).toBe(136_363n);
  });
});

describe("min_local_share: consumers scaled together", () => {
  const opts: MeshOptions = {
    consumerUnbondingSeconds: 90, packetTimeoutSeconds: 30, rate: "1", discount: "0", metaStakingFunds: 5_000_000n, allowance: 3_000_000n,
  };

  it("three providers at their fill with a 40 % local minimum are each scaled by the same factor; local share ≥ 40 % after the cranks", async () => {
    const net = new HostScenarioNetwork(["mesh-a", "mesh-c", "mesh-d", "mesh-b"], { selfBond: SELF_BOND });
    const b = net.chain("mesh-b");
    const valB = b.host.valoper("validator");
    const meshes: MeshDeployment[] = [];
    for (const from of ["mesh-a", "mesh-c", "mesh-d"]) {
      meshes.push(await deployMesh(net, from, "mesh-b", meshCodes(), { ...opts, metaStaking: meshes[0]?.metaStaking }));
    }
    const meta = meshes[0].metaStaking;
    const amounts = [1_000_000n, 600_000n, 400_000n];
    for (let i = 0; i < 3; i++) {
      const d = meshes[i];
      await ok(d.provider.execute("alice", d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: d.provider.denom, amount: amounts[i].toString() }]));
      await ok(d.provider.execute("alice", d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: amounts[i].toString(), validator: valB })));
      await d.link.relayAll();
    }
    expect(await b.delegation(meta, valB)).toBe(2_000_000n);

    // 40 % must stay local: the consumers together may hold 1 000 000 × 0.6 ÷ 0.4 = 1 500 000 of the 2 000 000 they
    // ask for (each reported its request with its stake).
    expect((await b.execute("admin", meta, MetaStakingExecuteMsgBuilder.setMinLocalShare({ share: "1" }))).error)
      .toContain(`${metaStakingErrors.invalidShare}: min_local_share 1 must be in [0, 1)`);
    await ok(b.execute("admin", meta, MetaStakingExecuteMsgBuilder.setMinLocalShare({ share: "0.4" })));
    const before = await power(b, meta, meshes[0].meshConsumer);
    expect(before).toMatchObject({ local: "1000000", max_remote: "1500000", total_capped: "2000000", scale: "0.75", factor: "0.75", effective: "750000" });
    for (const d of meshes) await ok(revalue(b, d.meshConsumer));
    const held = await Promise.all(meshes.map((d) => booked(b, meta, d.meshConsumer)));
    expect(held).toEqual([750_000n, 450_000n, 300_000n]);
    const after = await power(b, meta, meshes[0].meshConsumer);
    expect(after).toMatchObject({ remote: "1500000", local: "1000000" });
    // local ÷ (local + remote) = 1 000 000 ÷ 2 500 000 = 40 %.
    expect(Number(after.local) / (Number(after.local) + Number(after.remote))).toBeGreaterThanOrEqual(0.4);

    // No room: new stake is refused with the rule's name; meta-staking refuses a delegate beyond it too.
    const d = meshes[1];
    await ok(d.provider.execute("alice", d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: d.provider.denom, amount: "10000" }]));
    await ok(d.provider.execute("alice", d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: "10000", validator: valB })));
    const [packet] = d.link.relayer.pending().packets;
    expect(d.link.relayer.deliver(packet).ackText).toContain(
      `${meshConsumerErrors.localMinimumReached}: delegating 10000 is more than the 0 remote stake may still grow by while min_local_share 0.4 stays local`);
    await d.link.relayAll();

    // The chain's own stake grows: the next cranks give the room back, to everyone in proportion.
    expect(b.host.delegate(b.host.addr("bob"), valB, 1_000_000n).ok).toBe(true);
    b.host.advance({ blocks: 1 });
    for (const x of meshes) await ok(revalue(b, x.meshConsumer));
    expect(await Promise.all(meshes.map((x) => booked(b, meta, x.meshConsumer)))).toEqual(amounts);
    await drainUnbondingQueue({ consumer: b, metaStaking: meta }, "carol");
  });
});

describe("meta-staking's power rules", () => {
  async function meta(): Promise<{ b: HostScenarioChain; meta: string; validator: string }> {
    const b = new HostScenarioNetwork(["mesh-b"], { selfBond: SELF_BOND }).chain("mesh-b");
    const meta = await b.instantiate("admin", await b.upload("admin", artifact("meta-staking")), { unbonding_period_seconds: 90 } satisfies MetaStaking.InstantiateMsg,
      "meta", [{ denom: b.denom, amount: "1000000" }]);
    await ok(b.execute("admin", meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: b.address("alice"), amount: "500000" })));
    return { b, meta, validator: b.host.valoper("validator") };
  }

  it("a delegate beyond the cap or the local minimum is refused; shares are checked; reports come from consumers only", async () => {
    const { b, meta: m, validator } = await meta();
    const alice = b.address("alice");
    for (const share of ["0", "1", "1.5"]) {
      expect((await b.execute("admin", m, MetaStakingExecuteMsgBuilder.setMaxPowerShare({ consumer: alice, share }))).error)
        .toContain(`${metaStakingErrors.invalidShare}: max_power_share ${share} must be in (0, 1)`);
    }
    expect((await b.execute("admin", m, MetaStakingExecuteMsgBuilder.setMaxPowerShare({ consumer: b.address("bob"), share: "0.1" }))).error)
      .toContain(`${metaStakingErrors.consumerNotFound}: ${b.address("bob")}`);
    expect((await b.execute("bob", m, MetaStakingExecuteMsgBuilder.setMinLocalShare({ share: "0.5" }))).error).toContain(commonErrors.unauthorized);
    expect((await b.execute("bob", m, MetaStakingExecuteMsgBuilder.reportRequested({ value: "5" }))).error).toContain(metaStakingErrors.unauthorizedConsumer);

    // cap = 1 000 000 × 0.1 ÷ 0.9 = 111 111.
    await ok(b.execute("admin", m, MetaStakingExecuteMsgBuilder.setMaxPowerShare({ consumer: alice, share: "0.1" })));
    const over = await b.execute("alice", m, MetaStakingExecuteMsgBuilder.delegate({ validator, amount: "111112" }));
    expect(over.ok ? "" : over.error).toContain(`${metaStakingErrors.powerCapExceeded}: delegating 111112 would bring ${alice} to 111112, above its cap of 111111`);
    await ok(b.execute("alice", m, MetaStakingExecuteMsgBuilder.delegate({ validator, amount: "111111" })));
    // 111 111 of 1 111 111 bonded is 9.99999 %.
    await ok(b.execute("admin", m, MetaStakingExecuteMsgBuilder.setMaxPowerShare({ consumer: alice })));
    await ok(b.execute("admin", m, MetaStakingExecuteMsgBuilder.setMinLocalShare({ share: "0.8" })));
    // max_remote = 1 000 000 × 0.2 ÷ 0.8 = 250 000; 111 111 held.
    const p = await power(b, m, alice);
    expect(p).toMatchObject({ max_remote: "250000", remote: "111111", cap: null, max_power_share: null, min_local_share: "0.8" });
    const beyond = await b.execute("alice", m, MetaStakingExecuteMsgBuilder.delegate({ validator, amount: "138890" }));
    expect(beyond.ok ? "" : beyond.error).toContain(
      `${metaStakingErrors.localShareExceeded}: delegating 138890 would bring all consumers to 250001, above the 250000 the min_local_share leaves them`);
    await ok(b.execute("alice", m, MetaStakingExecuteMsgBuilder.delegate({ validator, amount: "138889" })));

    // A report is kept and scaled: 400 000 asked of 250 000 allowed.
    await ok(b.execute("alice", m, MetaStakingExecuteMsgBuilder.reportRequested({ value: "400000" })));
    expect(await power(b, m, alice)).toMatchObject({ requested: "400000", capped: "400000", total_capped: "400000", scale: "0.625", effective: "250000", factor: "0.625" });
    // The query may ask "what if": the same rules with another request.
    expect(await b.query<MetaStaking.PowerResponse>(m, MetaStakingQueryMsgBuilder.power({ consumer: alice, requested: "200000" })))
      .toMatchObject({ requested: "200000", scale: "1", factor: "1", effective: "200000" });
  });
});

describe("live validator set", () => {
  it("the crank sends the set when a validator joins or leaves; the provider refuses new stake there and lets old stake leave", async () => {
    const m = await setup({ selfBond: SELF_BOND });
    const val2 = m.b.host.addValidator("validator2", SELF_BOND);
    m.b.host.advance({ blocks: 1 });
    const joined = await revalue(m.b, m.consumer);
    expect(attr(joined, "validator_set_sent")).toBeDefined();
    await m.link.relayAll();
    expect((await m.a.query<MeshProvider.ValidatorsResponse>(m.provider, MeshProviderQueryMsgBuilder.validators({}))).validators).toContain(val2);
    await ok(bondAndGrant(m, "alice", 1000n, val2));
    await m.link.relayAll();
    expect(await m.b.delegation(m.meta, val2)).toBe(1500n);
    // Nothing changed: no packet.
    expect(attr(await revalue(m.b, m.consumer), "validator_set_sent")).toBeUndefined();

    m.b.host.jailValidator(val2);
    m.b.host.advance({ blocks: 1 });
    expect(attr(await revalue(m.b, m.consumer), "validator_set_sent")).toBeDefined();
    await m.link.relayAll();
    expect((await m.a.query<MeshProvider.ValidatorsResponse>(m.provider, MeshProviderQueryMsgBuilder.validators({}))).validators).not.toContain(val2);
    await ok(m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: m.a.denom, amount: "10" }]));
    const refused = await m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: m.provider, amount: "10", validator: val2 }));
    expect(refused.ok ? "" : refused.error).toContain(meshProviderErrors.unknownValidator);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: val2, amount: "1000" })));
    await m.link.relayAll();
    expect(await m.a.query<MeshProvider.StakeResponse>(m.provider, MeshProviderQueryMsgBuilder.stake({ owner: m.a.address("alice"), validator: val2 })))
      .toMatchObject({ staked: "0", pending_unstake: "0" });
  });
});
