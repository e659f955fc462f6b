// mesh-provider, mesh-consumer and meta-staking, compiled, on two in-process chains with a relayer the test
// controls: handshake rules, every packet type with success / error ack / timeout, reordering, replay, channel
// close, unknown validators, exhausted allowance and concurrent operations on the same claim.
import { commonErrors, meshConsumerErrors, meshProviderErrors } from "../../src/contracts/errors";
import { IlpExecuteMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MESH_VERSION } from "../../src/protocol";
import { HandshakeError, openChannel } from "../../src/host";
import { artifact } from "../helpers/artifacts";
import { TIMEOUT, UNBONDING, bondAndGrant, claim, ok, record, setup, stake } from "../helpers/mesh";

// consumer unbonding 90 s (the host's default here) + batch epoch 15 + packet timeout 30 + margin
describe("channel handshake", () => {
  it("opens with the trusted counterparty and announces the validator set", async () => {
    const m = await setup();
    expect(await m.a.query(m.provider, MeshProviderQueryMsgBuilder.validators())).toMatchObject({ validators: [m.validator] });
    expect(await m.b.query(m.consumer, MeshConsumerQueryMsgBuilder.channel())).toMatchObject({ channel_id: "channel-0", counterparty_channel_id: "channel-0" });
  });

  it("refuses a second channel, on either side", async () => {
    const m = await setup();
    expect(() => openChannel(m.link.link, `wasm.${m.provider}`, `wasm.${m.consumer}`, MESH_VERSION))
      .toThrow(`${commonErrors.channelAlreadyOpen}: only one channel at a time`);
  });

  it("refuses a wrong version, an ordered channel and an untrusted port", async () => {
    const m = await setup({ open: false });
    expect(() => openChannel(m.link.link, `wasm.${m.provider}`, `wasm.${m.consumer}`, "mesh-security-v2"))
      .toThrow(`${commonErrors.incompatibleVersion} 'mesh-security-v2': expected mesh-security-v1`);
    expect(() => openChannel(m.link.link, `wasm.${m.provider}`, `wasm.${m.consumer}`, MESH_VERSION, "ordered"))
      .toThrow(commonErrors.orderedChannel);
    // A second provider on chain A that the consumer does not trust.
    const rogue = await m.a.instantiate("admin", await m.a.upload("admin", artifact("mesh-provider")),
      { ilp: m.ilp, unbonding_period_seconds: UNBONDING, packet_timeout_seconds: TIMEOUT } satisfies MeshProvider.InstantiateMsg, "rogue");
    await ok(m.a.execute("admin", rogue, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: m.link.connectionA, portId: `wasm.${m.consumer}` })));
    let error: unknown;
    try {
      openChannel(m.link.link, `wasm.${rogue}`, `wasm.${m.consumer}`, MESH_VERSION);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HandshakeError);
    expect((error as Error).message).toContain(`${commonErrors.unauthorizedPort}: wasm.${rogue}; only wasm.${m.provider} is trusted`);
    // The refused attempts left nothing behind: the right channel still opens.
    await m.link.openChannel(`wasm.${m.provider}`, `wasm.${m.consumer}`, MESH_VERSION);
  });
});

describe("validator set", () => {
  it("refresh_validators asks the consumer and the ack carries the new active set", async () => {
    const m = await setup();
    const newcomer = m.b.host.addValidator("validator2", 2_000_000n);
    await ok(m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.refreshValidators()));
    const report = m.link.relayer.relayAll();
    expect(report.results.find((r) => r.kind === "recv")?.ackText).toContain('{"result":"');
    const set = await m.a.query<MeshProvider.ValidatorsResponse>(m.provider, MeshProviderQueryMsgBuilder.validators());
    expect([...set.validators].sort()).toEqual([m.validator, newcomer].sort());
    // Stake is now accepted for the newcomer.
    await ok(m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: "ustake", amount: "10" }]));
    await ok(m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: m.provider, amount: "10", validator: newcomer })));
  });

  it("a list_validators request that times out changes nothing and does not fail", async () => {
    const m = await setup();
    m.link.relayer.hold();
    await ok(m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.refreshValidators()));
    await m.a.wait(TIMEOUT + 1);
    m.link.relayer.release();
    const timeouts = m.link.relayer.timeoutExpired();
    expect(timeouts.map((t) => t.ok)).toEqual([true]);
    expect((await m.a.query<MeshProvider.ValidatorsResponse>(m.provider, MeshProviderQueryMsgBuilder.validators())).validators).toEqual([m.validator]);
  });

  it("send_validator_set pushes the set from the consumer side", async () => {
    const m = await setup();
    const newcomer = m.b.host.addValidator("validator3", 3_000_000n);
    await ok(m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet()));
    m.link.relayer.relayAll();
    expect((await m.a.query<MeshProvider.ValidatorsResponse>(m.provider, MeshProviderQueryMsgBuilder.validators())).validators).toContain(newcomer);
  });
});

describe("stake", () => {
  it("commits on success: reserved while in flight, staked after the ack, delegated on the consumer", async () => {
    const m = await setup();
    await ok(bondAndGrant(m, "alice", 1000n));
    expect(await stake(m, "alice")).toMatchObject({ staked: "0", pending_stake: "1000" });
    await m.link.relayAll();
    expect(await stake(m, "alice")).toMatchObject({ staked: "1000", pending_stake: "0" });
    // 1000 × 2 × (1 − 0.25) = 1500 local tokens.
    expect(await record(m)).toEqual({ validator: m.validator, provider_amount: "1000", shares: "1000", local_amount: "1500", forwarded_seq: 0 });
    expect(await m.b.delegation(m.meta, m.validator)).toBe(1500n);
  });

  it("refuses a claim for a validator the consumer did not announce (the grant fails, nothing changes)", async () => {
    const m = await setup();
    const r = await bondAndGrant(m, "alice", 1000n, "wasmvaloper1unknown");
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.error).toContain(`${meshProviderErrors.unknownValidator} 'wasmvaloper1unknown' on the consumer chain`);
    expect(await claim(m, "alice")).toBe("0");
  });

  it("rolls back on an error ack (allowance exhausted): the claim is released", async () => {
    const m = await setup({ allowance: 1000n });
    await ok(bondAndGrant(m, "alice", 1000n)); // 1500 local > 1000 allowance
    const relayed = m.link.relayer.relayAll();
    const recv = relayed.results.find((r) => r.kind === "recv" && r.chainId === "mesh-b");
    expect(recv?.ackText).toBe(`{"error":"${meshConsumerErrors.allowanceExhausted}: 1500 more would exceed the allowance of 1000 (0 delegated)"}`);
    expect(await stake(m, "alice")).toMatchObject({ staked: "0", pending_stake: "0" });
    expect(await claim(m, "alice")).toBe("0");
    expect(await m.b.delegation(m.meta, m.validator)).toBe(0n);
  });

  it("rolls back on a timeout while the relayer is down", async () => {
    const m = await setup();
    m.link.relayer.hold();
    await ok(bondAndGrant(m, "alice", 1000n));
    await m.a.wait(TIMEOUT + 1);
    m.link.relayer.release();
    const timeouts = m.link.relayer.timeoutExpired();
    expect(timeouts.filter((t) => t.ok)).toHaveLength(1);
    expect(await stake(m, "alice")).toMatchObject({ staked: "0", pending_stake: "0" });
    expect(await claim(m, "alice")).toBe("0");
    // The late packet can no longer be received.
    const report = m.link.relayer.relayAll();
    expect(report.packets).toBe(0);
    expect(await m.b.delegation(m.meta, m.validator)).toBe(0n);
  });

  it("a replayed packet is rejected and changes nothing", async () => {
    const m = await setup();
    await ok(bondAndGrant(m, "alice", 1000n));
    const pending = m.link.relayer.pending().packets;
    expect(pending).toHaveLength(1);
    const first = m.link.relayer.deliver(pending[0]);
    expect(first.ackSuccess).toBe(true);
    const again = m.link.relayer.replay(first);
    expect(again.noop || !again.ok).toBe(true);
    expect(await record(m)).toMatchObject({ provider_amount: "1000", local_amount: "1500" });
    await m.link.relayAll();
    expect(await stake(m, "alice")).toMatchObject({ staked: "1000" });
  });
});

describe("unstake and withdraw", () => {
  async function staked(amount: bigint) {
    const m = await setup();
    await ok(bondAndGrant(m, "alice", amount));
    await m.link.relayAll();
    return m;
  }

  it("an error-free unstake starts unbonding on the provider's clock and releases only after it", async () => {
    const m = await staked(1000n);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "400" })));
    expect(await stake(m, "alice")).toMatchObject({ staked: "600", pending_unstake: "400" });
    await m.link.relayAll();
    expect(await stake(m, "alice")).toMatchObject({ staked: "600", pending_unstake: "0" });
    expect(await record(m)).toMatchObject({ provider_amount: "600", local_amount: "900" });
    const early = await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({}));
    expect(early.ok ? "" : early.error).toMatch(new RegExp(`^${meshProviderErrors.nothingToWithdrawYet}: the next release is at \\d+ \\(ns\\)$`));
    await m.a.wait(UNBONDING - 2);
    expect((await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({}))).ok).toBe(false);
    await m.a.wait(3);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})));
    expect(await claim(m, "alice")).toBe("600");
  });

  it("a timed-out unstake restores the stake; the consumer never saw it", async () => {
    const m = await staked(1000n);
    m.link.relayer.hold();
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "1000" })));
    await m.a.wait(TIMEOUT + 1);
    m.link.relayer.release();
    m.link.relayer.timeoutExpired();
    expect(await stake(m, "alice")).toMatchObject({ staked: "1000", pending_unstake: "0" });
    expect(await m.b.delegation(m.meta, m.validator)).toBe(1500n);
  });

  it("refuses to unstake more than the acknowledged stake, including while a stake is in flight", async () => {
    const m = await staked(1000n);
    await ok(m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: m.a.denom, amount: "500" }]));
    await ok(m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: m.provider, amount: "500", validator: m.validator })));
    const r = await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "1001" }));
    expect(r.ok ? "" : r.error).toContain(`${meshProviderErrors.insufficientStake}: cannot unstake 1001 from ${m.validator}: only 1000 is staked (and acknowledged) there`);
    // Two concurrent unstakes cannot spend the same stake twice.
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "700" })));
    const second = await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "301" }));
    expect(second.ok ? "" : second.error).toContain(`${meshProviderErrors.insufficientStake}: cannot unstake 301 from ${m.validator}: only 300 is staked (and acknowledged) there`);
    await m.link.relayAll();
    expect(await stake(m, "alice")).toMatchObject({ staked: "800", pending_stake: "0", pending_unstake: "0" });
  });

  it("an unstake after a consumer-chain slash succeeds: the batch undelegates what x/staking still holds", async () => {
    // Before batching, undelegating the recorded 1500 after a 10% slash failed in x/staking and the unstake came
    // back as an error ack. meta-staking now undelegates its pro-rata share of the real delegation.
    const m = await staked(1000n);
    m.b.host.slashValidator(m.validator, "0.1");
    expect(await m.b.delegation(m.meta, m.validator)).toBe(1350n);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "1000" })));
    const report = m.link.relayer.relayAll();
    const recv = report.results.find((r) => r.kind === "recv");
    expect(recv?.ok).toBe(true);
    expect(recv?.ackSuccess).toBe(true);
    expect(await m.b.delegation(m.meta, m.validator)).toBe(0n);
    expect(m.b.host.unbondingEntries(m.meta, m.validator).map((e) => e.balance)).toEqual([1350n]);
    expect(await stake(m, "alice")).toMatchObject({ staked: "0", pending_unstake: "0" });
    // The ack reported the slash: the stake unbonds at its slashed value, and the ILP shows the claim settled.
    const unbonding = await m.a.query<MeshProvider.UnbondingResponse>(m.provider, MeshProviderQueryMsgBuilder.unbonding({ owner: m.a.address("alice") }));
    expect(unbonding.unbonding.map((e) => e.amount)).toEqual(["900"]);
    expect(await claim(m, "alice")).toBe("900");
  });

  it("delivers acks in any order", async () => {
    const m = await staked(1000n);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "100" })));
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "200" })));
    await ok(bondAndGrant(m, "bob", 300n));
    const packets = m.link.relayer.pending().packets;
    expect(packets).toHaveLength(3);
    for (const p of [...packets].reverse()) expect(m.link.relayer.deliver(p).ackSuccess).toBe(true);
    const acks = m.link.relayer.pending().acks;
    for (const ack of [acks[1], acks[2], acks[0]]) expect(m.link.relayer.deliverAck(ack).ok).toBe(true);
    expect(await stake(m, "alice")).toMatchObject({ staked: "700", pending_unstake: "0" });
    expect(await stake(m, "bob")).toMatchObject({ staked: "300", pending_stake: "0" });
    expect(await record(m)).toMatchObject({ provider_amount: "1000", local_amount: "1500" });
  });
});

describe("channel close", () => {
  it("unbonds everything on both sides; claims release after the provider's unbonding period", async () => {
    const m = await setup();
    await ok(bondAndGrant(m, "alice", 1000n));
    await m.link.relayAll();
    // Governance closes (on the consumer chain here); the relayer carries the close to the provider.
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.closeChannel()));
    expect(await m.b.delegation(m.meta, m.validator)).toBe(0n);
    const relayed = m.link.relayer.relayAll();
    expect(relayed.results.map((r) => [r.kind, r.ok])).toEqual([["close_confirm", true]]);
    expect(await m.a.query(m.provider, MeshProviderQueryMsgBuilder.channel())).toMatchObject({ channel_id: null, generation: 1 });
    const early = await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({}));
    expect(early.ok).toBe(false);
    await m.a.wait(UNBONDING + 1);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})));
    expect(await claim(m, "alice")).toBe("0");
    // New claims are refused without a channel.
    await ok(m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: m.a.denom, amount: "10" }]));
    const r = await m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: m.provider, amount: "10", validator: m.validator }));
    expect(r.ok ? "" : r.error).toContain(`${meshProviderErrors.noChannel}: cannot stake`);
  });
});
