// Gas of rewards through the mesh on real wasmd nodes (npm run bench), docs/rewards.md:
//   a consumer chain of its own with 29 extra validators (created by MsgCreateValidator; they run no node, so the
//   chain's liveness window is made long enough that none is jailed during the bench), three meshes from the
//   provider chain with stake on 1, 10 and 30 validators. Validators that sign earn inflation; the others are paid
//   through x/distribution's MsgDepositValidatorRewardsPool before each round, so every validator has rewards.
//   Measured per validator count: the stranger's distribute_rewards (meta-staking's claim + the ICS-20 transfer),
//   the provider's MsgRecvPacket (transfer + destination callback crediting each validator) and the consumer's
//   MsgAcknowledgement (source callback). Then withdraw_rewards after 1 distribution and after 100: O(1) in the
//   number of distributions.
import { GeneratedType } from "@cosmjs/proto-signing";
import { BinaryWriter } from "cosmjs-types/binary";
import { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import { ChainConfig, waitForBlocks } from "../../wasmd";
import { meshCodes } from "../../compile/artifacts";
import { IlpExecuteMsgBuilder } from "../../contracts/Ilp.message-builder";
import { MeshConsumerExecuteMsgBuilder } from "../../contracts/MeshConsumer.message-builder";
import { MeshProviderExecuteMsgBuilder } from "../../contracts/MeshProvider.message-builder";
import { MeshDeployment, deployMesh } from "../scenarios/mesh";
import { WasmdScenarioNetwork } from "../wasmd-backend";
import { currentHeight, gasOf, relayerTxGas, singleRelayTx } from "./gas";
import { createNodelessValidators } from "./validators";

export interface RewardsGas {
  /** Per validator count: distribute_rewards, the provider's MsgRecvPacket (callback), the consumer's MsgAcknowledgement. */
  byValidators: { label: string; gas: Record<number, number> }[];
  /** withdraw_rewards after 1 and after `rounds` distributions since the last withdrawal. */
  withdraw: { label: string; gas: number }[];
  withdrawRatio: number;
  rounds: number;
}

/** x/distribution's MsgDepositValidatorRewardsPool (SDK 0.50; not in cosmjs-types 0.9): depositor, validator, coins. */
const MsgDepositValidatorRewardsPool: GeneratedType = {
  encode(m: { depositor: string; validatorAddress: string; amount: Coin[] }, w: BinaryWriter = BinaryWriter.create()): BinaryWriter {
    w.uint32(10).string(m.depositor);
    w.uint32(18).string(m.validatorAddress);
    for (const c of m.amount) Coin.encode(c, w.uint32(26).fork()).ldelim();
    return w;
  },
  decode(): never { throw new Error("MsgDepositValidatorRewardsPool: decoding is not needed"); },
  fromPartial: (m: unknown) => m,
} as unknown as GeneratedType;
const DEPOSIT_TYPE = "/cosmos.distribution.v1beta1.MsgDepositValidatorRewardsPool";

const SELF_BOND = 1_000_000n;
const STAKE_PER_VALIDATOR = 10_000n;
const DEPOSIT = 5_000n;

/**
 * `consumerCfg` must be a fresh single-validator chain with a liveness window long enough for node-less validators
 * (see scripts/bench.ts).
 */
export async function measureRewardsGas(
  providerCfg: ChainConfig, consumerCfg: ChainConfig, opts: { sizes?: number[]; rounds?: number; log?: (s: string) => void } = {},
): Promise<RewardsGas> {
  const sizes = [...(opts.sizes ?? [1, 10, 30])].sort((x, y) => x - y);
  const rounds = opts.rounds ?? 100;
  const log = opts.log ?? (() => undefined);
  const net = new WasmdScenarioNetwork([providerCfg, consumerCfg]);
  const byValidators = new Map<string, Record<number, number>>();
  const put = (label: string, n: number, gas: number) => byValidators.set(label, { ...(byValidators.get(label) ?? {}), [n]: gas });
  try {
    const provider = net.chain(providerCfg.chainId);
    const consumer = net.chain(consumerCfg.chainId);
    const admin = await consumer.signer("admin");
    admin.client.registry.register(DEPOSIT_TYPE, MsgDepositValidatorRewardsPool);

    // Validators without nodes: funded operators, one MsgCreateValidator each.
    const extra = sizes[sizes.length - 1] - 1;
    const { real, fakes } = await createNodelessValidators(consumerCfg, admin, extra, { selfBond: SELF_BOND, moniker: "rewards-bench" });
    log(`  ${consumerCfg.chainId}: ${fakes.length + 1} bonded validators (${extra} without a node)`);

    const link = await net.link(providerCfg.chainId, consumerCfg.chainId);
    const meshes: { n: number; d: MeshDeployment; validators: string[] }[] = [];
    const alice = await provider.signer("alice");
    for (const n of sizes) {
      const validators = [real, ...fakes.slice(0, n - 1)];
      const d = await deployMesh(net, providerCfg.chainId, consumerCfg.chainId, meshCodes(), {
        consumerUnbondingSeconds: consumerCfg.unbondingSeconds, packetTimeoutSeconds: 600, rate: "1", discount: "0",
        metaStakingFunds: 1_000_000n, allowance: BigInt(n) * STAKE_PER_VALIDATOR, rewards: {},
      }, link);
      const total = BigInt(n) * STAKE_PER_VALIDATOR;
      await alice.client.executeMultiple(alice.address, [
        { contractAddress: d.ilp, msg: IlpExecuteMsgBuilder.bond(), funds: [{ denom: providerCfg.denom, amount: total.toString() }] },
        ...validators.map((validator) => ({
          contractAddress: d.ilp, msg: IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: STAKE_PER_VALIDATOR.toString(), validator }),
        })),
      ], "auto");
      await link.relayAll();
      meshes.push({ n, d, validators });
      log(`  mesh ${d.channelA} (rewards over transfer/${d.rewardChannels!.provider}): stake on ${n} validator(s)`);
    }

    // Every validator of a mesh gets rewards before its round; the real one also earns inflation.
    const deposit = async (validators: string[]) => {
      const msgs = validators.filter((v) => v !== real).map((validatorAddress) => ({
        typeUrl: DEPOSIT_TYPE, value: { depositor: admin.address, validatorAddress, amount: [{ denom: consumerCfg.denom, amount: DEPOSIT.toString() }] },
      }));
      if (msgs.length === 0) return;
      const r = await admin.client.signAndBroadcast(admin.address, msgs, "auto");
      if (r.code !== 0) throw new Error(`deposit into validator reward pools failed: ${r.rawLog}`);
    };
    const stranger = "carol";
    const warm = await consumer.signer(stranger);
    await warm.client.sendTokens(warm.address, warm.address, [{ denom: consumerCfg.denom, amount: "1" }], warm.fee);
    const round = async (m: (typeof meshes)[number]) => {
      await deposit(m.validators);
      await waitForBlocks(consumerCfg, 1);
      const [ha, hc] = [await currentHeight(providerCfg), await currentHeight(consumerCfg)];
      const distribute = gasOf(await consumer.execute(stranger, m.d.meshConsumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})), "distribute_rewards");
      await link.relayAll();
      return {
        distribute,
        receive: singleRelayTx(await relayerTxGas(providerCfg, ha), "MsgRecvPacket", providerCfg.chainId),
        ack: singleRelayTx(await relayerTxGas(consumerCfg, hc), "MsgAcknowledgement", consumerCfg.chainId),
      };
    };
    for (const m of meshes) {
      await round(m); // the first round also creates the provider's reward records
      const g = await round(m);
      put("consumer distribute_rewards by a stranger (claim + ICS-20 transfer)", m.n, g.distribute);
      put(`provider MsgRecvPacket: transfer + destination callback (${providerCfg.chainId})`, m.n, g.receive);
      put(`consumer MsgAcknowledgement: source callback (${consumerCfg.chainId})`, m.n, g.ack);
      log(`  ${m.n} validator(s): distribute ${g.distribute}, receive ${g.receive}, ack ${g.ack}`);
    }

    const smallest = meshes[0];
    const withdraw = async () => gasOf(await provider.execute("alice", smallest.d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawRewards({})), "withdraw_rewards");
    await withdraw();
    await round(smallest);
    const afterOne = await withdraw();
    for (let i = 1; i <= rounds; i++) {
      await round(smallest);
      if (i % 10 === 0) log(`  ${i} of ${rounds} distributions without a withdrawal`);
    }
    const afterMany = await withdraw();
    return {
      byValidators: [...byValidators].map(([label, gas]) => ({ label, gas })),
      withdraw: [
        { label: `withdraw_rewards after 1 distribution (${smallest.n} validator)`, gas: afterOne },
        { label: `withdraw_rewards after ${rounds} distributions`, gas: afterMany },
      ],
      withdrawRatio: afterMany / afterOne,
      rounds,
    };
  } finally {
    await net.close();
  }
}
