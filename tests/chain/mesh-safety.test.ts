// Cross-staking safety on two real chains (one deployment, tests in order, each building on the last):
//  1. a stranger's MsgChannelCloseInit is refused by the contract on both chains; the channel stays open;
//  2. governance closes the channel (provider side) with a stake and an unstake received but not acknowledged, and a
//     stake never relayed: the consumer undelegates everything (meta-staking batch + crank), the provider counts
//     everything of that channel as unbonding from the close, the undeliverable packet and acks are left alone,
//     and a new channel opens at once;
//  3. 20 unstakes from one validator in 20 blocks all succeed while x/staking never holds more than 7 unbonding
//     entries for meta-staking (batched undelegations), and x/staking matches meta-staking's books afterwards;
//  4. a lienholder that burns all its gas, among 8, cannot stop slash_claim; a 9th lienholder is refused;
//  5. after the provider's unbonding period every claim of the closed channel is released (its stakers never
//     touched it meanwhile), then the consumer's governance closes the second channel.
// The provider's unbonding period (consumer unbonding + epoch + packet timeout, ~2 min here) runs from the close in
// step 2 while steps 3 and 4 run, so step 5 waits only for what is left of it.
import { commonErrors, ilpErrors, meshProviderErrors } from "../../src/contracts/errors";
import { calculateFee, DeliverTxResponse, GasPrice } from "@cosmjs/stargate";
import { MsgChannelCloseInit } from "cosmjs-types/ibc/core/channel/v1/tx";
import { WasmdScenarioChain, WasmdScenarioLink, WasmdScenarioNetwork } from "../../src/scenario/wasmd-backend";
import { MeshDeployment, deployMesh, drainUnbondingQueue, waitUntilTime } from "../../src/scenario/scenarios/mesh";
import { ilpWithLienholders, slashThrough } from "../../src/scenario/scenarios/ilp";
import { Account, ScenarioEvent, TxOutcome } from "../../src/scenario/types";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../../src/contracts/MeshConsumer.types";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MetaStakingQueryMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import { MESH_VERSION } from "../../src/protocol";
import { artifact, meshCodes, testContract } from "../helpers/artifacts";
import { testChain } from "./helpers";

const PACKET_TIMEOUT = 10;
/** x/staking's max_entries on the test chains (the SDK default meta-staking is configured for). */
const MAX_ENTRIES = 7;

const net = new WasmdScenarioNetwork([testChain("mesh-a"), testChain("mesh-b")]);
let d: MeshDeployment;
let provider: WasmdScenarioChain;
let consumer: WasmdScenarioChain;
let link: WasmdScenarioLink;
let validator: string;
let portA: string;
let portB: string;
/** The live channel's ids (replaced when step 2 opens a new one). */
let channelA: string;
let channelB: string;
/** When step 2's governance close happened (provider block time, ns). */
let closedAt: bigint;
const started = Date.now();

jest.setTimeout(240_000);

beforeAll(async () => {
  d = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), {
    consumerUnbondingSeconds: testChain("mesh-b").unbondingSeconds, packetTimeoutSeconds: PACKET_TIMEOUT,
    rate: "1", discount: "0", metaStakingFunds: 20_000_000n, allowance: 10_000_000n,
  });
  provider = d.provider as WasmdScenarioChain;
  consumer = d.consumer as WasmdScenarioChain;
  link = d.link as WasmdScenarioLink;
  [portA, portB, channelA, channelB] = [`wasm.${d.meshProvider}`, `wasm.${d.meshConsumer}`, d.channelA, d.channelB];
  validator = (await provider.query<MeshProvider.ValidatorsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators[0];
});
afterAll(async () => {
  await net.close();
  process.stderr.write(`mesh-safety: ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
});

async function ok(p: Promise<TxOutcome>, what: string): Promise<ScenarioEvent[]> {
  const r = await p;
  if (!r.ok) throw new Error(`${what} failed: ${r.error}`);
  return r.events;
}

/** Values of attribute `key` in the wasm events of a tx. */
const attrs = (events: ScenarioEvent[], key: string) =>
  events.filter((e) => e.type === "wasm").flatMap((e) => e.attributes.filter((a) => a.key === key).map((a) => a.value));

/** Bond `amount` in the ILP and grant it all to the provider for `validator` (a stake packet). */
async function crossStake(user: Account, amount: bigint): Promise<void> {
  await ok(provider.execute(user, d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: provider.denom, amount: amount.toString() }]), `${user} bond`);
  await ok(provider.execute(user, d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: amount.toString(), validator })),
    `${user} grant`);
}

const stakeOf = (user: Account) => provider.query<MeshProvider.StakeResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: provider.address(user), validator }));
const unbondingOf = (user: Account) => provider.query<MeshProvider.UnbondingResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.unbonding({ owner: provider.address(user) }));
const ilpAccount = (user: Account) => provider.query<Ilp.AccountResponse>(d.ilp, IlpQueryMsgBuilder.account({ address: provider.address(user) }));
const providerChannel = () => provider.query<MeshProvider.ChannelResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.channel());
const metaValidator = () => consumer.query<MetaStaking.ValidatorResponse>(d.metaStaking, MetaStakingQueryMsgBuilder.validator({ validator }));
const unbondingEntries = async () => (await consumer.unbondingEntries(d.metaStaking, validator)).length;

/** A MsgChannelCloseInit signed by an unprivileged account, broadcast with a fixed fee (so it lands on chain). */
async function strangersCloseInit(chain: WasmdScenarioChain, who: Account, portId: string, channelId: string): Promise<DeliverTxResponse> {
  const s = await chain.signer(who);
  const msg = { typeUrl: "/ibc.core.channel.v1.MsgChannelCloseInit", value: MsgChannelCloseInit.fromPartial({ portId, channelId, signer: s.address }) };
  return s.client.signAndBroadcast(s.address, [msg], calculateFee(400_000, GasPrice.fromString(chain.cfg.gasPrice)));
}

it("refuses a stranger's MsgChannelCloseInit on both chains: the channel stays open and stake still flows", async () => {
  for (const [chain, side, port, channel] of [[provider, "A", portA, channelA], [consumer, "B", portB, channelB]] as const) {
    const res = await strangersCloseInit(chain, "bob", port, channel);
    expect(res.code).not.toBe(0);
    expect(res.rawLog).toContain(`${commonErrors.closeIsGovernance}: ${channel} closes through the contract's close_channel message`);
    expect(await link.channelState(side, port, channel)).toBe("OPEN");
  }
  expect((await providerChannel()).channel_id).toBe(channelA);
  expect(await consumer.query(d.meshConsumer, MeshConsumerQueryMsgBuilder.channel())).toMatchObject({ channel_id: channelB });

  await crossStake("alice", 600_000n);
  expect(await link.relayAll()).toMatchObject({ packets: 1, acks: 1 });
  expect(await stakeOf("alice")).toMatchObject({ staked: "600000", pending_stake: "0" });
  expect(await consumer.delegation(d.metaStaking, validator)).toBe(600_000n);
});

it("a governance close settles a stake and an unstake in flight, and a new channel opens at once", async () => {
  // In flight at the close: alice's unstake and bob's stake, both received by the consumer, neither acknowledged;
  // and validator2's stake, sent but never relayed.
  await ok(provider.execute("alice", d.meshProvider, MeshProviderExecuteMsgBuilder.unstake({ validator, amount: "200000" })), "alice unstake");
  await crossStake("bob", 500_000n);
  expect(await link.relayPacketsOnly()).toBe(2);
  await crossStake("validator2", 50_000n);
  expect(await consumer.query(d.meshConsumer, MeshConsumerQueryMsgBuilder.record({ validator }))).toMatchObject({ provider_amount: "900000", local_amount: "900000" });
  expect(await stakeOf("alice")).toMatchObject({ staked: "400000", pending_unstake: "200000" });
  expect(await stakeOf("bob")).toMatchObject({ staked: "0", pending_stake: "500000" });

  const close = await ok(provider.execute("admin", d.meshProvider, MeshProviderExecuteMsgBuilder.closeChannel()), "provider close_channel");
  expect(attrs(close, "action")).toEqual(expect.arrayContaining(["close_channel", "channel_close"]));
  expect(await link.channelState("A", portA, channelA)).toBe("CLOSED");
  const closed = await providerChannel();
  expect(closed).toMatchObject({ channel_id: null, generation: 1 });
  closedAt = BigInt(closed.closed_at);
  expect(closedAt).toBeGreaterThan(0n);
  // Everything that went through the closed channel unbonds from the close, in flight or not.
  const releaseAt = (closedAt + BigInt(d.unbondingPeriodSeconds) * 1_000_000_000n).toString();
  expect((await unbondingOf("alice")).from_closed_channels).toEqual([{ validator, amount: "600000", release_at: releaseAt }]);
  expect((await unbondingOf("bob")).from_closed_channels).toEqual([{ validator, amount: "500000", release_at: releaseAt }]);
  expect((await unbondingOf("validator2")).from_closed_channels).toEqual([{ validator, amount: "50000", release_at: releaseAt }]);
  expect(await stakeOf("alice")).toMatchObject({ staked: "0", pending_stake: "0", pending_unstake: "0" });
  expect(await provider.execute("alice", d.meshProvider, MeshProviderExecuteMsgBuilder.unstake({ validator, amount: "1" })))
    .toEqual({ ok: false, error: expect.stringContaining(`${meshProviderErrors.noChannel}: stake is released through withdraw_unbonded after the unbonding period`) });

  // The relayer confirms the close on the consumer chain: everything the channel brought in is undelegated.
  await link.confirmClose("B", portB, channelB);
  expect(await link.channelState("B", portB, channelB)).toBe("CLOSED");
  expect(await consumer.query(d.meshConsumer, MeshConsumerQueryMsgBuilder.channel())).toBeNull();
  expect(await consumer.query(d.meshConsumer, MeshConsumerQueryMsgBuilder.records({}))).toEqual({ records: [] });
  expect(await metaValidator()).toMatchObject({ delegated: "0" });
  // The two acks and validator2's packet belong to a channel that is now closed: nothing can deliver them, and
  // relaying goes on without them.
  expect(await link.relayAll()).toEqual({ packets: 0, acks: 0, timeouts: 0 });

  // A new channel opens at once; the old stakers have not withdrawn anything, and new stake flows.
  ({ channelA, channelB } = await link.openChannel(portA, portB, MESH_VERSION));
  await link.relayAll(); // the consumer's validator set for the new channel
  expect(await providerChannel()).toMatchObject({ channel_id: channelA, generation: 2, closed_at: "0" });
  await crossStake("carol", 300_000n);
  expect(await link.relayAll()).toMatchObject({ packets: 1, acks: 1 });
  expect(await stakeOf("carol")).toMatchObject({ staked: "300000", pending_stake: "0" });
  expect((await unbondingOf("bob")).from_closed_channels).toEqual([{ validator, amount: "500000", release_at: releaseAt }]);

  // Once meta-staking's batch has run, x/staking holds exactly the new channel's stake.
  await drainUnbondingQueue(d, "bob");
  expect(await consumer.delegation(d.metaStaking, validator)).toBe(300_000n);
  expect(await metaValidator()).toMatchObject({ delegated: "300000", queued: "0", on_chain: "300000" });
});

it("20 unstakes from one validator in 20 blocks all succeed while x/staking never holds more than 7 entries", async () => {
  const users: Account[] = ["alice", "carol", "admin"];
  for (const u of users) await crossStake(u, 70_000n);
  await link.relayAll();
  const stakedBefore = new Map<Account, bigint>();
  for (const u of users) stakedBefore.set(u, BigInt((await stakeOf(u)).staked));
  const entriesBefore = new Map<Account, number>();
  for (const u of users) entriesBefore.set(u, (await unbondingOf(u)).unbonding.length);

  const samples: number[] = [await unbondingEntries()];
  const sample = async () => { samples.push(await unbondingEntries()); };
  const unstakes = new Map<Account, number>();
  for (let i = 0; i < 20; i++) {
    const user = users[i % users.length];
    await ok(provider.execute(user, d.meshProvider, MeshProviderExecuteMsgBuilder.unstake({ validator, amount: "10000" })), `unstake #${i + 1}`);
    // One packet per relay: each is received in its own MsgRecvPacket tx, included before the next is sent.
    expect(await link.relayAll()).toMatchObject({ packets: 1, acks: 1 });
    unstakes.set(user, (unstakes.get(user) ?? 0) + 1);
    await sample();
  }
  const cranks = await drainUnbondingQueue(d, "bob", sample);

  // Every unstake got a success ack: committed as an unbonding entry, nothing pending, nothing restored.
  for (const u of users) {
    const n = unstakes.get(u) ?? 0;
    expect(await stakeOf(u)).toMatchObject({ staked: (stakedBefore.get(u)! - 10_000n * BigInt(n)).toString(), pending_unstake: "0" });
    expect((await unbondingOf(u)).unbonding.length - entriesBefore.get(u)!).toBe(n);
  }
  process.stderr.write(`  x/staking unbonding entries of meta-staking over 20 unstakes: ${samples.join(" ")} (${cranks.length} crank(s) after the last)\n`);
  expect(Math.max(...samples)).toBeLessThanOrEqual(MAX_ENTRIES);
  // x/staking agrees with meta-staking's books once the batches ran.
  const v = await metaValidator();
  expect(v.queued).toBe("0");
  expect(await consumer.delegation(d.metaStaking, validator)).toBe(BigInt(v.delegated));
  expect(v.on_chain).toBe(v.delegated);
  const record = await consumer.query<MeshConsumer.RecordResponse>(d.meshConsumer, MeshConsumerQueryMsgBuilder.record({ validator }));
  expect(record.provider_amount).toBe(v.delegated); // rate 1, no discount
});

it("a lienholder that burns all its gas, among 8, cannot stop slash_claim; a 9th lienholder is refused", async () => {
  const { ilp, holders } = await ilpWithLienholders(provider, { ilp: artifact("ilp"), lienholder: testContract("test-lienholder") }, {
    count: 9, maxLienholders: 8, burner: 3, owner: "carol", bond: 1_000_000n, claim: 900_000n, grants: 8,
  });
  const burner = holders[3];
  const owner = provider.address("carol");
  const ninth = IlpExecuteMsgBuilder.grantClaim({ lienholder: holders[8], amount: "1", validator: "some-validator" });
  expect(await provider.execute("carol", ilp, ninth)).toEqual({
    ok: false, error: `${ilpErrors.tooManyLienholders}: ${owner} already has 8 claims (the maximum is 8); release one before granting to a new lienholder`,
  });

  // holders[0] slashes 200_000: bonded 800_000, so the 7 other claims of 900_000 are capped and their holders told.
  const slash = await slashThrough(provider, "bob", holders[0], owner, 200_000n);
  if (!slash.ok) throw new Error(`slash failed: ${slash.error}`);
  expect(attrs(slash.events, "capped").sort()).toEqual(holders.slice(1, 8).sort());
  const failed = slash.events.filter((e) => e.type === "wasm" && e.attributes.some((a) => a.key === "action" && a.value === "claim_capped_notification_failed"));
  expect(failed).toHaveLength(1);
  expect(failed[0].attributes.find((a) => a.key === "error")?.value).toMatch(/out of gas|code: 11/);
  process.stderr.write(`  slash_claim with 8 lienholders, one burning its gas: ${slash.gasUsed} gas\n`);

  const account = await provider.query<Ilp.AccountResponse>(ilp, IlpQueryMsgBuilder.account({ address: owner }));
  expect(account).toMatchObject({ bonded: "800000", max_claim: "800000" });
  expect(account.claims).toHaveLength(8);
  for (const c of account.claims) expect(c.amount).toBe(c.lienholder === holders[0] ? "700000" : "800000");
  expect(await provider.query(holders[1], { held: { owner } })).toMatchObject({ capped: "800000", amount: "800000" });
  // The burner's own update ran out of gas and was reverted; the ILP capped its claim all the same.
  expect(await provider.query(burner, { held: { owner } })).toMatchObject({ capped: "0", amount: "900000" });
});

it("after the provider's unbonding period the closed channel's claims are released; the consumer's governance closes the new one", async () => {
  const before = { alice: await ilpAccount("alice"), bob: await ilpAccount("bob"), validator2: await ilpAccount("validator2") };
  await waitUntilTime(provider, closedAt + BigInt(d.unbondingPeriodSeconds + 1) * 1_000_000_000n);
  await ok(provider.execute("bob", d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})), "bob withdraw");
  await ok(provider.execute("validator2", d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})), "validator2 withdraw");
  expect(await ilpAccount("validator2")).toMatchObject({ max_claim: (BigInt(before.validator2.max_claim) - 50_000n).toString() });
  await ok(provider.execute("alice", d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})), "alice withdraw");
  expect(await ilpAccount("bob")).toMatchObject({ max_claim: (BigInt(before.bob.max_claim) - 500_000n).toString() });
  expect(await ilpAccount("alice")).toMatchObject({ max_claim: (BigInt(before.alice.max_claim) - 600_000n).toString() });
  for (const u of ["alice", "bob", "validator2"] as const) {
    const left = await unbondingOf(u);
    expect(left.from_closed_channels).toEqual([]);
    expect(left.unbonding.filter((e) => BigInt(e.release_at) <= closedAt + BigInt(d.unbondingPeriodSeconds) * 1_000_000_000n)).toEqual([]);
  }
  await ok(provider.execute("bob", d.ilp, IlpExecuteMsgBuilder.unbond({ amount: "500000" })), "bob unbond");

  // The consumer's governance closes the second channel; the relayer confirms on the provider chain.
  const carol = await stakeOf("carol");
  const carolStake = (BigInt(carol.staked) + BigInt(carol.pending_stake) + BigInt(carol.pending_unstake)).toString();
  await ok(consumer.execute("admin", d.meshConsumer, MeshConsumerExecuteMsgBuilder.closeChannel()), "consumer close_channel");
  expect(await consumer.query(d.meshConsumer, MeshConsumerQueryMsgBuilder.channel())).toBeNull();
  expect(await metaValidator()).toMatchObject({ delegated: "0" });
  await link.confirmClose("A", portA, channelA);
  expect(await providerChannel()).toMatchObject({ channel_id: null, generation: 2 });
  const closed2 = BigInt((await providerChannel()).closed_at);
  expect((await unbondingOf("carol")).from_closed_channels).toEqual([
    { validator, amount: carolStake, release_at: (closed2 + BigInt(d.unbondingPeriodSeconds) * 1_000_000_000n).toString() },
  ]);
});
