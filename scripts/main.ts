// npm start: the main job. Builds the contracts, starts a two-chain local devnet (or reuses it), deploys mesh
// security between them with the same deploy code as `npx mesh deploy` (ILP + mesh-provider on mesh-a,
// meta-staking + mesh-consumer on mesh-b, IBC connection and channel through the relayer library), and runs the
// full user flow with every step checked on chain:
//   bond → cross-stake → delegation in x/staking on mesh-b → rewards distributed by a stranger, carried over
//   ICS-20, credited and withdrawn → unstake → undelegation → unbonding period → withdraw → claim released →
//   unbond from the ILP.
// Leaves the devnet running for you to explore (stop with `npm run devnet:stop`); the deployment is recorded in
// .devnet/mesh-deployment.json, so `npx mesh status --config examples/devnet.mesh.json` shows it.
import * as path from "path";
import { compileAll } from "../src/compile/contracts";
import { DEVNET_DIR, chainConfig, ensureWasmd, formatDevnet, parseDevnetArgs, startDevnet } from "../src/wasmd";
import { deploy } from "../src/deploy/deploy";
import { devnetLink, devnetMeshConfig } from "../src/deploy/devnet";
import { RecordFile, readRecord } from "../src/deploy/record";
import { Sessions } from "../src/deploy/session";
import { crossStakeFlow } from "../src/scenario/scenarios/mesh";
import { WasmdScenarioLink, WasmdScenarioNetwork } from "../src/scenario/wasmd-backend";

async function main() {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
  console.log("1/5 building contracts");
  if (!(await compileAll({ testContracts: false }))) process.exit(1);

  console.log(`2/5 preparing wasmd and a two-chain devnet [${elapsed()}]`);
  await ensureWasmd();
  const args = parseDevnetArgs(["--chains", "2", ...process.argv.slice(2)]);
  const state = await startDevnet(args);
  console.log(formatDevnet(state));
  const [provider, consumer] = state.chains.map((c) => chainConfig(c.chainId, c.options));

  console.log(`3/5 deploying and connecting: ${provider.chainId} provides security to ${consumer.chainId} [${elapsed()}]`);
  const link = devnetLink(provider, consumer);
  const config = devnetMeshConfig([provider, consumer], [link], path.join(DEVNET_DIR, "mesh-deployment.json"), [provider.chainId]);
  // Every run deploys a fresh mesh (the previous run's light clients have expired unless a relayer kept them
  // alive); stored code is reused when its checksum still matches.
  const previous = readRecord(config.deployment);
  const record = new RecordFile(config.deployment, { version: 1, chains: Object.fromEntries(Object.entries(previous.chains).map(([id, c]) => [id, { codes: c.codes }])), links: {} });
  const sessions = new Sessions(config.chains, config.baseDir);
  const [deployed] = await deploy(config, sessions, record, { log: (l) => console.log(`  ${l}`) });
  await sessions.closeAll();
  const lr = record.link(provider.chainId, consumer.chainId);
  const net = new WasmdScenarioNetwork([provider, consumer]);
  const [p, c] = [net.chain(provider.chainId), net.chain(consumer.chainId)];
  const d = {
    unbondingPeriodSeconds: link.unbonding_period_seconds, provider: p, consumer: c, link: new WasmdScenarioLink(p, c, deployed.link),
    ilp: record.chain(provider.chainId).ilp!, meshProvider: lr.mesh_provider!, meshConsumer: lr.mesh_consumer!,
    metaStaking: record.chain(consumer.chainId).meta_staking!, channelA: deployed.channel.provider, channelB: deployed.channel.consumer,
    rewardChannels: deployed.rewardChannel,
  };
  console.log(`  ILP          ${d.ilp}\n  provider     ${d.meshProvider} (${d.channelA})\n  consumer     ${d.meshConsumer} (${d.channelB})\n  meta-staking ${d.metaStaking}`);
  const home = record.chain(provider.chainId);
  console.log(`  local-staking ${home.local_staking} (stakes ILP collateral on ${provider.chainId} through its meta-staking ${home.local_meta_staking})`);

  console.log(`4/5 cross-staking flow (the provider's unbonding period is ${link.unbonding_period_seconds}s) [${elapsed()}]`);
  await crossStakeFlow(d, {
    amount: 1_000_000n, user: "alice", rate: Number(link.rate), discount: Number(link.discount),
    unbondingPeriodSeconds: link.unbonding_period_seconds, log: (s) => console.log(s),
  });
  d.link.close();
  await net.close();
  console.log(`5/5 done: full flow verified on chain in ${elapsed()}; the devnet is still running (npm run devnet:stop)`);
}

main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
