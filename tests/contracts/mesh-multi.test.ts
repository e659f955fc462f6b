// Many-to-many on in-process chains: one ILP account backs claims to two providers (consumer chains B and C),
// limited by max(claims); and two chains provide security to each other at the same time.
import { HostScenarioNetwork } from "../../src/scenario/host-backend";
import { MeshOptions, deployMesh } from "../../src/scenario/scenarios/mesh";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { meshCodes } from "../helpers/artifacts";

const opts: MeshOptions = {
  consumerUnbondingSeconds: 90, packetTimeoutSeconds: 30, rate: "1", discount: "0", metaStakingFunds: 10_000_000n, allowance: 5_000_000n,
};

async function ok(p: Promise<{ ok: boolean; error?: string }>) {
  const r = await p;
  if (!r.ok) throw new Error(r.error);
  return r;
}

it("one collateral backs claims to two providers; unbonding is limited by the largest claim", async () => {
  const net = new HostScenarioNetwork(["mesh-a", "mesh-b", "mesh-c"]);
  const toB = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), opts);
  const toC = await deployMesh(net, "mesh-a", "mesh-c", meshCodes(), { ...opts, ilp: toB.ilp });
  const a = net.chain("mesh-a");
  const alice = a.address("alice");
  const valB = net.chain("mesh-b").host.valoper("validator");
  const valC = net.chain("mesh-c").host.valoper("validator");

  await ok(a.execute("alice", toB.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: "ustake", amount: "1000" }]));
  await ok(a.execute("alice", toB.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: toB.meshProvider, amount: "700", validator: valB })));
  await ok(a.execute("alice", toB.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: toC.meshProvider, amount: "500", validator: valC })));
  await toB.link.relayAll();
  await toC.link.relayAll();
  expect(await net.chain("mesh-b").delegation(toB.metaStaking, valB)).toBe(700n);
  expect(await net.chain("mesh-c").delegation(toC.metaStaking, valC)).toBe(500n);

  const account = await a.query<Ilp.AccountResponse>(toB.ilp, IlpQueryMsgBuilder.account({ address: alice }));
  expect(account).toMatchObject({ bonded: "1000", max_claim: "700", free: "300" });
  const tooMuch = await a.execute("alice", toB.ilp, IlpExecuteMsgBuilder.unbond({ amount: "301" }));
  expect(tooMuch.ok ? "" : tooMuch.error).toContain("cannot unbond 301, only 300 of 1000 bonded is free");
  await ok(a.execute("alice", toB.ilp, IlpExecuteMsgBuilder.unbond({ amount: "300" })));

  // A third claim may not exceed what is left bonded.
  const over = await a.execute("alice", toB.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: toC.meshProvider, amount: "201", validator: valC }));
  expect(over.ok ? "" : over.error).toContain("a claim of 701");
});

it("two chains provide security to each other at once", async () => {
  const net = new HostScenarioNetwork(["mesh-a", "mesh-b"]);
  const aToB = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), opts);
  const bToA = await deployMesh(net, "mesh-b", "mesh-a", meshCodes(), opts);
  const a = net.chain("mesh-a");
  const b = net.chain("mesh-b");
  const valA = a.host.valoper("validator");
  const valB = b.host.valoper("validator");

  await ok(a.execute("alice", aToB.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: "ustake", amount: "400" }]));
  await ok(a.execute("alice", aToB.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: aToB.meshProvider, amount: "400", validator: valB })));
  await ok(b.execute("bob", bToA.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: "ustake", amount: "600" }]));
  await ok(b.execute("bob", bToA.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: bToA.meshProvider, amount: "600", validator: valA })));
  await aToB.link.relayAll();
  await bToA.link.relayAll();

  expect(await b.delegation(aToB.metaStaking, valB)).toBe(400n);
  expect(await a.delegation(bToA.metaStaking, valA)).toBe(600n);
  expect(await a.query<MeshProvider.StakeResponse>(aToB.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: a.address("alice"), validator: valB }))).toMatchObject({ staked: "400" });
  expect(await b.query<MeshProvider.StakeResponse>(bToA.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: b.address("bob"), validator: valA }))).toMatchObject({ staked: "600" });
});
