// Gas of the consumer-side economics on real wasmd nodes (npm run bench), docs/economics.md:
//   a consumer chain of its own with 29 extra validators (node-less, as in rewards-gas.ts), three meshes from the
//   provider chain with stake on 1, 10 and 30 validators (each with its own meta-staking), and price feeds of 3 and of
//   20 feeders (the maximum). Measured:
//   * one page of mesh-consumer's permissionless `revalue {}` crank, signed by a stranger, right after the price
//     moved: a rise (a delegation on every validator) and a fall (an undelegation on every validator, its batch
//     going to x/staking), with meta-staking's power rules off and on;
//   * a feeder's `submit_price` (replacing its last one) with 3 and with 20 feeders;
//   * the relayer's MsgRecvPacket carrying a stake packet to the consumer: today (fixed rate, no power rules), with
//     the price feed, and with every rule on (price feed, max_power_share, min_local_share), per validator count
//     (the power rules' cost grows with the validators meta-staking holds).
import { artifact, meshCodes } from "../../compile/artifacts";
import { IlpExecuteMsgBuilder } from "../../contracts/Ilp.message-builder";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../../contracts/MeshConsumer.types";
import { MetaStakingExecuteMsgBuilder, MetaStakingQueryMsgBuilder } from "../../contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../contracts/MetaStaking.types";
import { PriceFeedExecuteMsgBuilder, PriceFeedQueryMsgBuilder } from "../../contracts/PriceFeed.message-builder";
import type * as PriceFeed from "../../contracts/PriceFeed.types";
import { ChainConfig } from "../../wasmd";
import { MeshDeployment, deployMesh, waitUntilTime } from "../scenarios/mesh";
import { ScenarioEvent, TxOutcome } from "../types";
import { WasmdScenarioNetwork } from "../wasmd-backend";
import { currentHeight, gasOf, relayerTxGas, singleRelayTx } from "./gas";
import { fundedStakers } from "./stakers";
import { createNodelessValidators } from "./validators";

export interface EconomicsGas {
  /** Per validator count: one revalue page after a price rise / fall, power rules off and on. */
  revalue: { label: string; gas: Record<number, number> }[];
  /** Per feeder count: a feeder's submit_price replacing its last submission. */
  submitPrice: { label: string; gas: Record<number, number> }[];
  /** Per validator count: the consumer's MsgRecvPacket of a stake packet, today and with the economics rules. */
  stakeReceive: { label: string; gas: Record<number, number> }[];
  /** Per validator count: stake receive gas with every rule on (3-feeder price feed + power rules) ÷ today's. */
  stakeOverhead: Record<number, number>;
  /** meta-staking's power rules in the "power rules on" rows. */
  powerRules: { maxPowerShare: string; minLocalShare: string };
}

const SELF_BOND = 1_000_000n;
const STAKE_PER_VALIDATOR = 10_000n;
/** Each measured stake packet: this much more on the chain's own validator. */
const EXTRA_STAKE = 1_000n;
const MAX_AGE_SECONDS = 3600;
/** The price path: staked at 1, then rise / fall with the rules off, rise / fall with them on. */
const PRICES = { start: "1", rise: "2", fall: "1.5", riseRules: "2.5", fallRules: "2" };
const MAX_PRICE = 3n;
const RULES = { maxPowerShare: "0.5", minLocalShare: "0.1" };

/** Attribute values of `key` in the wasm events of `contract`. */
function wasmAttrs(events: ScenarioEvent[], contract: string, key: string): string[] {
  return events
    .filter((e) => e.type === "wasm" && e.attributes.some((a) => a.key === "_contract_address" && a.value === contract))
    .flatMap((e) => e.attributes.filter((a) => a.key === key).map((a) => a.value));
}

/**
 * `consumerCfg` must be a fresh single-validator chain with a liveness window long enough for node-less validators
 * (see scripts/bench.ts).
 */
export async function measureEconomicsGas(
  providerCfg: ChainConfig, consumerCfg: ChainConfig, opts: { sizes?: number[]; feeders?: number[]; log?: (s: string) => void } = {},
): Promise<EconomicsGas> {
  const sizes = [...(opts.sizes ?? [1, 10, 30])].sort((x, y) => x - y);
  const feederCounts = [...(opts.feeders ?? [3, 20])].sort((x, y) => x - y);
  const log = opts.log ?? (() => undefined);
  const codes = meshCodes();
  const priceFeedWasm = artifact("price-feed");
  const net = new WasmdScenarioNetwork([providerCfg, consumerCfg]);
  const tables = { revalue: new Map<string, Record<number, number>>(), submit: new Map<string, Record<number, number>>(), stake: new Map<string, Record<number, number>>() };
  const put = (t: Map<string, Record<number, number>>, label: string, n: number, gas: number) => t.set(label, { ...(t.get(label) ?? {}), [n]: gas });
  const rows = (t: Map<string, Record<number, number>>) => [...t].map(([label, gas]) => ({ label, gas }));
  try {
    const provider = net.chain(providerCfg.chainId);
    const consumer = net.chain(consumerCfg.chainId);
    const admin = await consumer.signer("admin");
    const must = async (p: Promise<TxOutcome>, what: string) => gasOf(await p, what);

    const extra = sizes[sizes.length - 1] - 1;
    const { real, fakes } = await createNodelessValidators(consumerCfg, admin, extra, { selfBond: SELF_BOND, moniker: "economics-bench" });
    log(`  ${consumerCfg.chainId}: ${fakes.length + 1} bonded validators (${extra} without a node)`);

    const link = await net.link(providerCfg.chainId, consumerCfg.chainId);
    const meshes: { n: number; d: MeshDeployment; validators: string[]; epochSeconds: number }[] = [];
    const alice = await provider.signer("alice");
    for (const n of sizes) {
      const validators = [real, ...fakes.slice(0, n - 1)];
      // Room for the highest price and the measured stake packets.
      const allowance = MAX_PRICE * (BigInt(n) * STAKE_PER_VALIDATOR + 10n * EXTRA_STAKE);
      const d = await deployMesh(net, providerCfg.chainId, consumerCfg.chainId, codes, {
        consumerUnbondingSeconds: consumerCfg.unbondingSeconds, packetTimeoutSeconds: 600, rate: PRICES.start, discount: "0",
        metaStakingFunds: allowance, allowance,
      }, link);
      const total = BigInt(n) * STAKE_PER_VALIDATOR;
      await alice.client.executeMultiple(alice.address, [
        { contractAddress: d.ilp, msg: IlpExecuteMsgBuilder.bond(), funds: [{ denom: providerCfg.denom, amount: (2n * (total + 10n * EXTRA_STAKE)).toString() }] },
        ...validators.map((validator) => ({
          contractAddress: d.ilp, msg: IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: STAKE_PER_VALIDATOR.toString(), validator }),
        })),
      ], alice.fee);
      await link.relayAll();
      const e = await consumer.query<MeshConsumer.EconomicsResponse>(d.meshConsumer, MeshConsumerQueryMsgBuilder.economics());
      if (BigInt(e.provider_total) !== total) throw new Error(`mesh on ${n} validators: provider total ${e.provider_total}, expected ${total}`);
      const config = await consumer.query<MetaStaking.ConfigResponse>(d.metaStaking, MetaStakingQueryMsgBuilder.config());
      meshes.push({ n, d, validators, epochSeconds: Number(config.unbonding_epoch_seconds) });
      log(`  mesh ${d.channelA}: stake on ${n} validator(s)`);
    }

    // The relayer's MsgRecvPacket of a stake packet (EXTRA_STAKE more on the chain's own validator, whose record
    // every mesh has), and a check that the consumer accepted it.
    const stakeReceive = async (label: string) => {
      for (const m of meshes) {
        const before = await consumer.query<MeshConsumer.RecordResponse>(m.d.meshConsumer, MeshConsumerQueryMsgBuilder.record({ validator: real }));
        const hc = await currentHeight(consumerCfg);
        await alice.client.execute(alice.address, m.d.ilp, IlpExecuteMsgBuilder.grantClaim({
          lienholder: m.d.meshProvider, amount: EXTRA_STAKE.toString(), validator: real,
        }), alice.fee);
        await link.relayAll();
        const gas = singleRelayTx(await relayerTxGas(consumerCfg, hc), "MsgRecvPacket", consumerCfg.chainId);
        const after = await consumer.query<MeshConsumer.RecordResponse>(m.d.meshConsumer, MeshConsumerQueryMsgBuilder.record({ validator: real }));
        if (BigInt(after.provider_amount) - BigInt(before.provider_amount) !== EXTRA_STAKE) {
          throw new Error(`stake packet (${label}, ${m.n} validators) was refused: provider amount ${before.provider_amount} → ${after.provider_amount}`);
        }
        put(tables.stake, `stake MsgRecvPacket: ${label}`, m.n, gas);
        log(`  stake packet, ${label}, ${m.n} validator(s): ${gas}`);
      }
    };
    const today = "today (fixed rate, no power rules)";
    await stakeReceive(today);

    // Price feeds: feeders are fresh accounts (their first transaction also stores their key: warmed up first).
    const maxFeeders = feederCounts[feederCounts.length - 1];
    const feeders = await fundedStakers(consumerCfg, admin, maxFeeders, 10_000_000n);
    const feedCode = await consumer.upload("admin", priceFeedWasm);
    const feeds = new Map<number, string>();
    for (const k of feederCounts) {
      feeds.set(k, await consumer.instantiate("admin", feedCode, {
        feeders: feeders.addresses.slice(0, k), max_age_seconds: MAX_AGE_SECONDS,
      } satisfies PriceFeed.InstantiateMsg, `price feed (${k} feeders)`));
    }
    const submit = async (feed: string, feeder: string, price: string) =>
      Number((await feeders.client.execute(feeder, feed, PriceFeedExecuteMsgBuilder.submitPrice({ price }), "auto")).gasUsed);
    for (const k of feederCounts) {
      const feed = feeds.get(k)!;
      await Promise.all(feeders.addresses.slice(0, k).map((f) => submit(feed, f, PRICES.start)));
      // The last-listed feeder replacing its submission (the feeder check scans the list).
      const gas = await submit(feed, feeders.addresses[k - 1], PRICES.start);
      put(tables.submit, "price-feed submit_price by a feeder (replacing its last price)", k, gas);
      log(`  submit_price, ${k} feeders: ${gas}`);
    }
    const feed = feeds.get(feederCounts[0])!;
    const movePrice = async (price: string) => {
      await Promise.all(feeders.addresses.slice(0, feederCounts[0]).map((f) => submit(feed, f, price)));
      const p = await consumer.query<PriceFeed.PriceResponse>(feed, PriceFeedQueryMsgBuilder.price());
      if (Number(p.price) !== Number(price)) throw new Error(`price feed answers ${p.price}, expected ${price}`);
    };
    for (const m of meshes) {
      await must(consumer.execute("admin", m.d.meshConsumer, MeshConsumerExecuteMsgBuilder.setPriceFeed({ priceFeed: feed })), "set_price_feed");
    }
    await stakeReceive(`price feed (${feederCounts[0]} feeders), no power rules`);

    // One revalue page right after a price move, by a stranger. Any validator-set change is sent first (by
    // send_validator_set, relayed), so the measured page does not also carry a validator_set packet.
    const stranger = "carol";
    const warm = await consumer.signer(stranger);
    await warm.client.sendTokens(warm.address, warm.address, [{ denom: consumerCfg.denom, amount: "1" }], warm.fee);
    const lastFall = new Map<number, bigint>();
    const revalue = async (label: string, direction: "rise" | "fall") => {
      for (const m of meshes) {
        const sync = await consumer.execute(stranger, m.d.meshConsumer, MeshConsumerExecuteMsgBuilder.sendValidatorSet());
        if (sync.ok) await link.relayAll();
        // A fall's undelegations go to x/staking at once only when each validator's batch epoch is over.
        const last = lastFall.get(m.n);
        if (direction === "fall" && last !== undefined) await waitUntilTime(consumer, last + BigInt(m.epochSeconds + 1) * 1_000_000_000n);
        // One page of all of them (the default page is 10; 30 is the most one call takes).
        const r = await consumer.execute(stranger, m.d.meshConsumer, MeshConsumerExecuteMsgBuilder.revalue({ limit: m.n }));
        const gas = gasOf(r, `revalue (${label}, ${m.n} validators)`);
        if (!r.ok) throw new Error("unreachable");
        if (direction === "fall") lastFall.set(m.n, await consumer.now());
        const changes = wasmAttrs(r.events, m.d.metaStaking, "action").filter((a) => a === (direction === "rise" ? "delegate" : "undelegate")).length;
        const batches = r.events.filter((e) => e.type === "unbond").length;
        if (changes !== m.n) throw new Error(`revalue (${label}, ${m.n} validators) changed ${changes} delegations, expected ${m.n}`);
        const sent = wasmAttrs(r.events, m.d.meshConsumer, "validator_set_sent").length > 0;
        put(tables.revalue, label, m.n, gas);
        log(`  ${label}, ${m.n} validator(s): ${gas} (${changes} ${direction === "rise" ? "delegations" : `undelegations, ${batches} batches to x/staking`}`
          + `${sent ? ", and a validator_set packet" : ""})`);
      }
    };
    await movePrice(PRICES.rise);
    await revalue(`revalue {} page, price ${PRICES.start} → ${PRICES.rise}: delegate on each validator`, "rise");
    await movePrice(PRICES.fall);
    await revalue(`revalue {} page, price ${PRICES.rise} → ${PRICES.fall}: undelegate on each validator`, "fall");

    for (const m of meshes) {
      await must(consumer.execute("admin", m.d.metaStaking, MetaStakingExecuteMsgBuilder.setMaxPowerShare({
        consumer: m.d.meshConsumer, share: RULES.maxPowerShare,
      })), "set_max_power_share");
      await must(consumer.execute("admin", m.d.metaStaking, MetaStakingExecuteMsgBuilder.setMinLocalShare({ share: RULES.minLocalShare })), "set_min_local_share");
    }
    const allOn = `price feed (${feederCounts[0]} feeders) + power rules`;
    await stakeReceive(allOn);
    await movePrice(PRICES.riseRules);
    await revalue(`revalue {} page, price ${PRICES.fall} → ${PRICES.riseRules}, power rules on: delegate`, "rise");
    await movePrice(PRICES.fallRules);
    await revalue(`revalue {} page, price ${PRICES.riseRules} → ${PRICES.fallRules}, power rules on: undelegate`, "fall");
    // Every rule on, with the largest price feed.
    const largest = feederCounts[feederCounts.length - 1];
    for (const m of meshes) {
      await must(consumer.execute("admin", m.d.meshConsumer, MeshConsumerExecuteMsgBuilder.setPriceFeed({ priceFeed: feeds.get(largest)! })), "set_price_feed");
    }
    await stakeReceive(`price feed (${largest} feeders) + power rules`);
    feeders.client.disconnect();

    const base = tables.stake.get(`stake MsgRecvPacket: ${today}`)!;
    const on = tables.stake.get(`stake MsgRecvPacket: ${allOn}`)!;
    return {
      revalue: rows(tables.revalue),
      submitPrice: rows(tables.submit),
      stakeReceive: rows(tables.stake),
      stakeOverhead: Object.fromEntries(sizes.map((n) => [n, on[n] / base[n]])),
      powerRules: RULES,
    };
  } finally {
    await net.close();
  }
}
