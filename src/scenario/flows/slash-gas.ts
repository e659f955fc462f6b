// Gas of slashing through the mesh on real wasmd nodes (npm run bench), from real downtime slashes:
//   three meshes from the provider chain to one two-validator consumer chain (one shared ILP and connection), with
//   N = 10, 100 and 1 000 stakers, all on the consumer's small validator; the small validator is stopped until
//   x/staking jails and slashes it; for each mesh an unprivileged account runs the consumer's check_validator and the
//   relayer carries the slash packet: the provider's MsgRecvPacket is the O(1) claim (ratio N=1000 / N=10), then a
//   stranger settles one owner. Then the small validator is unjailed while still down, so it is slashed again, until
//   the N=10 mesh has seen `events` slash events; settling an owner then costs what it cost after one.
// The prior art's provider loops over every staker on a slash: its gas grows with N, ours does not.
import { MsgUnjail } from "cosmjs-types/cosmos/slashing/v1beta1/tx";
import { ChainConfig, connectSigner, getHeight, moduleQueryClient, stopChain, waitForBlocks } from "../../wasmd";
import { meshCodes } from "../../compile/artifacts";
import { IlpExecuteMsgBuilder } from "../../contracts/Ilp.message-builder";
import { MeshConsumerExecuteMsgBuilder } from "../../contracts/MeshConsumer.message-builder";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../contracts/MeshProvider.types";
import { MeshDeployment, deployMesh, waitUntilTime } from "../scenarios/mesh";
import { WasmdScenarioChain, WasmdScenarioNetwork } from "../wasmd-backend";
import { currentHeight, gasOf, relayerTxGas, singleRelayTx } from "./gas";
import { fundedStakers } from "./stakers";

export interface SlashGas {
  /** Provider MsgRecvPacket of the slash packet, consumer check_validator and MsgAcknowledgement, settle: by N. */
  byStakers: { label: string; gas: Record<number, number> }[];
  /** gas(N = largest) / gas(N = smallest) of the provider's slash packet receive. */
  receiveRatio: number;
  /** Settling one owner of the smallest mesh: after the first event, and after `events` events. */
  settle: { label: string; gas: number }[];
  events: number;
}

const STAKE = 10_000n;
/** Staker txs in flight at once (each is simulated, signed and broadcast by one client). */
const CONCURRENCY = 100;

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/**
 * `consumerCfg` must be a running two-validator chain whose small validator (node 1) may be stopped: it stays down
 * from the first slash on.
 */
export async function measureSlashGas(
  providerCfg: ChainConfig, consumerCfg: ChainConfig, opts: { sizes?: number[]; events?: number; log?: (s: string) => void } = {},
): Promise<SlashGas> {
  const sizes = [...(opts.sizes ?? [10, 100, 1000])].sort((x, y) => x - y);
  const events = opts.events ?? 20;
  const log = opts.log ?? (() => undefined);
  if (consumerCfg.validators !== 2) throw new Error(`${consumerCfg.chainId} needs two validators (the small one is slashed)`);
  const net = new WasmdScenarioNetwork([providerCfg, consumerCfg]);
  const { query, comet } = await moduleQueryClient(consumerCfg);
  const byStakers = new Map<string, Record<number, number>>();
  const put = (label: string, n: number, gas: number) => byStakers.set(label, { ...(byStakers.get(label) ?? {}), [n]: gas });
  try {
    const provider = net.chain(providerCfg.chainId);
    const consumer = net.chain(consumerCfg.chainId);
    const smallValidator = async () => {
      const { validators } = await query.staking.validators("");
      const v = validators.find((x) => x.description?.moniker === consumerCfg.nodes[1].moniker);
      if (!v) throw new Error(`no validator ${consumerCfg.nodes[1].moniker} on ${consumerCfg.chainId}`);
      return v;
    };
    const target = (await smallValidator()).operatorAddress;

    const link = await net.link(providerCfg.chainId, consumerCfg.chainId);
    const meshes: { n: number; d: MeshDeployment; owners: string[] }[] = [];
    const stakers = await fundedStakers(providerCfg, await provider.signer("admin"), sizes.reduce((s, n) => s + n, 0), 20n * STAKE);
    let next = 0;
    let ilp: string | undefined;
    for (const n of sizes) {
      const d = await deployMesh(net, providerCfg.chainId, consumerCfg.chainId, meshCodes(), {
        consumerUnbondingSeconds: consumerCfg.unbondingSeconds, packetTimeoutSeconds: 600, rate: "1", discount: "0",
        metaStakingFunds: BigInt(n) * STAKE, allowance: BigInt(n) * STAKE, ilp,
      }, link);
      ilp = d.ilp;
      const owners = stakers.addresses.slice(next, next + n);
      next += n;
      meshes.push({ n, d, owners });
      await inBatches(owners, CONCURRENCY, (owner) => stakers.client.executeMultiple(owner, [
        { contractAddress: d.ilp, msg: IlpExecuteMsgBuilder.bond(), funds: [{ denom: providerCfg.denom, amount: STAKE.toString() }] },
        { contractAddress: d.ilp, msg: IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: STAKE.toString(), validator: target }) },
      ], "auto"));
      log(`  mesh ${d.channelA}: ${n} stakers on ${target}, relaying their stakes`);
      await link.relayAll();
      const delegated = await consumer.delegation(d.metaStaking, target);
      if (delegated !== BigInt(n) * STAKE) throw new Error(`meta-staking of the ${n}-staker mesh delegates ${delegated}, expected ${BigInt(n) * STAKE}`);
    }

    const stranger = "carol";
    // The stranger's first tx on a chain also stores its public key (~12 000 gas): do that before measuring.
    for (const chain of [provider, consumer]) {
      const s = await chain.signer(stranger);
      const sent = await s.client.sendTokens(s.address, s.address, [{ denom: chain.denom, amount: "1" }], s.fee);
      if (sent.code !== 0) throw new Error(`warm-up send on ${chain.chainId} failed: ${sent.rawLog}`);
    }
    const reportEvent = async (m: (typeof meshes)[number], expectSeq: number): Promise<{ check: number; receive: number; ack: number }> => {
      const [ha, hc] = [await currentHeight(providerCfg), await currentHeight(consumerCfg)];
      const check = gasOf(await consumer.execute(stranger, m.d.meshConsumer, MeshConsumerExecuteMsgBuilder.checkValidator({ validator: target })), "check_validator");
      await link.relayAll();
      const pool = await provider.query<MeshProvider.PoolResponse>(m.d.meshProvider, MeshProviderQueryMsgBuilder.pool({ validator: target }));
      if (pool.slash_seq !== expectSeq) throw new Error(`the ${m.n}-staker provider is at slash event ${pool.slash_seq}, expected ${expectSeq}`);
      return {
        check,
        receive: singleRelayTx(await relayerTxGas(providerCfg, ha), "MsgRecvPacket", providerCfg.chainId),
        ack: singleRelayTx(await relayerTxGas(consumerCfg, hc), "MsgAcknowledgement", consumerCfg.chainId),
      };
    };
    const settleGas = async (m: (typeof meshes)[number], owner: string) =>
      gasOf(await provider.execute(stranger, m.d.meshProvider, MeshProviderExecuteMsgBuilder.settle({ owner })), "settle");

    // The small validator stops until x/staking jails and slashes it.
    const stopped = await getHeight(consumerCfg);
    await stopChain(consumerCfg, { nodes: [1] });
    const waitJailed = async () => {
      const deadline = Date.now() + 120_000;
      while (!(await smallValidator()).jailed) {
        if (Date.now() > deadline) throw new Error(`${target} was not jailed within 120 s`);
        await waitForBlocks(consumerCfg, 1);
      }
      return consumer.now();
    };
    let jailedAt = await waitJailed();
    log(`  ${target} jailed and slashed ${(await getHeight(consumerCfg)) - stopped} blocks after it stopped`);
    for (const m of meshes) {
      const g = await reportEvent(m, 1);
      put("consumer check_validator (finds the slash, sends the packet)", m.n, g.check);
      put(`provider MsgRecvPacket of the slash packet (${providerCfg.chainId})`, m.n, g.receive);
      put(`consumer MsgAcknowledgement of the slash packet (${consumerCfg.chainId})`, m.n, g.ack);
      put("provider settle of one owner by a stranger (burns its loss)", m.n, await settleGas(m, m.owners[0]));
    }

    // More events for the smallest mesh: unjail the (still stopped) validator; it misses blocks and is slashed again.
    const smallest = meshes[0];
    const settle = [{ label: `settle an owner after 1 event (N=${smallest.n})`, gas: byStakers.get("provider settle of one owner by a stranger (burns its loss)")![smallest.n] }];
    const operator = await connectSigner(consumerCfg, "validator2");
    operator.client.registry.register(MsgUnjail.typeUrl, MsgUnjail);
    try {
      for (let seq = 2; seq <= events; seq++) {
        await waitUntilTime(consumer, jailedAt + BigInt(consumerCfg.slashing.downtimeJailSeconds + 1) * 1_000_000_000n);
        const unjail = await operator.client.signAndBroadcast(operator.address, [{ typeUrl: MsgUnjail.typeUrl, value: MsgUnjail.fromPartial({ validatorAddr: target }) }], operator.fee);
        if (unjail.code !== 0) throw new Error(`unjail failed: ${unjail.rawLog}`);
        await waitForBlocks(consumerCfg, 2);
        jailedAt = await waitJailed();
        await reportEvent(smallest, seq);
        log(`  slash event ${seq} of ${events} reported to the ${smallest.n}-staker provider`);
      }
    } finally {
      operator.client.disconnect();
    }
    if (events > 1) {
      settle.push({ label: `settle an owner never settled, after ${events} events`, gas: await settleGas(smallest, smallest.owners[1]) });
      settle.push({ label: `settle an owner settled after event 1, after ${events} events`, gas: await settleGas(smallest, smallest.owners[0]) });
    }
    const receive = byStakers.get(`provider MsgRecvPacket of the slash packet (${providerCfg.chainId})`)!;
    return {
      byStakers: [...byStakers].map(([label, gas]) => ({ label, gas })),
      receiveRatio: receive[sizes[sizes.length - 1]] / receive[sizes[0]],
      settle,
      events,
    };
  } finally {
    comet.disconnect();
    await net.close();
  }
}
