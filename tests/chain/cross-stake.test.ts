// End to end on two real chains through the relayer: ILP + mesh-provider on mesh-a, meta-staking + mesh-consumer on
// mesh-b. bond → cross-stake → delegation in x/staking on mesh-b → the chain's inflation rewards distributed by a
// stranger, carried over ICS-20 (destination callback on mesh-a, source callback on mesh-b) and withdrawn by the
// staker → unstake → undelegation → wait the provider's unbonding period → withdraw → claim released → unbond.
import { WasmdScenarioNetwork } from "../../src/scenario/wasmd-backend";
import { HostScenarioNetwork } from "../../src/scenario/host-backend";
import { crossStakeFlow, deployMesh } from "../../src/scenario/scenarios/mesh";
import { meshCodes } from "../helpers/artifacts";
import { testChain } from "./helpers";

const codes = meshCodes();

const net = new WasmdScenarioNetwork([testChain("mesh-a"), testChain("mesh-b")]);
afterAll(() => net.close());

jest.setTimeout(600_000);

it("cross-stakes from mesh-a to mesh-b and back, releasing the claim after the unbonding period", async () => {
  const consumerUnbonding = testChain("mesh-b").unbondingSeconds;
  const packetTimeout = 30;
  const started = Date.now();
  const d = await deployMesh(net, "mesh-a", "mesh-b", codes, {
    consumerUnbondingSeconds: consumerUnbonding, packetTimeoutSeconds: packetTimeout, rate: "1", discount: "0.1",
    metaStakingFunds: 10_000_000n, allowance: 5_000_000n, rewards: {},
  });
  process.stderr.write(`mesh deployed and connected (${d.channelA} <-> ${d.channelB}) in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  const report = await crossStakeFlow(d, {
    amount: 1_000_000n, user: "bob", rate: 1, discount: 0.1, unbondingPeriodSeconds: d.unbondingPeriodSeconds,
    log: (s) => process.stderr.write(`${s}\n`),
  });
  expect(report.delegatedOnConsumer).toBe(900_000n);
  expect(report.steps).toHaveLength(7);
  expect(report.steps[3]).toMatch(/^rewards: [1-9]\d* ustake claimed on mesh-b by carol, [1-9]\d* credited on mesh-a, [1-9]\d* ibc\/[0-9A-F]{8}… withdrawn by bob$/);

  // Differential: the same scenario in-process must tell the same story (validator addresses aside).
  const host = new HostScenarioNetwork(["mesh-a", "mesh-b"], { unbondingSeconds: consumerUnbonding });
  host.chain("mesh-b").host.setBlockReward(host.chain("mesh-b").host.valoper("validator"), 500n);
  const hd = await deployMesh(host, "mesh-a", "mesh-b", codes, {
    consumerUnbondingSeconds: consumerUnbonding, packetTimeoutSeconds: packetTimeout, rate: "1", discount: "0.1",
    metaStakingFunds: 10_000_000n, allowance: 5_000_000n, rewards: {},
  });
  const hostReport = await crossStakeFlow(hd, { amount: 1_000_000n, user: "bob", rate: 1, discount: 0.1, unbondingPeriodSeconds: hd.unbondingPeriodSeconds });
  // Reward amounts follow each chain's inflation and the voucher its channel id: only their shape is compared.
  const shape = (step: string) => step.startsWith("rewards:") ? step.replace(/\b\d+\b/g, "N").replace(/ibc\/[0-9A-F]+/, "ibc/H").replace(/ (u?stake) /, " D ") : step;
  const anonymous = (r: typeof report) => ({ ...r, validator: "<validator>", steps: r.steps.map((x) => shape(x.split(r.validator).join("<validator>"))) });
  expect(anonymous(hostReport)).toEqual(anonymous(report));
});
