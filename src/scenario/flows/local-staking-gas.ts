// Gas of local staking on real wasmd nodes (npm run bench), docs/local-staking.md, beside the remote equivalents:
// one owner bonds in the ILP of the provider chain and stakes the same way at home (local-staking, through its own
// meta-staking) and on the consumer chain (mesh-provider → mesh-consumer → meta-staking). Measured per operation:
//   * stake: the owner's grant_claim (at home the whole delegation happens in it; remote: plus the relayer's
//     MsgRecvPacket on the consumer and MsgAcknowledgement on the provider);
//   * unstake: the owner's unstake (at home the batch goes to x/staking in it, the validator's first; remote: plus the
//     relayed packet and ack);
//   * withdraw: the owner's withdraw_unbonded once the unbonding is over (at home: meta-staking's fund → the ILP);
//   * rewards: at home a stranger's collect_rewards and the owner's withdraw_rewards; remote the consumer's
//     distribute_rewards (a stranger), the provider's transfer receive with its callback, and the owner's
//     withdraw_rewards.
import { localStakingCodes, meshCodes } from "../../compile/artifacts";
import { IlpExecuteMsgBuilder } from "../../contracts/Ilp.message-builder";
import { LocalStakingExecuteMsgBuilder, LocalStakingQueryMsgBuilder } from "../../contracts/LocalStaking.message-builder";
import type * as LocalStaking from "../../contracts/LocalStaking.types";
import { MeshConsumerExecuteMsgBuilder } from "../../contracts/MeshConsumer.message-builder";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../contracts/MeshProvider.types";
import { MetaStakingExecuteMsgBuilder } from "../../contracts/MetaStaking.message-builder";
import { ChainConfig } from "../../wasmd";
import { deployLocalStaking } from "../scenarios/local-staking";
import { deployMesh, waitUntilTime } from "../scenarios/mesh";
import { WasmdScenarioNetwork } from "../wasmd-backend";
import { currentHeight, gasOf, relayerTxGas, singleRelayTx } from "./gas";

export interface LocalStakingGasRow {
  label: string;
  /** gas at home (local-staking), or null when there is no such step */
  local: number | null;
  /** gas of the remote equivalent's transactions, by who sends them */
  remote: { user?: number; relayer?: number; stranger?: number };
}

const STAKE = 1_000_000n;

export async function measureLocalStakingGas(providerCfg: ChainConfig, consumerCfg: ChainConfig, log: (s: string) => void = () => undefined): Promise<LocalStakingGasRow[]> {
  const net = new WasmdScenarioNetwork([providerCfg, consumerCfg]);
  const rows: LocalStakingGasRow[] = [];
  try {
    const d = await deployMesh(net, providerCfg.chainId, consumerCfg.chainId, meshCodes(), {
      consumerUnbondingSeconds: consumerCfg.unbondingSeconds, packetTimeoutSeconds: 30, rate: "1", discount: "0",
      metaStakingFunds: 10_000_000n, allowance: 10_000_000n, rewards: {},
    });
    const home = d.provider;
    const local = await deployLocalStaking(home, localStakingCodes(), { ilp: d.ilp, unbondingSeconds: providerCfg.unbondingSeconds });
    const [homeValidator] = await home.validators();
    const remoteValidator = (await home.query<MeshProvider.ValidatorsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators[0];
    log(`  local staking on ${providerCfg.chainId} (${local.localStaking}), remote through ${consumerCfg.chainId}`);
    const owner = "bob";
    gasOf(await home.execute(owner, d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: home.denom, amount: (STAKE * 3n).toString() }]), "bond");

    /** The relayer's receive on the consumer and ack on the provider for what the user just sent. */
    const relayed = async (fromA: number, fromB: number) => {
      await d.link.relayAll();
      const recv = singleRelayTx(await relayerTxGas(consumerCfg, fromB), "MsgRecvPacket", consumerCfg.chainId);
      const ack = singleRelayTx(await relayerTxGas(providerCfg, fromA), "MsgAcknowledgement", providerCfg.chainId);
      return recv + ack;
    };

    // Stake.
    const stakeLocal = gasOf(await home.execute(owner, d.ilp, IlpExecuteMsgBuilder.grantClaim({
      lienholder: local.localStaking, amount: STAKE.toString(), validator: homeValidator })), "grant_claim to local-staking");
    let [hA, hB] = [await currentHeight(providerCfg), await currentHeight(consumerCfg)];
    const stakeRemote = gasOf(await home.execute(owner, d.ilp, IlpExecuteMsgBuilder.grantClaim({
      lienholder: d.meshProvider, amount: STAKE.toString(), validator: remoteValidator })), "grant_claim to mesh-provider");
    rows.push({ label: "stake: grant_claim (remote: + relayer's receive and ack)", local: stakeLocal, remote: { user: stakeRemote, relayer: await relayed(hA, hB) } });

    // Rewards: let some accrue on both chains.
    await home.wait(20);
    const collect = gasOf(await home.execute("carol", local.localStaking, LocalStakingExecuteMsgBuilder.collectRewards({})), "collect_rewards");
    const owed = (await home.query<LocalStaking.RewardsResponse>(local.localStaking, LocalStakingQueryMsgBuilder.rewards({ owner: home.address(owner) }))).rewards;
    if (owed.length === 0) throw new Error("no local rewards collected after 20 s: does the chain mint?");
    const withdrawLocalRewards = gasOf(await home.execute(owner, local.localStaking, LocalStakingExecuteMsgBuilder.withdrawRewards()), "withdraw_rewards at home");
    hA = await currentHeight(providerCfg);
    const distribute = gasOf(await d.consumer.execute("carol", d.meshConsumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})), "distribute_rewards");
    await d.link.relayAll();
    const transferReceive = singleRelayTx(await relayerTxGas(providerCfg, hA), "MsgRecvPacket", providerCfg.chainId);
    const withdrawRemoteRewards = gasOf(await home.execute(owner, d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawRewards({})), "withdraw_rewards on the provider");
    rows.push({ label: "rewards: collect (remote: distribute_rewards + transfer receive)", local: collect, remote: { stranger: distribute, relayer: transferReceive } });
    rows.push({ label: "rewards: the owner's withdraw_rewards", local: withdrawLocalRewards, remote: { user: withdrawRemoteRewards } });

    // Unstake half.
    const half = (STAKE / 2n).toString();
    const unstakeLocal = gasOf(await home.execute(owner, local.localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: homeValidator, amount: half })), "unstake at home");
    [hA, hB] = [await currentHeight(providerCfg), await currentHeight(consumerCfg)];
    const unstakeRemote = gasOf(await home.execute(owner, d.meshProvider, MeshProviderExecuteMsgBuilder.unstake({ validator: remoteValidator, amount: half })), "unstake on the provider");
    rows.push({ label: "unstake (remote: + relayer's receive and ack)", local: unstakeLocal, remote: { user: unstakeRemote, relayer: await relayed(hA, hB) } });

    // Withdraw once unbonded: at home when meta-staking has paid the batch, remotely on the provider's clock.
    const [entry] = (await home.query<LocalStaking.UnbondingResponse>(local.localStaking, LocalStakingQueryMsgBuilder.unbonding({ owner: home.address(owner) }))).entries;
    log(`  waiting for the unbondings (${providerCfg.unbondingSeconds}s at home, the provider's period remotely)...`);
    await waitUntilTime(home, BigInt(entry.completion) + 2_000_000_000n);
    for (let i = 0; i < 2; i++) {
      gasOf(await home.execute("carol", local.metaStaking, MetaStakingExecuteMsgBuilder.processUnbonding({})), "process_unbonding");
      await home.wait(1);
    }
    const withdrawLocal = gasOf(await home.execute(owner, local.localStaking, LocalStakingExecuteMsgBuilder.withdrawUnbonded()), "withdraw_unbonded at home");
    const { unbonding } = await home.query<MeshProvider.UnbondingResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.unbonding({ owner: home.address(owner) }));
    await waitUntilTime(home, BigInt(unbonding[0].release_at) + 1_000_000_000n);
    const withdrawRemote = gasOf(await home.execute(owner, d.meshProvider, MeshProviderExecuteMsgBuilder.withdrawUnbonded({})), "withdraw_unbonded on the provider");
    rows.push({ label: "withdraw_unbonded (the tokens / claim back to the ILP)", local: withdrawLocal, remote: { user: withdrawRemote } });
    return rows;
  } finally {
    await net.close();
  }
}
