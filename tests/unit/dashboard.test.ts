// The dashboard's server and metrics without chains: a fixed state served as JSON, rendered as Prometheus text
// (format 0.0.4: HELP/TYPE once per metric, escaped label values, one series per label set), static files, address
// validation and errors. The page itself is tested in Chromium against real chains (tests/chain/dashboard.test.ts).
import type { DashboardState, UserView } from "../../src/dashboard/collect";
import { toPrometheus } from "../../src/dashboard/metrics";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { loadHistory, startDashboard } from "../../src/dashboard/server";

const NOW = 1_800_000_000_000;

function state(): DashboardState {
  return {
    generatedAtMs: NOW,
    chains: [
      { chainId: "a-1", rpc: "http://a", reachable: true, height: 120, codes: [], contracts: [] },
      { chainId: "b-1", rpc: "http://b", reachable: false, error: "down", codes: [], contracts: [] },
    ],
    links: [{
      provider: "a-1", consumer: "b-1", connection: { provider: "connection-0", consumer: "connection-1" },
      channel: { provider: "channel-0", consumer: "channel-7", state: "open" }, validators: { consumerBonded: 2, knownByProvider: 2, inSync: true },
      pendingPackets: { toConsumer: 3, toProvider: 0 }, allowance: "100", consumerDelegated: "40",
      economics: { price: "2", priceError: null, priceUpdatedAt: "0", requested: "80", factor: "0.5", cap: "40", maxRemote: null, remote: "60", local: "140", minLocalShare: "0" },
      lightClients: [{ chain: "a-1", clientId: "07-tendermint-0", trustingPeriodSeconds: 600, latestUpdateMs: NOW - 100_000, expiresAtMs: NOW + 500_000 }],
      validatorSet: [{ validator: 'val"1', moniker: "one", status: "bonded", jailed: true, remoteStake: "40", onChain: "39", slashSeq: 1, cumulative: "0.99" }],
      slashes: [], rewards: null, failures: [],
      solvency: {
        ilpBonded: "100", ilpBalance: "100", providerStake: "40", consumerProviderAmount: "40", consumerLocal: "40", metaDelegated: "39", settled: true,
        checks: [{ name: "ILP holds its collateral", ok: true, detail: "" }, { name: "consumer records = meta-staking", ok: false, detail: "" }],
      },
    }],
  };
}

describe("dashboard metrics", () => {
  it("are Prometheus text with the series for alerting", () => {
    const text = toPrometheus(state());
    const lines = text.trimEnd().split("\n");
    expect(text.endsWith("\n")).toBe(true);
    // HELP and TYPE once per metric, right before its first sample.
    expect(lines.filter((l) => l === "# TYPE mesh_packets_pending gauge")).toHaveLength(1);
    expect(lines).toEqual(expect.arrayContaining([
      'mesh_chain_up{chain="a-1"} 1',
      'mesh_chain_up{chain="b-1"} 0',
      'mesh_chain_height{chain="a-1"} 120',
      'mesh_channel_open{provider="a-1",consumer="b-1"} 1',
      'mesh_packets_pending{provider="a-1",consumer="b-1",to="b-1"} 3',
      'mesh_packets_pending{provider="a-1",consumer="b-1",to="a-1"} 0',
      'mesh_validator_set_in_sync{provider="a-1",consumer="b-1"} 1',
      'mesh_light_client_seconds_to_expiry{provider="a-1",consumer="b-1",chain="a-1",client="07-tendermint-0"} 500',
      'mesh_validator_remote_stake{consumer="b-1",validator="val\\"1"} 40',
      'mesh_validator_jailed{consumer="b-1",validator="val\\"1"} 1',
      'mesh_consumer_delegated{provider="a-1",consumer="b-1"} 40',
      'mesh_power_factor{provider="a-1",consumer="b-1"} 0.5',
      'mesh_power_cap{provider="a-1",consumer="b-1"} 40',
      'mesh_local_share{consumer="b-1"} 0.7',
      'mesh_solvency_ok{provider="a-1",consumer="b-1",check="ILP holds its collateral"} 1',
      'mesh_solvency_ok{provider="a-1",consumer="b-1",check="consumer records = meta-staking"} 0',
      `mesh_dashboard_generated_timestamp_seconds ${NOW / 1000}`,
    ]));
    // No chain height for an unreachable chain; every sample is a well-formed line.
    expect(text).not.toContain('mesh_chain_height{chain="b-1"}');
    for (const l of lines) expect(l).toMatch(/^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{([a-z_]+="(?:[^"\\]|\\.)*",?)+\})? [-0-9.e+]+)$/);
  });

  it("one local-share series per consumer chain, however many providers it serves", () => {
    const s = state();
    s.links.push({ ...s.links[0], provider: "c-1" });
    expect(toPrometheus(s).split("\n").filter((l) => l.startsWith("mesh_local_share{"))).toEqual(['mesh_local_share{consumer="b-1"} 0.7']);
  });
});

describe("dashboard server", () => {
  const user: UserView = { address: "wasm1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", accounts: [], links: [] };
  let reads = 0;
  const source = {
    state: async () => { reads++; return state(); },
    user: async (address: string) => ({ ...user, address }),
    trace: async (provider: string, consumer: string, tx: number) => [{ chain: provider, height: tx, txHash: "AB", step: `to ${consumer}` }],
    whatIf: async (_p: string, _c: string, validator: string, fraction: string, sinceBatch?: number) =>
      ({ validator, fraction, openBatch: 4, fromBatch: sinceBatch ?? 4, owners: [], cascade: [] }),
    whatIfUnstake: async (_p: string, _c: string, owner: string, validator: string, amount: bigint) =>
      ({ owner, validator, amount: amount.toString(), earliestReleaseAt: "1", latestReleaseAt: "2", freeAfterRelease: "3" }),
  };

  it("serves the page, its state, metrics and a user's view; refuses bad addresses; reads the chains at most once per refresh", async () => {
    const server = await startDashboard(source, { port: 0, refreshMs: 60_000 });
    try {
      const get = (p: string) => fetch(`${server.url}${p}`);
      const page = await get("");
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await page.text()).toContain('<script type="module" src="/app.js"></script>');
      expect((await get("app.js")).status).toBe(200);
      expect((await get("app.css")).headers.get("content-type")).toBe("text/css; charset=utf-8");
      expect(await (await get("api/state")).json()).toEqual(state());
      expect(await (await get("metrics")).text()).toBe(toPrometheus(state()));
      expect(reads).toBe(1);
      // What was read, kept for the plots: per consumer chain its local share, per link its delegation.
      expect(await (await get("api/history")).json()).toEqual([{ atMs: NOW, localShare: { "b-1": 0.7 }, delegated: { "a-1->b-1": 40 } }]);
      expect(await (await get(`api/user?address=${user.address}`)).json()).toEqual(user);
      const bad = await get("api/user?address=%3Cscript%3E");
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: 'not an account address: "<script>"' });
      expect(await (await get("api/trace?provider=a-1&consumer=b-1&tx=7")).json()).toEqual([{ chain: "a-1", height: 7, txHash: "AB", step: "to b-1" }]);
      expect((await get("api/trace?provider=a-1&consumer=b-1&tx=x")).status).toBe(400);
      expect((await get("api/trace?provider=a%20b&consumer=b-1&tx=1")).status).toBe(400);
      const v = "wasmvaloper1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq";
      expect(await (await get(`api/whatif?provider=a-1&consumer=b-1&validator=${v}&fraction=0.05`)).json())
        .toEqual({ validator: v, fraction: "0.05", openBatch: 4, fromBatch: 4, owners: [], cascade: [] });
      expect(await (await get(`api/whatif?provider=a-1&consumer=b-1&validator=${v}&fraction=0.05&since_batch=2`)).json())
        .toMatchObject({ fromBatch: 2 });
      expect((await get(`api/whatif?provider=a-1&consumer=b-1&validator=${v}&fraction=1.5`)).status).toBe(400);
      for (const since of ["0", "-1", "x", "1.5"]) {
        expect((await get(`api/whatif?provider=a-1&consumer=b-1&validator=${v}&fraction=0.05&since_batch=${since}`)).status).toBe(400);
      }
      expect(await (await get(`api/whatif-unstake?provider=a-1&consumer=b-1&owner=${user.address}&validator=${v}&amount=5`)).json())
        .toEqual({ owner: user.address, validator: v, amount: "5", earliestReleaseAt: "1", latestReleaseAt: "2", freeAfterRelease: "3" });
      expect((await get(`api/whatif-unstake?provider=a-1&consumer=b-1&owner=${user.address}&validator=${v}&amount=0`)).status).toBe(400);
      expect((await get("nope")).status).toBe(404);
      expect((await fetch(`${server.url}api/state`, { method: "POST" })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it("answers a failing chain read with its reason, and reads again next time", async () => {
    let fail = true;
    const server = await startDashboard({ state: async () => { if (fail) throw new Error("cannot reach the RPC of b-1\nstack"); return state(); }, user: source.user, trace: source.trace, whatIf: source.whatIf, whatIfUnstake: source.whatIfUnstake },
      { port: 0, refreshMs: 60_000 });
    try {
      const first = await fetch(`${server.url}api/state`);
      expect(first.status).toBe(502);
      expect(await first.json()).toEqual({ error: "cannot reach the RPC of b-1" });
      fail = false;
      expect((await fetch(`${server.url}metrics`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("keeps the plots' history across a restart in its file, and refuses a file that is not a history", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dashboard-history-"));
    const historyFile = path.join(dir, "mesh.history.json");
    let at = NOW;
    const source2 = { ...source, state: async () => ({ ...state(), generatedAtMs: at }) };
    const first = await startDashboard(source2, { port: 0, refreshMs: 0, historyFile });
    await fetch(`${first.url}api/state`);
    at += 3000;
    await fetch(`${first.url}api/state`);
    await first.close();
    const point = (atMs: number) => ({ atMs, localShare: { "b-1": 0.7 }, delegated: { "a-1->b-1": 40 } });
    expect(JSON.parse(readFileSync(historyFile, "utf8"))).toEqual([point(NOW), point(NOW + 3000)]);
    // A second server goes on where the first stopped.
    at += 3000;
    const second = await startDashboard(source2, { port: 0, refreshMs: 0, historyFile });
    try {
      expect(await (await fetch(`${second.url}api/history`)).json()).toEqual([point(NOW), point(NOW + 3000)]);
      await fetch(`${second.url}api/state`);
      await new Promise((r) => setTimeout(r, 10));
      expect(await (await fetch(`${second.url}api/history`)).json()).toEqual([point(NOW), point(NOW + 3000), point(NOW + 6000)]);
    } finally {
      await second.close();
    }
    expect(loadHistory(historyFile)).toHaveLength(3);
    // Points of another shape are dropped; a file that is no history at all stops the server with a message.
    writeFileSync(historyFile, JSON.stringify([point(1), { atMs: "x" }, { atMs: 2, localShare: { c: "0.5" }, delegated: {} }]));
    expect(loadHistory(historyFile)).toEqual([point(1)]);
    writeFileSync(historyFile, "{not json");
    await expect(startDashboard(source2, { port: 0, historyFile })).rejects.toThrow(`the dashboard history ${historyFile} is not JSON`);
    writeFileSync(historyFile, "{}");
    expect(() => loadHistory(historyFile)).toThrow("is not a list of points");
  });
});
