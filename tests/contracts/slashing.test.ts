// Slashing through the mesh (docs/slashing.md), in process on two host chains: evidence from x/staking's state on
// the consumer (checked by a stranger), the slash packet, the provider's O(1) pools, lazy settlement in the ILP,
// two providers and two consumer contracts on one meta-staking, unbonding stake (queued, and x/staking entries that
// mature short), stake in flight, replays, and everyone leaving afterwards with every claim released.
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { MeshConsumerExecuteMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MetaStakingExecuteMsgBuilder, MetaStakingQueryMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import type * as MeshConsumer from "../../src/contracts/MeshConsumer.types";
import { MESH_VERSION } from "../../src/protocol";
import { artifact } from "../helpers/artifacts";
import { CONSUMER_UNBONDING, Mesh, TIMEOUT, UNBONDING, User, bondAndGrant, ok, record, setup, stake } from "../helpers/mesh";

const account = (m: Mesh, user: User) => m.a.query<Ilp.AccountResponse>(m.ilp, IlpQueryMsgBuilder.account({ address: m.a.address(user) }));
const pool = (m: Mesh) => m.a.query<MeshProvider.PoolResponse>(m.provider, MeshProviderQueryMsgBuilder.pool({ validator: m.validator }));
const events = (m: Mesh) =>
  m.b.query<MetaStaking.SlashEventsResponse>(m.meta, MetaStakingQueryMsgBuilder.slashEvents({ validator: m.validator }));
/** A stranger on the consumer chain asks for the check; the relayer carries whatever it sends. */
const check = (m: Mesh) => ok(m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.checkValidator({ validator: m.validator })));

async function staked(users: [User, bigint][]): Promise<Mesh> {
  const m = await setup();
  for (const [user, amount] of users) await ok(bondAndGrant(m, user, amount));
  await m.link.relayAll();
  return m;
}

/** Unstakes everything of every user, lets every unbonding period pass and withdraws. */
async function everyoneLeaves(m: Mesh, users: User[]): Promise<void> {
  for (const u of users) {
    const s = await stake(m, u);
    if (s.staked !== "0") await ok(m.a.execute(u, m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: s.staked })));
  }
  await m.link.relayAll();
  await m.a.wait(UNBONDING + 1);
  await m.b.wait(UNBONDING + 1);
  await ok(m.b.execute("carol", m.meta, MetaStakingExecuteMsgBuilder.processUnbonding({})));
  for (const u of users) await ok(m.a.execute(u, m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})));
}

describe("slash evidence and the slash packet", () => {
  it("a stranger's check finds a jailing slash, the provider applies it to every staker at once, and settlement burns it", async () => {
    const m = await staked([["alice", 1000n], ["bob", 500n]]);
    const ilpBefore = await m.a.balance(m.ilp, m.a.denom);
    m.b.host.slashValidator(m.validator, "0.1", { jail: true });
    await check(m);
    expect((await events(m)).events).toEqual([expect.objectContaining({
      validator: m.validator, seq: 1, fraction: "0.1", cumulative: "0.9", batch: 1, jailed: true,
    })]);
    const relayed = await m.link.relayAll();
    expect(relayed).toBeDefined();
    // One packet, one multiplier: both stakers lost 10%.
    expect(await pool(m)).toMatchObject({ shares: "1500", multiplier: "0.9", slash_seq: 1, value: "1350" });
    expect(await stake(m, "alice")).toMatchObject({ staked: "900", unsettled_slash: "100" });
    expect(await stake(m, "bob")).toMatchObject({ staked: "450", unsettled_slash: "50" });
    // The jailed validator takes no new stake.
    const validators = await m.a.query<MeshProvider.ValidatorsResponse>(m.provider, MeshProviderQueryMsgBuilder.validators());
    expect(validators.validators).not.toContain(m.validator);
    // The ILP already shows settled values; the tokens leave when the owner is settled (here by a stranger).
    expect(await account(m, "alice")).toMatchObject({ bonded: "900", pending_slash: "100", max_claim: "900", free: "0" });
    await ok(m.a.execute("carol", m.provider, MeshProviderExecuteMsgBuilder.settle({ owner: m.a.address("alice") })));
    expect(await account(m, "alice")).toMatchObject({ bonded: "900", pending_slash: "0", max_claim: "900" });
    expect(await m.a.balance(m.ilp, m.a.denom)).toBe(ilpBefore - 100n);
    expect(await stake(m, "alice")).toMatchObject({ staked: "900", unsettled_slash: "0" });
  });

  it("a repeated check and a replayed slash packet change nothing", async () => {
    const m = await staked([["alice", 1000n]]);
    m.b.host.slashValidator(m.validator, "0.1");
    await check(m);
    await m.link.relayAll();
    await check(m);
    expect((await events(m)).events).toHaveLength(1);
    expect(await record(m)).toMatchObject({ forwarded_seq: 1, shares: "1000", provider_amount: "900" });
    const before = await pool(m);
    // Lose the ack of a resend: the consumer sends the event again at the next check; the provider ignores it.
    m.b.host.slashValidator(m.validator, "0.05");
    await check(m);
    await m.link.relayAll();
    await check(m);
    await m.link.relayAll();
    const all = (await events(m)).events;
    expect(all.map((e) => e.seq)).toEqual([1, 2]);
    // x/staking's 5% of the validator's tokens, seen in our truncated delegation: the fraction is rounded up.
    expect(Number(all[1].fraction)).toBeGreaterThanOrEqual(0.05);
    expect(Number(all[1].fraction)).toBeLessThan(0.051);
    const after = await pool(m);
    expect(before.multiplier).toBe("0.9");
    expect(after).toMatchObject({ slash_seq: 2, multiplier: all[1].cumulative });
    expect(BigInt(after.value)).toBe(BigInt(Math.floor(1000 * Number(all[1].cumulative))));
  });

  it("two providers on one slashed validator, through two consumer contracts of one meta-staking, lose the same fraction", async () => {
    const m = await staked([["alice", 1000n]]);
    // A second mesh: its own provider (same ILP) and a consumer contract of the same meta-staking.
    const provider2 = await m.a.instantiate("admin", await m.a.upload("admin", artifact("mesh-provider")),
      { ilp: m.ilp, unbonding_period_seconds: UNBONDING, packet_timeout_seconds: TIMEOUT } satisfies MeshProvider.InstantiateMsg, "provider 2");
    const consumer2 = await m.b.instantiate("admin", await m.b.upload("admin", artifact("mesh-consumer")),
      { meta_staking: m.meta, rate: "2", discount: "0.25", packet_timeout_seconds: TIMEOUT } satisfies MeshConsumer.InstantiateMsg, "consumer 2");
    await ok(m.b.execute("admin", m.meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: consumer2, amount: "5000000" })));
    await ok(m.a.execute("admin", provider2, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: m.link.connectionA, portId: `wasm.${consumer2}` })));
    await ok(m.b.execute("admin", consumer2, MeshConsumerExecuteMsgBuilder.setProvider({ connectionId: m.link.connectionB, portId: `wasm.${provider2}` })));
    await m.link.openChannel(`wasm.${provider2}`, `wasm.${consumer2}`, MESH_VERSION);
    await m.link.relayAll();
    await ok(m.a.execute("bob", m.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: m.a.denom, amount: "2000" }]));
    await ok(m.a.execute("bob", m.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: provider2, amount: "2000", validator: m.validator })));
    await m.link.relayAll();
    const value = async (consumer: string) =>
      (await m.b.query<MetaStaking.DelegationResponse>(m.meta, MetaStakingQueryMsgBuilder.delegation({ consumer, validator: m.validator }))).amount;
    expect([await value(m.consumer), await value(consumer2)]).toEqual(["1500", "3000"]);

    m.b.host.slashValidator(m.validator, "0.1");
    // One check through either consumer records the event once; each consumer forwards it to its own provider.
    await check(m);
    await ok(m.b.execute("carol", consumer2, MeshConsumerExecuteMsgBuilder.checkValidator({ validator: m.validator })));
    expect((await events(m)).events).toHaveLength(1);
    await m.link.relayAll();
    expect([await value(m.consumer), await value(consumer2)]).toEqual(["1350", "2700"]);
    expect(await pool(m)).toMatchObject({ multiplier: "0.9", value: "900" });
    expect(await m.a.query(provider2, MeshProviderQueryMsgBuilder.pool({ validator: m.validator }))).toMatchObject({ multiplier: "0.9", value: "1800" });
    expect(await account(m, "alice")).toMatchObject({ bonded: "900", pending_slash: "100" });
    expect(await account(m, "bob")).toMatchObject({ bonded: "1800", pending_slash: "200" });
  });

  it("stake in flight during a slash is ordered by its ack: it is not hit by the slash it postdates", async () => {
    const m = await staked([["alice", 1000n]]);
    await ok(bondAndGrant(m, "bob", 500n));
    m.b.host.slashValidator(m.validator, "0.1");
    // Bob's stake reaches the consumer after the slash: its ack says so, and applies the slash to alice at once. Bob's
    // 500 become ⌊500 ÷ 0.9⌋ = 555 shares, worth 499: rounding goes against the depositor, by less than a unit.
    await m.link.relayAll();
    expect(await stake(m, "bob")).toMatchObject({ staked: "499", unsettled_slash: "1" });
    expect(await stake(m, "alice")).toMatchObject({ staked: "900", unsettled_slash: "100" });
    await check(m);
    await m.link.relayAll();
    expect(await stake(m, "bob")).toMatchObject({ staked: "499" });
    expect(await stake(m, "alice")).toMatchObject({ staked: "900" });
  });
});

describe("unbonding stake and leaving", () => {
  it("stake that waits in the consumer's undelegation batch is slashed with it; withdraw releases what is left", async () => {
    const m = await staked([["alice", 1000n]]);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "400" })));
    await m.link.relayAll();
    // A second unstake in the same epoch waits in the queue (the first went out as a batch at once).
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "100" })));
    await m.link.relayAll();
    m.b.host.slashValidator(m.validator, "0.1");
    await check(m);
    await m.link.relayAll();
    const unbonding = await m.a.query<MeshProvider.UnbondingResponse>(m.provider, MeshProviderQueryMsgBuilder.unbonding({ owner: m.a.address("alice") }));
    // The first batch was undelegated before the slash (not hit); the queued 100 was (90 left).
    expect(unbonding.unbonding.map((e) => e.amount)).toEqual(["400", "90"]);
    expect(await stake(m, "alice")).toMatchObject({ staked: "450" });
    await everyoneLeaves(m, ["alice"]);
    const a = await account(m, "alice");
    expect(a).toMatchObject({ bonded: "940", claims: [], pending_slash: "0" });
    // Σ withdrawable + Σ burned = Σ bonded ever.
    expect(await m.a.balance(m.ilp, m.a.denom)).toBe(940n);
  });

  it("x/staking's slash of an entry already undelegated is found when it matures short, and reaches exactly that batch", async () => {
    const m = await staked([["alice", 1000n], ["bob", 1000n]]);
    // Double-sign evidence names a height before alice's undelegation: x/staking slashes her entry too.
    const infraction = m.b.host.height;
    await m.b.wait(1);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "400" })));
    await m.link.relayAll(); // the validator's first batch goes to x/staking at once: 400 × 1.5 = 600 on the consumer
    const [entry] = m.b.host.unbondingEntries(m.meta, m.validator);
    expect(entry.balance).toBe(600n);
    // meta-staking recorded x/staking's entry from the undelegation's response.
    const maturing = () => m.b.query<MetaStaking.MaturingResponse>(m.meta, MetaStakingQueryMsgBuilder.maturing({}));
    expect(await maturing()).toEqual({ entries: [{ validator: m.validator, batch: 1, amount: "600", completion: entry.completionTimeNs.toString() }] });
    m.b.host.slashValidator(m.validator, "0.1", { infractionHeight: infraction });
    expect(m.b.host.unbondingEntries(m.meta, m.validator).map((e) => e.balance)).toEqual([540n]);
    await check(m);
    await m.link.relayAll();
    const bondedEvent = (await events(m)).events[0];
    expect(bondedEvent).toMatchObject({ seq: 1, batch: 2, unbonding: false });
    // The bonded slash does not reach batch 1: it had left the queue.
    const unbondingOf = async () => (await m.a.query<MeshProvider.UnbondingResponse>(m.provider,
      MeshProviderQueryMsgBuilder.unbonding({ owner: m.a.address("alice") }))).unbonding.map((e) => e.amount);
    expect(await unbondingOf()).toEqual(["400"]);
    const bob = await stake(m, "bob");

    // The entry matures 60 short. The first execution after that cannot know whether x/staking already paid it; the
    // next one, a block later, reconciles (both are a stranger's checks), records the loss and forwards it.
    await m.b.wait(CONSUMER_UNBONDING + 1);
    await check(m);
    expect((await events(m)).events).toHaveLength(1);
    await check(m);
    expect(await maturing()).toEqual({ entries: [] });
    expect((await events(m)).events[1]).toEqual({
      validator: m.validator, seq: 2, fraction: "0.1", cumulative: bondedEvent.cumulative, batch: 1,
      height: expect.any(Number), time: expect.any(String), jailed: false, unbonding: true,
    });
    await m.link.relayAll();
    // Alice's unbonding stake of batch 1 lost exactly what x/staking took; bob's bonded stake nothing more.
    expect(await unbondingOf()).toEqual(["360"]);
    expect(await stake(m, "bob")).toEqual(bob);
    expect(await pool(m)).toMatchObject({ slash_seq: 2, multiplier: bondedEvent.cumulative });
    // A third check finds nothing new.
    await check(m);
    expect((await events(m)).events).toHaveLength(2);

    await everyoneLeaves(m, ["alice", "bob"]);
    let bonded = 0n;
    for (const u of ["alice", "bob"] as User[]) {
      const a = await account(m, u);
      expect(a.claims).toEqual([]);
      bonded += BigInt(a.bonded);
    }
    expect(await m.a.balance(m.ilp, m.a.denom)).toBe(bonded);
    // Alice: 40 of her unbonding 400, and the bonded fraction of the 600 she kept staked until she left.
    const keep = Number(bondedEvent.cumulative);
    expect(BigInt((await account(m, "alice")).bonded)).toBe(360n + BigInt(Math.floor(600 * keep)));
  });

  it("an unstake whose ack comes after the slash events loses the slash once: its shares were still reserved in the bonded pool", async () => {
    const m = await staked([["alice", 1000n], ["bob", 1000n]]);
    const infraction = m.b.host.height;
    await m.b.wait(1);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "400" })));
    // The consumer gets the unstake (batch 1 goes to x/staking at once); its ack stays with the relayer.
    const [unstake] = m.link.relayer.pending().packets;
    expect(m.link.relayer.deliver(unstake).ackSuccess).toBe(true);
    m.b.host.slashValidator(m.validator, "0.1", { infractionHeight: infraction });
    await m.b.wait(CONSUMER_UNBONDING + 1);
    await check(m);
    await check(m);
    const entrySlash = (await events(m)).events.find((e) => e.unbonding)!;
    expect(entrySlash).toMatchObject({ batch: 1, fraction: "0.1" });
    // Only the slash packets go through (the bonded event hits alice's reserved shares; the entry event finds no pool of
    // batch 1 yet); then, late, the unstake's ack: 10% lost once, not twice.
    for (const p of m.link.relayer.pending().packets) expect(m.link.relayer.deliver(p).ok).toBe(true);
    const acks = m.link.relayer.pending().acks;
    const late = acks.find((a) => a.packet.sequence === unstake.packet.sequence && a.packet.sourcePort === unstake.packet.sourcePort)!;
    expect(m.link.relayer.deliverItem(late).ok).toBe(true);
    const entries = (await m.a.query<MeshProvider.UnbondingResponse>(m.provider, MeshProviderQueryMsgBuilder.unbonding({ owner: m.a.address("alice") }))).unbonding;
    expect(entries.map((e) => [e.batch, e.amount])).toEqual([[1, "360"]]);
  });

  it("after slashes every user unstakes and withdraws; every claim is released and no token is created", async () => {
    const m = await staked([["alice", 1000n], ["bob", 333n], ["carol", 77n]]);
    m.b.host.slashValidator(m.validator, "0.1");
    await check(m);
    await m.link.relayAll();
    m.b.host.slashValidator(m.validator, "0.03");
    await everyoneLeaves(m, ["alice", "bob", "carol"]);
    await check(m);
    await m.link.relayAll();
    let bonded = 0n;
    for (const u of ["alice", "bob", "carol"] as User[]) {
      const a = await account(m, u);
      expect(a.claims).toEqual([]);
      bonded += BigInt(a.bonded);
    }
    expect(await m.a.balance(m.ilp, m.a.denom)).toBe(bonded);
    // Each lost about 10% (the second slash reached stake already unbonding at the provider only through its batch).
    expect(bonded).toBeLessThan(1410n);
    expect(bonded).toBeGreaterThanOrEqual(1410n * 87n / 100n);
  });
});
