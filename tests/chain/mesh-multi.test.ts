// Many-to-many on real chains: one ILP account on mesh-a backs claims to two providers (max(claims) limits what
// can be unbonded), and mesh-b provides security to mesh-a at the same time as mesh-a provides to mesh-b.
import { WasmdScenarioNetwork } from "../../src/scenario/wasmd-backend";
import { MeshOptions, deployMesh } from "../../src/scenario/scenarios/mesh";
import { meshCodes } from "../helpers/artifacts";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { testChain } from "./helpers";

const codes = meshCodes();
const opts: MeshOptions = {
  consumerUnbondingSeconds: testChain("mesh-b").unbondingSeconds, packetTimeoutSeconds: 30, rate: "1", discount: "0",
  metaStakingFunds: 5_000_000n, allowance: 5_000_000n,
};

const net = new WasmdScenarioNetwork([testChain("mesh-a"), testChain("mesh-b")]);
afterAll(() => net.close());
jest.setTimeout(400_000);

async function ok(p: Promise<{ ok: boolean; error?: string }>) {
  const r = await p;
  if (!r.ok) throw new Error(r.error);
}

const validatorsOf = async (chain: ReturnType<typeof net.chain>, provider: string) =>
  (await chain.query<MeshProvider.ValidatorsResponse>(provider, MeshProviderQueryMsgBuilder.validators())).validators;

it("two providers share one collateral, and both chains provide to each other at once", async () => {
  const a = net.chain("mesh-a");
  const b = net.chain("mesh-b");
  const first = await deployMesh(net, "mesh-a", "mesh-b", codes, opts);
  // A second provider on mesh-a backed by the same ILP, over the same connection, to its own consumer.
  const second = await deployMesh(net, "mesh-a", "mesh-b", codes, { ...opts, ilp: first.ilp }, first.link);
  const reverse = await deployMesh(net, "mesh-b", "mesh-a", codes, opts);

  const [valB] = await validatorsOf(a, first.meshProvider);
  const [valA] = await validatorsOf(b, reverse.meshProvider);
  await ok(a.execute("carol", first.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: a.denom, amount: "1000000" }]));
  await ok(a.execute("carol", first.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: first.meshProvider, amount: "700000", validator: valB })));
  await ok(a.execute("carol", first.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: second.meshProvider, amount: "500000", validator: valB })));
  await ok(b.execute("carol", reverse.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: b.denom, amount: "300000" }]));
  await ok(b.execute("carol", reverse.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: reverse.meshProvider, amount: "300000", validator: valA })));
  await first.link.relayAll();
  await reverse.link.relayAll();

  const carolA = a.address("carol");
  expect(await a.query<MeshProvider.StakeResponse>(first.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: carolA, validator: valB }))).toMatchObject({ staked: "700000" });
  expect(await a.query<MeshProvider.StakeResponse>(second.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: carolA, validator: valB }))).toMatchObject({ staked: "500000" });
  expect(await b.query<MeshProvider.StakeResponse>(reverse.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: b.address("carol"), validator: valA }))).toMatchObject({ staked: "300000" });
  expect(await b.delegation(first.metaStaking, valB)).toBe(700_000n);
  expect(await b.delegation(second.metaStaking, valB)).toBe(500_000n);
  expect(await a.delegation(reverse.metaStaking, valA)).toBe(300_000n);

  const account = await a.query<Ilp.AccountResponse>(first.ilp, IlpQueryMsgBuilder.account({ address: carolA }));
  expect(account).toMatchObject({ bonded: "1000000", max_claim: "700000", free: "300000" });
  const tooMuch = await a.execute("carol", first.ilp, IlpExecuteMsgBuilder.unbond({ amount: "300001" }));
  expect(tooMuch.ok ? "" : tooMuch.error).toContain("cannot unbond 300001, only 300000 of 1000000 bonded is free");
  await ok(a.execute("carol", first.ilp, IlpExecuteMsgBuilder.unbond({ amount: "300000" })));
});
