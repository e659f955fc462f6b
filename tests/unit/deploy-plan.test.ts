// What deploy would do, decided without a chain: which contracts a chain needs and their instantiate messages and
// labels (shared with proposals), the deployment record file, the hermes/rly plan, and the status report.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseMeshConfig } from "../../src/deploy/config";
import { contractOfLabel } from "../../src/deploy/proposal-results";
import { contractsFor, instantiatePlan, localMetaStakingPlan, planLabel } from "../../src/deploy/plan";
import { RecordFile, emptyRecord, readRecord } from "../../src/deploy/record";
import { printPlan } from "../../src/deploy/relayer-commands";
import { MeshStatus, formatStatus } from "../../src/deploy/status";

const chain = (id: string, denom: string) => ({
  id, rpc: "http://127.0.0.1:1", prefix: "wasm", gas_price: `0.025${denom}`, denom, key: { mnemonic_env: "K" }, unbonding_period_seconds: 120,
});
// a provides to b and c; c provides to a.
const config = parseMeshConfig({
  chains: [chain("a-1", "uatom"), chain("b-1", "ubee"), chain("c-1", "usea")],
  mesh: [
    { provider: "a-1", consumer: "b-1", unbonding_period_seconds: 200, packet_timeout_seconds: 30, rate: "0.5", discount: "0.1" },
    { provider: "a-1", consumer: "c-1", unbonding_period_seconds: 300, packet_timeout_seconds: 60 },
    { provider: "c-1", consumer: "a-1", unbonding_period_seconds: 4000 },
  ],
}, "/x");

describe("deploy plan", () => {
  it("each chain gets the contracts of its roles", () => {
    expect(contractsFor(config, "a-1")).toEqual(["ilp", "mesh-provider", "meta-staking", "mesh-consumer"]);
    expect(contractsFor(config, "b-1")).toEqual(["meta-staking", "mesh-consumer"]);
    expect(contractsFor(config, "c-1")).toEqual(["ilp", "mesh-provider", "meta-staking", "mesh-consumer"]);
  });

  it("instantiate messages come from the config and the recorded addresses", () => {
    const record = emptyRecord();
    expect(instantiatePlan(config, record, "a-1", "ilp")).toEqual({ chainId: "a-1", contract: "ilp", label: "mesh ilp", msg: { denom: "uatom" } });
    expect(() => instantiatePlan(config, record, "a-1", "mesh-provider", "b-1")).toThrow("mesh-provider on a-1 needs the ILP's address: instantiate the ILP first");
    record.chains["a-1"] = { codes: {}, ilp: "wasm1ilp", meta_staking: "wasm1meta" };
    expect(instantiatePlan(config, record, "a-1", "mesh-provider", "c-1").msg).toEqual({ ilp: "wasm1ilp", unbonding_period_seconds: 300, packet_timeout_seconds: 60 });
    expect(instantiatePlan(config, record, "a-1", "mesh-consumer").msg).toEqual({ meta_staking: "wasm1meta", rate: "1", discount: "0", packet_timeout_seconds: 600 });
    expect(instantiatePlan(config, record, "a-1", "meta-staking", undefined, "wasm1gov").msg).toEqual({ unbonding_period_seconds: 120, admin: "wasm1gov" });
    expect(() => instantiatePlan(config, record, "a-1", "mesh-provider")).toThrow("mesh-provider on a-1: say which link (--for <chain>; candidates: b-1, c-1)");
    expect(() => instantiatePlan(config, record, "b-1", "mesh-provider")).toThrow("candidates: none in the config");
  });

  it("local staking: its own meta-staking instance and the contract, instantiated from the recorded addresses", () => {
    const local = parseMeshConfig({
      chains: [chain("a-1", "uatom"), chain("b-1", "ubee")],
      mesh: [{ provider: "a-1", consumer: "b-1", unbonding_period_seconds: 200, packet_timeout_seconds: 30 }],
      local_staking: [{ chain: "a-1", max_slash: "0.05" }],
    }, "/x");
    expect(contractsFor(local, "a-1")).toEqual(["ilp", "mesh-provider", "meta-staking", "local-staking"]);
    expect(contractsFor(local, "b-1")).toEqual(["meta-staking", "mesh-consumer"]);
    expect(localMetaStakingPlan(local, "a-1")).toEqual({ chainId: "a-1", contract: "meta-staking", label: "mesh local meta-staking", msg: { unbonding_period_seconds: 120 } });
    const record = emptyRecord();
    expect(() => instantiatePlan(local, record, "a-1", "local-staking")).toThrow("local-staking on a-1 needs the ILP's and its meta-staking's addresses");
    record.chains["a-1"] = { codes: {}, ilp: "wasm1ilp", local_meta_staking: "wasm1localmeta" };
    expect(instantiatePlan(local, record, "a-1", "local-staking")).toEqual({
      chainId: "a-1", contract: "local-staking", label: "mesh local staking", msg: { ilp: "wasm1ilp", meta_staking: "wasm1localmeta", max_slash: "0.05" },
    });
    expect(() => instantiatePlan(local, record, "b-1", "local-staking")).toThrow("the config has no local_staking entry for b-1");
    expect(contractOfLabel("mesh local staking")).toEqual({ contract: "local-staking" });
  });

  it("labels name the link, and a label maps back to its contract", () => {
    expect(planLabel(config, "a-1", "mesh-provider", "b-1")).toBe("mesh provider for b-1");
    expect(planLabel(config, "b-1", "mesh-consumer")).toBe("mesh consumer for a-1");
    for (const [label, expected] of [
      ["mesh ilp", { contract: "ilp" }], ["mesh meta-staking", { contract: "meta-staking" }],
      ["mesh provider for b-1", { contract: "mesh-provider", counterparty: "b-1" }], ["mesh consumer for a-1", { contract: "mesh-consumer", counterparty: "a-1" }],
      ["my cw20", undefined],
    ] as const) expect(contractOfLabel(label)).toEqual(expected);
  });
});

describe("deployment record", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-record-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is saved on every change and read back; a missing file is an empty record", () => {
    const file = path.join(dir, "sub", "d.json");
    expect(readRecord(file)).toEqual(emptyRecord());
    const r = new RecordFile(file);
    r.chain("a-1").codes.ilp = { code_id: 4, checksum: "ab".repeat(32) };
    r.link("a-1", "b-1").connection = { provider: "connection-0", consumer: "connection-3" };
    r.save();
    expect(readRecord(file)).toEqual({
      version: 1, chains: { "a-1": { codes: { ilp: { code_id: 4, checksum: "ab".repeat(32) } } } },
      links: { "a-1->b-1": { provider: "a-1", consumer: "b-1", connection: { provider: "connection-0", consumer: "connection-3" } } },
    });
    expect(fs.readdirSync(path.dirname(file))).toEqual(["d.json"]); // no temp files left
  });

  it("refuses a file that is not a deployment record", () => {
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, "{ nope");
    expect(() => readRecord(bad)).toThrow(`deployment file ${bad} is not valid JSON`);
    fs.writeFileSync(bad, JSON.stringify({ version: 2 }));
    expect(() => readRecord(bad)).toThrow("is not a mesh deployment record (version 1)");
  });
});

describe("hermes / rly plan with a known connection", () => {
  const input = { provider: "a-1", consumer: "b-1", providerContract: "wasm1p", consumerContract: "wasm1c", connection: { provider: "connection-2", consumer: "connection-5" } };

  it("hermes opens the channel from the provider side over the known connection", () => {
    expect(printPlan("hermes", input).split("\n").filter((l) => !l.startsWith("#"))).toEqual([
      "hermes create channel --a-chain a-1 --a-connection connection-2 --a-port wasm.wasm1p --b-port wasm.wasm1c --channel-version mesh-security-v1 --order unordered",
      "hermes start",
    ]);
  });

  it("rly uses one path per link", () => {
    expect(printPlan("rly", input).split("\n").filter((l) => !l.startsWith("#"))).toEqual([
      "rly transact channel mesh-a-1-b-1 --src-port wasm.wasm1p --dst-port wasm.wasm1c --order unordered --version mesh-security-v1",
      "rly start mesh-a-1-b-1",
    ]);
    expect(printPlan("rly", { ...input, connection: undefined })).toContain("rly paths new a-1 b-1 mesh-a-1-b-1");
  });
});

describe("status report", () => {
  const status: MeshStatus = {
    chains: [
      {
        chainId: "a-1", rpc: "http://a", reachable: true, height: 120, deployer: "wasm1me",
        codes: [
          { contract: "ilp", codeId: 3, onChainChecksum: "aa".repeat(32), artifactChecksum: "aa".repeat(32), matches: true },
          { contract: "mesh-provider", codeId: 4, onChainChecksum: "bb".repeat(32), artifactChecksum: "cc".repeat(32), matches: false },
        ],
        contracts: [{ name: "ilp", address: "wasm1ilp", exists: true, codeId: 3, admin: "wasm1gov", info: { bonded: "42" } }, { name: "mesh-provider for b-1", address: "wasm1gone", exists: false }],
      },
      { chainId: "b-1", rpc: "http://b", reachable: false, error: "cannot reach the RPC of b-1", codes: [], contracts: [] },
    ],
    links: [{
      provider: "a-1", consumer: "b-1", connection: { provider: "connection-0", consumer: "connection-1" }, channel: { provider: "channel-0", consumer: "channel-7", state: "open" },
      validators: { consumerBonded: 3, knownByProvider: 2, inSync: false }, pendingPackets: { toConsumer: 1, toProvider: 0 }, allowance: "100", consumerDelegated: "40",
      economics: {
        price: "1", priceError: null, priceUpdatedAt: "0", requested: "2250", factor: "0.75", cap: "350000", maxRemote: "1500000",
        remote: "1500000", local: "1000000", minLocalShare: "0.4",
      },
    }],
  };

  it("flags what needs attention", () => {
    const text = formatStatus(status);
    expect(text).toContain("code ilp               3  sha256 aaaaaaaaaaaaaaaa…  checksum matches artifact");
    expect(text).toContain("code mesh-provider     4  sha256 bbbbbbbbbbbbbbbb…  CHECKSUM DIFFERS from artifact");
    expect(text).toContain("wasm1ilp  code 3  admin wasm1gov  bonded 42");
    expect(text).toContain("wasm1gone  MISSING");
    expect(text).toContain("chain b-1  UNREACHABLE  cannot reach the RPC of b-1");
    expect(text).toContain("channel     channel-0 / channel-7 (open)");
    expect(text).toContain("2 known by the provider, 3 bonded on b-1 (OUT OF SYNC");
    expect(text).toContain("pending     1 packet(s) to b-1, 0 to a-1");
    expect(text).toContain("stake       40 delegated of an allowance of 100");
    expect(text).toContain("economics   price 1 (fixed rate), requested 2250, factor 0.75, cap 350000, local share 40.0 % (min 40.0 %)");
    const stale = { ...status, links: [{ ...status.links[0], economics: { ...status.links[0].economics!, price: null, requested: null, priceError: "Price stale: 0 of 3 feeders" } }] };
    expect(formatStatus(stale)).toContain("economics   NO PRICE (Price stale: 0 of 3 feeders), requested -, factor 0.75");
  });
});
