// Upgrades: every contract has a migrate entry point and stores cw2 contract info; a running v0.1.0 mesh is migrated
// with a stake in flight (the same scenario runs on real wasmd in tests/chain/migrate.test.ts); a migration to
// another contract's code is refused.
import { commonErrors, metaStakingErrors } from "../../src/contracts/errors";
import type * as Ilp from "../../src/contracts/Ilp.types";
import type * as MeshConsumer from "../../src/contracts/MeshConsumer.types";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MetaStakingQueryMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import { HostScenarioNetwork } from "../../src/scenario/host-backend";
import { upgradeWithStakeInFlight } from "../../src/scenario/scenarios/upgrade";
import { artifact, meshCodes, testContract } from "../helpers/artifacts";
import { releaseCodes } from "../helpers/releases";

const CONTRACTS = ["ilp", "mesh-provider", "mesh-consumer", "meta-staking"] as const;

it("a v0.1.0 mesh with a stake in flight migrates to the current code: the old packet commits, new stake flows", async () => {
  const net = new HostScenarioNetwork(["mesh-a", "mesh-b"]);
  const report = await upgradeWithStakeInFlight(net, "mesh-a", "mesh-b", releaseCodes("v0.1.0"), meshCodes(), {
    consumerUnbondingSeconds: 90, packetTimeoutSeconds: 30,
  });
  expect(report).toEqual({
    migrations: ["meta-staking 0.0.0 → 0.2.0", "mesh-consumer 0.0.0 → 0.2.0", "mesh-provider 0.0.0 → 0.2.0", "ilp 0.0.0 → 0.2.0"],
    stakedBeforeUpgrade: "1000",
    stakedAfterUpgrade: "500",
    consumerUnbondingAnnounced: 90,
    consumerProviderTotal: "1500",
  });
});

describe("cw2 contract info and migrate rules", () => {
  const net = new HostScenarioNetwork(["mesh-a"]);
  const chain = net.chain("mesh-a");
  const deploy = async (name: (typeof CONTRACTS)[number]): Promise<string> => {
    const code = await chain.upload("admin", artifact(name));
    const ilp = name === "mesh-provider" || name === "mesh-consumer"
      ? await chain.instantiate("admin", await chain.upload("admin", artifact("ilp")), { denom: chain.denom }, "ilp")
      : "";
    const meta = name === "mesh-consumer"
      ? await chain.instantiate("admin", await chain.upload("admin", artifact("meta-staking")), { unbonding_period_seconds: 90 } satisfies MetaStaking.InstantiateMsg, "meta")
      : "";
    const msg = {
      ilp: { denom: chain.denom } satisfies Ilp.InstantiateMsg,
      "mesh-provider": { ilp, unbonding_period_seconds: 200, packet_timeout_seconds: 30 } satisfies MeshProvider.InstantiateMsg,
      "mesh-consumer": { meta_staking: meta, rate: "1", discount: "0" } satisfies MeshConsumer.InstantiateMsg,
      "meta-staking": { unbonding_period_seconds: 90 } satisfies MetaStaking.InstantiateMsg,
    }[name];
    return chain.instantiate("admin", code, msg, name);
  };

  it.each(CONTRACTS)("%s stores cw2 contract info at instantiation", async (name) => {
    const address = await deploy(name);
    const raw = chain.host.queryRaw(address, new TextEncoder().encode("contract_info"));
    expect(JSON.parse(new TextDecoder().decode(raw))).toEqual({ contract: `mesh-security:${name}`, version: "0.2.0" });
  });

  it.each(CONTRACTS)("%s migrates to its own current code (same version) but not to another contract's", async (name) => {
    const address = await deploy(name);
    const same = await chain.migrate("admin", address, await chain.upload("admin", artifact(name)), {});
    expect(same.ok ? "" : same.error).toBe("");
    // wasmd refuses to move a contract with an IBC port to code without IBC entry points: pair like with like.
    const other = ({ ilp: "meta-staking", "meta-staking": "ilp", "mesh-provider": "mesh-consumer", "mesh-consumer": "mesh-provider" } as const)[name];
    const wrong = await chain.migrate("admin", address, await chain.upload("admin", artifact(other)), {});
    expect(wrong.ok ? "" : wrong.error).toContain(`${commonErrors.cannotMigrateOtherContract}: this is mesh-security:${other}, the stored contract is mesh-security:${name}`);
    const stranger = await chain.migrate("bob", address, await chain.upload("admin", artifact(name)), {});
    expect(stranger.ok).toBe(false);
  });

  it("meta-staking from v0.1.0 requires the unbonding period it did not store", async () => {
    const old = await chain.instantiate("admin", await chain.upload("admin", releaseCodes("v0.1.0").metaStaking), {}, "old meta");
    const code = await chain.upload("admin", artifact("meta-staking"));
    const bare = await chain.migrate("admin", old, code, {});
    expect(bare.ok ? "" : bare.error).toBe(
      `${metaStakingErrors.unbondingPeriodRequired}: migrating from 0.0.0 requires unbonding_period_seconds (x/staking's unbonding period on this chain)`);
    const ok = await chain.migrate("admin", old, code, { unbonding_period_seconds: 90 } satisfies MetaStaking.MigrateMsg);
    expect(ok.ok ? "" : ok.error).toBe("");
    expect(await chain.query<MetaStaking.ConfigResponse>(old, MetaStakingQueryMsgBuilder.config())).toMatchObject({ unbonding_period_seconds: 90, unbonding_epoch_seconds: 15 });
  });

  it("a contract without cw2 info whose state is not the target's is refused", async () => {
    // A stranger's contract (no cw2 info, its own config) cannot be turned into an ILP by a migration.
    const lien = await chain.instantiate("admin", await chain.upload("admin", testContract("test-lienholder")), { ilp: chain.address("admin") }, "lien");
    const res = await chain.migrate("admin", lien, await chain.upload("admin", artifact("ilp")), {});
    expect(res.ok ? "" : res.error).toContain(`${commonErrors.notThisContractsState}: this contract's state is not that of mesh-security:ilp`);
  });
});
