// The project's four contracts end to end on two in-process chains linked by the host's IBC and relayer: the same
// scenario code as tests/chain/cross-stake.test.ts (deployMesh + crossStakeFlow), with x/staking on the consumer
// the rewards of the stake carried over ICS-20 to the staker, and the unbonding waits passing instantly.
import { HostScenarioNetwork } from "../../src/scenario/host-backend";
import { crossStakeFlow, deployMesh } from "../../src/scenario/scenarios/mesh";
import { meshCodes } from "../helpers/artifacts";

it("ILP + mesh-provider on one chain, meta-staking + mesh-consumer on the other: cross-stake, unstake, release", async () => {
  const net = new HostScenarioNetwork(["mesh-a", "mesh-b"]);
  const consumer = net.chain("mesh-b");
  const val = consumer.host.valoper("validator");
  consumer.host.addValidator("validator2", 5_000_000n);
  consumer.host.setBlockReward(val, 500n);
  const d = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), {
    consumerUnbondingSeconds: 90, packetTimeoutSeconds: 30, rate: "1", discount: "0.1", metaStakingFunds: 10_000_000n, allowance: 5_000_000n,
    rewards: {},
  });
  expect([d.channelA, d.channelB]).toEqual(["channel-0", "channel-0"]);
  expect(d.rewardChannels).toEqual({ provider: "channel-1", consumer: "channel-1" });
  // consumer unbonding 90 + epoch ⌈90/6⌉ + packet timeout 30 + margin 5
  expect(d.unbondingPeriodSeconds).toBe(140);
  const report = await crossStakeFlow(d, { amount: 1_000_000n, user: "bob", rate: 1, discount: 0.1, unbondingPeriodSeconds: d.unbondingPeriodSeconds });
  expect(report.validator).toBe(val); // the bigger validator comes first in the set the consumer announced
  expect(report.delegatedOnConsumer).toBe(900_000n);
  expect(report.steps).toHaveLength(7);
  expect(report.steps[3]).toMatch(/^rewards: \d+ ustake claimed on mesh-b by carol, \d+ credited on mesh-a, [1-9]\d* ibc\/[0-9A-F]{8}… withdrawn by bob$/);
  // The consumer's undelegation matured in its own x/staking while the provider's longer period passed.
  expect(consumer.host.unbondingEntries(d.metaStaking, val)).toEqual([]);
  // Rewards were held apart and paid out: meta-staking keeps its fund and at most rounding dust.
  const metaBalance = consumer.host.balance(d.metaStaking, "ustake");
  expect(metaBalance >= 10_000_000n && metaBalance < 10_000_002n).toBe(true);
});
