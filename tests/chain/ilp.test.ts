// The ILP on a real wasmd node through CosmJS: every artifact uploads (the chain's own validation), and the flow
// bond → grant → refused unbond → release → slash → unbond works with balances checked on chain.
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { runIlpFlow } from "../../src/scenario/flows/ilp-flow";
import { IlpClient } from "../../src/contracts/Ilp.client";
import { fundedStakers } from "../../src/scenario/flows/stakers";
import { artifact, testContract } from "../helpers/artifacts";
import { disconnectAll, signer, testChain } from "./helpers";

const root = path.resolve(__dirname, "..", "..");
const cfg = testChain("mesh-a");

afterAll(() => disconnectAll());

it("uploads every artifact, and instantiating runs the contract (no start section, imports link)", async () => {
  const admin = await signer(cfg, "admin");
  const files = readdirSync(path.join(root, "artifacts")).filter((f) => f.endsWith(".wasm"));
  expect(files.sort()).toEqual(["ilp.wasm", "local-staking.wasm", "mesh-consumer.wasm", "mesh-provider.wasm", "meta-staking.wasm", "price-feed.wasm"]);
  for (const file of files) {
    const res = await admin.client.upload(admin.address, readFileSync(path.join(root, "artifacts", file)), admin.fee);
    expect(res.codeId).toBeGreaterThan(0);
  }
});

it("runs the ILP flow with on-chain checks and reports gas", async () => {
  const admin = await signer(cfg, "admin");
  const user = await signer(cfg, "alice");
  const result = await runIlpFlow({
    cfg, admin, user,
    ilpWasm: artifact("ilp"),
    lienholderWasm: testContract("test-lienholder"),
  });
  expect(result.unbondBeyondFreeError).toContain(
    "Insufficient free collateral: cannot unbond 400001, only 400000 of 1000000 bonded is free (the largest claim holds 600000)");
  for (const step of ["bond 1000000", "grant_claim 600000", "release_claim 100000", "slash_claim 50000", "unbond 500000"]) {
    expect(result.gas.find((g) => g.step === step)?.gasUsed).toBeGreaterThan(0);
  }

  // Malformed input and wrong funds are clear contract errors on chain too, and change nothing.
  const before = await user.client.getBalance(result.ilp, cfg.denom);
  const asUser = new IlpClient(user.client, user.address, result.ilp);
  await expect(user.client.execute(user.address, result.ilp, { bond: { x: 1 } }, user.fee, undefined, [{ denom: cfg.denom, amount: "5" }]))
    .rejects.toThrow("bond.x: unknown field");
  await expect(asUser.bond(user.fee, undefined, [{ denom: cfg.extraDenom, amount: "5" }]))
    .rejects.toThrow(`Must send '${cfg.denom}' to this message, got '${cfg.extraDenom}'`);
  await expect(asUser.unbond({ amount: "00" }, user.fee))
    .rejects.toThrow('invalid unbond.amount: expected a decimal string, got "00"');
  expect(await user.client.getBalance(result.ilp, cfg.denom)).toEqual(before);
});

it("all_accounts pages stay within the node's query gas limit with the most lienholders per account", async () => {
  // Each account's settled view asks each of its lienholders (a smart query each); 8 per account made a page of 10
  // run out of wasmd's 3 000 000 query gas. Pages now end after 24 such questions.
  const admin = await signer(cfg, "admin");
  const upload = async (wasm: Uint8Array) => (await admin.client.upload(admin.address, wasm, admin.fee)).codeId;
  const ilp = (await admin.client.instantiate(admin.address, await upload(artifact("ilp")), { denom: cfg.denom }, "ilp pages", admin.fee)).contractAddress;
  const lienCode = await upload(testContract("test-lienholder"));
  const lienholders: string[] = [];
  for (let i = 0; i < 8; i++) lienholders.push((await admin.client.instantiate(admin.address, lienCode, { ilp }, `lienholder ${i}`, admin.fee)).contractAddress);
  const holders = await fundedStakers(cfg, admin, 10, 1_000_000n);
  await Promise.all(holders.addresses.map((owner) => holders.client.executeMultiple(owner, [
    { contractAddress: ilp, msg: { bond: {} }, funds: [{ denom: cfg.denom, amount: "1000" }] },
    ...lienholders.map((lienholder) => ({ contractAddress: ilp, msg: { grant_claim: { lienholder, amount: "100", validator: "v" } } })),
  ], "auto")));
  const seen: string[] = [];
  let startAfter: string | null = null;
  do {
    const page: { accounts: { address: string; claims: unknown[] }[]; next_start_after: string | null } =
      await admin.client.queryContractSmart(ilp, { all_accounts: { start_after: startAfter, limit: 30 } });
    expect(page.accounts.length).toBeGreaterThan(0);
    for (const a of page.accounts) expect(a.claims).toHaveLength(8);
    seen.push(...page.accounts.map((a) => a.address));
    startAfter = page.next_start_after;
  } while (startAfter !== null);
  expect(seen).toEqual([...holders.addresses].sort());
});
