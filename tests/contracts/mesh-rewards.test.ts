// Rewards through the mesh (docs/rewards.md §2–4), compiled contracts on two in-process chains: x/distribution pays
// meta-staking on mesh-b, a stranger triggers distribution, mesh-consumer sends an ICS-20 transfer with callbacks, the
// provider's destination callback credits the stakers of each validator, stakers withdraw the voucher denom on
// mesh-a. Amounts are checked against the design's arithmetic, computed here from the chain's numbers.
import { createHash } from "node:crypto";
import { commonErrors, meshConsumerErrors, meshProviderErrors } from "../../src/contracts/errors";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../../src/contracts/MeshConsumer.types";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { artifact } from "../helpers/artifacts";
import { Mesh, TIMEOUT, UNBONDING, User, bondAndGrant, ok, setup } from "../helpers/mesh";

const SCALE = 10n ** 18n;
const REWARD_PER_BLOCK = 1_000n;

interface RewardsMesh extends Mesh {
  transferA: string;
  transferB: string;
  /** the consumer chain's bond denom as it arrives on mesh-a */
  voucher: string;
}

function voucherOf(port: string, channel: string, denom: string): string {
  return "ibc/" + createHash("sha256").update(`${port}/${channel}/${denom}`).digest("hex").toUpperCase();
}

async function setupRewards(opts: { commission?: string } = {}): Promise<RewardsMesh> {
  const m = await setup();
  const t = await m.link.openChannel("transfer", "transfer", "ics20-1");
  await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setRewardConfig({
    transferChannel: t.channelB, commission: opts.commission, commissionRecipient: opts.commission ? m.b.address("carol") : undefined,
  })));
  await ok(m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.setRewardChannel({ channelId: t.channelA })));
  m.b.host.setBlockReward(m.validator, REWARD_PER_BLOCK);
  return { ...m, transferA: t.channelA, transferB: t.channelB, voucher: voucherOf("transfer", t.channelA, m.b.denom) };
}

const distribution = (m: RewardsMesh) => m.b.query<MeshConsumer.DistributionResponse>(m.consumer, MeshConsumerQueryMsgBuilder.distribution());
const providerTotals = (m: RewardsMesh) => m.a.query<MeshProvider.RewardTotalsResponse>(m.provider, MeshProviderQueryMsgBuilder.rewardTotals());
const pool = (m: RewardsMesh) => m.a.query<MeshProvider.PoolResponse>(m.provider, MeshProviderQueryMsgBuilder.pool({ validator: m.validator }));
const rewardPool = (m: RewardsMesh) => m.a.query<MeshProvider.RewardPoolResponse>(m.provider, MeshProviderQueryMsgBuilder.rewardPool({ validator: m.validator }));
/** A user's staked value (equal to its shares while no slash happened). */
const shares = async (m: RewardsMesh, user: User) => BigInt((await m.a.query<MeshProvider.StakeResponse>(m.provider,
  MeshProviderQueryMsgBuilder.stake({ owner: m.a.address(user), validator: m.validator }))).staked);
const pending = async (m: RewardsMesh, user: User) => {
  const r = await m.a.query<MeshProvider.StakerRewardsResponse>(m.provider, MeshProviderQueryMsgBuilder.rewards({ owner: m.a.address(user) }));
  return r.rewards.filter((x) => x.denom === m.voucher).reduce((s, x) => s + BigInt(x.amount), 0n);
};
const received = async (m: RewardsMesh) => BigInt((await providerTotals(m)).totals.find((t) => t.denom === m.voucher)?.received ?? "0");

async function stakeAll(m: RewardsMesh, who: [User, bigint][]): Promise<void> {
  for (const [user, amount] of who) await ok(bondAndGrant(m, user, amount));
  await m.link.relayAll();
}

/** A stranger triggers a distribution; the relayer carries the transfer and its ack. Returns what the provider got. */
async function distribute(m: RewardsMesh): Promise<bigint> {
  const before = await received(m);
  await ok(m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})));
  await m.link.relayAll();
  return (await received(m)) - before;
}

async function withdraw(m: RewardsMesh, user: User): Promise<bigint> {
  const before = await m.a.balance(m.a.address(user), m.voucher);
  await ok(m.a.execute(user, m.provider, MeshProviderExecuteMsgBuilder.withdrawRewards({})));
  return (await m.a.balance(m.a.address(user), m.voucher)) - before;
}

/** The design's index: per credit, Δ = ⌊(amount + carry) × 10^18 ÷ shares⌋, carry = what ⌈Δ × shares⌉ leaves. */
class IndexModel {
  index = 0n;
  carry = 0n;
  credit(amount: bigint, totalShares: bigint): void {
    const available = amount + this.carry;
    if (totalShares === 0n) { this.carry = available; return; }
    const delta = (available * SCALE) / totalShares;
    this.index += delta;
    this.carry = available - (delta * totalShares + SCALE - 1n) / SCALE; // what ⌈Δ × shares⌉ leaves
  }
  earned(shares: bigint, from: bigint): bigint { return (shares * (this.index - from)) / SCALE; }
}

describe("rewards through the mesh", () => {
  it("a stranger distributes; the provider credits per share; each staker withdraws exactly its part of what arrived", async () => {
    const m = await setupRewards();
    await stakeAll(m, [["alice", 300_000n], ["bob", 100_000n]]);
    const totalShares = BigInt((await pool(m)).shares);
    const [alice, bob] = [await shares(m, "alice"), await shares(m, "bob")];
    expect(alice + bob).toBe(totalShares);
    await m.b.wait(30);

    const arrived = await distribute(m);
    expect(arrived).toBeGreaterThan(0n);
    // The consumer claimed what meta-staking paid it and delivered all of it (no commission).
    const d = await distribution(m);
    expect(d.totals).toEqual([{ denom: m.b.denom, claimed: arrived.toString(), commission: "0", delivered: arrived.toString() }]);
    expect(d.waiting).toEqual([]);
    expect(d.in_flight).toEqual([]);
    // The tokens are the provider's, in the voucher denom of its end of the transfer channel.
    expect(await m.a.balance(m.provider, m.voucher)).toBe(arrived);

    const model = new IndexModel();
    model.credit(arrived, totalShares);
    expect((await rewardPool(m)).indexes).toEqual([{ denom: m.voucher, index: decimal(model.index), carry: model.carry.toString() }]);
    expect(await pending(m, "alice")).toBe(model.earned(alice, 0n));
    expect(await withdraw(m, "alice")).toBe(model.earned(alice, 0n));
    expect(await withdraw(m, "bob")).toBe(model.earned(bob, 0n));
    expect(await pending(m, "alice")).toBe(0n);
    // Nothing is paid twice; what is left over is the carry plus at most one unit per staker.
    const left = await m.a.balance(m.provider, m.voucher);
    expect(left).toBeGreaterThanOrEqual(model.carry);
    expect(left - model.carry).toBeLessThanOrEqual(2n);
    expect((await providerTotals(m)).totals).toEqual([{ denom: m.voucher, received: arrived.toString(), paid: (arrived - left).toString() }]);
    const again = await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawRewards({}));
    expect(again.error).toContain(meshProviderErrors.noRewardsToWithdraw);
  });

  it("a staker who joins between distributions earns only on later ones; one who left keeps what it earned", async () => {
    const m = await setupRewards();
    await stakeAll(m, [["alice", 200_000n]]);
    await m.b.wait(20);
    const first = await distribute(m);
    const model = new IndexModel();
    const aliceShares = await shares(m, "alice");
    model.credit(first, aliceShares);
    const afterFirst = model.index;

    await stakeAll(m, [["bob", 200_000n]]);
    const bobShares = await shares(m, "bob");
    await m.b.wait(20);
    const second = await distribute(m);
    model.credit(second, aliceShares + bobShares);
    expect(await pending(m, "bob")).toBe(model.earned(bobShares, afterFirst));
    expect(await pending(m, "alice")).toBe(model.earned(aliceShares, 0n));

    // alice leaves entirely: her rewards so far stay hers, later rounds go to bob only.
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "200000" })));
    await m.link.relayAll();
    const aliceOwed = model.earned(aliceShares, 0n);
    const afterSecond = model.index;
    await m.b.wait(20);
    const third = await distribute(m);
    model.credit(third, bobShares);
    expect(await pending(m, "alice")).toBe(aliceOwed);
    expect(await pending(m, "bob")).toBe(model.earned(bobShares, afterFirst));
    expect(await withdraw(m, "alice")).toBe(aliceOwed);
    expect(model.earned(bobShares, afterSecond)).toBeGreaterThan(0n);
  });

  it("a slash between distributions: the pool earns on what is left and each staker keeps its proportion", async () => {
    const m = await setupRewards();
    await stakeAll(m, [["alice", 300_000n], ["bob", 100_000n]]);
    const [alice, bob] = [await shares(m, "alice"), await shares(m, "bob")];
    await m.b.wait(20);
    const model = new IndexModel();
    model.credit(await distribute(m), alice + bob);
    const delegatedBefore = await m.b.delegation(m.meta, m.validator);

    m.b.host.slashValidator(m.validator, "0.1");
    await ok(m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.checkValidator({ validator: m.validator })));
    await m.link.relayAll();
    const multiplier = (await pool(m)).multiplier;
    expect(multiplier).toMatch(/^0\.9/);
    // Shares do not change with a slash (their value does): the same two stakers, the same proportion.
    expect(BigInt((await pool(m)).shares)).toBe(alice + bob);
    const value = (n: bigint) => (n * BigInt(decimalAtomics(multiplier))) / SCALE;
    expect([await shares(m, "alice"), await shares(m, "bob")]).toEqual([value(alice), value(bob)]);
    expect(await m.b.delegation(m.meta, m.validator)).toBeLessThan(delegatedBefore);

    await m.b.wait(20);
    const second = await distribute(m);
    expect(second).toBeGreaterThan(0n);
    model.credit(second, alice + bob);
    expect(await pending(m, "alice")).toBe(model.earned(alice, 0n));
    expect(await pending(m, "bob")).toBe(model.earned(bob, 0n));
  });

  it("two provider chains on one consumer chain: each provider receives exactly what its own consumer contract earned", async () => {
    const { HostScenarioNetwork } = await import("../../src/scenario/host-backend");
    const { deployMesh } = await import("../../src/scenario/scenarios/mesh");
    const { meshCodes } = await import("../helpers/artifacts");
    const net = new HostScenarioNetwork(["mesh-a", "mesh-c", "mesh-b"]);
    const b = net.chain("mesh-b");
    const validator = b.host.valoper("validator");
    b.host.setBlockReward(validator, REWARD_PER_BLOCK);
    const opts = { consumerUnbondingSeconds: 90, packetTimeoutSeconds: 30, rate: "1", discount: "0", metaStakingFunds: 1_000_000n, allowance: 5_000_000n, rewards: {} };
    const fromA = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), opts);
    const fromC = await deployMesh(net, "mesh-c", "mesh-b", meshCodes(), opts);
    for (const [d, amount] of [[fromA, 300_000n], [fromC, 100_000n]] as const) {
      await ok(d.provider.execute("alice", d.ilp, { bond: {} }, [{ denom: "ustake", amount: amount.toString() }]));
      await ok(d.provider.execute("alice", d.ilp, { grant_claim: { lienholder: d.meshProvider, amount: amount.toString(), validator } }));
      await d.link.relayAll();
    }
    await b.wait(20);
    const results: bigint[] = [];
    for (const d of [fromA, fromC]) {
      // What x/distribution owes this meta-staking (the host's own accounting), before the distribution.
      const accrued = BigInt(b.host.rewards(d.metaStaking, validator).find((c) => c.denom === b.denom)!.amount.split(".")[0]);
      await ok(b.execute("bob", d.meshConsumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})));
      await d.link.relayAll();
      const dist = await b.query<MeshConsumer.DistributionResponse>(d.meshConsumer, MeshConsumerQueryMsgBuilder.distribution());
      const claimed = BigInt(dist.totals[0].claimed);
      expect(accrued - claimed >= 0n && accrued - claimed <= 1n).toBe(true);
      const voucher = voucherOf("transfer", d.rewardChannels!.provider, b.denom);
      const totals = await d.provider.query<MeshProvider.RewardTotalsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.rewardTotals());
      expect(totals.totals).toEqual([{ denom: voucher, received: claimed.toString(), paid: "0" }]);
      results.push(claimed);
    }
    // 3:1 stake, 3:1 rewards (up to the block the second distribution ran in).
    expect(results[0] > results[1] * 2n).toBe(true);
  });

  it("with more validators than one claim harvests, distributions continue where the last one stopped", async () => {
    const m = await setup({ open: false });
    // 34 validators of equal size (the chain's own, much larger, gets no stake here).
    const validators: string[] = [];
    for (let i = 0; i < 34; i++) validators.push(m.b.host.addValidator(`v${String(i).padStart(2, "0")}`, 1_000_000n));
    for (const v of validators) m.b.host.setBlockReward(v, REWARD_PER_BLOCK);
    await m.link.openChannel(`wasm.${m.provider}`, `wasm.${m.consumer}`, "mesh-security-v1");
    await m.link.relayAll();
    const t = await m.link.openChannel("transfer", "transfer", "ics20-1");
    await ok(m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.setRewardChannel({ channelId: t.channelA })));
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setRewardConfig({ transferChannel: t.channelB })));
    const voucher = voucherOf("transfer", t.channelA, m.b.denom);
    await ok(m.a.execute("alice", m.ilp, { bond: {} }, [{ denom: m.a.denom, amount: "340000" }]));
    for (const validator of validators) await ok(m.a.execute("alice", m.ilp, { grant_claim: { lienholder: m.provider, amount: "10000", validator } }));
    await m.link.relayAll();
    await m.b.wait(20);
    const credited = async () => {
      const out: string[] = [];
      for (const validator of validators) {
        const p = await m.a.query<MeshProvider.RewardPoolResponse>(m.provider, MeshProviderQueryMsgBuilder.rewardPool({ validator }));
        if (p.indexes.some((x) => x.denom === voucher && x.index !== "0")) out.push(validator);
      }
      return out;
    };
    // The first claim harvests 30 validators (validator order), the second the other 4.
    await ok(m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})));
    await m.link.relayAll();
    expect(await credited()).toHaveLength(30);
    await ok(m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})));
    await m.link.relayAll();
    expect((await credited()).sort()).toEqual([...validators].sort());
  });

  it("a claim that continues from its cursor and finds nothing still moves the cursor (else the next validators would never be claimed)", async () => {
    const m = await setup({ open: false });
    // Two validators; only the first one earns.
    const [earning, idle] = [m.b.host.addValidator("v0", 1_000_000n), m.b.host.addValidator("v1", 1_000_000n)].sort();
    m.b.host.setBlockReward(earning, REWARD_PER_BLOCK);
    await m.link.openChannel(`wasm.${m.provider}`, `wasm.${m.consumer}`, "mesh-security-v1");
    await m.link.relayAll();
    const t = await m.link.openChannel("transfer", "transfer", "ics20-1");
    await ok(m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.setRewardChannel({ channelId: t.channelA })));
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setRewardConfig({ transferChannel: t.channelB })));
    await ok(m.a.execute("alice", m.ilp, { bond: {} }, [{ denom: m.a.denom, amount: "20000" }]));
    for (const validator of [earning, idle]) await ok(m.a.execute("alice", m.ilp, { grant_claim: { lienholder: m.provider, amount: "10000", validator } }));
    await m.link.relayAll();
    await m.b.wait(20);
    const distributeOne = () => m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({ limit: 1 }));
    const attrs = (r: Awaited<ReturnType<typeof distributeOne>>) => (r.ok ? r.events.flatMap((e) => e.attributes) : []);
    // Page 1 (the earning validator): sent; the cursor stops after it.
    const first = await distributeOne();
    expect(attrs(first).find((a) => a.key === "transfers")?.value).toBe("1");
    // Page 2 (the idle one): nothing, but the claim succeeds and the cursor starts over…
    const second = await distributeOne();
    expect(second.ok ? "" : second.error).toBe("");
    expect(attrs(second).filter((a) => a.key === "transfers" || a.key === "claim_restarts").map((a) => a.value)).toEqual(["0", "true"]);
    // …so the earning validator is claimed again next time.
    await m.b.wait(20);
    expect(attrs(await distributeOne()).find((a) => a.key === "transfers")?.value).toBe("1");
  });

  it("moving rewards to another transfer channel: a round already on its way on the old one is still credited", async () => {
    const m = await setupRewards();
    await stakeAll(m, [["alice", 300_000n]]);
    await m.b.wait(20);
    await ok(m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})));
    const sent = BigInt((await distribution(m)).in_flight[0].amount);
    // Governance moves to a new channel (provider first), while the old round is still in flight.
    const t2 = await m.link.openChannel("transfer", "transfer", "ics20-1");
    await ok(m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.setRewardChannel({ channelId: t2.channelA })));
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setRewardConfig({ transferChannel: t2.channelB })));
    await m.link.relayAll();
    expect(await received(m)).toBe(sent);
    // The next round goes over the new channel, in the new channel's voucher.
    await m.b.wait(20);
    await ok(m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})));
    await m.link.relayAll();
    const totals = (await providerTotals(m)).totals;
    expect(totals.map((x) => x.denom).sort()).toEqual([m.voucher, voucherOf("transfer", t2.channelA, m.b.denom)].sort());
  });

  it("keeps the commission, rounded down per validator, for the recipient governance named", async () => {
    const m = await setupRewards({ commission: "0.1" });
    await stakeAll(m, [["alice", 300_000n]]);
    await m.b.wait(30);
    const carol = await m.b.balance(m.b.address("carol"), m.b.denom);
    const arrived = await distribute(m);
    const d = await distribution(m);
    const claimed = BigInt(d.totals[0].claimed);
    const commission = claimed / 10n; // one validator: ⌊claimed × 0.1⌋
    expect(d.totals[0]).toEqual({ denom: m.b.denom, claimed: claimed.toString(), commission: commission.toString(), delivered: arrived.toString() });
    expect(arrived).toBe(claimed - commission);
    expect((await m.b.balance(m.b.address("carol"), m.b.denom)) - carol).toBe(commission);
  });

  it("a timed-out transfer is refunded and sent again with the next distribution: nothing lost", async () => {
    const m = await setupRewards();
    await stakeAll(m, [["alice", 300_000n]]);
    await m.b.wait(30);
    await ok(m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})));
    const [round] = (await distribution(m)).in_flight;
    expect(round).toMatchObject({ round: 1, denom: m.b.denom });
    const sent = BigInt(round.amount);
    const consumerBalance = await m.b.balance(m.consumer, m.b.denom);
    // The relayer sits on it until it times out.
    const transfer = m.link.relayer.pending().packets.find((p) => p.packet.sourcePort === "transfer");
    expect(transfer).toBeDefined();
    m.link.relayer.hold(transfer!);
    await m.b.wait(40);
    m.link.relayer.release(transfer!);
    const timeouts = m.link.relayer.timeoutExpired();
    expect(timeouts.map((t) => t.ok)).toEqual([true]);
    expect(await m.b.balance(m.consumer, m.b.denom)).toBe(consumerBalance + sent);
    const d = await distribution(m);
    expect(d.in_flight).toEqual([]);
    expect(d.waiting).toEqual([{ validator: m.validator, denom: m.b.denom, amount: sent.toString() }]);
    expect(await received(m)).toBe(0n);

    // The next round carries the refund and what accrued since.
    const arrived = await distribute(m);
    const after = await distribution(m);
    expect(arrived).toBeGreaterThan(sent);
    expect(after.totals[0].delivered).toBe(arrived.toString());
    expect(after.totals[0].claimed).toBe(arrived.toString());
    expect(after.waiting).toEqual([]);
  });

  it("an error acknowledgement refunds the transfer; the round waits and arrives once transfers are accepted again", async () => {
    const m = await setupRewards();
    await stakeAll(m, [["alice", 300_000n]]);
    await m.b.wait(30);
    m.a.host.transfer.receiveEnabled = false;
    await ok(m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})));
    const sent = BigInt((await distribution(m)).in_flight[0].amount);
    const transfer = m.link.relayer.pending().packets.find((p) => p.packet.sourcePort === "transfer")!;
    const delivery = m.link.relayer.deliver(transfer);
    expect(delivery.ackSuccess).toBe(false);
    expect(delivery.ackText).toContain("ABCI code: 8");
    await m.link.relayAll();
    const refunded = await distribution(m);
    expect(refunded.in_flight).toEqual([]);
    expect(refunded.waiting).toEqual([{ validator: m.validator, denom: m.b.denom, amount: sent.toString() }]);
    expect(await m.b.balance(m.consumer, m.b.denom)).toBe(sent);
    expect(await received(m)).toBe(0n);
    expect(await m.a.balance(m.provider, m.voucher)).toBe(0n);

    m.a.host.transfer.receiveEnabled = true;
    await m.b.wait(10);
    const arrived = await distribute(m);
    expect(arrived).toBeGreaterThan(sent);
    const after = await distribution(m);
    expect(after.totals[0]).toMatchObject({ claimed: arrived.toString(), delivered: arrived.toString() });
    expect(await m.b.balance(m.consumer, m.b.denom)).toBe(0n);
  });

  it("a stranger's transfer naming the provider in a callback memo is not credited; a replayed packet changes nothing", async () => {
    const m = await setupRewards();
    await stakeAll(m, [["alice", 300_000n]]);
    // carol on mesh-b forges a reward memo and sends her own tokens to the provider with a destination callback.
    const memo = JSON.stringify({
      mesh_rewards: { round: 77, validators: [{ validator: m.validator, amount: "5000" }] },
      dest_callback: { address: m.provider }, src_callback: { address: m.consumer },
    });
    const sent = m.b.host.ibcTransfer(m.b.address("carol"), {
      channelId: m.transferB, toAddress: m.provider, amount: { denom: m.b.denom, amount: "5000" }, timeout: { timestamp: (await m.b.now()) + 60_000_000_000n }, memo,
    });
    expect(sent.error).toBeUndefined();
    const packet = m.link.relayer.pending().packets.find((p) => p.packet.sourcePort === "transfer")!;
    const delivery = m.link.relayer.deliver(packet);
    expect(delivery.ok).toBe(true);
    const callback = delivery.events.find((e) => e.type === "ibc_dest_callback");
    expect(callback?.attributes).toEqual(expect.arrayContaining([
      { key: "callback_result", value: "failure" },
      { key: "callback_error", value: expect.stringContaining(meshProviderErrors.notConsumerTransfer) },
    ]));
    // The transfer itself went through: the tokens sit in the provider's balance, credited to nobody.
    expect(await m.a.balance(m.provider, m.voucher)).toBe(5000n);
    expect(await received(m)).toBe(0n);
    expect(await pending(m, "alice")).toBe(0n);
    await m.link.relayAll();

    // A real round, then its packet delivered again: ibc-go answers with a no-op, nothing is credited twice.
    await m.b.wait(20);
    await ok(m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})));
    const round = m.link.relayer.pending().packets.find((p) => p.packet.sourcePort === "transfer")!;
    const first = m.link.relayer.deliver(round);
    expect(first.ok).toBe(true);
    const credited = await received(m);
    expect(credited).toBeGreaterThan(0n);
    const replay = m.link.relayer.replay(first);
    expect(replay.noop || !replay.ok).toBe(true);
    await m.link.relayAll();
    expect(await received(m)).toBe(credited);
  });

  it("refuses bad configuration and untimely calls with clear errors", async () => {
    const m = await setup();
    // No transfer channel yet.
    const early = await m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({}));
    expect(early.error).toContain(meshConsumerErrors.rewardsNotConfigured);
    const missing = await m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setRewardConfig({ transferChannel: "channel-9" }));
    expect(missing.error).toContain(commonErrors.transferChannelNotFound);
    const t = await m.link.openChannel("transfer", "transfer", "ics20-1");
    const stranger = await m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.setRewardConfig({ transferChannel: t.channelB }));
    expect(stranger.error).toContain(commonErrors.unauthorized);
    const commission = await m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setRewardConfig({ transferChannel: t.channelB, commission: "1" }));
    expect(commission.error).toContain(meshConsumerErrors.invalidCommission);
    const nobody = await m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setRewardConfig({ transferChannel: t.channelB, commission: "0.05" }));
    expect(nobody.error).toContain(meshConsumerErrors.commissionRecipientRequired);
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setRewardConfig({ transferChannel: t.channelB })));
    const providerStranger = await m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.setRewardChannel({ channelId: t.channelA }));
    expect(providerStranger.error).toContain(commonErrors.unauthorized);
    const providerMissing = await m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.setRewardChannel({ channelId: "channel-7" }));
    expect(providerMissing.error).toContain(commonErrors.transferChannelNotFound);
    // A transfer channel of another connection between the same chains carries no mesh rewards.
    const other = await m.net.link("mesh-a", "mesh-b");
    const t2 = await other.openChannel("transfer", "transfer", "ics20-1");
    const wrong = await m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.setRewardChannel({ channelId: t2.channelA }));
    expect(wrong.error).toContain(`${commonErrors.transferChannelWrongConnection}: ${t2.channelA} uses ${other.connectionA}, ` +
      `the mesh counterparty is on ${m.link.connectionA}`);
    const wrongB = await m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setRewardConfig({ transferChannel: t2.channelB }));
    expect(wrongB.error).toContain(commonErrors.transferChannelWrongConnection);
    // A provider that has no consumer yet, or one whose consumer is not a contract port.
    const fresh = await m.a.instantiate("admin", await m.a.upload("admin", artifact("mesh-provider")),
      { ilp: m.ilp, unbonding_period_seconds: UNBONDING, packet_timeout_seconds: TIMEOUT } satisfies MeshProvider.InstantiateMsg, "fresh");
    const noConsumer = await m.a.execute("admin", fresh, MeshProviderExecuteMsgBuilder.setRewardChannel({ channelId: t.channelA }));
    expect(noConsumer.error).toContain(meshProviderErrors.noRewardChannel);
    await ok(m.a.execute("admin", fresh, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: m.link.connectionA, portId: "icacontroller-x" })));
    const notContract = await m.a.execute("admin", fresh, MeshProviderExecuteMsgBuilder.setRewardChannel({ channelId: t.channelA }));
    expect(notContract.error).toContain(`${commonErrors.counterpartyNotContract}: icacontroller-x is not wasm.<address>`);
    // Nothing owed yet.
    const nothing = await m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({}));
    expect(nothing.error).toContain(meshConsumerErrors.nothingToDistribute);
    const funds = await m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({}), [{ denom: m.b.denom, amount: "5" }]);
    expect(funds.error).toContain(commonErrors.fundsNotAccepted);
  });
});

function decimalAtomics(text: string): string {
  const [whole, frac = ""] = text.split(".");
  return (BigInt(whole) * SCALE + BigInt(frac.padEnd(18, "0"))).toString();
}

function decimal(atomics: bigint): string {
  const whole = atomics / SCALE;
  const frac = (atomics % SCALE).toString().padStart(18, "0").replace(/0+$/, "");
  return frac === "" ? whole.toString() : `${whole}.${frac}`;
}
