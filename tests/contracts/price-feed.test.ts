// price-feed (docs/economics.md §1), compiled, on the in-process host: the median of the fresh submissions of a
// governance-set list of feeders, a majority of them fresh or no price at all; and mesh-consumer pricing new stake
// by it, refusing new stake with the feed's reason while the price is stale.
import { commonErrors, meshConsumerErrors, priceFeedErrors } from "../../src/contracts/errors";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import { MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import { PriceFeedExecuteMsgBuilder, PriceFeedQueryMsgBuilder } from "../../src/contracts/PriceFeed.message-builder";
import type * as PriceFeed from "../../src/contracts/PriceFeed.types";
import { HostScenarioChain, HostScenarioNetwork } from "../../src/scenario/host-backend";
import type { Account } from "../../src/scenario/types";
import { artifact } from "../helpers/artifacts";
import { bondAndGrant, ok, record, setup, stake } from "../helpers/mesh";

const MAX_AGE = 60;
const FEEDERS: Account[] = ["alice", "bob", "carol", "relayer", "validator2"];

async function feed(b: HostScenarioChain, feeders: Account[], maxAge = MAX_AGE): Promise<string> {
  return b.instantiate("admin", await b.upload("admin", artifact("price-feed")),
    { feeders: feeders.map((f) => b.address(f)), max_age_seconds: maxAge } satisfies PriceFeed.InstantiateMsg, "price feed");
}

const submit = (b: HostScenarioChain, f: string, who: Account, price: string) => b.execute(who, f, PriceFeedExecuteMsgBuilder.submitPrice({ price }));
const priceOf = (b: HostScenarioChain, f: string) => b.query<PriceFeed.PriceResponse>(f, PriceFeedQueryMsgBuilder.price());
const priceError = async (b: HostScenarioChain, f: string): Promise<string> => {
  try {
    await priceOf(b, f);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the price query to fail");
};

function chain(): HostScenarioChain {
  return new HostScenarioNetwork(["mesh-b"]).chain("mesh-b");
}

describe("price-feed", () => {
  it.each([
    [["alice"], ["2.5"], "2.5"],
    [["alice", "bob", "carol"], ["2", "3", "2.5"], "2.5"],
    [["alice", "bob", "carol", "relayer", "validator2"], ["1.9", "2.1", "2", "2.05", "1.95"], "2"],
    // Four fresh of five: the mean of the two middle ones, rounded down.
    [["alice", "bob", "carol", "relayer"], ["1", "2", "3", "4"], "2.5"],
  ] as [Account[], string[], string][])("median of %j submitting %j is %s", async (who, prices, expected) => {
    const b = chain();
    const f = await feed(b, who.length === 4 ? FEEDERS : who);
    const before = await b.now();
    for (let i = 0; i < who.length; i++) await ok(submit(b, f, who[i], prices[i]));
    const p = await priceOf(b, f);
    expect(p).toEqual({ price: expected, updated_at: expect.any(String), sources: who.length });
    expect(BigInt(p.updated_at) >= before).toBe(true);
  });

  it("one hostile feeder of three (or two of five) cannot move the price", async () => {
    const b = chain();
    const f = await feed(b, FEEDERS);
    for (const [who, price] of [["alice", "2"], ["bob", "2.02"], ["carol", "1.98"], ["relayer", "1000"], ["validator2", "0.000001"]] as [Account, string][]) {
      await ok(submit(b, f, who, price));
    }
    expect((await priceOf(b, f)).price).toBe("2");
    const three = await feed(b, ["alice", "bob", "carol"]);
    for (const [who, price] of [["alice", "2"], ["bob", "2.1"], ["carol", "99999"]] as [Account, string][]) await ok(submit(b, three, who, price));
    expect((await priceOf(b, three)).price).toBe("2.1");
  });

  it("is stale without a fresh majority: old submissions stop counting after max_age_seconds", async () => {
    const b = chain();
    const f = await feed(b, ["alice", "bob", "carol"]);
    expect(await priceError(b, f)).toContain(`${priceFeedErrors.priceStale}: 0 of 3 feeders submitted within the last ${MAX_AGE} s; a majority (2) is needed`);
    await ok(submit(b, f, "alice", "2"));
    expect(await priceError(b, f)).toContain("1 of 3 feeders");
    await ok(submit(b, f, "bob", "3"));
    expect((await priceOf(b, f)).price).toBe("2.5");
    await b.wait(MAX_AGE / 2);
    await ok(submit(b, f, "carol", "4"));
    expect((await priceOf(b, f)).price).toBe("3");
    // alice's and bob's submissions age out; carol alone is no majority.
    await b.wait(MAX_AGE / 2 + 1);
    expect(await priceError(b, f)).toContain("1 of 3 feeders");
    const subs = await b.query<PriceFeed.SubmissionsResponse>(f, PriceFeedQueryMsgBuilder.submissions());
    expect(subs.submissions.map((s) => [s.price, s.fresh])).toEqual(
      [[b.address("alice"), "2", false], [b.address("bob"), "3", false], [b.address("carol"), "4", true]]
        .sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : 1)).map(([, p, fresh]) => [p, fresh]));
  });

  it("refuses strangers, zero prices, funds and bad feeder lists; governance changes feeders and age", async () => {
    const b = chain();
    const f = await feed(b, ["alice", "bob", "carol"]);
    expect((await submit(b, f, "relayer", "2")).error).toContain(`${priceFeedErrors.notFeeder}: ${b.address("relayer")} may not submit prices`);
    expect((await submit(b, f, "alice", "0")).error).toContain(priceFeedErrors.zeroPrice);
    expect((await b.execute("alice", f, PriceFeedExecuteMsgBuilder.submitPrice({ price: "1" }), [{ denom: b.denom, amount: "1" }])).error)
      .toContain(commonErrors.fundsNotAccepted);
    expect((await b.execute("alice", f, PriceFeedExecuteMsgBuilder.setFeeders({ feeders: [b.address("alice")] }))).error).toContain(commonErrors.unauthorized);
    expect((await b.execute("admin", f, PriceFeedExecuteMsgBuilder.setFeeders({ feeders: [] }))).error)
      .toContain(`${priceFeedErrors.invalidFeeders}: between 1 and 20 are needed, got 0`);
    expect((await b.execute("admin", f, PriceFeedExecuteMsgBuilder.setFeeders({ feeders: [b.address("alice"), b.address("alice")] }))).error)
      .toContain(`${priceFeedErrors.invalidFeeders}: ${b.address("alice")} is listed twice`);
    expect((await b.execute("admin", f, PriceFeedExecuteMsgBuilder.setFeeders({ feeders: ["nope"] }))).error).toContain(commonErrors.invalidAddress);
    await ok(submit(b, f, "alice", "2"));
    await ok(submit(b, f, "bob", "4"));
    // bob leaves the list: his submission goes with him.
    await ok(b.execute("admin", f, PriceFeedExecuteMsgBuilder.setFeeders({ feeders: [b.address("alice")] })));
    expect(await priceOf(b, f)).toMatchObject({ price: "2", sources: 1 });
    await ok(b.execute("admin", f, PriceFeedExecuteMsgBuilder.setMaxAge({ maxAgeSeconds: 5 })));
    await b.wait(6);
    expect(await priceError(b, f)).toContain(`${priceFeedErrors.priceStale}: 0 of 1 feeders submitted within the last 5 s`);
    expect(await b.query(f, PriceFeedQueryMsgBuilder.config())).toEqual({ admin: b.address("admin"), feeders: [b.address("alice")], max_age_seconds: 5 });
  });
});

describe("mesh-consumer priced by the feed", () => {
  it("converts new stake at price × (1 − discount), refuses it with the feed's reason while stale, keeps old stake", async () => {
    const m = await setup();
    const f = await feed(m.b, ["alice", "bob", "carol"]);
    expect((await m.b.execute("bob", m.consumer, MeshConsumerExecuteMsgBuilder.setPriceFeed({ priceFeed: f }))).error).toContain(commonErrors.unauthorized);
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setPriceFeed({ priceFeed: f })));
    expect(await m.b.query(m.consumer, MeshConsumerQueryMsgBuilder.config())).toMatchObject({ price_feed: f, rate: "2" });

    // Stale: the stake packet gets an error ack naming the feed's reason; the claim goes back.
    await ok(bondAndGrant(m, "alice", 1000n));
    const [packet] = m.link.relayer.pending().packets;
    const refused = m.link.relayer.deliver(packet);
    expect(JSON.parse(refused.ackText!)).toEqual({ error: expect.any(String) });
    expect(refused.ackText).toContain(`${meshConsumerErrors.priceUnavailable}: the price feed ${f} answered: `);
    expect(refused.ackText).toContain(`${priceFeedErrors.priceStale}: 0 of 3 feeders`);
    await m.link.relayAll();
    expect(await stake(m, "alice")).toMatchObject({ staked: "0", pending_stake: "0" });

    // Fresh: 1000 × 3 × (1 − 0.25) = 2250 (the config's rate 2 is not used).
    await ok(submit(m.b, f, "alice", "3"));
    await ok(submit(m.b, f, "bob", "3"));
    await ok(m.a.execute("alice", m.ilp, { grant_claim: { lienholder: m.provider, amount: "1000", validator: m.validator } }));
    await m.link.relayAll();
    expect(await record(m)).toMatchObject({ provider_amount: "1000", local_amount: "2250" });

    // The price moves: new stake converts at the new price; what is staked is not re-valued here (issue #12 step 2).
    await ok(submit(m.b, f, "carol", "4"));
    await ok(submit(m.b, f, "alice", "4"));
    await ok(bondAndGrant(m, "bob", 1000n));
    await m.link.relayAll();
    expect(await record(m)).toMatchObject({ provider_amount: "2000", local_amount: "5250" });

    // Stale again: unstaking still works (it converts back at the recorded shares, no price needed).
    await m.b.wait(MAX_AGE + 1);
    await ok(m.a.execute("alice", m.provider, { unstake: { validator: m.validator, amount: "1000" } }));
    await m.link.relayAll();
    expect(await stake(m, "alice")).toMatchObject({ staked: "0", pending_unstake: "0" });
    expect(await m.a.query(m.provider, MeshProviderQueryMsgBuilder.unbonding({ owner: m.a.address("alice") }))).toMatchObject({
      unbonding: [{ amount: "1000" }],
    });
    // Back to the configured rate.
    await ok(m.b.execute("admin", m.consumer, MeshConsumerExecuteMsgBuilder.setPriceFeed({})));
    expect(await m.b.query(m.consumer, MeshConsumerQueryMsgBuilder.config())).toMatchObject({ price_feed: null });
  });
});
