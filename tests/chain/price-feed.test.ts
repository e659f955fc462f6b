// price-feed on a real wasmd node (docs/economics.md §1), and mesh-consumer pricing new stake by it: the median of
// the feeders' fresh submissions, the stale error as a real node passes it from the feed's query into the
// consumer's error acknowledgement, and new stake converted at price × (1 − discount). Then §2–3: a price move and a
// stranger's revalue crank change x/staking's delegation as computed, and a cap computed from the real bonded pool
// (meta-staking derives the bonded_tokens_pool address itself) trims it.
import { CosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { WasmdScenarioNetwork } from "../../src/scenario/wasmd-backend";
import { deployMesh } from "../../src/scenario/scenarios/mesh";
import { meshConsumerErrors, priceFeedErrors } from "../../src/contracts/errors";
import { IlpExecuteMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../../src/contracts/MeshConsumer.types";
import { MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { PriceFeedExecuteMsgBuilder, PriceFeedQueryMsgBuilder } from "../../src/contracts/PriceFeed.message-builder";
import type * as PriceFeed from "../../src/contracts/PriceFeed.types";
import { MetaStakingExecuteMsgBuilder, MetaStakingQueryMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import type { TxOutcome } from "../../src/scenario/types";
import { artifact, meshCodes } from "../helpers/artifacts";
import { moduleQueryClient, testChain } from "./helpers";

const net = new WasmdScenarioNetwork([testChain("mesh-a"), testChain("mesh-b")]);
afterAll(() => net.close());
jest.setTimeout(300_000);

async function ok(p: Promise<{ ok: boolean; error?: string }>) {
  const r = await p;
  if (!r.ok) throw new Error(r.error);
}

it("feeders set the price by median; a stale feed refuses new stake with its reason; a fresh one prices it", async () => {
  const a = net.chain("mesh-a");
  const b = net.chain("mesh-b");
  const d = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), {
    consumerUnbondingSeconds: testChain("mesh-b").unbondingSeconds, packetTimeoutSeconds: 30, rate: "1", discount: "0.1",
    metaStakingFunds: 1_000_000n, allowance: 5_000_000n,
  });
  const feed = await b.instantiate("admin", await b.upload("admin", artifact("price-feed")),
    { feeders: [b.address("alice"), b.address("bob"), b.address("carol")], max_age_seconds: 600 } satisfies PriceFeed.InstantiateMsg, "price feed");
  await ok(b.execute("admin", d.meshConsumer, MeshConsumerExecuteMsgBuilder.setPriceFeed({ priceFeed: feed })));
  const [validator] = (await a.query<MeshProvider.ValidatorsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators;

  // Stale (nobody submitted): the stake's error ack carries the feed's reason through a real node's querier.
  await ok(a.execute("alice", d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: a.denom, amount: "2000" }]));
  await ok(a.execute("alice", d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: "1000", validator })));
  const refused = await d.link.relayAll();
  expect(refused.acks).toBeGreaterThan(0);
  const owner = a.address("alice");
  expect(await a.query(d.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner, validator }))).toMatchObject({ staked: "0", pending_stake: "0" });
  expect((await b.query<MeshConsumer.RecordResponse>(d.meshConsumer, MeshConsumerQueryMsgBuilder.record({ validator }))).provider_amount).toBe("0");
  const client = await CosmWasmClient.connect(testChain("mesh-a").rpcUrl);
  try {
    const txs = await client.searchTx(`wasm._contract_address='${d.meshProvider}' AND wasm.action='stake_rolled_back'`);
    const reasons = txs.flatMap((t) => t.events.filter((e) => e.type === "wasm").flatMap((e) => e.attributes)).filter((x) => x.key === "reason");
    expect(reasons.map((r) => r.value)).toEqual([expect.stringContaining(`${meshConsumerErrors.priceUnavailable}: the price feed ${feed} answered: `)]);
    expect(reasons[0].value).toContain(`${priceFeedErrors.priceStale}: 0 of 3 feeders`);
  } finally {
    client.disconnect();
  }
  let staleError = "";
  try {
    await b.query(feed, PriceFeedQueryMsgBuilder.price());
  } catch (e) {
    staleError = (e as Error).message;
  }
  expect(staleError).toContain(`${priceFeedErrors.priceStale}: 0 of 3 feeders submitted within the last 600 s; a majority (2) is needed`);

  // Two of three fresh: the median of 1.8 and 2.2 is 2; 1000 × 2 × 0.9 = 1800 delegated.
  await ok(b.execute("alice", feed, PriceFeedExecuteMsgBuilder.submitPrice({ price: "1.8" })));
  await ok(b.execute("bob", feed, PriceFeedExecuteMsgBuilder.submitPrice({ price: "2.2" })));
  expect(await b.query<PriceFeed.PriceResponse>(feed, PriceFeedQueryMsgBuilder.price())).toMatchObject({ price: "2", sources: 2 });
  const before = await b.delegation(d.metaStaking, validator);
  await ok(a.execute("alice", d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: "1000", validator })));
  await d.link.relayAll();
  expect(await a.query(d.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner, validator }))).toMatchObject({ staked: "1000" });
  expect((await b.delegation(d.metaStaking, validator)) - before).toBe(1800n);
});

const ATOMICS = 10n ** 18n;
function attr(outcome: TxOutcome, key: string): string | undefined {
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.events.flatMap((e) => e.attributes).find((a) => a.key === key)?.value;
}

it("a price move and a stranger's revalue change x/staking's delegation as computed; a cap from the real bonded pool trims it", async () => {
  const a = net.chain("mesh-a");
  const b = net.chain("mesh-b");
  const d = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), {
    consumerUnbondingSeconds: testChain("mesh-b").unbondingSeconds, packetTimeoutSeconds: 30, rate: "1", discount: "0.1",
    metaStakingFunds: 1_000_000n, allowance: 5_000_000n,
  });
  const feed = await b.instantiate("admin", await b.upload("admin", artifact("price-feed")),
    { feeders: [b.address("alice")], max_age_seconds: 3600 } satisfies PriceFeed.InstantiateMsg, "price feed");
  await ok(b.execute("alice", feed, PriceFeedExecuteMsgBuilder.submitPrice({ price: "2" })));
  await ok(b.execute("admin", d.meshConsumer, MeshConsumerExecuteMsgBuilder.setPriceFeed({ priceFeed: feed })));
  const [validator] = (await a.query<MeshProvider.ValidatorsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators;
  await ok(a.execute("bob", d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: a.denom, amount: "10000" }]));
  await ok(a.execute("bob", d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: "10000", validator })));
  await d.link.relayAll();
  expect(await b.delegation(d.metaStaking, validator)).toBe(18_000n);

  // The price rises to 3: 10 000 × 3 × 0.9 = 27 000, delegated by carol's crank.
  await ok(b.execute("alice", feed, PriceFeedExecuteMsgBuilder.submitPrice({ price: "3" })));
  const up = await b.execute("carol", d.meshConsumer, MeshConsumerExecuteMsgBuilder.revalue({}));
  expect([attr(up, "requested"), attr(up, "delegated"), attr(up, "undelegated")]).toEqual(["27000", "9000", "0"]);
  expect(await b.delegation(d.metaStaking, validator)).toBe(27_000n);
  expect(await a.query(d.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: a.address("bob"), validator }))).toMatchObject({ staked: "10000" });

  // The bonded total meta-staking reads (the bonded_tokens_pool module account's balance) is x/staking's own.
  const { query, comet } = await moduleQueryClient(testChain("mesh-b"));
  try {
    const power = await b.query<MetaStaking.PowerResponse>(d.metaStaking, MetaStakingQueryMsgBuilder.power({ consumer: d.meshConsumer }));
    const { pool } = await query.staking.pool();
    expect(power.bonded).toBe(pool.bondedTokens);
    // A cap of 20 000: share = 20 000 ÷ (rest + 20 000), rest = bonded − queued − delegated, with 18 decimals.
    const rest = BigInt(power.bonded) - BigInt(power.queued) - 27_000n;
    const shareAtomics = (20_000n * ATOMICS) / (rest + 20_000n);
    const share = `0.${shareAtomics.toString().padStart(18, "0")}`;
    const cap = (rest * shareAtomics) / (ATOMICS - shareAtomics);
    await ok(b.execute("admin", d.metaStaking, MetaStakingExecuteMsgBuilder.setMaxPowerShare({ consumer: d.meshConsumer, share })));
    expect(await b.query(d.metaStaking, MetaStakingQueryMsgBuilder.power({ consumer: d.meshConsumer }))).toMatchObject({ cap: cap.toString() });
    // The crank trims to the cap: factor ⌊cap ÷ 27 000⌋ (18 decimals), target ⌊10 000 × ⌊2.7 × factor⌋⌋; the
    // undelegation is this meta-staking's first batch, so it reaches x/staking at once.
    const factor = (cap * ATOMICS) / 27_000n;
    const target = (10_000n * ((27n * ATOMICS / 10n) * factor / ATOMICS)) / ATOMICS;
    const trim = await b.execute("carol", d.meshConsumer, MeshConsumerExecuteMsgBuilder.revalue({}));
    expect(attr(trim, "undelegated")).toBe((27_000n - target).toString());
    expect(await b.delegation(d.metaStaking, validator)).toBe(target);
    const after = await b.query<MetaStaking.PowerResponse>(d.metaStaking, MetaStakingQueryMsgBuilder.power({ consumer: d.meshConsumer }));
    expect(BigInt(after.delegated)).toBeLessThanOrEqual(BigInt(after.cap!));
  } finally {
    comet.disconnect();
  }
});
