// mesh-provider on its own terms: the exact JSON of every query response (clients and the Go side parse it, so it
// is pinned byte for byte), and every error of its catalogue, by name, driven through the real entry points.
import { ilpMsg } from "../../src/client/ilp";
import { providerMsg, providerQuery } from "../../src/client/mesh";
import { artifact } from "../helpers/artifacts";
import { Mesh, TIMEOUT, UNBONDING, bondAndGrant, ok, setup } from "../helpers/mesh";

const raw = (m: Mesh, msg: unknown): string => m.a.host.queryRawResponse(m.provider, msg);

describe("query responses, byte for byte", () => {
  it("config, channel and validators, before and after the channel opens", async () => {
    const m = await setup({ open: false });
    const admin = m.a.address("admin");
    const lone = await m.a.instantiate("admin", await m.a.upload("admin", artifact("mesh-provider")),
      { ilp: m.ilp, unbonding_period_seconds: UNBONDING, packet_timeout_seconds: TIMEOUT }, "lone");
    expect(m.a.host.queryRawResponse(lone, providerQuery.config())).toBe(
      `{"admin":"${admin}","ilp":"${m.ilp}","consumer":null,"unbonding_period_seconds":${UNBONDING},"packet_timeout_seconds":${TIMEOUT}}`);
    expect(raw(m, providerQuery.config())).toBe(
      `{"admin":"${admin}","ilp":"${m.ilp}","consumer":{"connection_id":"${m.link.connectionA}","port_id":"wasm.${m.consumer}"},` +
      `"unbonding_period_seconds":${UNBONDING},"packet_timeout_seconds":${TIMEOUT}}`);
    expect(raw(m, providerQuery.channel())).toBe(`{"channel_id":null,"generation":0,"closed_at":"0","listing_validators":false}`);
    expect(raw(m, providerQuery.validators())).toBe(
      `{"validators":[],"version":0,"updated_height":0,"consumer_unbonding_period_seconds":0,"consumer_unbonding_epoch_seconds":0}`);

    await m.link.openChannel(`wasm.${m.provider}`, `wasm.${m.consumer}`, "mesh-security-v1");
    await m.link.relayAll();
    expect(raw(m, providerQuery.channel())).toBe(`{"channel_id":"channel-0","generation":1,"closed_at":"0","listing_validators":false}`);
    const set = JSON.parse(raw(m, providerQuery.validators()));
    expect(typeof set.version).toBe("number");
    expect(typeof set.updated_height).toBe("number");
    expect(raw(m, providerQuery.validators())).toBe(
      `{"validators":["${m.validator}"],"version":${set.version},"updated_height":${set.updated_height},` +
      `"consumer_unbonding_period_seconds":90,"consumer_unbonding_epoch_seconds":15}`);
    await ok(m.a.execute("bob", m.provider, providerMsg.refreshValidators()));
    expect(raw(m, providerQuery.channel())).toBe(`{"channel_id":"channel-0","generation":1,"closed_at":"0","listing_validators":true}`);
  });

  it("stake, stakes, validator_total, tx and unbonding, through a stake, an unstake and a close", async () => {
    const m = await setup();
    const alice = m.a.address("alice");
    const v = m.validator;
    const stakeJson = (staked: number, pendingStake: number, pendingUnstake: number) =>
      `{"validator":"${v}","staked":"${staked}","pending_stake":"${pendingStake}","pending_unstake":"${pendingUnstake}"}`;

    expect(raw(m, providerQuery.stake(alice, v))).toBe(stakeJson(0, 0, 0));
    expect(raw(m, providerQuery.stakes(alice))).toBe(`{"stakes":[]}`);
    expect(raw(m, providerQuery.tx(1))).toBe("null");

    await ok(bondAndGrant(m, "alice", 1000n));
    expect(raw(m, providerQuery.stake(alice, v))).toBe(stakeJson(0, 1000, 0));
    expect(raw(m, providerQuery.validatorTotal(v))).toBe(stakeJson(0, 1000, 0));
    expect(raw(m, providerQuery.tx(1))).toBe(`{"id":1,"kind":"stake","owner":"${alice}","validator":"${v}","amount":"1000","generation":1}`);
    await m.link.relayAll();
    expect(raw(m, providerQuery.tx(1))).toBe("null");

    await ok(m.a.execute("alice", m.provider, providerMsg.unstake(v, 400n)));
    expect(raw(m, providerQuery.tx(2))).toBe(`{"id":2,"kind":"unstake","owner":"${alice}","validator":"${v}","amount":"400","generation":1}`);
    expect(raw(m, providerQuery.stakes(alice))).toBe(`{"stakes":[${stakeJson(600, 0, 400)}]}`);
    expect(raw(m, { stakes: { owner: alice, limit: 0 } })).toBe(`{"stakes":[]}`);
    expect(raw(m, { stakes: { owner: alice, start_after: v } })).toBe(`{"stakes":[]}`);
    await m.link.relayAll();
    expect(raw(m, providerQuery.validatorTotal(v))).toBe(stakeJson(600, 0, 0));

    const unbonding = JSON.parse(raw(m, providerQuery.unbonding(alice)));
    const releaseAt: string = unbonding.unbonding[0].release_at;
    expect(releaseAt).toMatch(/^[1-9]\d*$/);
    expect(raw(m, providerQuery.unbonding(alice))).toBe(
      `{"unbonding":[{"id":2,"validator":"${v}","amount":"400","release_at":"${releaseAt}"}],"from_closed_channels":[]}`);
    expect(raw(m, providerQuery.unbonding(alice, 2))).toBe(`{"unbonding":[],"from_closed_channels":[]}`);
    expect(raw(m, providerQuery.unbonding(alice, undefined, 0))).toBe(`{"unbonding":[],"from_closed_channels":[]}`);

    await ok(m.a.execute("admin", m.provider, providerMsg.closeChannel()));
    const channel = JSON.parse(raw(m, providerQuery.channel()));
    expect(channel.closed_at).toMatch(/^[1-9]\d*$/);
    expect(raw(m, providerQuery.channel())).toBe(`{"channel_id":null,"generation":1,"closed_at":"${channel.closed_at}","listing_validators":false}`);
    // A closed channel's stake shows as zero and appears under from_closed_channels, released UNBONDING after the close.
    expect(raw(m, providerQuery.stake(alice, v))).toBe(stakeJson(0, 0, 0));
    expect(raw(m, providerQuery.validatorTotal(v))).toBe(stakeJson(0, 0, 0));
    const closedRelease = (BigInt(channel.closed_at) + BigInt(UNBONDING) * 1_000_000_000n).toString();
    expect(raw(m, providerQuery.unbonding(alice))).toBe(
      `{"unbonding":[{"id":2,"validator":"${v}","amount":"400","release_at":"${releaseAt}"}],` +
      `"from_closed_channels":[{"validator":"${v}","amount":"600","release_at":"${closedRelease}"}]}`);
  });

  it("a grant through the ILP is what receive_claim carries", async () => {
    const m = await setup();
    await ok(m.a.execute("alice", m.ilp, ilpMsg.bond(), [{ denom: m.a.denom, amount: "5" }]));
    await ok(m.a.execute("alice", m.ilp, ilpMsg.grantClaim(m.provider, 5n, m.validator)));
    expect(JSON.parse(raw(m, providerQuery.tx(1)))).toMatchObject({ kind: "stake", amount: "5" });
  });
});
