// Deploying mesh security between a provider chain and a consumer chain, and the cross-staking flow, written once
// against the scenario interface (runs in-process and on the devnet).
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../contracts/Ilp.message-builder";
import type * as Ilp from "../../contracts/Ilp.types";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../../contracts/MeshConsumer.types";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../contracts/MeshProvider.types";
import { MetaStakingExecuteMsgBuilder, MetaStakingQueryMsgBuilder } from "../../contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../contracts/MetaStaking.types";
import { MESH_VERSION, providerUnbondingPeriod } from "../../protocol";
import { voucherDenom } from "../../relay/ics20";
import { Account, ScenarioChain, ScenarioLink, ScenarioNetwork, TxOutcome } from "../types";

export interface MeshCodes {
  ilp: Uint8Array;
  provider: Uint8Array;
  consumer: Uint8Array;
  metaStaking: Uint8Array;
}

export interface MeshOptions {
  /** x/staking's unbonding period on the consumer chain (meta-staking is configured with it). */
  consumerUnbondingSeconds: number;
  /**
   * Provider's unbonding period; must cover the consumer's unbonding + its undelegation epoch + the packet timeout.
   * Default: providerUnbondingPeriod(consumerUnbondingSeconds, packetTimeoutSeconds).
   */
  unbondingPeriodSeconds?: number;
  packetTimeoutSeconds: number;
  rate: string;
  discount: string;
  /** What governance funds meta-staking with, and the consumer's allowance. */
  metaStakingFunds: bigint;
  allowance: bigint;
  /** Reuse an ILP already on the provider chain (one collateral backing several providers). */
  ilp?: string;
  /**
   * Reuse the consumer chain's meta-staking (one per chain, serving every provider: the power rules of
   * docs/economics.md see them all); `metaStakingFunds` is then not sent.
   */
  metaStaking?: string;
  /** Open an ICS-20 channel on the mesh connection and configure rewards over it (docs/rewards.md §2). */
  rewards?: { commission?: string; commissionRecipient?: Account };
}

export interface MeshDeployment {
  /** The provider's unbonding period in effect. */
  unbondingPeriodSeconds: number;
  provider: ScenarioChain;
  consumer: ScenarioChain;
  link: ScenarioLink;
  ilp: string;
  meshProvider: string;
  meshConsumer: string;
  metaStaking: string;
  channelA: string;
  channelB: string;
  /** The ICS-20 channel the consumer's rewards travel on, when rewards are configured. */
  rewardChannels?: { provider: string; consumer: string };
}


/** Deploys ILP + mesh-provider on `providerId`, meta-staking + mesh-consumer on `consumerId`, and connects them. */
export async function deployMesh(
  net: ScenarioNetwork, providerId: string, consumerId: string, codes: MeshCodes, opts: MeshOptions,
  link?: ScenarioLink,
): Promise<MeshDeployment> {
  const provider = net.chain(providerId);
  const consumer = net.chain(consumerId);
  const providerCode = await provider.upload("admin", codes.provider);
  const consumerCode = await consumer.upload("admin", codes.consumer);

  const ilpInstantiate: Ilp.InstantiateMsg = { denom: provider.denom };
  const ilp = opts.ilp ?? (await provider.instantiate("admin", await provider.upload("admin", codes.ilp), ilpInstantiate, "mesh ilp"));
  const unbondingPeriodSeconds = opts.unbondingPeriodSeconds ?? providerUnbondingPeriod(opts.consumerUnbondingSeconds, opts.packetTimeoutSeconds);
  const meshProvider = await provider.instantiate("admin", providerCode, {
    ilp, unbonding_period_seconds: unbondingPeriodSeconds, packet_timeout_seconds: opts.packetTimeoutSeconds,
  } satisfies MeshProvider.InstantiateMsg, `mesh provider for ${consumerId}`);
  const metaStaking = opts.metaStaking ?? (await consumer.instantiate("admin", await consumer.upload("admin", codes.metaStaking),
    { unbonding_period_seconds: opts.consumerUnbondingSeconds } satisfies MetaStaking.InstantiateMsg,
    "meta-staking", [{ denom: consumer.denom, amount: opts.metaStakingFunds.toString() }]));
  const meshConsumer = await consumer.instantiate("admin", consumerCode, {
    meta_staking: metaStaking, rate: opts.rate, discount: opts.discount, packet_timeout_seconds: opts.packetTimeoutSeconds,
  } satisfies MeshConsumer.InstantiateMsg, `mesh consumer for ${providerId}`);
  await must(consumer.execute("admin", metaStaking, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: meshConsumer, amount: opts.allowance.toString() })), "set allowance");

  const l = link ?? (await net.link(providerId, consumerId));
  await must(provider.execute("admin", meshProvider, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: l.connectionA, portId: `wasm.${meshConsumer}` })), "set consumer");
  await must(consumer.execute("admin", meshConsumer, MeshConsumerExecuteMsgBuilder.setProvider({ connectionId: l.connectionB, portId: `wasm.${meshProvider}` })), "set provider");
  const { channelA, channelB } = await l.openChannel(`wasm.${meshProvider}`, `wasm.${meshConsumer}`, MESH_VERSION);
  // The consumer announces its validator set on connect.
  await l.relayAll();
  let rewardChannels: MeshDeployment["rewardChannels"];
  if (opts.rewards) {
    const t = await l.openChannel("transfer", "transfer", "ics20-1");
    const recipient = opts.rewards.commissionRecipient;
    // The provider first: a transfer arriving before it knows the channel would be credited to nobody.
    await must(provider.execute("admin", meshProvider, MeshProviderExecuteMsgBuilder.setRewardChannel({ channelId: t.channelA })), "set reward channel");
    await must(consumer.execute("admin", meshConsumer, MeshConsumerExecuteMsgBuilder.setRewardConfig({
      transferChannel: t.channelB, commission: opts.rewards.commission, commissionRecipient: recipient ? consumer.address(recipient) : undefined,
    })), "set reward config");
    rewardChannels = { provider: t.channelA, consumer: t.channelB };
  }
  return { unbondingPeriodSeconds, provider, consumer, link: l, ilp, meshProvider, meshConsumer, metaStaking, channelA, channelB, rewardChannels };
}

/** Lets block time pass on `chain` until it reaches `timeNs` (no-op when it already has). */
export async function waitUntilTime(chain: ScenarioChain, timeNs: bigint): Promise<void> {
  const now = await chain.now();
  if (now < timeNs) await chain.wait(Number(timeNs - now) / 1e9);
}

/**
 * Lets meta-staking's queued undelegations reach x/staking: waits for the queued batches' epoch and runs the
 * permissionless `process_unbonding` crank (signed by `crankAs`) until the queue is empty. Returns the crank txs.
 */
export async function drainUnbondingQueue(
  d: Pick<MeshDeployment, "consumer" | "metaStaking">, crankAs: Account, onCrank?: (crank: TxOutcome & { ok: true }) => Promise<void>,
): Promise<(TxOutcome & { ok: true })[]> {
  const cranks: (TxOutcome & { ok: true })[] = [];
  for (;;) {
    const { queue } = await d.consumer.query<MetaStaking.UnbondingQueueResponse>(d.metaStaking, MetaStakingQueryMsgBuilder.unbondingQueue({}));
    if (queue.length === 0) return cranks;
    await waitUntilTime(d.consumer, queue.reduce((max, q) => (BigInt(q.batch_at) > max ? BigInt(q.batch_at) : max), 0n));
    const crank = await must(d.consumer.execute(crankAs, d.metaStaking, MetaStakingExecuteMsgBuilder.processUnbonding({})), "process_unbonding");
    if (!crank.ok) throw new Error("unreachable");
    cranks.push(crank);
    await onCrank?.(crank);
  }
}

async function must<T extends { ok: boolean; error?: string }>(p: Promise<T>, what: string): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${what} failed: ${r.error}`);
  return r;
}

export interface CrossStakeReport {
  validator: string;
  delegatedOnConsumer: bigint;
  steps: string[];
}

/**
 * The whole user story: bond in the ILP → cross-stake through the provider → delegation visible in x/staking on the
 * consumer → unstake → undelegation → wait the unbonding period → withdraw → claim released → unbond from the ILP.
 * Throws with a precise message at the first check that fails.
 */
export interface CrossStakeOptions {
  amount: bigint;
  user: "alice" | "bob" | "carol";
  rate: number;
  discount: number;
  unbondingPeriodSeconds: number;
  log?: (s: string) => void;
  /** Called with every user transaction of the flow (e.g. to record gas). */
  onTx?: (label: string, outcome: TxOutcome) => void;
  /** Who triggers the reward distribution (anyone may); default carol. */
  distributor?: Account;
}

export async function crossStakeFlow(d: MeshDeployment, opts: CrossStakeOptions): Promise<CrossStakeReport> {
  const { provider, consumer, link } = d;
  const log = opts.log ?? (() => undefined);
  const must = async (p: Promise<TxOutcome>, label: string): Promise<TxOutcome> => {
    const r = await p;
    opts.onTx?.(label, r);
    if (!r.ok) throw new Error(`${label} failed: ${r.error}`);
    return r;
  };
  const owner = provider.address(opts.user);
  const steps: string[] = [];
  const step = (s: string) => { steps.push(s); log(`  ${s}`); };
  const check = (cond: boolean, what: string) => { if (!cond) throw new Error(`cross-stake flow: ${what}`); };

  const validators: string[] = (await provider.query<MeshProvider.ValidatorsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators;
  check(validators.length > 0, "the provider learnt the consumer's validator set");
  const validator = validators[0];
  const delegatedBefore = await consumer.delegation(d.metaStaking, validator);

  await must(provider.execute(opts.user, d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: provider.denom, amount: opts.amount.toString() }]), "bond in the ILP");
  step(`bonded ${opts.amount} in the ILP`);
  await must(provider.execute(opts.user, d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: opts.amount.toString(), validator })),
    "grant claim (ILP + provider receive + packet send)");
  const pending = await provider.query<MeshProvider.StakeResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner, validator }));
  check(pending.pending_stake === opts.amount.toString() && pending.staked === "0", "the stake is pending until the consumer acknowledges it");
  step(`granted a claim of ${opts.amount} to the provider for ${validator}`);

  await link.relayAll();
  const staked = await provider.query<MeshProvider.StakeResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner, validator }));
  check(staked.staked === opts.amount.toString() && staked.pending_stake === "0", `the ack committed the stake (got ${JSON.stringify(staked)})`);
  const factor = opts.rate * (1 - opts.discount);
  const expectedLocal = BigInt(Math.floor(Number(opts.amount) * factor));
  const delegated = (await consumer.delegation(d.metaStaking, validator)) - delegatedBefore;
  check(delegated === expectedLocal, `meta-staking delegated ${expectedLocal} on the consumer chain (got ${delegated})`);
  step(`delegation of ${delegated} visible in x/staking on ${consumer.chainId}`);

  if (d.rewardChannels) step(await rewardsStep(d, d.rewardChannels, opts.user, opts.distributor ?? "carol", must, check));

  await must(provider.execute(opts.user, d.meshProvider, MeshProviderExecuteMsgBuilder.unstake({ validator, amount: opts.amount.toString() })), "unstake (provider + packet send)");
  await link.relayAll();
  const afterUnstake = (await consumer.delegation(d.metaStaking, validator)) - delegatedBefore;
  check(afterUnstake === 0n, `the consumer undelegated (delegation left: ${afterUnstake})`);
  const early = await provider.execute(opts.user, d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({}));
  check(!early.ok && /Nothing to withdraw yet/.test(early.error ?? ""), "nothing is released before the unbonding period ends");
  const account = await provider.query<Ilp.AccountResponse>(d.ilp, IlpQueryMsgBuilder.account({ address: owner }));
  check(account.max_claim === opts.amount.toString(), "the claim stays while unbonding");
  step("unstaked: undelegation on the consumer, claim held during the unbonding period");

  await provider.wait(opts.unbondingPeriodSeconds + 1);
  await must(provider.execute(opts.user, d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})), "withdraw unbonded (provider + ILP release)");
  const released = await provider.query<Ilp.AccountResponse>(d.ilp, IlpQueryMsgBuilder.account({ address: owner }));
  check(released.max_claim === "0" && released.free === opts.amount.toString(), `the claim was released (got ${JSON.stringify(released)})`);
  step(`after ${opts.unbondingPeriodSeconds}s the claim was released`);

  await must(provider.execute(opts.user, d.ilp, IlpExecuteMsgBuilder.unbond({ amount: opts.amount.toString() })), "unbond from the ILP");
  step(`unbonded ${opts.amount} from the ILP`);
  return { validator, delegatedOnConsumer: delegated, steps };
}

/**
 * Rewards of the stake just made: blocks pass on the consumer chain until meta-staking owes the consumer contract
 * something, a stranger distributes, the relayer carries the ICS-20 transfer (the provider's destination callback
 * credits the stakers), and the user withdraws exactly what the provider shows as pending, in the voucher denom.
 */
async function rewardsStep(
  d: MeshDeployment, channels: { provider: string; consumer: string }, user: Account, distributor: Account,
  must: (p: Promise<TxOutcome>, label: string) => Promise<TxOutcome>, check: (cond: boolean, what: string) => void,
): Promise<string> {
  const { provider, consumer, link } = d;
  const owner = provider.address(user);
  let owed = 0n;
  for (let i = 0; i < 30 && owed === 0n; i++) {
    await consumer.wait(1);
    const r = await consumer.query<MetaStaking.RewardsResponse>(d.metaStaking, MetaStakingQueryMsgBuilder.rewards({ consumer: d.meshConsumer }));
    owed = r.rewards.filter((x) => x.denom === consumer.denom).reduce((sum, x) => sum + BigInt(x.amount), 0n);
  }
  check(owed > 0n, "x/distribution accrued rewards for meta-staking's delegation");
  const totalsOf = async () => {
    const t = (await consumer.query<MeshConsumer.DistributionResponse>(d.meshConsumer, MeshConsumerQueryMsgBuilder.distribution())).totals;
    return t.find((x) => x.denom === consumer.denom) ?? { claimed: "0", commission: "0", delivered: "0" };
  };
  const voucher = voucherDenom(channels.provider, consumer.denom);
  const receivedOf = async () => BigInt((await provider.query<MeshProvider.RewardTotalsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.rewardTotals()))
    .totals.find((x) => x.denom === voucher)?.received ?? "0");
  const [before, receivedBefore] = [await totalsOf(), await receivedOf()];
  await must(consumer.execute(distributor, d.meshConsumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})), "distribute rewards (anyone)");
  await link.relayAll();
  const after = await totalsOf();
  const claimed = BigInt(after.claimed) - BigInt(before.claimed);
  const sent = claimed - (BigInt(after.commission) - BigInt(before.commission));
  check(claimed >= owed, `the consumer claimed what meta-staking owed (${claimed} ≥ ${owed})`);
  check(BigInt(after.delivered) - BigInt(before.delivered) === sent, "the transfer was acknowledged");
  const received = (await receivedOf()) - receivedBefore;
  check(received === sent, `the provider credited what the consumer sent (${received} = ${sent})`);
  const pending = (await provider.query<MeshProvider.StakerRewardsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.rewards({ owner })))
    .rewards.filter((x) => x.denom === voucher).reduce((sum, x) => sum + BigInt(x.amount), 0n);
  check(pending > 0n, `${user} has rewards pending on the provider`);
  const balance = await provider.balance(owner, voucher);
  await must(provider.execute(user, d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawRewards({})), "withdraw rewards");
  const paid = (await provider.balance(owner, voucher)) - balance;
  check(paid === pending, `${user} received the pending rewards (${paid} = ${pending})`);
  return `rewards: ${claimed} ${consumer.denom} claimed on ${consumer.chainId} by ${distributor}, ${received} credited on ${provider.chainId}, ` +
    `${paid} ${voucher.slice(0, 12)}… withdrawn by ${user}`;
}
