// npm start: the main job. Builds the contracts, starts a two-chain local devnet (or reuses it), deploys mesh
// security between them (ILP + mesh-provider on mesh-a, meta-staking + mesh-consumer on mesh-b), connects them
// through the relayer, and runs the full user flow with every step checked on chain:
//   bond → cross-stake → delegation in x/staking on mesh-b → unstake → undelegation → unbonding period →
//   withdraw → claim released → unbond from the ILP.
// Leaves the devnet running for you to explore (stop with `npm run devnet:stop`).
import { compileAll } from "../src/compile/contracts";
import { chainConfig, ensureWasmd, formatDevnet, parseDevnetArgs, startDevnet } from "../src/wasmd";
import { meshCodes } from "../src/compile/artifacts";
import { crossStakeFlow, deployMesh } from "../src/scenario/scenarios/mesh";
import { WasmdScenarioNetwork } from "../src/scenario/wasmd-backend";


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
  const net = new WasmdScenarioNetwork([provider, consumer]);
  const packetTimeoutSeconds = 30;
  const d = await deployMesh(net, provider.chainId, consumer.chainId, meshCodes(), {
    consumerUnbondingSeconds: consumer.unbondingSeconds, packetTimeoutSeconds, rate: "1", discount: "0.1", metaStakingFunds: 10_000_000n, allowance: 5_000_000n,
  });
  console.log(`  ILP          ${d.ilp}\n  provider     ${d.meshProvider} (${d.channelA})\n  consumer     ${d.meshConsumer} (${d.channelB})\n  meta-staking ${d.metaStaking}`);

  console.log(`4/5 cross-staking flow (the provider's unbonding period is ${d.unbondingPeriodSeconds}s) [${elapsed()}]`);
  await crossStakeFlow(d, {
    amount: 1_000_000n, user: "alice", rate: 1, discount: 0.1, unbondingPeriodSeconds: d.unbondingPeriodSeconds, log: (s) => console.log(s),
  });
  await net.close();
  console.log(`5/5 done: full flow verified on chain in ${elapsed()}; the devnet is still running (npm run devnet:stop)`);
}

main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
