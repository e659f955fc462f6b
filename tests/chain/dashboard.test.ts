// The dashboard (src/dashboard) against real wasmd chains, in headless Chromium, during a cross-stake: the panels
// show what the chains report (a stake appears in the user's view and in the validator's remote stake, an
// unbonding shows its release time, the light clients their expiry, rewards what was distributed, a refused stake
// its reason, the books of the link agree), the page logs
// no errors, and /metrics is Prometheus text with the expected series. Screenshots: test-artifacts/dashboard/.
// (The slash timeline is checked after a real downtime slash in slash-close.test.ts.)
import { WasmdScenarioNetwork } from "../../src/scenario/wasmd-backend";
import { deployMesh } from "../../src/scenario/scenarios/mesh";
import { IlpExecuteMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import { MeshConsumerExecuteMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MetaStakingQueryMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import { meshCodes } from "../helpers/artifacts";
import { openDashboard } from "./dashboard";
import { testChain } from "./helpers";

const net = new WasmdScenarioNetwork([testChain("mesh-a"), testChain("mesh-b")]);
afterAll(() => net.close());
jest.setTimeout(300_000);

async function ok(p: Promise<{ ok: boolean; error?: string }>) {
  const r = await p;
  if (!r.ok) throw new Error(r.error);
}

/** Prometheus text format: `# HELP`/`# TYPE` lines and `name{labels} value` samples; returns the samples. */
function parsePrometheus(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+]+|NaN)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

it("shows a cross-stake as the chains report it: stake, remote stake, unbonding release time, light clients, rewards; /metrics", async () => {
  const a = net.chain("mesh-a");
  const b = net.chain("mesh-b");
  const d = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), {
    consumerUnbondingSeconds: testChain("mesh-b").unbondingSeconds, packetTimeoutSeconds: 30, rate: "1", discount: "0.1",
    metaStakingFunds: 10_000_000n, allowance: 5_000_000n, rewards: {},
  });
  const [validator] = (await a.query<MeshProvider.ValidatorsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators;
  const alice = a.address("alice");
  await ok(a.execute("alice", d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: a.denom, amount: "1000000" }]));
  const grant = await a.execute("alice", d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: "1000000", validator }));
  if (!grant.ok) throw new Error(grant.error);
  const txId = grant.events.flatMap((e) => e.attributes).find((x) => x.key === "tx_id")!.value;
  await d.link.relayAll();

  const dash = await openDashboard([testChain("mesh-a"), testChain("mesh-b")], [d], alice);
  try {
    // Chains and the link: heights, the channel open, the consumer's delegation as meta-staking books it.
    const chains = await dash.text("chains");
    expect(chains).toMatch(/mesh-a\s+\d+/);
    expect(chains).toMatch(/mesh-b\s+\d+/);
    const links = await dash.text("links");
    expect(links).toContain(`${d.channelA} / ${d.channelB} open`);
    expect(links).toMatch(/expires in [\d.]+ (s|min|h|d)/);
    const booked = await b.query<MetaStaking.ValidatorResponse>(d.metaStaking, MetaStakingQueryMsgBuilder.validator({ validator }));
    expect(booked.delegated).toBe("900000");
    expect(await dash.page.$eval("[data-testid=delegated]", (e) => e.textContent)).toBe("900000");
    expect(links).toContain("price 1 (fixed rate), factor 1, cap none");
    // The validator's remote stake, and alice's stake in her view.
    const validators = await dash.text("validators");
    expect(validators).toMatch(/bonded\s+900000/);
    expect(await dash.page.$eval("[data-testid=user-accounts]", (e) => (e as unknown as { innerText: string }).innerText))
      .toMatch(/mesh-a\s+1000000\s+0\s+1000000\s+0/);
    const stakes = await dash.page.$eval("[data-testid=user-stakes]", (e) => (e as unknown as { innerText: string }).innerText);
    expect(stakes).toMatch(/1000000\s+\+0 \/ −0\s+0/);
    await dash.screenshot("1-staked");

    // Unstake: the unbonding appears with the release time the provider reports.
    await ok(a.execute("alice", d.meshProvider, MeshProviderExecuteMsgBuilder.unstake({ validator, amount: "400000" })));
    await d.link.relayAll();
    const { unbonding } = await a.query<MeshProvider.UnbondingResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.unbonding({ owner: alice }));
    expect(unbonding).toHaveLength(1);
    const releaseIso = new Date(Number(BigInt(unbonding[0].release_at) / 1_000_000n)).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
    await dash.refresh();
    expect(await dash.page.$eval("[data-testid=release-at]", (e) => e.textContent)).toBe(releaseIso);
    expect(await dash.text("user")).toMatch(/400000\s+\S+ \S+ UTC \(in \d+ (s|min)\)/);

    // A stranger distributes rewards: the rewards panel shows what the consumer claimed and delivered.
    await b.wait(3);
    await ok(b.execute("carol", d.meshConsumer, MeshConsumerExecuteMsgBuilder.distributeRewards({})));
    await d.link.relayAll();
    await dash.refresh();
    const state = await dash.state();
    const total = state.links[0].rewards!.consumer.find((t) => t.denom === b.denom)!;
    expect(BigInt(total.delivered)).toBeGreaterThan(0n);
    expect(await dash.text("rewards")).toContain(`${b.denom}\t${total.claimed}\t${total.commission}\t${total.delivered}`);
    // The plots have points from every read so far.
    expect(await dash.page.$$eval("[data-testid=plot-delegated] polyline", (es) => es.length)).toBe(1);
    await dash.screenshot("2-unbonding-and-rewards");

    // A stake the consumer refuses (beyond meta-staking's allowance) is rolled back: the failures panel shows why.
    await ok(a.execute("alice", d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: a.denom, amount: "6000000" }]));
    await ok(a.execute("alice", d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: "6000000", validator })));
    await d.link.relayAll();
    await dash.refresh();
    const failures = await dash.page.$eval("[data-testid=failures]", (e) => (e as unknown as { innerText: string }).innerText);
    expect(failures).toMatch(/mesh-a → mesh-b\s+stake_rolled_back\s+\d+\s+\S+\s+\S+\s+Allowance exhausted: /);

    // The operation tracer follows the first stake through both chains by its provider tx id.
    await dash.page.type("#trace-tx", txId);
    await dash.page.click("#trace-form button");
    await dash.page.waitForSelector("[data-testid=trace]");
    const trace = (await dash.page.$eval("[data-testid=trace]", (e) => (e as unknown as { innerText: string }).innerText)).split("\n").slice(1);
    expect(trace).toEqual([
      expect.stringMatching(new RegExp(`^mesh-a\\s+\\d+\\s+grant_claim of 1000000 by ${alice} on the ILP → stake 1000000 to ${validator}: packet \\d+ sent on ${d.channelA}$`)),
      expect.stringMatching(new RegExp(`^mesh-b\\s+\\d+\\s+received: stake of 1000000 → 900000 delegated through meta-staking to ${validator}$`)),
      expect.stringMatching(/^mesh-a\s+\d+\s+stake_committed \(1000000 shares\)$/),
    ]);

    // What if the validator lost half of its stake to a double-sign from before the first batch: alice's 600 000
    // there lose 300 000 and her 400 000 unbonding 200 000.
    await dash.page.$eval("#whatif-fraction", (e) => { (e as unknown as { value: string }).value = "0.5"; });
    await dash.page.type("#whatif-since", "1");
    await dash.page.click("#whatif-form button");
    await dash.page.waitForSelector("[data-testid=whatif-owners]");
    expect(await dash.page.$eval("[data-testid=whatif-owners]", (e) => (e as unknown as { innerText: string }).innerText))
      .toMatch(/600000\s+400000 \(batch \d+\)\s+500000\s+7000000 → 6500000/);
    expect(await dash.page.$eval("[data-testid=whatif-reach]", (e) => e.textContent)).toMatch(/^reaches stake bonded to the validator and unbonding in (its queue \(batch 1\)|batches 1–\d+ \(\d+ is its queue; the older ones lose it when their entries mature\))$/);
    // …and what unstaking 100 000 more would return and when; by then the 400 000 unbonding are released too:
    // 7 000 000 bonded − (1 000 000 − 400 000 − 100 000) still claimed.
    await dash.page.type("#unstake-amount", "100000");
    await dash.page.click("#unstake-form button");
    await dash.page.waitForSelector("[data-testid=unstake-prediction]");
    expect(await dash.page.$eval("[data-testid=unstake-prediction]", (e) => e.textContent))
      .toMatch(/^returns 100000, released between \S+ \S+ UTC and \S+ \S+ UTC; then 6500000 of the collateral is free$/);
    await dash.screenshot("3-rolled-back-trace-whatif");

    // /metrics: Prometheus text with the series for alerting, values as the chains report them.
    const res = await fetch(`${dash.url.split("?")[0]}metrics`);
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const samples = parsePrometheus(await res.text());
    const one = (name: string, labels: Record<string, string> = {}) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(one("mesh_chain_up", { chain: "mesh-a" })[0].value).toBe(1);
    expect(one("mesh_chain_height", { chain: "mesh-b" })[0].value).toBeGreaterThan(0);
    expect(one("mesh_channel_open", { provider: "mesh-a", consumer: "mesh-b" })[0].value).toBe(1);
    expect(one("mesh_packets_pending", { provider: "mesh-a", consumer: "mesh-b" }).map((s) => s.value)).toEqual([0, 0]);
    const expiry = one("mesh_light_client_seconds_to_expiry", { provider: "mesh-a", consumer: "mesh-b" });
    expect(expiry.map((s) => s.labels.chain).sort()).toEqual(["mesh-a", "mesh-b"]);
    for (const s of expiry) expect(s.value).toBeGreaterThan(0);
    const remote = BigInt((await b.query<MetaStaking.ValidatorResponse>(d.metaStaking, MetaStakingQueryMsgBuilder.validator({ validator }))).delegated);
    expect(one("mesh_validator_remote_stake", { consumer: "mesh-b", validator })[0].value).toBe(Number(remote));
    expect(one("mesh_consumer_delegated", { provider: "mesh-a", consumer: "mesh-b" })[0].value).toBe(Number(remote));
    expect(one("mesh_price_available", { provider: "mesh-a", consumer: "mesh-b" })[0].value).toBe(1);
    // The books agree once everything settled: collateral, the provider's pools against the consumer's records,
    // those against meta-staking.
    const solvency = (await dash.state()).links[0].solvency!;
    expect(solvency).toMatchObject({ settled: true, providerStake: "600000", consumerProviderAmount: "600000", consumerLocal: "540000", metaDelegated: "540000" });
    expect(solvency.checks.map((c) => c.ok)).toEqual([true, true, true]);
    expect(await dash.page.$$eval("[data-testid=solvency-check]", (es) => es.map((e) => e.textContent))).toEqual([
      "✓ ILP holds its collateral", "✓ provider stake = consumer records", "✓ consumer records = meta-staking"]);
    expect(one("mesh_solvency_ok", { provider: "mesh-a", consumer: "mesh-b" }).map((s) => s.value)).toEqual([1, 1, 1]);
    expect(dash.errors).toEqual([]);
  } finally {
    await dash.close();
  }
});
