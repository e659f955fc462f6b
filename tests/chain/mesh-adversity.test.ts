// Failure handling on two real chains through the relayer: a second channel and an untrusted port are refused in
// the handshake; an error ack (allowance exhausted) and a packet that times out while the relayer is away both roll
// the stake back and release the ILP claim.
import { commonErrors } from "../../src/contracts/errors";
import { WasmdScenarioNetwork } from "../../src/scenario/wasmd-backend";
import { MeshDeployment, deployMesh } from "../../src/scenario/scenarios/mesh";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { MeshProviderExecuteMsgBuilder, MeshProviderQueryMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { MESH_VERSION } from "../../src/protocol";
import { artifact, meshCodes } from "../helpers/artifacts";
import { testChain } from "./helpers";

const TIMEOUT = 12;

const net = new WasmdScenarioNetwork([testChain("mesh-a"), testChain("mesh-b")]);
let d: MeshDeployment;
let validator: string;

jest.setTimeout(300_000);

beforeAll(async () => {
  d = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), {
    consumerUnbondingSeconds: testChain("mesh-b").unbondingSeconds, packetTimeoutSeconds: TIMEOUT,
    rate: "1", discount: "0", metaStakingFunds: 2_000_000n, allowance: 1_000_000n,
  });
  validator = (await d.provider.query<MeshProvider.ValidatorsResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.validators())).validators[0];
});
afterAll(() => net.close());

const owner = () => d.provider.address("carol");
const stake = () => d.provider.query<MeshProvider.StakeResponse>(d.meshProvider, MeshProviderQueryMsgBuilder.stake({ owner: owner(), validator }));
const claim = async () => (await d.provider.query<Ilp.AccountResponse>(d.ilp, IlpQueryMsgBuilder.account({ address: owner() }))).max_claim;

async function bondAndGrant(amount: bigint): Promise<void> {
  for (const r of [
    await d.provider.execute("carol", d.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: d.provider.denom, amount: amount.toString() }]),
    await d.provider.execute("carol", d.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: d.meshProvider, amount: amount.toString(), validator })),
  ]) if (!r.ok) throw new Error(r.error);
}

it("refuses a second channel", async () => {
  await expect(d.link.openChannel(`wasm.${d.meshProvider}`, `wasm.${d.meshConsumer}`, MESH_VERSION))
    .rejects.toThrow(`${commonErrors.channelAlreadyOpen}: only one channel at a time`);
});

it("refuses a channel from a provider the consumer does not trust", async () => {
  const code = await d.provider.upload("admin", artifact("mesh-provider"));
  const rogue = await d.provider.instantiate("admin", code, { ilp: d.ilp, unbonding_period_seconds: 300, packet_timeout_seconds: TIMEOUT }, "rogue");
  const set = await d.provider.execute("admin", rogue, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: d.link.connectionA, portId: `wasm.${d.meshConsumer}` }));
  expect(set.ok).toBe(true);
  await expect(d.link.openChannel(`wasm.${rogue}`, `wasm.${d.meshConsumer}`, MESH_VERSION)).rejects.toThrow(commonErrors.unauthorizedPort);
});

it("an error ack (allowance exhausted) rolls the stake back and releases the claim", async () => {
  const before = await d.consumer.delegation(d.metaStaking, validator);
  await bondAndGrant(1_500_000n); // above the 1_000_000 allowance
  expect(await stake()).toMatchObject({ pending_stake: "1500000" });
  const relayed = await d.link.relayAll();
  expect(relayed.packets).toBeGreaterThanOrEqual(1);
  expect(await stake()).toMatchObject({ staked: "0", pending_stake: "0" });
  expect(await claim()).toBe("0");
  expect(await d.consumer.delegation(d.metaStaking, validator)).toBe(before);
  const unbond = await d.provider.execute("carol", d.ilp, IlpExecuteMsgBuilder.unbond({ amount: "1500000" }));
  expect(unbond.ok).toBe(true);
});

it("a stake that times out while the relayer is away rolls back and releases the claim", async () => {
  const before = await d.consumer.delegation(d.metaStaking, validator);
  await bondAndGrant(100_000n);
  await d.provider.wait(TIMEOUT + 3); // the relayer is not called: an outage
  await d.consumer.wait(1);
  const relayed = await d.link.relayAll();
  expect(relayed.timeouts).toBe(1);
  expect(await stake()).toMatchObject({ staked: "0", pending_stake: "0" });
  expect(await claim()).toBe("0");
  expect(await d.consumer.delegation(d.metaStaking, validator)).toBe(before);
});
