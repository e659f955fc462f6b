// Two in-process chains with the mesh contracts deployed and authorised, for the contract tests: mesh-a provides
// (ILP + mesh-provider), mesh-b consumes (meta-staking + mesh-consumer), with a relayer the test controls.
import { HostScenarioChain, HostScenarioLink, HostScenarioNetwork } from "../../src/scenario/host-backend";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { MeshConsumerExecuteMsgBuilder, MeshConsumerQueryMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../../src/contracts/MeshConsumer.types";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MetaStakingExecuteMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import { MESH_VERSION } from "../../src/protocol";
import { artifact } from "./artifacts";

/** The host chains' x/staking unbonding period. */
export const CONSUMER_UNBONDING = 90;
/** meta-staking's batch epoch: ⌈90 / 6⌉. */
export const EPOCH = 15;
/** The provider's unbonding period: consumer unbonding 90 + epoch 15 + packet timeout 30 + margin 5. */
export const UNBONDING = 140;
export const TIMEOUT = 30;

export interface Mesh {
  net: HostScenarioNetwork;
  a: HostScenarioChain;
  b: HostScenarioChain;
  link: HostScenarioLink;
  ilp: string;
  provider: string;
  consumer: string;
  meta: string;
  validator: string;
}

export async function ok(p: Promise<{ ok: boolean; error?: string }>): Promise<void> {
  const r = await p;
  if (!r.ok) throw new Error(r.error);
}

/** Deploys and authorises both sides; opens the channel unless told not to. */
export interface SetupOptions {
  open?: boolean;
  allowance?: bigint;
  /** the provider's unbonding period (default UNBONDING) */
  providerUnbonding?: number;
  /** meta-staking's max_unbonding_entries (default: x/staking's 7) */
  metaMaxEntries?: number;
  /** the genesis validator's self-bond on both chains (default: the devnet's) */
  selfBond?: bigint;
}

export async function setup(opts: SetupOptions = {}): Promise<Mesh> {
  const net = new HostScenarioNetwork(["mesh-a", "mesh-b"], { selfBond: opts.selfBond });
  const a = net.chain("mesh-a");
  const b = net.chain("mesh-b");
  const ilp = await a.instantiate("admin", await a.upload("admin", artifact("ilp")), { denom: a.denom } satisfies Ilp.InstantiateMsg, "ilp");
  const provider = await a.instantiate("admin", await a.upload("admin", artifact("mesh-provider")),
    { ilp, unbonding_period_seconds: opts.providerUnbonding ?? UNBONDING, packet_timeout_seconds: TIMEOUT } satisfies MeshProvider.InstantiateMsg, "provider");
  const meta = await b.instantiate("admin", await b.upload("admin", artifact("meta-staking")), { unbonding_period_seconds: CONSUMER_UNBONDING, ...(opts.metaMaxEntries ? { max_unbonding_entries: opts.metaMaxEntries } : {}) } satisfies MetaStaking.InstantiateMsg, "meta",
    [{ denom: b.denom, amount: "10000000" }]);
  const consumer = await b.instantiate("admin", await b.upload("admin", artifact("mesh-consumer")),
    { meta_staking: meta, rate: "2", discount: "0.25", packet_timeout_seconds: TIMEOUT } satisfies MeshConsumer.InstantiateMsg, "consumer");
  await ok(b.execute("admin", meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer, amount: (opts.allowance ?? 5_000_000n).toString() })));
  const link = await net.link("mesh-a", "mesh-b");
  await ok(a.execute("admin", provider, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: link.connectionA, portId: `wasm.${consumer}` })));
  await ok(b.execute("admin", consumer, MeshConsumerExecuteMsgBuilder.setProvider({ connectionId: link.connectionB, portId: `wasm.${provider}` })));
  const m: Mesh = { net, a, b, link, ilp, provider, consumer, meta, validator: b.host.valoper("validator") };
  if (opts.open !== false) {
    await link.openChannel(`wasm.${provider}`, `wasm.${consumer}`, MESH_VERSION);
    await link.relayAll();
  }
  return m;
}

export type User = "alice" | "bob" | "carol";

export async function bondAndGrant(m: Mesh, user: User, amount: bigint, validator = m.validator) {
  await ok(m.a.execute(user, m.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: m.a.denom, amount: amount.toString() }]));
  return m.a.execute(user, m.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: m.provider, amount: amount.toString(), validator }));
}

export const stake = (m: Mesh, user: User) =>
  m.a.query<MeshProvider.StakeResponse>(m.provider, MeshProviderQueryMsgBuilder.stake({ owner: m.a.address(user), validator: m.validator }));
export const claim = async (m: Mesh, user: User) =>
  (await m.a.query<Ilp.AccountResponse>(m.ilp, IlpQueryMsgBuilder.account({ address: m.a.address(user) }))).max_claim;
export const record = (m: Mesh) => m.b.query<MeshConsumer.RecordResponse>(m.consumer, MeshConsumerQueryMsgBuilder.record({ validator: m.validator }));

