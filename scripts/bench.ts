// npm run bench: prints what the contracts cost.
//   1. wasm size of every artifact
//   2. contract executions per second on the in-process host
//   3. gas per operation on real wasmd nodes: the ILP alone, then every step of cross-staking between two chains
//      (user transactions, and the relayer transactions in which the contracts' IBC entry points run), and the
//      time and blocks from a cross-stake to the delegation on the consumer chain
//   4. gas of the safety paths on real nodes: governance close on either side (1 and 50 stakers) and the relayer's
//      close-confirm, meta-staking's undelegation crank (1 and 20 queued unstakes), slash_claim with 8 lienholders
//      one of which burns all its gas (src/scenario/flows/safety-gas.ts; ~3 minutes, mostly undelegation epochs)
//   5. gas of slashing through the mesh from real downtime slashes: the provider's slash packet with 10, 100 and 1 000
//      stakers (the O(1) ratio), the consumer's check and ack, settling an owner after 1 and after 20 events
//      (src/scenario/flows/slash-gas.ts; ~30 minutes: every further event waits out the 60 s downtime jail)
//   6. gas of rewards through the mesh: distribute_rewards, the provider's transfer receive with the destination
//      callback and the consumer's ack with the source callback, for stake on 1, 10 and 30 validators; withdraw_rewards
//      after 1 and after 100 distributions (src/scenario/flows/rewards-gas.ts; ~10 minutes)
//   7. gas of the consumer-side economics (docs/economics.md): one page of the permissionless revalue crank after a
//      price rise (delegations) and a fall (undelegations), power rules off and on, for stake on 1, 10 and 30
//      validators; a feeder's submit_price with 3 and 20 feeders; the consumer's stake-packet receive today and with
//      the price feed and power rules on (src/scenario/flows/economics-gas.ts; ~1.5 minutes)
//   8. gas of local staking (docs/local-staking.md) beside the remote equivalents: stake, unstake, withdraw, rewards
//      (collect and withdraw) on the provider chain's own validator vs. through the mesh
//      (src/scenario/flows/local-staking-gas.ts; ~2.5 minutes, mostly the unbonding periods)
// `--host-only` stops after 2; `--safety-only` runs 1 and 4; `--slash-only` runs 1 and 5 (`--slash-events K` for
// fewer events); `--rewards-only` runs 1 and 6 (`--reward-rounds K` for fewer distributions); `--economics-only` runs
// 1 and 7; `--local-only` runs 1 and 8. Real chains: the devnet's mesh-a and mesh-b, reused if running, else started and stopped again; slashing,
// rewards and economics each use a fresh consumer chain of their own (mesh-slash-bench, mesh-rewards-bench,
// mesh-economics-bench), stopped afterwards.
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { chainConfig, connectSigner, ensureChain, stopChain } from "../src/wasmd";
import { runIlpFlow } from "../src/scenario/flows/ilp-flow";
import { currentHeight, relayerTxGas, RelayTxGas } from "../src/scenario/flows/gas";
import { measureSafetyGas, SafetyGas } from "../src/scenario/flows/safety-gas";
import { measureSlashGas } from "../src/scenario/flows/slash-gas";
import { measureRewardsGas } from "../src/scenario/flows/rewards-gas";
import { measureEconomicsGas } from "../src/scenario/flows/economics-gas";
import { measureLocalStakingGas } from "../src/scenario/flows/local-staking-gas";
import { Chain } from "../src/host";
import { artifact, meshCodes, testContract } from "../src/compile/artifacts";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../src/contracts/Ilp.message-builder";
import type * as Ilp from "../src/contracts/Ilp.types";
import { crossStakeFlow, deployMesh } from "../src/scenario/scenarios/mesh";
import { WasmdScenarioNetwork } from "../src/scenario/wasmd-backend";

const root = path.resolve(__dirname, "..");

function benchSizes(): void {
  console.log("wasm sizes (artifacts/)");
  for (const file of readdirSync(path.join(root, "artifacts")).filter((f) => f.endsWith(".wasm")).sort()) {
    const bytes = readFileSync(path.join(root, "artifacts", file)).length;
    console.log(`  ${file.padEnd(24)} ${bytes.toString().padStart(8)} bytes  ${(bytes / 1024).toFixed(1)} KiB`);
  }
}

/** Contract executions per second on the in-process host (compiled ILP, fresh instance per call). */
function benchHost(): void {
  const chain = new Chain({ chainId: "bench", prefix: "wasm", bondDenom: "ustake" });
  const users = Array.from({ length: 100 }, (_, i) => chain.addr(`user${i}`));
  for (const u of users) chain.fund(u, [{ denom: "ustake", amount: "1000000000" }]);
  const ilp = chain.instantiate(users[0], chain.storeCode(artifact("ilp")), { denom: "ustake" } satisfies Ilp.InstantiateMsg, { label: "ilp" }).address!;
  const rounds = 3000;
  const before = chain.stats.calls;
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    const u = users[i % users.length];
    const res = chain.execute(u, ilp, IlpExecuteMsgBuilder.bond(), [{ denom: "ustake", amount: "10" }]);
    if (!res.ok) throw new Error(res.error);
    chain.query(ilp, IlpQueryMsgBuilder.account({ address: u }));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const calls = chain.stats.calls - before;
  console.log(`\nin-process host: ${calls} contract calls (bond + account query) in ${seconds.toFixed(2)}s = ${Math.round(calls / seconds)} calls/s`);
}

function row(label: string, gas: number | string): void {
  console.log(`  ${label.padEnd(58)} ${String(gas).padStart(9)}`);
}

/** One row per measured path, one column per case (e.g. 1 vs 50 stakers). */
function printSafetyTable(t: SafetyGas): void {
  for (const { label, gas } of t.rows) {
    const cells = Object.entries(gas).map(([column, g]) => `${column}: ${g}`).join("   ");
    console.log(`  ${label.padEnd(58)} ${cells}`);
  }
}

async function benchSafety(a: ReturnType<typeof chainConfig>, b: ReturnType<typeof chainConfig>): Promise<void> {
  console.log(`\ncross-staking safety gas on real wasmd nodes (${a.chainId} provides to ${b.chainId})`);
  const t0 = Date.now();
  const table = await measureSafetyGas(a, b, (line) => console.log(line));
  printSafetyTable(table);
  console.log(`  (measured in ${((Date.now() - t0) / 1000).toFixed(0)}s)`);
}

function flagValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function benchSlashing(a: ReturnType<typeof chainConfig>): Promise<void> {
  const events = Number(flagValue("--slash-events") ?? 20);
  if (!Number.isInteger(events) || events < 1) throw new Error(`--slash-events must be a positive integer`);
  const c = chainConfig("mesh-slash-bench", { index: 19, validators: 2 });
  console.log(`\nslashing gas on real wasmd nodes (${a.chainId} provides to ${c.chainId}; real downtime slashes of 1%)`);
  const t0 = Date.now();
  await ensureChain(c, { fresh: true });
  try {
    const t = await measureSlashGas(a, c, { events, log: (line) => console.log(line) });
    for (const { label, gas } of t.byStakers) {
      console.log(`  ${label.padEnd(66)} ${Object.entries(gas).map(([n, g]) => `N=${n}: ${g}`).join("   ")}`);
    }
    console.log(`  slash packet receive, gas(N=1000) / gas(N=10): ${t.receiveRatio.toFixed(3)} (O(1): no loop over stakers)`);
    for (const { label, gas } of t.settle) row(label, gas);
    console.log("  (the prior art's provider walks every staker of the validator on a slash: its gas grows linearly with N)");
  } finally {
    await stopChain(c);
  }
  console.log(`  (measured in ${((Date.now() - t0) / 1000).toFixed(0)}s)`);
}

/** Validators without a node must stay bonded for the whole bench: a liveness window of ~6 hours of blocks. */
const LONG_LIVENESS = { signedBlocksWindow: 100_000, minSignedPerWindow: "0.05" };

async function benchRewards(a: ReturnType<typeof chainConfig>): Promise<void> {
  const rounds = Number(flagValue("--reward-rounds") ?? 100);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--reward-rounds must be a positive integer`);
  const c = chainConfig("mesh-rewards-bench", { index: 18, slashing: LONG_LIVENESS });
  console.log(`\nrewards gas on real wasmd nodes (${a.chainId} provides to ${c.chainId}; inflation and validator reward pools)`);
  const t0 = Date.now();
  await ensureChain(c, { fresh: true });
  try {
    const t = await measureRewardsGas(a, c, { rounds, log: (line) => console.log(line) });
    for (const { label, gas } of t.byValidators) {
      console.log(`  ${label.padEnd(66)} ${Object.entries(gas).map(([n, g]) => `${n} val: ${g}`).join("   ")}`);
    }
    for (const { label, gas } of t.withdraw) row(label, gas);
    console.log(`  withdraw_rewards, gas(after ${t.rounds}) / gas(after 1): ${t.withdrawRatio.toFixed(3)} (O(1) in the number of distributions)`);
  } finally {
    await stopChain(c);
  }
  console.log(`  (measured in ${((Date.now() - t0) / 1000).toFixed(0)}s)`);
}

async function benchEconomics(a: ReturnType<typeof chainConfig>): Promise<void> {
  const c = chainConfig("mesh-economics-bench", { index: 17, slashing: LONG_LIVENESS });
  console.log(`\neconomics gas on real wasmd nodes (${a.chainId} provides to ${c.chainId}; price feed, power rules)`);
  const t0 = Date.now();
  await ensureChain(c, { fresh: true });
  try {
    const t = await measureEconomicsGas(a, c, { log: (line) => console.log(line) });
    const cells = (gas: Record<number, number>, unit: string) => Object.entries(gas).map(([n, g]) => `${n} ${unit}: ${g}`).join("   ");
    for (const { label, gas } of t.revalue) {
      const ns = Object.keys(gas).map(Number).sort((x, y) => x - y);
      const [lo, hi] = [ns[0], ns[ns.length - 1]];
      const perValidator = hi > lo ? `   (+${Math.round((gas[hi] - gas[lo]) / (hi - lo))}/validator)` : "";
      console.log(`  ${label.padEnd(66)} ${cells(gas, "val")}${perValidator}`);
    }
    console.log(`  (power rules: max_power_share ${t.powerRules.maxPowerShare}, min_local_share ${t.powerRules.minLocalShare}; one page = up to 30 validators)`);
    for (const { label, gas } of t.submitPrice) console.log(`  ${label.padEnd(66)} ${cells(gas, "feeders")}`);
    for (const { label, gas } of t.stakeReceive) console.log(`  ${label.padEnd(66)} ${cells(gas, "val")}`);
    const ratios = Object.entries(t.stakeOverhead).map(([n, r]) => `${n} val: ${r.toFixed(3)}`).join("   ");
    console.log(`  stake MsgRecvPacket, gas(price feed + power rules) / gas(today): ${ratios}`);
  } finally {
    await stopChain(c);
  }
  console.log(`  (measured in ${((Date.now() - t0) / 1000).toFixed(0)}s)`);
}

async function benchLocalStaking(a: ReturnType<typeof chainConfig>, b: ReturnType<typeof chainConfig>): Promise<void> {
  console.log(`\nlocal staking gas on real wasmd nodes: ${a.chainId}'s own validator beside ${a.chainId} → ${b.chainId}`);
  const t0 = Date.now();
  const rows = await measureLocalStakingGas(a, b, (line) => console.log(line));
  console.log(`  ${"".padEnd(66)} ${"local".padStart(9)}   remote (user / relayer / stranger)`);
  for (const r of rows) {
    const remote = [r.remote.user, r.remote.relayer, r.remote.stranger].map((g) => (g === undefined ? "-" : String(g))).join(" / ");
    console.log(`  ${r.label.padEnd(66)} ${String(r.local ?? "-").padStart(9)}   ${remote}`);
  }
  console.log(`  (measured in ${((Date.now() - t0) / 1000).toFixed(0)}s)`);
}

async function benchChains(only: "safety" | "slash" | "rewards" | "economics" | "local" | undefined): Promise<void> {
  const a = chainConfig("mesh-a");
  const b = chainConfig("mesh-b");
  const started = (await ensureChain(a)).startedNodes.map(() => a);
  if (only !== "slash" && only !== "rewards" && only !== "economics") started.push(...(await ensureChain(b)).startedNodes.map(() => b));
  try {
    if (only === "safety") {
      await benchSafety(a, b);
      return;
    }
    if (only === "slash") {
      await benchSlashing(a);
      return;
    }
    if (only === "rewards") {
      await benchRewards(a);
      return;
    }
    if (only === "economics") {
      await benchEconomics(a);
      return;
    }
    if (only === "local") {
      await benchLocalStaking(a, b);
      return;
    }
    console.log(`\nILP gas on a real wasmd node (${a.chainId}, wasmd v0.54.9)`);
    await runIlpFlow({
      cfg: a, admin: await connectSigner(a, "admin"), user: await connectSigner(a, "alice"),
      ilpWasm: artifact("ilp"), lienholderWasm: testContract("test-lienholder"),
      log: (line) => console.log(line),
    });

    console.log(`\ncross-staking gas: ${a.chainId} provides to ${b.chainId}`);
    const net = new WasmdScenarioNetwork([a, b]);
    const packetTimeoutSeconds = 30;
    const d = await deployMesh(net, a.chainId, b.chainId, meshCodes(), {
      consumerUnbondingSeconds: b.unbondingSeconds, packetTimeoutSeconds, rate: "1", discount: "0.1", metaStakingFunds: 10_000_000n, allowance: 5_000_000n,
    });
    // Record the relayer's transactions of every relay round, and time the stake → delegation round trip.
    const relayRounds: { label: string; txs: RelayTxGas[]; seconds: number; blocksB: number }[] = [];
    const relayAll = d.link.relayAll.bind(d.link);
    let round = 0;
    d.link.relayAll = async () => {
      const [ha, hb, t0] = [await currentHeight(a), await currentHeight(b), Date.now()];
      const stats = await relayAll();
      const seconds = (Date.now() - t0) / 1000;
      const hb2 = await currentHeight(b);
      const txs = [...(await relayerTxGas(a, ha)), ...(await relayerTxGas(b, hb))];
      relayRounds.push({ label: ["stake", "unstake"][round++] ?? `relay ${round}`, txs, seconds, blocksB: hb2 - hb });
      return stats;
    };
    const userTxs: { label: string; gas?: number }[] = [];
    await crossStakeFlow(d, {
      amount: 1_000_000n, user: "carol", rate: 1, discount: 0.1, unbondingPeriodSeconds: d.unbondingPeriodSeconds,
      onTx: (label, outcome) => userTxs.push({ label, gas: outcome.ok ? outcome.gasUsed : undefined }),
    });
    await net.close();

    console.log("  user transactions on the provider chain");
    for (const t of userTxs) row(t.label, t.gas ?? "failed");
    for (const r of relayRounds) {
      console.log(`  relayer transactions for the ${r.label} packet (${r.seconds.toFixed(1)}s, ${r.blocksB} blocks on ${b.chainId})`);
      for (const tx of r.txs) row(`${tx.chainId}: ${tx.messages.join(" + ")}`, tx.gasUsed);
    }
    const stake = relayRounds[0];
    if (stake) console.log(`\ncross-stake → delegation on ${b.chainId}: ${stake.seconds.toFixed(1)}s, ${stake.blocksB} blocks (packet and ack relayed)`);
    await benchSafety(a, b);
    await benchSlashing(a);
    await benchRewards(a);
    await benchEconomics(a);
    await benchLocalStaking(a, b);
  } finally {
    for (const cfg of new Set(started)) await stopChain(cfg);
  }
}

async function main() {
  benchSizes();
  const only = process.argv.includes("--safety-only") ? "safety" : process.argv.includes("--slash-only") ? "slash"
    : process.argv.includes("--rewards-only") ? "rewards" : process.argv.includes("--economics-only") ? "economics"
      : process.argv.includes("--local-only") ? "local" : undefined;
  if (!only) benchHost();
  if (!process.argv.includes("--host-only")) await benchChains(only);
}

main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
