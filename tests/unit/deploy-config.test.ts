// The operator config: the examples parse, and every bad input is rejected with a message naming the field.
import * as path from "path";
import { loadMeshConfig, parseMeshConfig } from "../../src/deploy/config";

const root = path.resolve(__dirname, "..", "..");

const chain = (id: string, extra: Record<string, unknown> = {}) => ({
  id, rpc: "http://127.0.0.1:27000", prefix: "wasm", gas_price: "0.0025ustake", denom: "ustake", key: { mnemonic_env: "MESH_KEY" },
  unbonding_period_seconds: 120, ...extra,
});
const link = (extra: Record<string, unknown> = {}) => ({ provider: "a-1", consumer: "b-1", unbonding_period_seconds: 200, packet_timeout_seconds: 30, ...extra });
const config = (extra: Record<string, unknown> = {}) => ({ chains: [chain("a-1"), chain("b-1")], mesh: [link()], ...extra });

describe("mesh config", () => {
  it("parses the committed examples, resolving paths against the config's directory", () => {
    const devnet = loadMeshConfig(path.join(root, "examples", "devnet.mesh.json"));
    expect(devnet.chains.map((c) => c.id)).toEqual(["mesh-a", "mesh-b"]);
    expect(devnet.artifacts).toBe(path.join(root, "artifacts"));
    expect(devnet.deployment).toBe(path.join(root, ".devnet", "mesh-deployment.json"));
    expect(devnet.localStaking).toEqual([{ chain: "mesh-a", max_slash: "0.05" }]);
    const testnet = loadMeshConfig(path.join(root, "examples", "testnet.mesh.json"));
    expect(testnet.chains[0].key).toEqual({ mnemonic_env: "MESH_PROVIDER_MNEMONIC" });
    expect(testnet.chains[1].key).toEqual({ mnemonic_file: "keys/consumer.mnemonic" });
  });

  it("fills defaults", () => {
    const c = parseMeshConfig(config({ mesh: [{ provider: "a-1", consumer: "b-1", unbonding_period_seconds: 800 }] }), "/x");
    expect(c.mesh[0]).toEqual({
      provider: "a-1", consumer: "b-1", unbonding_period_seconds: 800, packet_timeout_seconds: 600, rate: "1", discount: "0", meta_staking_funds: "0", allowance: "0",
      reward_commission: "0",
    });
    expect(c.chains[0].block_time_ms).toBe(1000);
    expect(c.deployment).toBe(path.resolve("/x/mesh.deployment.json"));
    expect(c.localStaking).toBeUndefined();
    expect(parseMeshConfig(config({ local_staking: [{ chain: "a-1" }] }), "/x").localStaking).toEqual([{ chain: "a-1", max_slash: "0" }]);
  });

  const bad: [string, unknown, RegExp][] = [
    ["not an object", [], /top level must be an object/],
    ["no chains", { chains: [] }, /"chains" must be a non-empty array/],
    ["unknown top-level field", config({ chain: [] }), /unknown field "chain"/],
    ["missing rpc", { chains: [{ ...chain("a-1"), rpc: undefined }] }, /chains\[0\]: "rpc" must be a non-empty string/],
    ["rpc not http", { chains: [chain("a-1", { rpc: "tcp://127.0.0.1:26657" })] }, /chains\[0\]\.rpc must be an http\(s\) URL/],
    ["bad gas price", { chains: [chain("a-1", { gas_price: "cheap" })] }, /gas_price must look like "0.025ustake"/],
    ["bad prefix", { chains: [chain("a-1", { prefix: "Wasm1" })] }, /prefix must be a bech32 prefix/],
    ["mnemonic written into the config", { chains: [chain("a-1", { key: { mnemonic: "word word" } })] }, /keys must not be written into the config/],
    ["two key sources", { chains: [chain("a-1", { key: { mnemonic_env: "A", mnemonic_file: "f" } })] }, /key must be exactly one of/],
    ["env var name invalid", { chains: [chain("a-1", { key: { mnemonic_env: "my key" } })] }, /must be an environment variable name/],
    ["duplicate chain", { chains: [chain("a-1"), chain("a-1")] }, /chain "a-1" is listed twice/],
    ["link to an unknown chain", config({ mesh: [link({ consumer: "c-1" })] }), /mesh\[0\]\.consumer "c-1" is not one of the chains/],
    ["chain providing to itself", config({ mesh: [link({ consumer: "a-1" })] }), /cannot provide security to itself/],
    ["unbonding not above timeout", config({ mesh: [link({ unbonding_period_seconds: 30 })] }), /must exceed packet_timeout_seconds/],
    ["consumer chain without its unbonding period", config({ chains: [chain("a-1"), chain("b-1", { unbonding_period_seconds: undefined })] }),
      /chain "b-1" consumes security \(mesh\[0\]\): give its x\/staking unbonding_period_seconds/],
    // 120 + ⌈120 / 6⌉ + 30 = 170
    ["provider unbonding shorter than the consumer's + epoch + timeout", config({ mesh: [link({ unbonding_period_seconds: 169 })] }),
      /mesh\[0\]\.unbonding_period_seconds is 169: it must cover b-1's unbonding period \(120 s\) \+ meta-staking's batch epoch \(20 s\) \+ packet_timeout_seconds \(30 s\) = 170 s/],
    ["discount of 1", config({ mesh: [link({ discount: "1" })] }), /discount must be < 1/],
    ["reward commission of 1", config({ mesh: [link({ reward_commission: "1", reward_commission_recipient: "wasm1x" })] }), /reward_commission must be < 1/],
    ["reward commission without a recipient", config({ mesh: [link({ reward_commission: "0.05" })] }), /reward_commission needs a reward_commission_recipient/],
    ["empty commission recipient", config({ mesh: [link({ reward_commission_recipient: "" })] }), /reward_commission_recipient must be an address/],
    ["amount as a float", config({ mesh: [link({ allowance: 1.5 })] }), /"allowance" must be an integer amount/],
    ["duplicate link", config({ mesh: [link(), link()] }), /mesh link a-1->b-1 is listed twice/],
    ["unknown link field", config({ mesh: [link({ ratio: "1" })] }), /mesh\[0\]: unknown field "ratio"/],
    ["local staking not a list", config({ local_staking: { chain: "a-1" } }), /"local_staking" must be an array/],
    ["local staking on an unknown chain", config({ local_staking: [{ chain: "z-1" }] }), /local_staking\[0\]\.chain "z-1" is not one of the chains/],
    ["local staking on a chain without an ILP", config({ local_staking: [{ chain: "b-1" }] }), /local_staking\[0\]: local staking stakes ILP collateral, and "b-1" has no ILP/],
    ["local staking without the chain's unbonding period", config({ chains: [chain("a-1", { unbonding_period_seconds: undefined }), chain("b-1")], local_staking: [{ chain: "a-1" }] }),
      /local_staking\[0\]: give chain "a-1"'s x\/staking unbonding_period_seconds/],
    ["local staking max_slash of 1", config({ local_staking: [{ chain: "a-1", max_slash: "1" }] }), /local_staking\[0\]\.max_slash must be < 1/],
    ["local staking listed twice", config({ local_staking: [{ chain: "a-1" }, { chain: "a-1" }] }), /local staking on "a-1" is listed twice/],
    ["unknown local staking field", config({ local_staking: [{ chain: "a-1", validator: "x" }] }), /local_staking\[0\]: unknown field "validator"/],
  ];
  it.each(bad)("rejects %s", (_what, raw, message) => {
    expect(() => parseMeshConfig(raw, "/x")).toThrow(message);
  });

  it("reports a missing or malformed config file", () => {
    expect(() => loadMeshConfig("/nonexistent/mesh.config.json")).toThrow(/config file \/nonexistent\/mesh.config.json not found/);
    expect(() => loadMeshConfig(path.join(root, "package-lock.json"))).toThrow(/top level|unknown field/);
    expect(() => loadMeshConfig(path.join(root, "README.md"))).toThrow(/is not valid JSON/);
  });
});
