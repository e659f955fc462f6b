// mesh-consumer, compiled, on two in-process chains (with mesh-provider and meta-staking): the exact JSON of every
// query response, and every error of its catalogue (and the common ones it uses) through the real entry points.
// Packets a correct provider never sends (zero amounts, unstakes beyond the stake) are forged on the provider chain's
// IBC module, as a faulty or compromised provider would send them.
import { commonErrors, meshConsumerErrors } from "../../src/contracts/errors";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../../src/contracts/MeshConsumer.types";
import { artifact } from "../helpers/artifacts";
import { Mesh, TIMEOUT, bondAndGrant, ok, setup } from "../helpers/mesh";
import { TxOutcome } from "../../src/scenario/types";

const errorOf = (r: TxOutcome) => (r.ok ? "" : r.error);
const raw = (m: Mesh, msg: unknown) => m.b.host.queryRawResponse(m.consumer, msg);

/** A provider packet sent on the live channel without the provider contract; returns the consumer's ack. */
function forge(m: Mesh, packet: unknown): string | undefined {
  const data = new TextEncoder().encode(JSON.stringify(packet));
  const host = m.a.host;
  const sent = host.runTransaction((ctx) => {
    host.ibc.sendPacket(ctx, `wasm.${m.provider}`, "channel-0", undefined, host.timeNs + BigInt(TIMEOUT) * 1_000_000_000n, data);
    return undefined;
  });
  if (!sent.ok) throw new Error(sent.error);
  const pending = m.link.relayer.pending().packets.find((p) => Buffer.from(p.packet.data).equals(Buffer.from(data)));
  return m.link.relayer.deliver(pending!).ackText;
}

describe("queries: exact JSON", () => {
  it("config with the provider set; channel and last_validator_set before and after the channel opens", async () => {
    const m = await setup({ open: false });
    expect(raw(m, MeshConsumerQueryMsgBuilder.config())).toBe(`{"admin":"${m.b.address("admin")}","meta_staking":"${m.meta}",` +
      `"provider":{"connection_id":"${m.link.connectionB}","port_id":"wasm.${m.provider}"},"rate":"2","discount":"0.25","packet_timeout_seconds":${TIMEOUT},"rewards":null,"price_feed":null}`);
    expect(raw(m, MeshConsumerQueryMsgBuilder.channel())).toBe("null");
    expect(raw(m, MeshConsumerQueryMsgBuilder.lastValidatorSet())).toBe("null");
    await m.link.openChannel(`wasm.${m.provider}`, `wasm.${m.consumer}`, "mesh-security-v1");
    expect(raw(m, MeshConsumerQueryMsgBuilder.channel())).toBe(`{"channel_id":"channel-0","counterparty_channel_id":"channel-0","connection_id":"${m.link.connectionB}"}`);
    expect(raw(m, MeshConsumerQueryMsgBuilder.lastValidatorSet())).toMatch(
      new RegExp(`^\\{"version":\\d+,"validators":\\["${m.validator}"\\],"unbonding_period_seconds":90,"unbonding_epoch_seconds":15\\}$`));
  });

  it("config with no provider set, and the packet timeout default", async () => {
    const m = await setup({ open: false });
    const code = await m.b.upload("admin", artifact("mesh-consumer"));
    const fresh = await m.b.instantiate("admin", code, { meta_staking: m.meta, rate: "1.5", discount: "0" } satisfies MeshConsumer.InstantiateMsg, "fresh");
    expect(m.b.host.queryRawResponse(fresh, MeshConsumerQueryMsgBuilder.config())).toBe(
      `{"admin":"${m.b.address("admin")}","meta_staking":"${m.meta}","provider":null,"rate":"1.5","discount":"0","packet_timeout_seconds":600,"rewards":null,"price_feed":null}`);
  });

  it("record and records, paged in validator order", async () => {
    const m = await setup();
    const second = m.b.host.addValidator("validator2", 2_000_000n);
    await ok(m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet()));
    await m.link.relayAll();
    expect(raw(m, MeshConsumerQueryMsgBuilder.record({ validator: second }))).toBe(`{"validator":"${second}","provider_amount":"0","shares":"0","local_amount":"0","forwarded_seq":0}`);
    expect(raw(m, MeshConsumerQueryMsgBuilder.records({}))).toBe(`{"records":[]}`);
    await ok(bondAndGrant(m, "alice", 1000n));
    await ok(bondAndGrant(m, "bob", 10n, second));
    await m.link.relayAll();
    const [first, last] = [m.validator, second].sort();
    const rec = (v: string) => v === m.validator
      ? `{"validator":"${v}","provider_amount":"1000","shares":"1000","local_amount":"1500","forwarded_seq":0}`
      : `{"validator":"${v}","provider_amount":"10","shares":"10","local_amount":"15","forwarded_seq":0}`;
    expect(raw(m, MeshConsumerQueryMsgBuilder.record({ validator: m.validator }))).toBe(rec(m.validator));
    expect(raw(m, MeshConsumerQueryMsgBuilder.records({}))).toBe(`{"records":[${rec(first)},${rec(last)}]}`);
    expect(raw(m, MeshConsumerQueryMsgBuilder.records({ limit: 1 }))).toBe(`{"records":[${rec(first)}]}`);
    expect(raw(m, MeshConsumerQueryMsgBuilder.records({ startAfter: first, limit: 1000 }))).toBe(`{"records":[${rec(last)}]}`);
    expect(raw(m, MeshConsumerQueryMsgBuilder.records({ limit: 0 }))).toBe(`{"records":[]}`);
  });

  it("an unknown query lists the queries", async () => {
    const m = await setup({ open: false });
    await expect(m.b.query(m.consumer, { nope: {} })).rejects.toThrow(
      `${commonErrors.unknownVariant}: query 'nope'; expected one of: config, channel, record, records, last_validator_set`);
  });
});

describe("instantiate and governance errors", () => {
  it("refuses a zero rate, a discount of 1, a zero packet timeout and funds", async () => {
    const m = await setup({ open: false });
    const code = await m.b.upload("admin", artifact("mesh-consumer"));
    const inst = (msg: Record<string, unknown>, funds?: { denom: string; amount: string }[]) =>
      m.b.instantiate("admin", code, { meta_staking: m.meta, rate: "1", discount: "0", ...msg }, "c", funds);
    await expect(inst({ rate: "0" })).rejects.toThrow(`${meshConsumerErrors.invalidRate}: must be greater than zero`);
    await expect(inst({ discount: "1" })).rejects.toThrow(`${meshConsumerErrors.invalidDiscount}: must be less than 1`);
    await expect(inst({ packet_timeout_seconds: 0 })).rejects.toThrow(`${commonErrors.invalidDuration}: packet_timeout_seconds must be at least 1 s, got 0`);
    await expect(inst({}, [{ denom: m.b.denom, amount: "1" }])).rejects.toThrow(commonErrors.fundsNotAccepted);
    await expect(inst({ surplus: 1 })).rejects.toThrow("instantiate.surplus: unknown field");
  });

  it("update_conversion: admin only, and within bounds", async () => {
    const m = await setup({ open: false });
    expect(errorOf(await m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.updateConversion({ rate: "0", discount: "0" }))))
      .toBe(`${meshConsumerErrors.invalidRate}: must be greater than zero`);
    expect(errorOf(await m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.updateConversion({ rate: "1", discount: "1.5" }))))
      .toBe(`${meshConsumerErrors.invalidDiscount}: must be less than 1`);
    expect(errorOf(await m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.updateConversion({ rate: "1", discount: "0" }))))
      .toBe(`${commonErrors.unauthorized}: only the admin (${m.b.address("admin")}) may do this`);
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.updateConversion({ rate: "3", discount: "0.5" })));
    expect(await m.b.query(m.consumer, MeshConsumerQueryMsgBuilder.config())).toMatchObject({ rate: "3", discount: "0.5" });
  });

  it("set_provider: not empty, and not while a channel is open", async () => {
    const m = await setup();
    expect(errorOf(await m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setProvider({ connectionId: "connection-9", portId: "wasm.x" }))))
      .toBe(meshConsumerErrors.providerLocked);
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.closeChannel()));
    expect(errorOf(await m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setProvider({ connectionId: "", portId: "wasm.x" }))))
      .toBe(`${meshConsumerErrors.emptyProvider}: connection_id and port_id must not be empty`);
    expect(errorOf(await m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.setProvider({ connectionId: "connection-9", portId: "wasm.x" }))))
      .toBe(`${commonErrors.unauthorized}: only the admin (${m.b.address("admin")}) may do this`);
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setProvider({ connectionId: "connection-9", portId: "wasm.x" })));
  });

  it("update_admin hands governance over; unknown messages list the ones there are", async () => {
    const m = await setup({ open: false });
    expect(errorOf(await m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.updateAdmin({ admin: "" }))))
      .toBe(`${commonErrors.invalidAddress}: admin is empty`);
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.updateAdmin({ admin: m.b.address("carol") })));
    expect(errorOf(await m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.closeChannel())))
      .toBe(`${commonErrors.unauthorized}: only the admin (${m.b.address("carol")}) may do this`);
    expect(errorOf(await m.b.execute("admin", m.consumer, { nope: {} }))).toBe(
      `${commonErrors.unknownVariant}: execute message 'nope'; expected one of: set_provider, update_conversion, set_price_feed, update_admin, send_validator_set, check_validator, close_channel, set_reward_config, distribute_rewards, revalue`);
  });

  it("send_validator_set needs an open channel and news", async () => {
    const m = await setup({ open: false });
    expect(errorOf(await m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet()))).toBe(meshConsumerErrors.noChannel);
    await m.link.openChannel(`wasm.${m.provider}`, `wasm.${m.consumer}`, "mesh-security-v1");
    await m.link.relayAll();
    expect(errorOf(await m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet())))
      .toMatch(new RegExp(`^${meshConsumerErrors.validatorSetUnchanged}: nothing to send since the update at height \\d+$`));
    expect(errorOf(await m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet(), [{ denom: m.b.denom, amount: "1" }])))
      .toBe(commonErrors.fundsNotAccepted);
  });
});

describe("packet errors: the provider gets the reason in the error ack", () => {
  it("a stake that converts to zero local tokens", async () => {
    const m = await setup();
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.updateConversion({ rate: "0.1", discount: "0" })));
    await ok(bondAndGrant(m, "alice", 1n));
    const recv = m.link.relayer.relayAll().results.find((r) => r.kind === "recv");
    expect(recv?.ackText).toBe(`{"error":"${meshConsumerErrors.stakeTooSmall}: 1 converts to zero local tokens"}`);
  });

  it("a stake to a validator jailed since the provider learned the set", async () => {
    const m = await setup();
    const second = m.b.host.addValidator("validator2", 2_000_000n);
    await ok(m.b.execute("carol", m.consumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet()));
    await m.link.relayAll();
    m.b.host.jailValidator(second);
    await ok(bondAndGrant(m, "alice", 100n, second));
    const recv = m.link.relayer.relayAll().results.find((r) => r.kind === "recv");
    expect(recv?.ackText).toBe(`{"error":"${meshConsumerErrors.unknownValidator} '${second}'"}`);
  });

  it("a zero amount or an unstake beyond the recorded stake (forged packets) change nothing", async () => {
    const m = await setup();
    await ok(bondAndGrant(m, "alice", 1000n));
    await m.link.relayAll();
    const v = m.validator;
    expect(forge(m, { stake: { tx_id: 90, validator: v, amount: "0" } }))
      .toBe(`{"error":"${commonErrors.zeroAmount}: stake must be greater than zero"}`);
    expect(forge(m, { unstake: { tx_id: 91, validator: v, amount: "0" } }))
      .toBe(`{"error":"${commonErrors.zeroAmount}: unstake must be greater than zero"}`);
    expect(forge(m, { unstake: { tx_id: 92, validator: v, amount: "1001" } }))
      .toBe(`{"error":"${meshConsumerErrors.insufficientStake}: cannot unstake 1001 from ${v}, only 1000 is staked there"}`);
    const other = m.b.host.valoper("carol");
    expect(forge(m, { unstake: { tx_id: 93, validator: other, amount: "1" } }))
      .toBe(`{"error":"${meshConsumerErrors.insufficientStake}: cannot unstake 1 from ${other}, only 0 is staked there"}`);
    expect(forge(m, { nope: {} }))
      .toBe(`{"error":"${commonErrors.unknownVariant}: packet 'nope'; expected one of: stake, unstake, list_validators"}`);
    expect(raw(m, MeshConsumerQueryMsgBuilder.record({ validator: v }))).toBe(`{"validator":"${v}","provider_amount":"1000","shares":"1000","local_amount":"1500","forwarded_seq":0}`);
    expect(await m.b.delegation(m.meta, v)).toBe(1500n);
  });

  it("a stake beyond meta-staking's allowance", async () => {
    const m = await setup({ allowance: 100n });
    await ok(bondAndGrant(m, "alice", 60n)); // 90 local
    await ok(bondAndGrant(m, "bob", 10n)); // 15 more
    const acks = m.link.relayer.relayAll().results.filter((r) => r.kind === "recv").map((r) => r.ackText);
    expect(acks).toEqual([`{"result":"${Buffer.from('{"slash_seq":0,"cumulative":"1","batch":0}').toString("base64")}"}`, `{"error":"${meshConsumerErrors.allowanceExhausted}: 15 more would exceed the allowance of 100 (90 delegated)"}`]);
  });
});
