// The ILP flow on a real chain through CosmJS: upload, instantiate, bond, grant a claim to a lienholder, release,
// slash, unbond within and beyond the free amount. Every step is checked against on-chain state (balances and
// queries) and its gas is recorded, so the devnet demo, the benchmark and the real-chain test share one flow.
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { ChainConfig, ConnectedSigner } from "../../wasmd";
import { IlpClient } from "../../contracts/Ilp.client";
import type * as Ilp from "../../contracts/Ilp.types";

export interface StepGas {
  step: string;
  gasUsed: number;
  gasWanted: number;
}

export interface IlpFlowResult {
  ilp: string;
  lienholder: string;
  codeIds: Record<string, number>;
  gas: StepGas[];
  unbondBeyondFreeError: string;
}

export interface IlpFlowInput {
  cfg: ChainConfig;
  admin: ConnectedSigner;
  user: ConnectedSigner;
  ilpWasm: Uint8Array;
  lienholderWasm: Uint8Array;
  log?: (line: string) => void;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`ILP flow check failed: ${what}`);
}

async function balance(client: SigningCosmWasmClient, address: string, denom: string): Promise<bigint> {
  return BigInt((await client.getBalance(address, denom)).amount);
}

export async function runIlpFlow(input: IlpFlowInput): Promise<IlpFlowResult> {
  const { cfg, admin, user } = input;
  const log = input.log ?? (() => undefined);
  const denom = cfg.denom;
  const gas: StepGas[] = [];
  const record = (step: string, res: { gasUsed: bigint; gasWanted: bigint }) => {
    gas.push({ step, gasUsed: Number(res.gasUsed), gasWanted: Number(res.gasWanted) });
    log(`  ${step.padEnd(28)} gas ${res.gasUsed}`);
  };

  const ilpUpload = await admin.client.upload(admin.address, input.ilpWasm, admin.fee, "mesh-security ilp");
  record("store ilp", ilpUpload);
  const lienUpload = await admin.client.upload(admin.address, input.lienholderWasm, admin.fee, "test lienholder");
  record("store test-lienholder", lienUpload);

  const ilpInstantiate: Ilp.InstantiateMsg = { denom };
  const ilpInit = await admin.client.instantiate(admin.address, ilpUpload.codeId, ilpInstantiate, "mesh ilp", admin.fee, { admin: admin.address });
  record("instantiate ilp", ilpInit);
  const ilp = ilpInit.contractAddress;
  const lienInit = await admin.client.instantiate(admin.address, lienUpload.codeId, { ilp }, "test lienholder", admin.fee);
  record("instantiate lienholder", lienInit);
  const lienholder = lienInit.contractAddress;

  // The user's own transactions and queries go through the generated client, with the signer's fee.
  const asUser = new IlpClient(user.client, user.address, ilp);
  const account = (): Promise<Ilp.AccountResponse> => asUser.account({ address: user.address });

  const start = await balance(user.client, user.address, denom);
  record("bond 1000000", await asUser.bond(user.fee, undefined, [{ denom, amount: "1000000" }]));
  check((await balance(user.client, ilp, denom)) === 1000000n, "the ILP holds the bonded tokens");
  check((await balance(user.client, user.address, denom)) < start - 1000000n + 1n, "the user paid the bond");

  record("grant_claim 600000", await asUser.grantClaim({ lienholder, amount: "600000", validator: "valoper-demo" }, user.fee));
  const held = await user.client.queryContractSmart(lienholder, { held: { owner: user.address } });
  check(held.amount === "600000" && held.validator === "valoper-demo", "the lienholder received the claim");
  check((await account()).free === "400000", "free = bonded − max(claims)");

  let unbondBeyondFreeError = "";
  try {
    await asUser.unbond({ amount: "400001" }, user.fee);
  } catch (e) {
    unbondBeyondFreeError = (e as Error).message;
  }
  check(unbondBeyondFreeError.includes("Insufficient free collateral: cannot unbond 400001, only 400000"),
    `unbond beyond the free amount is refused with a clear error (got: ${unbondBeyondFreeError || "success"})`);

  record("release_claim 100000", await admin.client.execute(admin.address, lienholder, { release: { owner: user.address, amount: "100000" } }, admin.fee));
  check((await account()).max_claim === "500000", "release reduced the claim");

  record("slash_claim 50000", await admin.client.execute(admin.address, lienholder, { slash: { owner: user.address, amount: "50000" } }, admin.fee));
  const afterSlash = await account();
  check(afterSlash.bonded === "950000" && afterSlash.max_claim === "450000", "slash cut bonded and the claim");
  check((await balance(user.client, ilp, denom)) === 950000n, "slashed tokens left the ILP (burned)");

  const beforeUnbond = await balance(user.client, user.address, denom);
  const unbond = await asUser.unbond({ amount: "500000" }, user.fee);
  record("unbond 500000", unbond);
  const fee = BigInt(Math.ceil(Number(unbond.gasWanted) * Number(user.gasPrice.amount.toString())));
  const afterUnbond = await balance(user.client, user.address, denom);
  check(afterUnbond + fee >= beforeUnbond + 500000n && afterUnbond <= beforeUnbond + 500000n, "unbond paid out the tokens");
  const final = await account();
  check(final.bonded === "450000" && final.free === "0", "unbond left exactly the claimed collateral");
  check((await balance(user.client, ilp, denom)) === 450000n, "the ILP balance equals Σ bonded");

  return {
    ilp, lienholder, gas, unbondBeyondFreeError,
    codeIds: { ilp: ilpUpload.codeId, "test-lienholder": lienUpload.codeId },
  };
}
