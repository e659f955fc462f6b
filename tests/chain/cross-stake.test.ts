// End to end on two real chains through the relayer: ILP + mesh-provider on mesh-a, meta-staking + mesh-consumer on
// mesh-b. bond → cross-stake → delegation in x/staking on mesh-b → unstake → undelegation → wait the provider's
// unbonding period → withdraw → claim released → unbond from the ILP.
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
    metaStakingFunds: 10_000_000n, allowance: 5_000_000n,
  });
  process.stderr.write(`mesh deployed and connected (${d.channelA} <-> ${d.channelB}) in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  const report = await crossStakeFlow(d, {
    amount: 1_000_000n, user: "bob", rate: 1, discount: 0.1, unbondingPeriodSeconds: d.unbondingPeriodSeconds,
    log: (s) => process.stderr.write(`${s}\n`),
  });
  expect(report.delegatedOnConsumer).toBe(900_000n);
  expect(report.steps).toHaveLength(6);

  // Differential: the same scenario in-process must tell the same story (validator addresses aside).
  const host = new HostScenarioNetwork(["mesh-a", "mesh-b"], { unbondingSeconds: consumerUnbonding });
  const hd = await deployMesh(host, "mesh-a", "mesh-b", codes, {
    consumerUnbondingSeconds: consumerUnbonding, packetTimeoutSeconds: packetTimeout, rate: "1", discount: "0.1",
    metaStakingFunds: 10_000_000n, allowance: 5_000_000n,
  });
  const hostReport = await crossStakeFlow(hd, { amount: 1_000_000n, user: "bob", rate: 1, discount: 0.1, unbondingPeriodSeconds: hd.unbondingPeriodSeconds });
  const anonymous = (r: typeof report) => ({ ...r, validator: "<validator>", steps: r.steps.map((x) => x.split(r.validator).join("<validator>")) });
  expect(anonymous(hostReport)).toEqual(anonymous(report));
});
