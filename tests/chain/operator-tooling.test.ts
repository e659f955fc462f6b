/**
 * The operators' CLI (src/cli, src/deploy) against real wasmd:
 *   - proposal files are exactly what `wasmd tx gov submit-proposal --generate-only` builds (byte for byte);
 *   - on a chain where only governance may store code, `mesh upload` refuses with the proposal route;
 *   - the consumer side of a mesh is deployed through passed proposals only (the gov module account sends the wasm
 *     messages and is the contracts' admin), `mesh deploy` completes the rest, a re-run skips everything, and
 *     `mesh status` reports it.
 * Uses the run's mesh-a as the provider and a governance-only chain of its own (mesh-gov, port slot 27, 6 s voting
 * period, 3 s expedited: room for the vote on a loaded machine), started here and stopped in afterAll.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fromBase64 } from "@cosmjs/encoding";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { MsgSubmitProposal } from "cosmjs-types/cosmos/gov/v1/tx";
import { execFile } from "child_process";
import { promisify } from "util";
import { REPO_ROOT, TEST_ACCOUNTS, WASMD_BIN, disconnectAll, ensureChain, isolatedChain, releaseLease, signer, stopChain } from "./helpers";
import { runCli } from "../../src/cli/main";
import { providerUnbondingPeriod } from "../../src/protocol";
import { IlpClient } from "../../src/contracts/Ilp.client";
import { MeshConsumerQueryClient } from "../../src/contracts/MeshConsumer.client";
import { MeshConsumerExecuteMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import { MeshProviderQueryClient } from "../../src/contracts/MeshProvider.client";
import { MetaStakingQueryClient } from "../../src/contracts/MetaStaking.client";
import { MetaStakingExecuteMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import { meshConsumerErrors } from "../../src/contracts/errors";
import { explainTxError } from "../../src/deploy/errors";
import { MsgSubmitProposal050, govModuleAddress, parseProposal, submitProposalMsg } from "../../src/deploy/proposal";
import { readRecord } from "../../src/deploy/record";
import { MeshStatus } from "../../src/deploy/status";

const GOV = isolatedChain("mesh-gov", 27, { uploadAccess: "governance", votingPeriodSeconds: 6 });
/** The provider chain: governance-only upload too, so the whole mesh goes through proposals. */
const A = isolatedChain("mesh-govp", 28, { uploadAccess: "governance", votingPeriodSeconds: 6 });
const gov = govModuleAddress("wasm");
const TEST_VALIDATOR = TEST_ACCOUNTS.validator.address;
const wasmd = async (args: string[]) => (await promisify(execFile)(WASMD_BIN, args)).stdout;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-operator-"));
const configFile = path.join(dir, "mesh.config.json");
const deploymentFile = path.join(dir, "mesh.deployment.json");
const started: typeof GOV[] = [];
const timings: Record<string, string> = {};
const fileStart = Date.now();

interface CliRun {
  code: number;
  out: string;
  err: string;
}

async function mesh(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...argv, "--config", configFile], { out: (l) => out.push(l), err: (l) => err.push(l), env: process.env, cwd: dir });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function ok(...argv: string[]): Promise<CliRun> {
  const t0 = Date.now();
  const r = await mesh(...argv);
  if (r.code !== 0) throw new Error(`mesh ${argv.join(" ")} exited ${r.code}\n${r.err}\n${r.out}`);
  timings[`mesh ${argv.slice(0, 2).join(" ")}`] = `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  return r;
}

beforeAll(async () => {
  const t0 = Date.now();
  // Fresh: a chain left over from an earlier run would already hold the code, and nothing would be refused.
  for (const cfg of [GOV, A]) {
    const r = await ensureChain(cfg, { fresh: true, leaseFor: process.pid });
    if (r.started) started.push(cfg);
  }
  timings["mesh-gov ready"] = `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  const chain = (cfg: typeof GOV, account: string) => ({
    id: cfg.chainId, rpc: cfg.rpcUrl, prefix: cfg.prefix, gas_price: cfg.gasPrice, denom: cfg.denom, key: { devnet_account: account }, block_time_ms: cfg.blockTimeMs,
    unbonding_period_seconds: cfg.unbondingSeconds,
  });
  fs.writeFileSync(configFile, JSON.stringify({
    // The validator holds all of each chain's voting power, so its yes vote passes the proposals.
    chains: [chain(A, "validator"), chain(GOV, "validator")],
    mesh: [{
      provider: A.chainId, consumer: GOV.chainId, unbonding_period_seconds: providerUnbondingPeriod(GOV.unbondingSeconds, 30), packet_timeout_seconds: 30,
      rate: "1", discount: "0.1", meta_staking_funds: "1000000", allowance: "500000",
    }],
    artifacts: path.join(REPO_ROOT, "artifacts"),
    deployment: deploymentFile,
  }));
}, 120_000);

afterAll(async () => {
  disconnectAll();
  releaseLease(GOV.chainId);
  releaseLease(A.chainId);
  for (const cfg of started) await stopChain(cfg);
  fs.rmSync(dir, { recursive: true, force: true });
  timings["whole file"] = `${((Date.now() - fileStart) / 1000).toFixed(1)}s`;
  process.stderr.write(`\noperator-tooling.test.ts timings:\n${Object.entries(timings).map(([k, v]) => `  ${k.padEnd(36)} ${v}`).join("\n")}\n`);
});

test("mesh upload on a governance-only chain refuses and names `mesh propose store`; so does wasmd's own rejection", async () => {
  const r = await mesh("upload", "--chain", GOV.chainId);
  expect(r.code).toBe(1);
  expect(r.err).toContain(`upload of meta-staking on ${GOV.chainId}: code upload is restricted to governance on this chain`);
  expect(r.err).toContain(`mesh propose store --chain ${GOV.chainId} --contracts meta-staking --submit`);
  // The same advice when the chain itself rejects the upload (e.g. params changed after the check).
  const v = await signer(GOV, "validator");
  const err = await v.client.upload(v.address, fs.readFileSync(path.join(REPO_ROOT, "artifacts", "ilp.wasm")), v.fee).catch((e: Error) => e);
  expect(err).toBeInstanceOf(Error);
  expect(explainTxError(err, { chainId: GOV.chainId, signer: v.address, action: "upload of ilp", contract: "ilp" }).message)
    .toContain(`restricted to governance (wasm code_upload_access). Store it with a proposal instead: mesh propose store --chain ${GOV.chainId} --contracts ilp`);
});

test("proposal files: wasmd's submit-proposal builds byte-for-byte the MsgSubmitProposal the CLI submits", async () => {
  const files = {
    store: path.join(dir, "pin-store.json"),
    instantiate: path.join(dir, "pin-instantiate.json"),
    migrate: path.join(dir, "pin-migrate.json"),
  };
  await ok("propose", "store", "--chain", GOV.chainId, "--contracts", "meta-staking,mesh-consumer",
    "--instantiate-permission", `${TEST_VALIDATOR},${TEST_ACCOUNTS.admin.address}`, "--out", files.store);
  await ok("propose", "instantiate", "--chain", GOV.chainId, "--contract", "ilp-like", "--code-id", "7", "--label", "x", "--msg", '{"denom":"ustake"}',
    "--funds", "5ustake", "--expedited", "--out", files.instantiate);
  await ok("propose", "instantiate", "--chain", GOV.chainId, "--contract", "other", "--code-id", "8", "--label", "y", "--msg", "{}", "--salt", "s1",
    "--admin", "wasm1lalku4ta35fz6shpkrxpvx6h0qugjpyxn8a22d", "--append", "--out", files.instantiate);
  await ok("propose", "execute", "--chain", GOV.chainId, "--contract", "wasm1nc5tatafv6eyq7llkr2gv50ff9e22mnf70qgjlv737ktmt4eswrqr5j2ht",
    "--msg", '{"set_allowance":{"consumer":"wasm1lalku4ta35fz6shpkrxpvx6h0qugjpyxn8a22d","amount":"5"}}', "--append", "--out", files.instantiate);
  await ok("propose", "migrate", "--chain", GOV.chainId, "--contract", "wasm1nc5tatafv6eyq7llkr2gv50ff9e22mnf70qgjlv737ktmt4eswrqr5j2ht", "--code-id", "2",
    "--msg", '{"migrate":{}}', "--deposit", "10000000ustake", "--out", files.migrate);
  const proposer = TEST_VALIDATOR;
  for (const file of Object.values(files)) {
    const generated = path.join(dir, "generated.json");
    const stdout = await wasmd(["tx", "gov", "submit-proposal", file, "--from", proposer, "--generate-only", "--chain-id", GOV.chainId,
      "--node", GOV.rpcUrl.replace(/^http/, "tcp"), "--gas", "2000000", "--fees", "10000ustake"]);
    fs.writeFileSync(generated, stdout);
    const encoded = (await wasmd(["tx", "encode", generated])).trim();
    const [wasmdMsg] = TxBody.decode(TxRaw.decode(fromBase64(encoded)).bodyBytes).messages;
    expect(wasmdMsg.typeUrl).toBe("/cosmos.gov.v1.MsgSubmitProposal");
    const ours = MsgSubmitProposal050.encode(submitProposalMsg(parseProposal(JSON.parse(fs.readFileSync(file, "utf8")), file), proposer).value).finish();
    const decode = (bytes: Uint8Array) => MsgSubmitProposal.decode(bytes).messages.map((m) => [m.typeUrl, Buffer.from(m.value).toString("base64")]);
    expect(decode(ours)).toEqual(decode(wasmdMsg.value)); // a readable diff first
    expect(Buffer.compare(Buffer.from(ours), Buffer.from(wasmdMsg.value))).toBe(0); // then the title, deposit, expedited…
  }
  const instantiate = JSON.parse(fs.readFileSync(files.instantiate, "utf8"));
  expect(instantiate.messages.map((m: { "@type": string; sender: string }) => [m["@type"], m.sender])).toEqual([
    ["/cosmwasm.wasm.v1.MsgInstantiateContract", gov], ["/cosmwasm.wasm.v1.MsgInstantiateContract2", gov], ["/cosmwasm.wasm.v1.MsgExecuteContract", gov],
  ]);
  expect(instantiate.expedited).toBe(true);
}, 60_000);

test("the whole mesh deployed and configured through passed proposals only; mesh deploy finishes it, a re-run skips everything, a cross-stake flows", async () => {
  // 1. Code, by proposal on both chains (expedited: 3 s voting period); the passed proposals' code ids are recorded.
  const store = await ok("propose", "store", "--chain", GOV.chainId, "--contracts", "meta-staking,mesh-consumer", "--expedited",
    "--out", path.join(dir, "store.json"), "--submit", "--vote", "yes", "--wait");
  expect(store.out).toMatch(/proposal \d+ passed/);
  const codes = readRecord(deploymentFile).chains[GOV.chainId].codes;
  expect(Object.keys(codes).sort()).toEqual(["mesh-consumer", "meta-staking"]);
  await ok("propose", "store", "--chain", A.chainId, "--contracts", "ilp,mesh-provider", "--expedited",
    "--out", path.join(dir, "store-provider.json"), "--submit", "--vote", "yes", "--wait");
  expect(Object.keys(readRecord(deploymentFile).chains[A.chainId].codes).sort()).toEqual(["ilp", "mesh-provider"]);

  // 2. The provider side: the ILP, then mesh-provider (which needs the ILP's address), by proposals.
  await ok("propose", "instantiate", "--chain", A.chainId, "--contract", "ilp", "--expedited", "--out", path.join(dir, "ilp.json"),
    "--submit", "--vote", "yes", "--wait");
  await ok("propose", "instantiate", "--chain", A.chainId, "--contract", "mesh-provider", "--for", GOV.chainId, "--expedited",
    "--out", path.join(dir, "provider.json"), "--submit", "--vote", "yes", "--wait");

  // 3. meta-staking, then the consumer (instantiate2: its address is known before the vote) with its allowance,
  //    all sent by the gov module account.
  const p2 = path.join(dir, "meta-staking.json");
  await ok("propose", "instantiate", "--chain", GOV.chainId, "--contract", "meta-staking", "--expedited", "--out", p2, "--submit", "--vote", "yes", "--wait");
  const metaStaking = readRecord(deploymentFile).chains[GOV.chainId].meta_staking!;
  expect(metaStaking).toMatch(/^wasm1/);
  const p3 = path.join(dir, "consumer.json");
  const init = await ok("propose", "instantiate", "--chain", GOV.chainId, "--contract", "mesh-consumer", "--salt", "mesh-consumer-1", "--expedited", "--out", p3);
  const consumer = /will be at (wasm1\w+)/.exec(init.out)![1];
  await ok("propose", "execute", "--chain", GOV.chainId, "--contract", "meta-staking", "--msg", JSON.stringify(MetaStakingExecuteMsgBuilder.setAllowance({ consumer, amount: "500000" })),
    "--append", "--out", p3);
  await ok("propose", "submit", p3, "--chain", GOV.chainId, "--vote", "yes", "--wait");
  expect(readRecord(deploymentFile).links[`${A.chainId}->${GOV.chainId}`].mesh_consumer).toBe(consumer);

  // 4. deploy: the connection; set_consumer and set_provider (then the reward channel and config) belong to
  //    governance on both chains, and deploy says how — each advice is run as written (plus --expedited --vote yes
  //    --wait) until deploy gets through.
  const lr = () => readRecord(deploymentFile).links[`${A.chainId}->${GOV.chainId}`];
  const advised: string[] = [];
  for (let round = 0; round < 5; round++) {
    const attempt = await mesh("deploy");
    if (attempt.code === 0) break;
    const advice = /mesh propose execute --chain (\S+) --contract (\S+) --msg '([^']+)'/.exec(attempt.err);
    if (!advice) throw new Error(`deploy failed without proposal advice:\n${attempt.err}`);
    const [, chainId, contract, msg] = advice;
    expect(attempt.err).toContain(`${TEST_VALIDATOR} is not the admin of ${contract} (the admin is ${gov})`);
    advised.push(`${chainId} ${Object.keys(JSON.parse(msg))[0]}`);
    await ok("propose", "execute", "--chain", chainId, "--contract", contract, "--msg", msg, "--expedited",
      "--out", path.join(dir, `advice-${round}.json`), "--submit", "--vote", "yes", "--wait");
  }
  expect(advised).toEqual([`${A.chainId} set_consumer`, `${GOV.chainId} set_provider`, `${A.chainId} set_reward_channel`, `${GOV.chainId} set_reward_config`]);
  // The transfer channel opened by the attempt that stopped for set_reward_channel was reused by the next one.
  const rewardChannel = lr().reward_channel!;
  expect(advised).toHaveLength(4);
  const connection = lr().connection!;

  // 5. deploy again: same connection, both counterparties set, channel open, validator set relayed.
  const second = await ok("deploy");
  expect(second.err).toContain(`connection ${connection.provider}/${connection.consumer} reused`);
  expect(second.err).toContain("mesh-consumer: provider already set, skipped");
  expect(second.err).toMatch(/mesh channel channel-\d+\/channel-\d+ (open|is open, skipped)/);
  expect(second.err).not.toMatch(/instantiated|stored as code|uploading/);

  // 6. Re-run: everything is skipped.
  const third = await ok("deploy");
  expect(third.err).toMatch(/mesh channel .* is open, skipped/);
  expect(third.err).toContain("mesh-consumer: reward config already set, skipped");
  expect(lr().reward_channel).toEqual(rewardChannel);
  expect(third.err).not.toMatch(/instantiated|stored as code|uploading|set to|opening/);

  // 7. status: codes match the artifacts, governance is the consumer side's admin, channel open, validators in sync.
  const st = JSON.parse((await ok("status", "--json")).out) as MeshStatus;
  const govChain = st.chains.find((c) => c.chainId === GOV.chainId)!;
  expect(govChain.codes.every((c) => c.matches)).toBe(true);
  expect(govChain.contracts.map((c) => [c.name, c.admin])).toEqual([["meta-staking", gov], [`mesh-consumer for ${A.chainId}`, gov]]);
  const providerChain = st.chains.find((c) => c.chainId === A.chainId)!;
  expect(providerChain.codes.every((c) => c.matches)).toBe(true);
  expect(providerChain.contracts.map((c) => c.admin)).toEqual([gov, gov]);
  const link = st.links[0];
  expect(link.channel?.state).toBe("open");
  expect(link.validators).toMatchObject({ consumerBonded: 1, knownByProvider: 1, inSync: true });
  expect(link.pendingPackets).toEqual({ toConsumer: 0, toProvider: 0 });
  expect(link.allowance).toBe("500000");
  const v = await signer(GOV, "validator");
  expect((await new MeshConsumerQueryClient(v.client, consumer).config()).admin).toBe(gov);

  // 8. The mesh works: a cross-stake from mesh-a lands as a delegation of the governance-deployed meta-staking.
  const alice = await signer(A, "alice");
  const ilp = readRecord(deploymentFile).chains[A.chainId].ilp!;
  const provider = lr().mesh_provider!;
  const providerAsAlice = new MeshProviderQueryClient(alice.client, provider);
  const validator = (await providerAsAlice.validators()).validators[0];
  const ilpAsAlice = new IlpClient(alice.client, alice.address, ilp);
  await ilpAsAlice.bond("auto", undefined, [{ denom: A.denom, amount: "1000" }]);
  await ilpAsAlice.grantClaim({ lienholder: provider, amount: "1000", validator }, "auto");
  await ok("relay", "--once");
  const staked = await providerAsAlice.stake({ owner: alice.address, validator });
  expect(staked).toMatchObject({ staked: "1000", pending_stake: "0" });
  // rate 1, discount 0.1: 900 delegated by meta-staking.
  expect(await new MetaStakingQueryClient(v.client, metaStaking).validator({ validator })).toMatchObject({ delegated: "900", on_chain: "900" });
  // The crank runs the permissionless calls on the consumer chain (nothing due here, no slash to send).
  const cranked = await ok("crank", "--once");
  expect(cranked.err).toContain(`${GOV.chainId} meta-staking process_unbonding: 0 batch(es) undelegated`);
  expect(cranked.err).not.toContain("check_validator");
  // …and distributes the governance-deployed consumer's rewards (900 delegated earn a whole unit only after a few
  // dozen blocks: either outcome shows the call went through; tests/chain/cross-stake.test.ts follows the tokens).
  expect(cranked.err).toMatch(new RegExp(`${GOV.chainId} ${consumer} distribute_rewards: (nothing to distribute|\\d+:\\d+ustake)`));
  // …and re-values it at the fixed rate: nothing to move (900 is what 1000 × 1 × 0.9 is worth).
  expect(cranked.err).toContain(`${GOV.chainId} ${consumer} revalue: price 1, factor 1, 1 validator(s), +0 -0`);

  // 9. A proposal whose message fails is reported with the chain's reason (the contract's error).
  const failed = await mesh("propose", "execute", "--chain", GOV.chainId, "--contract", "mesh-consumer", "--for", A.chainId, "--expedited",
    "--msg", JSON.stringify(MeshConsumerExecuteMsgBuilder.updateConversion({ rate: "0", discount: "0" })), "--out", path.join(dir, "bad.json"), "--submit", "--vote", "yes", "--wait");
  expect(failed.code).toBe(1);
  expect(failed.err).toMatch(new RegExp(`mesh propose: proposal \\d+ on mesh-gov failed: .*${meshConsumerErrors.invalidRate}: must be greater than zero`));
}, 300_000);
