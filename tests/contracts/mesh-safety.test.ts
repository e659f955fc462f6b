// Cross-staking safety, on two in-process chains with the compiled contracts: who may close the mesh channel and
// what a close settles, reconnection that does not wait for any user, handshakes that cannot be raced, batched
// undelegations under x/staking's entry limit, versioned validator sets, rate limits and configuration bounds.
import { commonErrors, ilpErrors, meshConsumerErrors, meshProviderErrors, metaStakingErrors } from "../../src/contracts/errors";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MetaStakingExecuteMsgBuilder, MetaStakingQueryMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import { MESH_VERSION } from "../../src/protocol";
import { TxOutcome } from "../../src/scenario/types";
import { artifact, testContract } from "../helpers/artifacts";
import {
  CONSUMER_UNBONDING, EPOCH, Mesh, TIMEOUT, UNBONDING, User, bondAndGrant, claim, ok, record, setup, stake,
} from "../helpers/mesh";

const providerPort = (m: Mesh) => `wasm.${m.provider}`;
const consumerPort = (m: Mesh) => `wasm.${m.consumer}`;
const errorOf = (r: TxOutcome) => (r.ok ? "" : r.error);
const attr = (r: TxOutcome, key: string): string[] =>
  r.ok ? r.events.flatMap((e) => e.attributes.filter((a) => a.key === key).map((a) => a.value)) : [];
const channelOf = (m: Mesh) => m.a.query<MeshProvider.ChannelResponse>(m.provider, MeshProviderQueryMsgBuilder.channel());
const metaValidator = (m: Mesh, validator = m.validator) =>
  m.b.query<MetaStaking.ValidatorResponse>(m.meta, MetaStakingQueryMsgBuilder.validator({ validator }));
const entries = (m: Mesh, validator = m.validator) => m.b.host.unbondingEntries(m.meta, validator);

async function stakeRelayed(m: Mesh, user: User, amount: bigint): Promise<void> {
  await ok(bondAndGrant(m, user, amount));
  await m.link.relayAll();
  expect(await stake(m, user)).toMatchObject({ staked: amount.toString(), pending_stake: "0" });
}

/** Every claim of `users` released, and nothing left staked or unbonding on the provider. */
async function expectAllReleased(m: Mesh, users: User[]): Promise<void> {
  for (const u of users) {
    expect(await claim(m, u)).toBe("0");
    const unbonding = await m.a.query<MeshProvider.UnbondingResponse>(m.provider, MeshProviderQueryMsgBuilder.unbonding({ owner: m.a.address(u) }));
    expect(unbonding).toEqual({ unbonding: [], from_closed_channels: [] });
  }
}

describe("closing the mesh channel", () => {
  it("a stranger's MsgChannelCloseInit is refused on both chains, and stake keeps flowing", async () => {
    const m = await setup();
    await stakeRelayed(m, "alice", 1000n);
    const onProvider = m.link.relayer.closeChannel(m.a.host, providerPort(m), "channel-0");
    expect(onProvider.init.ok).toBe(false);
    expect(onProvider.init.error).toContain(`${commonErrors.closeIsGovernance}: channel-0 closes through the contract's close_channel message`);
    const onConsumer = m.link.relayer.closeChannel(m.b.host, consumerPort(m), "channel-0");
    expect(onConsumer.init.ok).toBe(false);
    expect(onConsumer.init.error).toContain(commonErrors.closeIsGovernance);
    expect(m.a.host.ibc.getChannel(m.a.host.state, providerPort(m), "channel-0")?.state).toBe("OPEN");
    expect(m.b.host.ibc.getChannel(m.b.host.state, consumerPort(m), "channel-0")?.state).toBe("OPEN");
    await stakeRelayed(m, "bob", 500n);
    expect(await m.b.delegation(m.meta, m.validator)).toBe(2250n);
  });

  it("only the admin may close, and only an open channel", async () => {
    const m = await setup();
    expect(errorOf(await m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.closeChannel()))).toContain("Unauthorized: only the admin");
    expect(errorOf(await m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.closeChannel()))).toContain("Unauthorized: only the admin");
    await ok(m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.closeChannel()));
    expect(errorOf(await m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.closeChannel()))).toContain(commonErrors.noChannelToClose);
  });

  it("a governance close on the provider settles everything in flight; every claim is released after the unbonding period", async () => {
    const m = await setup();
    await stakeRelayed(m, "alice", 1000n);
    // bob's stake is received and delegated on the consumer, but its ack is not relayed before the close.
    await ok(bondAndGrant(m, "bob", 400n));
    const bobPacket = m.link.relayer.pending().packets[0];
    expect(m.link.relayer.deliver(bobPacket).ackSuccess).toBe(true);
    // alice's unstake of 300 is received (undelegated) but not acknowledged either.
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "300" })));
    const unstakePacket = m.link.relayer.pending().packets[0];
    expect(m.link.relayer.deliver(unstakePacket).ackSuccess).toBe(true);
    // carol's stake never reaches the consumer before the close.
    await ok(bondAndGrant(m, "carol", 200n));
    const carolPacket = m.link.relayer.pending().packets[0];
    m.link.relayer.hold(carolPacket);

    const closed = await m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.closeChannel());
    expect(closed.ok).toBe(true);
    expect(attr(closed, "action")).toEqual(expect.arrayContaining(["close_channel", "channel_close"]));
    expect(await channelOf(m)).toMatchObject({ channel_id: null, generation: 1 });
    expect(m.a.host.ibc.getChannel(m.a.host.state, providerPort(m), "channel-0")?.state).toBe("CLOSED");
    // Closed stake counts for nothing live, and shows as unbonding from the close.
    expect(await stake(m, "alice")).toMatchObject({ staked: "0", pending_stake: "0", pending_unstake: "0" });
    const aliceUnbonding = await m.a.query<MeshProvider.UnbondingResponse>(m.provider, MeshProviderQueryMsgBuilder.unbonding({ owner: m.a.address("alice") }));
    expect(aliceUnbonding.from_closed_channels).toEqual([expect.objectContaining({ validator: m.validator, amount: "1000" })]);

    // The relayer carries the close to the consumer, which undelegates everything; the acks can never come.
    const relayed = m.link.relayer.relayAll();
    expect(relayed.results.filter((r) => r.kind === "close_confirm").map((r) => r.ok)).toEqual([true]);
    expect(relayed.results.filter((r) => r.kind === "ack" && r.ok)).toEqual([]);
    expect(await m.b.query(m.consumer, MeshConsumerQueryMsgBuilder.channel())).toBeNull();
    expect(await m.b.query(m.consumer, MeshConsumerQueryMsgBuilder.records({}))).toEqual({ records: [] });
    // alice's unstake took this epoch's batch; the rest waits for the next one, which the crank runs.
    expect(await metaValidator(m)).toMatchObject({ delegated: "0", queued: "1650" });
    await m.b.wait(EPOCH);
    await ok(m.b.execute("carol", m.meta, MetaStakingExecuteMsgBuilder.processUnbonding({})));
    expect(await m.b.delegation(m.meta, m.validator)).toBe(0n);

    // carol's packet times out later: the close already settled it, so nothing changes.
    await m.a.wait(TIMEOUT + 1);
    m.link.relayer.release(carolPacket);
    const timeouts = m.link.relayer.timeoutExpired();
    expect(timeouts.map((t) => t.ok)).toEqual([true]);
    expect(timeouts[0].events.flatMap((e) => e.attributes).find((a) => a.key === "action")?.value).toBe("settled_by_close");
    expect(await claim(m, "carol")).toBe("200");

    expect(errorOf(await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})))).toMatch(new RegExp(`${meshProviderErrors.nothingToWithdrawYet}: the next release is at \\d+ \\(ns\\)$`));
    await m.a.wait(UNBONDING);
    for (const u of ["alice", "bob", "carol"] as const) await ok(m.a.execute(u, m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})));
    await expectAllReleased(m, ["alice", "bob", "carol"]);
  });

  it("a governance close on the consumer reaches the provider as close_confirm", async () => {
    const m = await setup();
    await stakeRelayed(m, "alice", 1000n);
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.closeChannel()));
    expect(await m.b.delegation(m.meta, m.validator)).toBe(0n);
    const relayed = m.link.relayer.relayAll();
    expect(relayed.results.map((r) => [r.kind, r.ok])).toEqual([["close_confirm", true]]);
    expect(await channelOf(m)).toMatchObject({ channel_id: null });
    await m.a.wait(UNBONDING + 1);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})));
    await expectAllReleased(m, ["alice"]);
  });

  it("a close after a consumer-chain slash completes on both ends", async () => {
    const m = await setup();
    await stakeRelayed(m, "alice", 1000n);
    await stakeRelayed(m, "bob", 1000n);
    m.b.host.slashValidator(m.validator, "0.1");
    expect(await m.b.delegation(m.meta, m.validator)).toBe(2700n);
    // The consumer's books still say 3000; the close undelegates what x/staking really holds.
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.closeChannel()));
    expect(await m.b.delegation(m.meta, m.validator)).toBe(0n);
    expect(entries(m).map((e) => e.balance)).toEqual([2700n]);
    expect(m.link.relayer.relayAll().results.map((r) => [r.kind, r.ok])).toEqual([["close_confirm", true]]);
    await m.a.wait(UNBONDING + 1);
    for (const u of ["alice", "bob"] as const) await ok(m.a.execute(u, m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})));
    await expectAllReleased(m, ["alice", "bob"]);
  });

  it("a dust staker who never withdraws does not block a new channel; old stake keeps unbonding on its own", async () => {
    const m = await setup();
    await stakeRelayed(m, "alice", 1n);
    await stakeRelayed(m, "bob", 1000n);
    await ok(m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.closeChannel()));
    m.link.relayer.relayAll();
    // A new channel opens at once, long before the old stake is released.
    const { channelA, channelB } = await m.link.openChannel(providerPort(m), consumerPort(m), MESH_VERSION);
    expect([channelA, channelB]).toEqual(["channel-1", "channel-1"]);
    await m.link.relayAll();
    expect(await channelOf(m)).toMatchObject({ channel_id: "channel-1", generation: 2, closed_at: "0" });
    expect((await m.a.query<MeshProvider.ValidatorsResponse>(m.provider, MeshProviderQueryMsgBuilder.validators())).validators).toEqual([m.validator]);
    // bob stakes again through the new channel; his old stake is moved into unbonding on this touch.
    await ok(bondAndGrant(m, "bob", 500n));
    await m.link.relayAll();
    expect(await stake(m, "bob")).toMatchObject({ staked: "500" });
    const bobUnbonding = await m.a.query<MeshProvider.UnbondingResponse>(m.provider, MeshProviderQueryMsgBuilder.unbonding({ owner: m.a.address("bob") }));
    expect(bobUnbonding.unbonding.map((u) => u.amount)).toEqual(["1000"]);
    expect(bobUnbonding.from_closed_channels).toEqual([]);
    expect(await m.b.delegation(m.meta, m.validator)).toBe(750n);

    await m.a.wait(UNBONDING + 1);
    await ok(m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})));
    expect(await claim(m, "bob")).toBe("500");
    // alice never withdrew: nothing waits for her, and she can still withdraw whenever she likes.
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})));
    expect(await claim(m, "alice")).toBe("0");
  });
});

describe("handshake", () => {
  it("a handshake started on the consumer chain is refused", async () => {
    const m = await setup({ open: false });
    const r = m.b.host.runTransaction((ctx) => {
      m.b.host.ibc.chanOpenInit(ctx, consumerPort(m), "ORDER_UNORDERED", m.link.connectionB, providerPort(m), MESH_VERSION);
      return undefined;
    });
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.error).toContain(`${commonErrors.consumerDoesNotOpen}: the handshake must start on the provider chain`);
  });

  it("two handshakes started at once end with exactly one channel, stake flows, and the loser can be abandoned", async () => {
    const m = await setup({ open: false });
    const { a, b } = { a: m.a.host, b: m.b.host };
    const run = <T>(chain: typeof a, f: (ctx: Parameters<Parameters<typeof a.runTransaction>[0]>[0]) => T): T => {
      let out: T | undefined;
      const r = chain.runTransaction((ctx) => { out = f(ctx); return undefined; });
      if (!r.ok) throw new Error(r.error);
      return out!;
    };
    const init1 = run(a, (ctx) => a.ibc.chanOpenInit(ctx, providerPort(m), "ORDER_UNORDERED", m.link.connectionA, consumerPort(m), MESH_VERSION));
    const init2 = run(a, (ctx) => a.ibc.chanOpenInit(ctx, providerPort(m), "ORDER_UNORDERED", m.link.connectionA, consumerPort(m), MESH_VERSION));
    const try1 = run(b, (ctx) => b.ibc.chanOpenTry(ctx, consumerPort(m), "ORDER_UNORDERED", m.link.connectionB, providerPort(m), init1.channelId, MESH_VERSION));
    const try2 = run(b, (ctx) => b.ibc.chanOpenTry(ctx, consumerPort(m), "ORDER_UNORDERED", m.link.connectionB, providerPort(m), init2.channelId, MESH_VERSION));
    // The provider decides: the first open_ack wins, the other is refused.
    run(a, (ctx) => a.ibc.chanOpenAck(ctx, providerPort(m), init2.channelId, try2.channelId, MESH_VERSION));
    expect(() => run(a, (ctx) => a.ibc.chanOpenAck(ctx, providerPort(m), init1.channelId, try1.channelId, MESH_VERSION)))
      .toThrow(`${commonErrors.channelAlreadyOpen}: only one channel at a time`);
    run(b, (ctx) => b.ibc.chanOpenConfirm(ctx, consumerPort(m), try2.channelId));
    await m.link.relayAll();
    expect(await channelOf(m)).toMatchObject({ channel_id: init2.channelId });
    expect(await m.b.query(m.consumer, MeshConsumerQueryMsgBuilder.channel())).toMatchObject({ channel_id: try2.channelId });
    await stakeRelayed(m, "alice", 1000n);
    // The half-open attempt is not the live channel: anyone may close it, on either side, and nothing changes.
    expect(m.link.relayer.closeChannel(a, providerPort(m), init1.channelId).init.ok).toBe(true);
    expect(m.link.relayer.closeChannel(b, consumerPort(m), try1.channelId).init.ok).toBe(true);
    await stakeRelayed(m, "bob", 100n);
    expect(await m.b.delegation(m.meta, m.validator)).toBe(1650n);
  });
});

describe("undelegation batches", () => {
  it("20 unstakes in 20 different blocks all succeed while x/staking never holds more than 6 entries", async () => {
    const m = await setup();
    await stakeRelayed(m, "alice", 2000n); // 3000 local
    let most = 0;
    for (let i = 0; i < 20; i++) {
      await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "10" })));
      const relayed = m.link.relayer.relayAll();
      expect(relayed.results.filter((r) => r.kind === "recv").map((r) => r.ackSuccess)).toEqual([true]);
      await ok(m.b.execute("carol", m.meta, MetaStakingExecuteMsgBuilder.processUnbonding({})));
      most = Math.max(most, entries(m).length);
      await m.b.wait(4);
    }
    // 20 × 4 s spans 80 s; with a 15 s epoch at most ⌈90 / 15⌉ = 6 entries are alive at once.
    expect(most).toBeLessThanOrEqual(6);
    expect(most).toBeGreaterThanOrEqual(5);
    await m.b.wait(EPOCH);
    await ok(m.b.execute("carol", m.meta, MetaStakingExecuteMsgBuilder.processUnbonding({})));
    expect(await metaValidator(m)).toMatchObject({ validator: m.validator, delegated: "2700", queued: "0", on_chain: "2700", slash_seq: 0 });
    expect(await stake(m, "alice")).toMatchObject({ staked: "1800", pending_unstake: "0" });
    expect(await record(m)).toMatchObject({ provider_amount: "1800", local_amount: "2700" });
  });

  it("the crank is permissionless and paginated, and only undelegates due batches", async () => {
    const m = await setup();
    const second = m.b.host.addValidator("validator2", 2_000_000n);
    await ok(m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet()));
    m.link.relayer.relayAll();
    await stakeRelayed(m, "alice", 1000n);
    await ok(bondAndGrant(m, "bob", 1000n, second));
    await m.link.relayAll();
    // The first undelegation of each validator runs at once; the next ones wait for the epoch.
    for (const v of [m.validator, second]) {
      const user = v === second ? "bob" : "alice";
      await ok(m.a.execute(user, m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: v, amount: "100" })));
      await ok(m.a.execute(user, m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: v, amount: "100" })));
    }
    m.link.relayer.relayAll();
    const queue = await m.b.query<MetaStaking.UnbondingQueueResponse>(m.meta, MetaStakingQueryMsgBuilder.unbondingQueue({}));
    expect(queue.queue.map((q) => q.queued)).toEqual(["150", "150"]);
    expect(queue.queue.every((q) => BigInt(q.batch_at) > 0n)).toBe(true);
    const early = await m.b.execute("bob", m.meta, MetaStakingExecuteMsgBuilder.processUnbonding({}));
    expect(attr(early, "flushed")).toEqual(["0"]);
    await m.b.wait(EPOCH);
    const page = await m.b.execute("bob", m.meta, MetaStakingExecuteMsgBuilder.processUnbonding({ limit: 1 }));
    expect(attr(page, "flushed")).toEqual(["1"]);
    const nextStart = attr(page, "next_start_after")[0];
    expect(nextStart).toBeDefined();
    const rest = await m.b.execute("bob", m.meta, MetaStakingExecuteMsgBuilder.processUnbonding({ startAfter: nextStart, limit: 1 }));
    expect(attr(rest, "flushed")).toEqual(["1"]);
    expect((await m.b.query<MetaStaking.UnbondingQueueResponse>(m.meta, MetaStakingQueryMsgBuilder.unbondingQueue({}))).queue).toEqual([]);
    expect(await m.b.delegation(m.meta, m.validator)).toBe(1200n);
    expect(await m.b.delegation(m.meta, second)).toBe(1200n);
  });

  it("a batch that x/staking refuses goes back to the queue; the unstake itself still succeeds", async () => {
    // Misconfigured on purpose: meta-staking believes 100 entries are allowed (epoch ⌈90/99⌉ = 1 s), x/staking allows 7.
    const m = await setup({ metaMaxEntries: 100 });
    await stakeRelayed(m, "alice", 1000n);
    for (let i = 0; i < 7; i++) {
      await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "10" })));
      m.link.relayer.relayAll();
      await m.b.wait(2);
    }
    expect(entries(m)).toHaveLength(7);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "10" })));
    const relayed = m.link.relayer.relayAll();
    const recv = relayed.results.find((r) => r.kind === "recv")!;
    expect(recv.ackSuccess).toBe(true);
    expect(recv.events.flatMap((e) => e.attributes).filter((a) => a.key === "action").map((a) => a.value)).toContain("batch_requeued");
    expect(await metaValidator(m)).toMatchObject({ queued: "15", on_chain: "1395" });
    expect(await stake(m, "alice")).toMatchObject({ staked: "920" });
    // The requeued stake is still the batch its unstake was acknowledged with: a slash now reaches it there.
    const last = (await m.a.query<MeshProvider.UnbondingResponse>(m.provider, MeshProviderQueryMsgBuilder.unbonding({ owner: m.a.address("alice") }))).unbonding.at(-1)!;
    expect((await metaValidator(m)).batch).toBe(last.batch);
    // Once the oldest entries mature, the crank gets the queue through.
    await m.b.wait(CONSUMER_UNBONDING);
    await ok(m.b.execute("bob", m.meta, MetaStakingExecuteMsgBuilder.processUnbonding({})));
    expect(await metaValidator(m)).toMatchObject({ delegated: "1380", queued: "0", on_chain: "1380" });
  });
});

describe("validator sets", () => {
  it("a stale list_validators ack does not replace a newer set", async () => {
    const m = await setup();
    await ok(m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.refreshValidators()));
    const request = m.link.relayer.pending().packets[0];
    expect(m.link.relayer.deliver(request).ackSuccess).toBe(true); // answered with the set as of this height
    m.b.host.advance({ blocks: 1 });
    const newcomer = m.b.host.addValidator("validator2", 2_000_000n);
    await ok(m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet()));
    const push = m.link.relayer.pending().packets[0];
    expect(m.link.relayer.deliver(push).ackSuccess).toBe(true);
    const newer = await m.a.query<MeshProvider.ValidatorsResponse>(m.provider, MeshProviderQueryMsgBuilder.validators());
    expect([...newer.validators].sort()).toEqual([m.validator, newcomer].sort());
    // The older answer arrives last and is ignored.
    const staleAck = m.link.relayer.pending().acks.find((a) => a.id === request.id)!;
    const settled = m.link.relayer.deliverAck(staleAck);
    expect(settled.ok).toBe(true);
    expect(settled.events.flatMap((e) => e.attributes).some((a) => a.key === "stale_version")).toBe(true);
    expect(await m.a.query<MeshProvider.ValidatorsResponse>(m.provider, MeshProviderQueryMsgBuilder.validators())).toMatchObject({
      validators: newer.validators, version: newer.version,
    });
  });

  it("refresh_validators and send_validator_set cannot flood the channel", async () => {
    const m = await setup();
    await ok(m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.refreshValidators()));
    expect(errorOf(await m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.refreshValidators())))
      .toContain(`${meshProviderErrors.listingInFlight}: wait for its acknowledgement or timeout`);
    m.link.relayer.relayAll();
    await ok(m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.refreshValidators()));
    m.link.relayer.relayAll();

    expect(errorOf(await m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet())))
      .toMatch(new RegExp(`^${meshConsumerErrors.validatorSetUnchanged}: nothing to send since the update at height \\d+$`));
    m.b.host.addValidator("validator2", 2_000_000n);
    m.link.relayer.hold();
    await ok(m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet()));
    expect(errorOf(await m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet())))
      .toContain(`${meshConsumerErrors.validatorSetUnchanged}: nothing to send since the update at height`);
    // The update times out: it may be sent again.
    await m.b.wait(TIMEOUT + 1);
    m.link.relayer.release();
    expect(m.link.relayer.timeoutExpired().map((t) => t.ok)).toEqual([true]);
    await ok(m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet()));
    m.link.relayer.relayAll();
    expect((await m.a.query<MeshProvider.ValidatorsResponse>(m.provider, MeshProviderQueryMsgBuilder.validators())).validators).toHaveLength(2);
  });

  it("the provider learns the consumer's unbonding rules and refuses stake until its own period covers them", async () => {
    const m = await setup({ providerUnbonding: 120 });
    const set = await m.a.query<MeshProvider.ValidatorsResponse>(m.provider, MeshProviderQueryMsgBuilder.validators());
    expect(set).toMatchObject({ consumer_unbonding_period_seconds: CONSUMER_UNBONDING, consumer_unbonding_epoch_seconds: EPOCH });
    const r = await bondAndGrant(m, "alice", 100n);
    expect(errorOf(r)).toContain(
      `${meshProviderErrors.unbondingTooShort}: the provider's unbonding period (120 s) does not cover the consumer's unbonding period (90 s) + ` +
      "undelegation epoch (15 s) + packet timeout (30 s): governance must raise it before stake is accepted",
    );
    expect(await claim(m, "alice")).toBe("0");
  });
});

describe("configuration bounds", () => {
  it("refuses durations that are zero, too long, or would overflow the time arithmetic", async () => {
    const m = await setup({ open: false });
    const code = await m.a.upload("admin", artifact("mesh-provider"));
    const provider = (unbonding: number | string, timeout: number) =>
      m.a.instantiate("admin", code, { ilp: m.ilp, unbonding_period_seconds: unbonding, packet_timeout_seconds: timeout }, "p");
    // u64::MAX / 1e9 + 1 seconds would wrap when converted to nanoseconds.
    await expect(provider(18446744074, 30)).rejects.toThrow(`${commonErrors.invalidDuration}: unbonding_period_seconds 18446744074 s is more than the maximum of 315360000 s (10 years)`);
    await expect(provider(140, 0)).rejects.toThrow(`${commonErrors.invalidDuration}: packet_timeout_seconds must be at least 1 s, got 0`);
    await expect(provider(30, 30)).rejects.toThrow(`${meshProviderErrors.unbondingNotAboveTimeout}: must exceed packet_timeout_seconds`);
    const metaCode = await m.b.upload("admin", artifact("meta-staking"));
    await expect(m.b.instantiate("admin", metaCode, { unbonding_period_seconds: 0 } satisfies MetaStaking.InstantiateMsg, "m")).rejects.toThrow(`${commonErrors.invalidDuration}: unbonding_period_seconds must be at least 1 s`);
    await expect(m.b.instantiate("admin", metaCode, { unbonding_period_seconds: 90, max_unbonding_entries: 1 } satisfies MetaStaking.InstantiateMsg, "m"))
      .rejects.toThrow(`${metaStakingErrors.invalidMaxUnbondingEntries}: must be between 2 and 1000 (x/staking's max_entries), got 1`);
    expect(await m.b.query(m.meta, MetaStakingQueryMsgBuilder.config())).toMatchObject({
      unbonding_period_seconds: 90, max_unbonding_entries: 7, unbonding_epoch_seconds: 15,
    });
  });

  it("meta-staking: governance takes back liquid funds, nobody else, never more than is liquid", async () => {
    const m = await setup();
    await stakeRelayed(m, "alice", 1000n); // 1500 of the 10 000 000 delegated
    expect(errorOf(await m.b.execute("bob", m.meta, MetaStakingExecuteMsgBuilder.withdrawFunds({ amount: "1" })))).toContain("Unauthorized: only the admin");
    expect(errorOf(await m.b.execute("admin", m.meta, MetaStakingExecuteMsgBuilder.withdrawFunds({ amount: "9998501" }))))
      .toContain(`${metaStakingErrors.insufficientLiquidFunds}: 9998500ustake available, 9998501 requested`);
    const before = await m.b.balance(m.b.address("carol"), m.b.denom);
    await ok(m.b.execute("admin", m.meta, MetaStakingExecuteMsgBuilder.withdrawFunds({ amount: "500", recipient: m.b.address("carol") })));
    expect(await m.b.balance(m.b.address("carol"), m.b.denom)).toBe(before + 500n);
  });

  it("withdraw_unbonded works through many entries in bounded pages", async () => {
    const m = await setup();
    await stakeRelayed(m, "alice", 1000n);
    for (let i = 0; i < 35; i++) {
      await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "1" })));
      m.link.relayer.relayAll();
    }
    await m.a.wait(UNBONDING + 1);
    const first = await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({ limit: 10 }));
    expect(attr(first, "amount")).toContain("10");
    expect(attr(first, "more")).toEqual(["true"]);
    const rest = await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({}));
    expect(attr(rest, "more")).toEqual(["false"]);
    expect(await claim(m, "alice")).toBe("965");
    const account = await m.a.query<Ilp.AccountResponse>(m.ilp, IlpQueryMsgBuilder.account({ address: m.a.address("alice") }));
    expect(account.free).toBe("35");
  });
});

describe("ILP lienholder bounds", () => {
  it("an owner may hold claims with at most max_lienholders lienholders", async () => {
    const m = await setup({ open: false });
    const code = await m.a.upload("admin", artifact("ilp"));
    const ilp = await m.a.instantiate("admin", code, { denom: m.a.denom, max_lienholders: 2 }, "small ilp");
    expect(await m.a.query(ilp, IlpQueryMsgBuilder.config())).toMatchObject({ max_lienholders: 2, lienholder_gas_limit: 500000 });
    const lienCode = await m.a.upload("admin", testContract("test-lienholder"));
    const liens: string[] = [];
    for (let i = 0; i < 3; i++) liens.push(await m.a.instantiate("admin", lienCode, { ilp }, `lien ${i}`));
    await ok(m.a.execute("alice", ilp, IlpExecuteMsgBuilder.bond(), [{ denom: m.a.denom, amount: "100" }]));
    await ok(m.a.execute("alice", ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: liens[0], amount: "10", validator: "v" })));
    await ok(m.a.execute("alice", ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: liens[1], amount: "10", validator: "v" })));
    expect(errorOf(await m.a.execute("alice", ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: liens[2], amount: "10", validator: "v" }))))
      .toContain(`${ilpErrors.tooManyLienholders}: ${m.a.address("alice")} already has 2 claims (the maximum is 2)`);
    // Raising an existing claim is not a new lienholder.
    await ok(m.a.execute("alice", ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: liens[1], amount: "10", validator: "v" })));
    await expect(m.a.instantiate("admin", code, { denom: m.a.denom, max_lienholders: 0 }, "x")).rejects.toThrow(`${ilpErrors.invalidMaxLienholders}: must be between 1 and 32`);
    await expect(m.a.instantiate("admin", code, { denom: m.a.denom, lienholder_gas_limit: 10 }, "x"))
      .rejects.toThrow(`${ilpErrors.invalidLienholderGasLimit}: must be between 50000 and 10000000`);
  });
});
