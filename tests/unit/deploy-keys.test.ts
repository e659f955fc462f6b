// Keys come from an environment variable or a mnemonic file; the secret never appears in an error.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TEST_ACCOUNTS } from "../../src/wasmd/accounts";
import { ChainSpec } from "../../src/deploy/config";
import { describeKey, loadWallet } from "../../src/deploy/keys";

const spec = (key: ChainSpec["key"]): ChainSpec => ({ id: "a-1", rpc: "http://x", prefix: "wasm", gas_price: "1ustake", denom: "ustake", key, block_time_ms: 1000 });
const address = async (p: Promise<{ getAccounts(): Promise<readonly { address: string }[]> }>) => (await (await p).getAccounts())[0].address;

describe("deployer keys", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-keys-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("derives the key from an environment variable (cosmos HD path, like wasmd keys add)", async () => {
    const env = { MESH_KEY: `  ${TEST_ACCOUNTS.admin.mnemonic.split(" ").join("\n ")} ` };
    expect(await address(loadWallet(spec({ mnemonic_env: "MESH_KEY" }), dir, env))).toBe(TEST_ACCOUNTS.admin.address);
  });

  it("derives the key from a mnemonic file relative to the config", async () => {
    fs.writeFileSync(path.join(dir, "bob.mnemonic"), TEST_ACCOUNTS.bob.mnemonic + "\n");
    expect(await address(loadWallet(spec({ mnemonic_file: "bob.mnemonic" }), dir, {}))).toBe(TEST_ACCOUNTS.bob.address);
    expect(describeKey(spec({ mnemonic_file: "bob.mnemonic" }), dir)).toBe(`mnemonic file ${path.join(dir, "bob.mnemonic")}`);
  });

  it("uses the configured prefix", async () => {
    const s = { ...spec({ devnet_account: "alice" }), prefix: "osmo" };
    expect(await address(loadWallet(s, dir, {}))).toMatch(/^osmo1/);
  });

  it("names a missing environment variable", async () => {
    await expect(loadWallet(spec({ mnemonic_env: "MESH_KEY" }), dir, {})).rejects.toThrow(
      "key for a-1: environment variable MESH_KEY is not set (export it with the deployer's mnemonic)",
    );
  });

  it("rejects an invalid mnemonic without echoing it", async () => {
    const secret = "correct horse battery staple";
    const err = await loadWallet(spec({ mnemonic_env: "MESH_KEY" }), dir, { MESH_KEY: secret }).catch((e: Error) => e);
    expect((err as Error).message).toBe("key for a-1: the environment variable MESH_KEY does not hold a valid BIP-39 mnemonic");
    expect((err as Error).message).not.toContain("horse");
  });

  it("names an unreadable mnemonic file and an unknown devnet account", async () => {
    await expect(loadWallet(spec({ mnemonic_file: "missing.mnemonic" }), dir, {})).rejects.toThrow(`mnemonic file ${path.join(dir, "missing.mnemonic")} cannot be read`);
    await expect(loadWallet(spec({ devnet_account: "mallory" }), dir, {})).rejects.toThrow(/"mallory" is not a devnet test account/);
  });
});
