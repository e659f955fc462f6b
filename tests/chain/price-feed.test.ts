// price-feed on a real wasmd node (docs/economics.md §1), and mesh-consumer pricing new stake by it: the median of
// the feeders' fresh submissions, the stale error as a real node passes it from the feed's query into the
// consumer's error acknowledgement, and new stake converted at price × (1 − discount).
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
import { artifact, meshCodes } from "../helpers/artifacts";
import { testChain } from "./helpers";

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
