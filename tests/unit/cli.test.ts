// The mesh CLI in-process: usage errors, bad config and keys, unreachable or wrong chains, governance-only upload
// (against a stand-in RPC), and the offline commands (proposal files, hermes/rly plans).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { QueryCodesResponse, QueryParamsResponse } from "cosmjs-types/cosmwasm/wasm/v1/query";
import { AccessType, Params } from "cosmjs-types/cosmwasm/wasm/v1/types";
import { runCli } from "../../src/cli/main";
import { TEST_ACCOUNTS } from "../../src/wasmd/accounts";
import { govModuleAddress } from "../../src/deploy/proposal";
import { closedPort, startFakeNode } from "../helpers/fake-node";

const root = path.resolve(__dirname, "..", "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-cli-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Artifacts of the right names; their content does not matter to these tests.
const artifacts = path.join(dir, "artifacts");
fs.mkdirSync(artifacts);
for (const name of ["ilp", "mesh-provider", "meta-staking", "mesh-consumer"]) fs.writeFileSync(path.join(artifacts, `${name}.wasm`), `\0asm ${name}`);

function writeConfig(name: string, rpcA: string, rpcB = rpcA, keyEnv = "MESH_TEST_KEY"): string {
  const chain = (id: string, rpc: string) => ({ id, rpc, prefix: "wasm", gas_price: "0.025ustake", denom: "ustake", key: { mnemonic_env: keyEnv }, unbonding_period_seconds: 600 });
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({
    chains: [chain("prov-1", rpcA), chain("cons-1", rpcB)],
    mesh: [{ provider: "prov-1", consumer: "cons-1", unbonding_period_seconds: 1000, packet_timeout_seconds: 60 }],
    artifacts: "artifacts", deployment: `${name}.deployment.json`,
  }));
  return file;
}

async function mesh(argv: string[], env: NodeJS.ProcessEnv = { MESH_TEST_KEY: TEST_ACCOUNTS.admin.mnemonic }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd: dir });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("mesh CLI: usage", () => {
  it("prints usage without a command (exit 2) and with --help (exit 0)", async () => {
    expect((await mesh([])).code).toBe(2);
    const help = await mesh(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["deploy", "upload", "instantiate", "connect", "status", "propose", "relay"]) expect(help.out).toContain(`  ${command}`);
    expect((await mesh(["propose", "--help"])).out).toContain("usage: mesh propose <kind> --chain ID");
  });

  it.each([
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["deploy", "--chian", "a"], "unknown option --chian"],
    [["upload", "--chain"], "--chain needs a value"],
    [["status", "--json=yes"], "--json takes no value"],
  ])("rejects %j with exit 2", async (argv, message) => {
    const r = await mesh(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it("a missing config file says how to pass one", async () => {
    const r = await mesh(["status", "--config", "nope.json"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`mesh status: config file ${path.join(dir, "nope.json")} not found (pass --config <file>; docs/testnet.md has an example)`);
  });

  it("MESH_CONFIG names the default config", async () => {
    const r = await mesh(["status"], { MESH_CONFIG: "elsewhere.json" });
    expect(r.err).toContain(`config file ${path.join(dir, "elsewhere.json")} not found`);
  });
});

describe("mesh CLI: chains that cannot be used", () => {
  it("unreachable RPC", async () => {
    const port = await closedPort();
    const config = writeConfig("unreachable.json", `http://127.0.0.1:${port}`);
    const r = await mesh(["upload", "--config", config]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`mesh upload: cannot reach the RPC of prov-1 at http://127.0.0.1:${port} (ECONNREFUSED): is the node running and the URL right?`);
  });

  it("wrong chain id", async () => {
    const node = await startFakeNode("cosmoshub-4");
    try {
      const r = await mesh(["instantiate", "--config", writeConfig("wrong-id.json", node.url)]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`mesh instantiate: wrong chain id: the config says "prov-1" but the RPC at ${node.url} serves "cosmoshub-4"`);
    } finally {
      await node.close();
    }
  });

  it("missing key environment variable", async () => {
    const r = await mesh(["deploy", "--config", writeConfig("no-key.json", "http://127.0.0.1:1")], {});
    expect(r.code).toBe(1);
    expect(r.err.split("\n").at(-1)).toBe("mesh deploy: key for prov-1: environment variable MESH_TEST_KEY is not set (export it with the deployer's mnemonic)");
  });

  it("a chain on the config's unknown list", async () => {
    const r = await mesh(["upload", "--chain", "juno-1", "--config", writeConfig("unknown.json", "http://127.0.0.1:1")]);
    expect(r.err).toBe('mesh upload: chain "juno-1" is not in the config (chains: prov-1, cons-1)');
  });

  it("upload restricted to governance → use mesh propose store (no transaction is sent)", async () => {
    const params = QueryParamsResponse.encode({ params: Params.fromPartial({ codeUploadAccess: { permission: AccessType.ACCESS_TYPE_NOBODY, addresses: [] } }) }).finish();
    const node = await startFakeNode("prov-1", {
      "/cosmwasm.wasm.v1.Query/Codes": () => QueryCodesResponse.encode({ codeInfos: [], pagination: { nextKey: new Uint8Array(), total: 0n } }).finish(),
      "/cosmwasm.wasm.v1.Query/Params": () => params,
    });
    try {
      const r = await mesh(["upload", "--chain", "prov-1", "--config", writeConfig("gov-only.json", node.url)]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        "mesh upload: upload of ilp on prov-1: code upload is restricted to governance on this chain (wasm code_upload_access). " +
          "Store it with a proposal instead: mesh propose store --chain prov-1 --contracts ilp --submit",
      );
    } finally {
      await node.close();
    }
  });
});

describe("mesh CLI: offline commands", () => {
  const config = writeConfig("offline.json", "http://127.0.0.1:1");
  const deployment = path.join(dir, "offline.json.deployment.json");
  const provider = "wasm1nc5tatafv6eyq7llkr2gv50ff9e22mnf70qgjlv737ktmt4eswrqr5j2ht";
  const consumer = "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d";

  it("propose store writes a gov proposal with the gov module account as sender and every checksum in the summary", async () => {
    const r = await mesh(["propose", "store", "--chain", "prov-1", "--contracts", "ilp,mesh-provider", "--deposit", "10000000ustake", "--config", config]);
    expect(r.code).toBe(0);
    const p = JSON.parse(fs.readFileSync(path.join(dir, "proposal-prov-1-store.json"), "utf8"));
    expect(p.messages.map((m: { sender: string }) => m.sender)).toEqual([govModuleAddress("wasm"), govModuleAddress("wasm")]);
    expect(p.deposit).toBe("10000000ustake");
    expect(p.summary).toMatch(/ilp: \d+ bytes \(stored gzipped\), sha256 [0-9a-f]{64}/);
    expect(r.out).toContain("wasmd tx gov submit-proposal proposal-prov-1-store.json --from <key> --chain-id prov-1");
  });

  it.each([
    [["propose", "execute", "--chain", "prov-1", "--contract", "wasm1x", "--deposit", "1ustake"], "--msg is required"],
    [["propose", "execute", "--chain", "prov-1", "--contract", "wasm1x", "--msg", "{bad", "--deposit", "1ustake"], "--msg is not valid JSON"],
    [["propose", "execute", "--chain", "prov-1", "--contract", "ilp", "--msg", "{}", "--deposit", "1ustake"], "no ilp on prov-1 in"],
    [["propose", "instantiate", "--chain", "prov-1", "--contract", "ilp", "--deposit", "1ustake"], "no code id for ilp on prov-1"],
    [["propose", "migrate", "--chain", "prov-1", "--contract", "wasm1x", "--code-id", "zero", "--deposit", "1ustake"], '--code-id must be a positive integer, got "zero"'],
    [["propose", "store", "--chain", "prov-1", "--contracts", "cw20", "--deposit", "1ustake"], 'unknown contract "cw20"'],
    [["propose", "store", "--chain", "prov-1", "--deposit", "ten"], 'deposit "ten" is not a coin amount'],
    [["propose", "store", "--chain", "prov-1", "--deposit", "1ustake", "--vote", "yes"], "--vote and --wait need --submit"],
    [["propose", "vote", "3", "maybe", "--chain", "prov-1"], 'vote must be one of yes, no, abstain, no_with_veto, got "maybe"'],
    [["propose", "frob", "--chain", "prov-1"], "propose needs one of store, instantiate, execute, migrate"],
    [["propose", "store"], "--chain is required"],
    [["propose", "store", "--chain", "prov-1"], "--deposit not given and the chain's minimum deposit cannot be read"],
  ])("propose rejects %j", async (argv, message) => {
    const r = await mesh([...(argv as string[]), "--config", config]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
  });

  it("connect --print names the hermes / rly steps in the order the contracts need", async () => {
    fs.writeFileSync(deployment, JSON.stringify({ version: 1, chains: {}, links: { "prov-1->cons-1": { provider: "prov-1", consumer: "cons-1", mesh_provider: provider, mesh_consumer: consumer } } }));
    const hermes = await mesh(["connect", "prov-1", "cons-1", "--print", "hermes", "--config", config]);
    expect(hermes.code).toBe(0);
    expect(hermes.out.split("\n").filter((l) => !l.startsWith("#"))).toEqual([
      "hermes create connection --a-chain prov-1 --b-chain cons-1",
      "npx mesh connect prov-1 cons-1 --connection <connection on prov-1>,<connection on cons-1> --print hermes",
    ]);
    const rly = await mesh(["connect", "prov-1", "cons-1", "--print", "rly", "--config", config]);
    expect(rly.out).toContain("rly transact connection mesh-prov-1-cons-1");
    expect((await mesh(["connect", "prov-1", "cons-1", "--print", "ibc-go", "--config", config])).err).toContain("--print takes hermes or rly");
    expect((await mesh(["connect", "prov-1", "cons-1", "--connection", "conn-0", "--config", config])).err).toContain("--connection takes <connection on prov-1>,<connection on cons-1>");
    expect((await mesh(["connect", "cons-1", "prov-1", "--config", config])).err).toContain("the config has no mesh link cons-1 -> prov-1");
  });
});
