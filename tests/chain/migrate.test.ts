// Upgrading a running mesh on real wasmd: the v0.1.0 contracts are deployed and connected, a stake is left in
// flight, every contract is migrated to the current code through MsgMigrateContract, then the old packet commits
// and new stake flows (the same scenario runs in-process in tests/contracts/migrate.test.ts).
import { WasmdScenarioNetwork } from "../../src/scenario/wasmd-backend";
import { upgradeWithStakeInFlight } from "../../src/scenario/scenarios/upgrade";
import { meshCodes } from "../helpers/artifacts";
import { releaseCodes } from "../helpers/releases";
import { testChain } from "./helpers";

const net = new WasmdScenarioNetwork([testChain("mesh-a"), testChain("mesh-b")]);
afterAll(() => net.close());

jest.setTimeout(300_000);

it("migrates a v0.1.0 mesh with a stake in flight to the current code", async () => {
  const report = await upgradeWithStakeInFlight(net, "mesh-a", "mesh-b", releaseCodes("v0.1.0"), meshCodes(), {
    consumerUnbondingSeconds: testChain("mesh-b").unbondingSeconds, packetTimeoutSeconds: 60,
    log: (s) => process.stderr.write(`${s}\n`),
  });
  expect(report).toEqual({
    migrations: ["meta-staking 0.0.0 → 0.2.0", "mesh-consumer 0.0.0 → 0.2.0", "mesh-provider 0.0.0 → 0.2.0", "ilp 0.0.0 → 0.2.0"],
    stakedBeforeUpgrade: "1000",
    stakedAfterUpgrade: "500",
    consumerUnbondingAnnounced: testChain("mesh-b").unbondingSeconds,
    consumerProviderTotal: "1500",
  });
});
