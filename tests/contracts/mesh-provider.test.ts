// mesh-provider on its own terms: the exact JSON of every query response (clients and the Go side parse it, so it
// is pinned byte for byte), and every error of its catalogue, by name, driven through the real entry points.
import { commonErrors, meshProviderErrors } from "../../src/contracts/errors";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import { MeshConsumerExecuteMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MetaStakingExecuteMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import { MESH_VERSION, providerUnbondingPeriod } from "../../src/protocol";
import { TxOutcome } from "../../src/scenario/types";
import { artifact, testContract } from "../helpers/artifacts";
import { Mesh, TIMEOUT, UNBONDING, bondAndGrant, ok, setup, stake } from "../helpers/mesh";
import { releaseCodes } from "../helpers/releases";
import { HostScenarioNetwork } from "../../src/scenario/host-backend";

const raw = (m: Mesh, msg: unknown): string => m.a.host.queryRawResponse(m.provider, msg);
const errorOf = (r: TxOutcome): string => (r.ok ? "(no error)" : r.error);

describe("query responses, byte for byte", () => {
  it("config, channel and validators, before and after the channel opens", async () => {
    const m = await setup({ open: false });
    const admin = m.a.address("admin");
    const lone = await m.a.instantiate("admin", await m.a.upload("admin", artifact("mesh-provider")),
      { ilp: m.ilp, unbonding_period_seconds: UNBONDING, packet_timeout_seconds: TIMEOUT } satisfies MeshProvider.InstantiateMsg, "lone");
    expect(m.a.host.queryRawResponse(lone, MeshProviderQueryMsgBuilder.config())).toBe(
      `{"admin":"${admin}","ilp":"${m.ilp}","consumer":null,"unbonding_period_seconds":${UNBONDING},"packet_timeout_seconds":${TIMEOUT},"max_slash":"0","reward_channel":null}`);
    expect(raw(m, MeshProviderQueryMsgBuilder.config())).toBe(
      `{"admin":"${admin}","ilp":"${m.ilp}","consumer":{"connection_id":"${m.link.connectionA}","port_id":"wasm.${m.consumer}"},` +
      `"unbonding_period_seconds":${UNBONDING},"packet_timeout_seconds":${TIMEOUT},"max_slash":"0","reward_channel":null}`);
    expect(raw(m, MeshProviderQueryMsgBuilder.channel())).toBe(`{"channel_id":null,"generation":0,"closed_at":"0","listing_validators":false}`);
    expect(raw(m, MeshProviderQueryMsgBuilder.validators())).toBe(
      `{"validators":[],"version":0,"updated_height":0,"consumer_unbonding_period_seconds":0,"consumer_unbonding_epoch_seconds":0}`);

    await m.link.openChannel(`wasm.${m.provider}`, `wasm.${m.consumer}`, "mesh-security-v1");
    await m.link.relayAll();
    expect(raw(m, MeshProviderQueryMsgBuilder.channel())).toBe(`{"channel_id":"channel-0","generation":1,"closed_at":"0","listing_validators":false}`);
    const set = JSON.parse(raw(m, MeshProviderQueryMsgBuilder.validators()));
    expect(typeof set.version).toBe("number");
    expect(typeof set.updated_height).toBe("number");
    expect(raw(m, MeshProviderQueryMsgBuilder.validators())).toBe(
      `{"validators":["${m.validator}"],"version":${set.version},"updated_height":${set.updated_height},` +
      `"consumer_unbonding_period_seconds":90,"consumer_unbonding_epoch_seconds":15}`);
    await ok(m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.refreshValidators()));
    expect(raw(m, MeshProviderQueryMsgBuilder.channel())).toBe(`{"channel_id":"channel-0","generation":1,"closed_at":"0","listing_validators":true}`);
  });

  it("stake, stakes, validator_total, tx and unbonding, through a stake, an unstake and a close", async () => {
    const m = await setup();
    const alice = m.a.address("alice");
    const v = m.validator;
    const stakeJson = (staked: number, pendingStake: number, pendingUnstake: number) =>
      `{"validator":"${v}","staked":"${staked}","pending_stake":"${pendingStake}","pending_unstake":"${pendingUnstake}","unsettled_slash":"0"}`;

    expect(raw(m, MeshProviderQueryMsgBuilder.stake({ owner: alice, validator: v }))).toBe(stakeJson(0, 0, 0));
    expect(raw(m, MeshProviderQueryMsgBuilder.stakes({ owner: alice }))).toBe(`{"stakes":[]}`);
    expect(raw(m, MeshProviderQueryMsgBuilder.tx({ id: 1 }))).toBe("null");

    await ok(bondAndGrant(m, "alice", 1000n));
    expect(raw(m, MeshProviderQueryMsgBuilder.stake({ owner: alice, validator: v }))).toBe(stakeJson(0, 1000, 0));
    expect(raw(m, MeshProviderQueryMsgBuilder.validatorTotal({ validator: v }))).toBe(stakeJson(0, 1000, 0));
    expect(raw(m, MeshProviderQueryMsgBuilder.tx({ id: 1 }))).toBe(`{"id":1,"kind":"stake","owner":"${alice}","validator":"${v}","amount":"1000","generation":1}`);
    await m.link.relayAll();
    expect(raw(m, MeshProviderQueryMsgBuilder.tx({ id: 1 }))).toBe("null");

    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: v, amount: "400" })));
    expect(raw(m, MeshProviderQueryMsgBuilder.tx({ id: 2 }))).toBe(`{"id":2,"kind":"unstake","owner":"${alice}","validator":"${v}","amount":"400","generation":1}`);
    expect(raw(m, MeshProviderQueryMsgBuilder.stakes({ owner: alice }))).toBe(`{"stakes":[${stakeJson(600, 0, 400)}]}`);
    expect(raw(m, MeshProviderQueryMsgBuilder.stakes({ owner: alice, limit: 0 }))).toBe(`{"stakes":[]}`);
    expect(raw(m, MeshProviderQueryMsgBuilder.stakes({ owner: alice, startAfter: v }))).toBe(`{"stakes":[]}`);
    await m.link.relayAll();
    expect(raw(m, MeshProviderQueryMsgBuilder.validatorTotal({ validator: v }))).toBe(stakeJson(600, 0, 0));

    const unbonding = JSON.parse(raw(m, MeshProviderQueryMsgBuilder.unbonding({ owner: alice })));
    const releaseAt: string = unbonding.unbonding[0].release_at;
    expect(releaseAt).toMatch(/^[1-9]\d*$/);
    expect(raw(m, MeshProviderQueryMsgBuilder.unbonding({ owner: alice }))).toBe(
      `{"unbonding":[{"id":2,"validator":"${v}","amount":"400","release_at":"${releaseAt}","batch":1}],"from_closed_channels":[]}`);
    expect(raw(m, MeshProviderQueryMsgBuilder.unbonding({ owner: alice, startAfter: 2 }))).toBe(`{"unbonding":[],"from_closed_channels":[]}`);
    expect(raw(m, MeshProviderQueryMsgBuilder.unbonding({ owner: alice, limit: 0 }))).toBe(`{"unbonding":[],"from_closed_channels":[]}`);

    await ok(m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.closeChannel()));
    const channel = JSON.parse(raw(m, MeshProviderQueryMsgBuilder.channel()));
    expect(channel.closed_at).toMatch(/^[1-9]\d*$/);
    expect(raw(m, MeshProviderQueryMsgBuilder.channel())).toBe(`{"channel_id":null,"generation":1,"closed_at":"${channel.closed_at}","listing_validators":false}`);
    // A closed channel's stake shows as zero and appears under from_closed_channels, released UNBONDING after the close.
    expect(raw(m, MeshProviderQueryMsgBuilder.stake({ owner: alice, validator: v }))).toBe(stakeJson(0, 0, 0));
    expect(raw(m, MeshProviderQueryMsgBuilder.validatorTotal({ validator: v }))).toBe(stakeJson(0, 0, 0));
    const closedRelease = (BigInt(channel.closed_at) + BigInt(UNBONDING) * 1_000_000_000n).toString();
    expect(raw(m, MeshProviderQueryMsgBuilder.unbonding({ owner: alice }))).toBe(
      `{"unbonding":[{"id":2,"validator":"${v}","amount":"400","release_at":"${releaseAt}","batch":1}],` +
      `"from_closed_channels":[{"validator":"${v}","amount":"600","release_at":"${closedRelease}"}]}`);
  });

  it("a grant through the ILP is what receive_claim carries", async () => {
    const m = await setup();
    await ok(m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: m.a.denom, amount: "5" }]));
    await ok(m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: m.provider, amount: "5", validator: m.validator })));
    expect(JSON.parse(raw(m, MeshProviderQueryMsgBuilder.tx({ id: 1 })))).toMatchObject({ kind: "stake", amount: "5" });
  });
});

describe("errors, by name", () => {
  it("set_consumer: only while no channel is open, never empty", async () => {
    const m = await setup();
    expect(errorOf(await m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: "connection-9", portId: "wasm.x" }))))
      .toBe(meshProviderErrors.consumerLocked);
    expect(errorOf(await m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: "connection-9", portId: "wasm.x" }))))
      .toBe(`${commonErrors.unauthorized}: only the admin (${m.a.address("admin")}) may do this`);
    await ok(m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.closeChannel()));
    expect(errorOf(await m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: "", portId: "wasm.x" }))))
      .toBe(`${meshProviderErrors.emptyConsumer}: connection_id and port_id must not be empty`);
    expect(errorOf(await m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: "connection-9", portId: "" }))))
      .toBe(`${meshProviderErrors.emptyConsumer}: connection_id and port_id must not be empty`);
    await ok(m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: "connection-9", portId: "wasm.x" })));
    expect(JSON.parse(raw(m, MeshProviderQueryMsgBuilder.config())).consumer).toEqual({ connection_id: "connection-9", port_id: "wasm.x" });
  });

  it("update_admin: the admin hands the role over", async () => {
    const m = await setup();
    const bob = m.a.address("bob");
    expect(errorOf(await m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.updateAdmin({ admin: bob }))))
      .toBe(`${commonErrors.unauthorized}: only the admin (${m.a.address("admin")}) may do this`);
    await ok(m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.updateAdmin({ admin: bob })));
    expect(JSON.parse(raw(m, MeshProviderQueryMsgBuilder.config())).admin).toBe(bob);
    expect(errorOf(await m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.closeChannel())))
      .toBe(`${commonErrors.unauthorized}: only the admin (${bob}) may do this`);
  });

  it("receive_claim: only from the ILP, never zero", async () => {
    const m = await setup();
    const alice = m.a.address("alice");
    expect(errorOf(await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.receiveClaim({ owner: alice, amount: "10", validator: m.validator }))))
      .toBe(`${meshProviderErrors.notIlp}: only the ILP (${m.ilp}) grants claims`);
    // A provider whose "ILP" is alice: she can send what the real ILP never would.
    const byAlice = await m.a.instantiate("admin", await m.a.upload("admin", artifact("mesh-provider")),
      { ilp: alice, unbonding_period_seconds: UNBONDING, packet_timeout_seconds: TIMEOUT } satisfies MeshProvider.InstantiateMsg, "alice's provider");
    expect(errorOf(await m.a.execute("alice", byAlice, MeshProviderExecuteMsgBuilder.receiveClaim({ owner: alice, amount: "0", validator: m.validator }))))
      .toBe(`${commonErrors.zeroAmount}: receive_claim must be greater than zero`);
    expect(errorOf(await m.a.execute("alice", byAlice, MeshProviderExecuteMsgBuilder.receiveClaim({ owner: alice, amount: "1", validator: m.validator }))))
      .toBe(`${meshProviderErrors.noChannel}: cannot stake`);
  });

  it("claim_capped: only from the ILP; a slash through another lienholder cascades into an unstake of the excess", async () => {
    const m = await setup();
    const alice = m.a.address("alice");
    expect(errorOf(await m.a.execute("carol", m.provider, MeshProviderExecuteMsgBuilder.claimCapped({ owner: alice, amount: "1" }))))
      .toContain(meshProviderErrors.notIlp);
    await ok(bondAndGrant(m, "alice", 1000n));
    await m.link.relayAll();
    const lien = await m.a.instantiate("admin", await m.a.upload("admin", testContract("test-lienholder")), { ilp: m.ilp }, "lien");
    await ok(m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: lien, amount: "1000", validator: "v" })));
    const slash = await m.a.execute("carol", lien, { slash: { owner: alice, amount: "100" } });
    expect(slash.ok).toBe(true);
    const failed = slash.ok ? slash.events.filter((e) => e.attributes.some((a) => a.key === "action" && a.value === "claim_capped_notification_failed")) : [];
    expect(failed).toEqual([]);
    // The ILP capped our claim at 900: the excess 100 is unstaked at once, so the consumer's power stays backed.
    expect(await m.a.query(m.ilp, IlpQueryMsgBuilder.account({ address: alice }))).toMatchObject({ bonded: "900", max_claim: "900" });
    expect(await stake(m, "alice")).toMatchObject({ staked: "900", pending_unstake: "100" });
    await m.link.relayAll();
    expect(await stake(m, "alice")).toMatchObject({ staked: "900", pending_unstake: "0" });
    // The released excess was never the ILP's any more: withdrawing it leaves the claim of 900 in place.
    await m.a.wait(UNBONDING + 1);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})));
    expect(await m.a.query(m.ilp, IlpQueryMsgBuilder.account({ address: alice }))).toMatchObject({ bonded: "900", claims: [
      { lienholder: m.provider, amount: "900" }, { lienholder: lien, amount: "900" },
    ].sort((x, y) => (x.lienholder < y.lienholder ? -1 : 1)).map((c) => ({ ...c, max_slash: "0" })) });
    // Everything else unstakes and comes free.
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "900" })));
    await m.link.relayAll();
    await m.a.wait(UNBONDING + 1);
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})));
    expect(await m.a.query(m.ilp, IlpQueryMsgBuilder.account({ address: alice }))).toMatchObject({ bonded: "900", claims: [{ lienholder: lien, amount: "900" }] });
  });

  it("unstake: never zero, never without a channel", async () => {
    const m = await setup();
    await ok(bondAndGrant(m, "alice", 1000n));
    await m.link.relayAll();
    expect(errorOf(await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "0" }))))
      .toBe(`${commonErrors.zeroAmount}: unstake must be greater than zero`);
    expect(errorOf(await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "1" }), [{ denom: m.a.denom, amount: "1" }])))
      .toBe(commonErrors.fundsNotAccepted);
    await ok(m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.closeChannel()));
    expect(errorOf(await m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "1" }))))
      .toBe(`${meshProviderErrors.noChannel}: stake is released through withdraw_unbonded after the unbonding period`);
  });

  it("withdraw_unbonded: nothing at all, then nothing yet", async () => {
    const m = await setup();
    expect(errorOf(await m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})))).toBe(meshProviderErrors.nothingToWithdraw);
    await ok(bondAndGrant(m, "bob", 100n));
    await m.link.relayAll();
    await ok(m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "100" })));
    await m.link.relayAll();
    const releaseAt = JSON.parse(raw(m, MeshProviderQueryMsgBuilder.unbonding({ owner: m.a.address("bob") }))).unbonding[0].release_at;
    expect(errorOf(await m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({}))))
      .toBe(`${meshProviderErrors.nothingToWithdrawYet}: the next release is at ${releaseAt} (ns)`);
    // A limit above the maximum is capped, not refused; a limit of 0 looks at nothing.
    expect(errorOf(await m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({ limit: 1000 })))).toContain(meshProviderErrors.nothingToWithdrawYet);
    expect(errorOf(await m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({ limit: 0 })))).toBe(meshProviderErrors.nothingToWithdraw);
  });

  it("refresh_validators: not without a channel", async () => {
    const m = await setup({ open: false });
    expect(errorOf(await m.a.execute("bob", m.provider, MeshProviderExecuteMsgBuilder.refreshValidators())))
      .toBe(`${meshProviderErrors.noChannel}: cannot ask for the validator set`);
  });

  it("instantiate: the unbonding period must exceed the packet timeout", async () => {
    const m = await setup({ open: false });
    await expect(m.a.instantiate("admin", await m.a.upload("admin", artifact("mesh-provider")),
      { ilp: m.ilp, unbonding_period_seconds: 30, packet_timeout_seconds: 31 } satisfies MeshProvider.InstantiateMsg, "p"))
      .rejects.toThrow(`${meshProviderErrors.unbondingNotAboveTimeout}: must exceed packet_timeout_seconds`);
    await expect(m.a.instantiate("admin", await m.a.upload("admin", artifact("mesh-provider")),
      { ilp: m.ilp, unbonding_period_seconds: UNBONDING, packet_timeout_seconds: TIMEOUT, max_slash: "1" } satisfies MeshProvider.InstantiateMsg, "p"))
      .rejects.toThrow(`${meshProviderErrors.invalidMaxSlash}: must be below 1, got 1`);
  });

  it("stake is refused until the consumer announced its unbonding rules (a provider migrated before its consumer)", async () => {
    const net = new HostScenarioNetwork(["mesh-a", "mesh-b"]);
    const a = net.chain("mesh-a");
    const b = net.chain("mesh-b");
    const old = releaseCodes("v0.1.0");
    const ilp = await a.instantiate("admin", await a.upload("admin", artifact("ilp")), { denom: a.denom }, "ilp");
    const provider = await a.instantiate("admin", await a.upload("admin", old.provider),
      { ilp, unbonding_period_seconds: providerUnbondingPeriod(90, TIMEOUT), packet_timeout_seconds: TIMEOUT }, "provider (old)");
    const meta = await b.instantiate("admin", await b.upload("admin", old.metaStaking), {}, "meta (old)", [{ denom: b.denom, amount: "1000000" }]);
    const consumer = await b.instantiate("admin", await b.upload("admin", old.consumer),
      { meta_staking: meta, rate: "1", discount: "0", packet_timeout_seconds: TIMEOUT }, "consumer (old)");
    await ok(b.execute("admin", meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer, amount: "1000000" })));
    const link = await net.link("mesh-a", "mesh-b");
    await ok(a.execute("admin", provider, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: link.connectionA, portId: `wasm.${consumer}` })));
    await ok(b.execute("admin", consumer, MeshConsumerExecuteMsgBuilder.setProvider({ connectionId: link.connectionB, portId: `wasm.${provider}` })));
    await link.openChannel(`wasm.${provider}`, `wasm.${consumer}`, MESH_VERSION);
    await link.relayAll();
    await ok(a.migrate("admin", provider, await a.upload("admin", artifact("mesh-provider")), {}));
    const validator = (await a.query<MeshProvider.ValidatorsResponse>(provider, MeshProviderQueryMsgBuilder.validators())).validators[0];
    await ok(a.execute("alice", ilp, IlpExecuteMsgBuilder.bond(), [{ denom: a.denom, amount: "10" }]));
    const grant = await a.execute("alice", ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: provider, amount: "10", validator: validator }));
    expect(errorOf(grant)).toBe(
      `${meshProviderErrors.consumerRulesUnknown}: stake is accepted once it has (it does on connect, and when migrated)`);
  });

  it("unknown messages and fields name what is accepted", async () => {
    const m = await setup({ open: false });
    expect(errorOf(await m.a.execute("bob", m.provider, { bond: {} }))).toBe(`${commonErrors.unknownVariant}: execute message 'bond'; ` +
      "expected one of: unstake, withdraw_unbonded, settle, refresh_validators, set_consumer, update_admin, close_channel, set_reward_channel, withdraw_rewards, receive_claim, claim_capped");
    expect(errorOf(await m.a.execute("bob", m.provider, { unstake: { validator: "v", amount: "1", extra: 1 } })))
      .toBe("unstake.extra: unknown field");
    expect(errorOf(await m.a.execute("bob", m.provider, { withdraw_unbonded: { limit: "1" } })))
      .toBe("withdraw_unbonded.limit: expected a number, got a string");
    await expect(m.a.query(m.provider, { all: {} })).rejects.toThrow(`${commonErrors.unknownVariant}: query 'all'; ` +
      "expected one of: config, channel, validators, stake, stakes, unbonding, validator_total, pool, tx, rewards, reward_totals, reward_pool, lien_terms, pending_slash");
    await expect(m.a.query(m.provider, MeshProviderQueryMsgBuilder.stakes({ owner: "nobody" }))).rejects.toThrow(`${commonErrors.invalidAddress}: owner 'nobody'`);
  });
});
