// Upgrading a running mesh from one release to the next through MsgMigrateContract, with a stake in flight, written
// once against the scenario interface (runs in-process and on real wasmd). The old release's contracts are deployed
// and connected with the messages that release understood; a user's stake packet is left unrelayed; every contract
// is migrated (meta-staking first: the migrated consumer announces the unbonding rules it reads from it); then the
// relayer delivers the old packet and the new code must commit it, and new stake must flow.
import { IlpExecuteMsgBuilder } from "../../contracts/Ilp.message-builder";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../../contracts/MeshConsumer.types";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../contracts/MeshProvider.types";
import { MetaStakingExecuteMsgBuilder } from "../../contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../contracts/MetaStaking.types";
import { MESH_VERSION, providerUnbondingPeriod } from "../../protocol";
import { ScenarioNetwork, TxOutcome } from "../types";
import { MeshCodes } from "./mesh";

export interface UpgradeOptions {
  consumerUnbondingSeconds: number;
  packetTimeoutSeconds: number;
  log?: (line: string) => void;
}

export interface UpgradeReport {
  /** `from_version → to_version` of each migrated contract, in migration order. */
  migrations: string[];
  /** The stake sent before the upgrade, as committed after it. */
  stakedBeforeUpgrade: string;
  /** Stake sent after the upgrade, committed. */
  stakedAfterUpgrade: string;
  consumerUnbondingAnnounced: number;
  /** The consumer's provider total (docs/economics.md §2) after both stakes: kept from the migration on. */
  consumerProviderTotal: string;
}

function attribute(r: TxOutcome, key: string): string | undefined {
  return r.ok ? r.events.flatMap((e) => e.attributes).find((a) => a.key === key)?.value : undefined;
}

export async function upgradeWithStakeInFlight(
  net: ScenarioNetwork, providerId: string, consumerId: string, oldCodes: MeshCodes, newCodes: MeshCodes, opts: UpgradeOptions,
): Promise<UpgradeReport> {
  const provider = net.chain(providerId);
  const consumer = net.chain(consumerId);
  const log = opts.log ?? (() => undefined);
  const must = async (p: Promise<TxOutcome>, what: string): Promise<TxOutcome> => {
    const r = await p;
    if (!r.ok) throw new Error(`${what} failed: ${r.error}`);
    return r;
  };

  // The previous release, configured with the messages it understood.
  const ilp = await provider.instantiate("admin", await provider.upload("admin", oldCodes.ilp), { denom: provider.denom }, "ilp (old)");
  const meshProvider = await provider.instantiate("admin", await provider.upload("admin", oldCodes.provider), {
    ilp, unbonding_period_seconds: providerUnbondingPeriod(opts.consumerUnbondingSeconds, opts.packetTimeoutSeconds),
    packet_timeout_seconds: opts.packetTimeoutSeconds,
  }, "provider (old)");
  const metaStaking = await consumer.instantiate("admin", await consumer.upload("admin", oldCodes.metaStaking), {}, "meta-staking (old)",
    [{ denom: consumer.denom, amount: "5000000" }]);
  const meshConsumer = await consumer.instantiate("admin", await consumer.upload("admin", oldCodes.consumer), {
    meta_staking: metaStaking, rate: "1", discount: "0", packet_timeout_seconds: opts.packetTimeoutSeconds,
  }, "consumer (old)");
  await must(consumer.execute("admin", metaStaking, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: meshConsumer, amount: "5000000" })), "set allowance");
  const link = await net.link(providerId, consumerId);
  await must(provider.execute("admin", meshProvider, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: link.connectionA, portId: `wasm.${meshConsumer}` })), "set consumer");
  await must(consumer.execute("admin", meshConsumer, MeshConsumerExecuteMsgBuilder.setProvider({ connectionId: link.connectionB, portId: `wasm.${meshProvider}` })), "set provider");
  await link.openChannel(`wasm.${meshProvider}`, `wasm.${meshConsumer}`, MESH_VERSION);
  await link.relayAll();
  const validator = (await provider.query<MeshProvider.ValidatorsResponse>(meshProvider, MeshProviderQueryMsgBuilder.validators())).validators[0];
  log(`old release deployed and connected; staking to ${validator}`);

  // A stake is sent and left in flight across the upgrade.
  await must(provider.execute("alice", ilp, IlpExecuteMsgBuilder.bond(), [{ denom: provider.denom, amount: "1000" }]), "bond");
  await must(provider.execute("alice", ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: meshProvider, amount: "1000", validator })),
    "grant claim (stake in flight)");

  const migrations: string[] = [];
  const migrate = async (chain: typeof provider, contract: string, wasm: Uint8Array, msg: unknown, name: string) => {
    const code = await chain.upload("admin", wasm);
    const r = await must(chain.migrate("admin", contract, code, msg), `migrate ${name}`);
    migrations.push(`${name} ${attribute(r, "from_version")} → ${attribute(r, "to_version")}`);
  };
  await migrate(consumer, metaStaking, newCodes.metaStaking, { unbonding_period_seconds: opts.consumerUnbondingSeconds } satisfies MetaStaking.MigrateMsg, "meta-staking");
  await migrate(consumer, meshConsumer, newCodes.consumer, {}, "mesh-consumer");
  await migrate(provider, meshProvider, newCodes.provider, {}, "mesh-provider");
  await migrate(provider, ilp, newCodes.ilp, {}, "ilp");
  log(`migrated: ${migrations.join(", ")}`);

  await link.relayAll();
  const before = await provider.query<MeshProvider.StakeResponse>(meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: provider.address("alice"), validator }));
  const set = await provider.query<MeshProvider.ValidatorsResponse>(meshProvider, MeshProviderQueryMsgBuilder.validators());

  await must(provider.execute("bob", ilp, IlpExecuteMsgBuilder.bond(), [{ denom: provider.denom, amount: "500" }]), "bond after upgrade");
  await must(provider.execute("bob", ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: meshProvider, amount: "500", validator })),
    "grant claim after upgrade");
  await link.relayAll();
  const after = await provider.query<MeshProvider.StakeResponse>(meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: provider.address("bob"), validator }));
  const economics = await consumer.query<MeshConsumer.EconomicsResponse>(meshConsumer, MeshConsumerQueryMsgBuilder.economics());
  return {
    migrations, stakedBeforeUpgrade: before.staked, stakedAfterUpgrade: after.staked,
    consumerUnbondingAnnounced: set.consumer_unbonding_period_seconds, consumerProviderTotal: economics.provider_total,
  };
}
