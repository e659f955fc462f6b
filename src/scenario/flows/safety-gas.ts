// Gas of the cross-staking safety paths on real wasmd nodes (npm run bench):
//   governance close on either side and the relayer's close-confirm on the other, with 1 and with 50 stakers;
//   meta-staking's process_unbonding crank for 1 and for 20 queued unstakes, and the unstake MsgRecvPacket with and
//   without an inline batch; slash_claim with 8 lienholders, all well-behaved or one burning all its gas.
// One deployment; each close is followed by a new channel. Before every close that undelegates, the validator's
// undelegation epoch is let pass, so the close's batch always runs inline (the costlier case) and numbers compare.
import { ChainConfig } from "../../wasmd";
import { artifact, meshCodes, testContract } from "../../compile/artifacts";
import { IlpExecuteMsgBuilder } from "../../contracts/Ilp.message-builder";
import { MeshConsumerExecuteMsgBuilder } from "../../contracts/MeshConsumer.message-builder";
import { MeshProviderClient } from "../../contracts/MeshProvider.client";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../contracts/MeshProvider.types";
import { MetaStakingQueryMsgBuilder } from "../../contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../contracts/MetaStaking.types";
import { MESH_VERSION } from "../../protocol";
import { ilpWithLienholders, slashThrough } from "../scenarios/ilp";
import { MeshDeployment, deployMesh, drainUnbondingQueue, waitUntilTime } from "../scenarios/mesh";
import { WasmdScenarioChain, WasmdScenarioLink, WasmdScenarioNetwork } from "../wasmd-backend";
import { currentHeight, gasOf, relayerTxGas } from "./gas";
import { Stakers, fundedStakers } from "./stakers";

export interface SafetyGas {
  /** gas by row label, then by column label (e.g. "1 staker", "50 stakers") */
  rows: { label: string; gas: Record<string, number> }[];
}

const STAKE = 10_000n;

export async function measureSafetyGas(a: ChainConfig, b: ChainConfig, log: (s: string) => void = () => undefined): Promise<SafetyGas> {
  const net = new WasmdScenarioNetwork([a, b]);
  const rows = new Map<string, Record<string, number>>();
  const put = (label: string, column: string, gas: number) => rows.set(label, { ...(rows.get(label) ?? {}), [column]: gas });
  let stakers: Stakers | undefined;
  try {
    const d = await deployMesh(net, a.chainId, b.chainId, meshCodes(), {
      consumerUnbondingSeconds: b.unbondingSeconds, packetTimeoutSeconds: 30, rate: "1", discount: "0",
      metaStakingFunds: 100_000_000n, allowance: 100_000_000n,
    });
    const provider = d.provider as WasmdScenarioChain;
    const consumer = d.consumer as WasmdScenarioChain;
    const link = d.link as WasmdScenarioLink;
    const [portA, portB] = [`wasm.${d.meshProvider}`, `wasm.${d.meshConsumer}`];
    let [channelA, channelB] = [d.channelA, d.channelB];
    const validator = (await provider.query<MeshProvider.ValidatorsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators[0];
    const epochSeconds = (await consumer.query<MetaStaking.ConfigResponse>(d.metaStaking, MetaStakingQueryMsgBuilder.config())).unbonding_epoch_seconds;
    stakers = await fundedStakers(a, await provider.signer("admin"), 50, 10_000_000n);
    log(`  deployed; 50 funded stakers on ${a.chainId}`);

    // When the validator's last undelegation batch ran (consumer block time), to wait out its epoch.
    let lastBatch = 0n;
    const batchDue = () => waitUntilTime(consumer, lastBatch + BigInt(epochSeconds) * 1_000_000_000n);
    const noteBatch = async () => { lastBatch = await consumer.now(); };

    for (const [side, n] of [["provider", 1], ["provider", 50], ["consumer", 1], ["consumer", 50]] as const) {
      const column = n === 1 ? "1 staker" : "50 stakers";
      await stakeEach(stakers, d, validator, n);
      await link.relayAll();
      await batchDue();
      if (side === "provider") {
        put(`provider close_channel tx (${a.chainId})`, column, gasOf(await provider.execute("admin", d.meshProvider, MeshProviderExecuteMsgBuilder.closeChannel()), "provider close"));
        const h = await currentHeight(b);
        await link.confirmClose("B", portB, channelB);
        put(`relayer close-confirm on ${b.chainId} (consumer undelegates all)`, column, await closeConfirmGas(b, h));
      } else {
        put(`consumer close_channel tx (${b.chainId}, undelegates all)`, column, gasOf(await consumer.execute("admin", d.meshConsumer, MeshConsumerExecuteMsgBuilder.closeChannel()), "consumer close"));
        const h = await currentHeight(a);
        await link.confirmClose("A", portA, channelA);
        put(`relayer close-confirm on ${a.chainId} (provider settles, O(1))`, column, await closeConfirmGas(a, h));
      }
      await noteBatch();
      ({ channelA, channelB } = await link.openChannel(portA, portB, MESH_VERSION));
      await link.relayAll(); // validator set of the new channel
      log(`  closed from the ${side} side with ${n} staker(s); new channel ${channelA}`);
    }

    // Crank: 1 queued unstake, then 20. The unstake that finds the epoch over undelegates inline (relayer pays).
    await stakeEach(stakers, d, validator, 21);
    await link.relayAll();
    await drainUnbondingQueue(d, "bob");
    await batchDue();
    put("unstake MsgRecvPacket, batch due (undelegates inline)", "1 unstake", await unstakeRelayGas(stakers, d, validator, [0], b));
    put("unstake MsgRecvPacket, batch not due (queued)", "1 unstake", await unstakeRelayGas(stakers, d, validator, [1], b));
    put("meta-staking process_unbonding crank", "1 queued unstake", gasOf((await drainUnbondingQueue(d, "bob"))[0], "crank"));
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    put("unstake MsgRecvPacket, batch not due (queued)", "20 unstakes in one tx", await unstakeRelayGas(stakers, d, validator, twenty, b));
    put("meta-staking process_unbonding crank", "20 queued unstakes", gasOf((await drainUnbondingQueue(d, "bob"))[0], "crank"));
    log("  cranks measured");

    const codes = { ilp: artifact("ilp"), lienholder: testContract("test-lienholder") };
    for (const burner of [undefined, 3]) {
      const { holders } = await ilpWithLienholders(provider, codes, {
        count: 8, maxLienholders: 8, burner, owner: "carol", bond: 1_000_000n, claim: 900_000n, grants: 8,
      });
      const column = burner === undefined ? "8 lienholders" : "8, one burning its gas";
      put("slash_claim (7 claims capped, 7 notifications)", column,
        gasOf(await slashThrough(provider, "bob", holders[0], provider.address("carol"), 200_000n), "slash"));
    }
  } finally {
    stakers?.client.disconnect();
    await net.close();
  }
  return { rows: [...rows].map(([label, gas]) => ({ label, gas })) };
}

/** The first `n` stakers each bond STAKE and grant it to the provider (one tx each, all at once). */
async function stakeEach(stakers: Stakers, d: MeshDeployment, validator: string, n: number): Promise<void> {
  await Promise.all(stakers.addresses.slice(0, n).map((addr) => stakers.client.executeMultiple(addr, [
    { contractAddress: d.ilp, msg: IlpExecuteMsgBuilder.bond(), funds: [{ denom: d.provider.denom, amount: STAKE.toString() }] },
    { contractAddress: d.ilp, msg: IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: STAKE.toString(), validator }) },
  ], "auto")));
}

/** Unstakes 1 from each of the given stakers, relays, and returns the gas of the relayer's MsgRecvPacket tx on b. */
async function unstakeRelayGas(stakers: Stakers, d: MeshDeployment, validator: string, which: number[], b: ChainConfig): Promise<number> {
  await Promise.all(which.map((i) => new MeshProviderClient(stakers.client, stakers.addresses[i], d.meshProvider).unstake({ validator, amount: "1" }, "auto")));
  const h = await currentHeight(b);
  await d.link.relayAll();
  const recv = (await relayerTxGas(b, h)).filter((t) => t.messages.includes("MsgRecvPacket"));
  // The last one: a relay step that ran out of gas (see relayer.ts) is retried.
  if (recv.length === 0) throw new Error(`no MsgRecvPacket tx on ${b.chainId}`);
  return recv[recv.length - 1].gasUsed;
}

async function closeConfirmGas(cfg: ChainConfig, sinceHeight: number): Promise<number> {
  const txs = (await relayerTxGas(cfg, sinceHeight)).filter((t) => t.messages.includes("MsgChannelCloseConfirm"));
  if (txs.length !== 1) throw new Error(`expected one MsgChannelCloseConfirm tx on ${cfg.chainId}, got ${txs.length}`);
  return txs[0].gasUsed;
}
