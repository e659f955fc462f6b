// The shared channel rules (assembly/shared/channel.ts) against handshakes that a stranger with their own IBC
// contract, a second connection or a misconfigured deployment would start, and the querier's contract errors.
import { commonErrors } from "../../src/contracts/errors";
import { MeshConsumerExecuteMsgBuilder } from "../../src/contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../../src/contracts/MeshConsumer.types";
import { MeshProviderExecuteMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import type * as MeshProvider from "../../src/contracts/MeshProvider.types";
import { Link, openChannel } from "../../src/host";
import { artifact, testContract } from "../helpers/artifacts";
import { TIMEOUT, UNBONDING, ok, setup } from "../helpers/mesh";

const MESH_VERSION = "mesh-security-v1";

/** The same connection seen from chain B, so that a handshake starts there. */
const reversed = (l: Link): Link => new Link(l.b, l.a, l.connectionB, l.connectionA, l.clientB, l.clientA);

function handshakeError(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the handshake to be refused");
}

describe("channel rules", () => {
  it("a provider refuses to open a channel before governance set its consumer", async () => {
    const m = await setup({ open: false });
    const unset = await m.a.instantiate("admin", await m.a.upload("admin", artifact("mesh-provider")),
      { ilp: m.ilp, unbonding_period_seconds: UNBONDING, packet_timeout_seconds: TIMEOUT } satisfies MeshProvider.InstantiateMsg, "unset");
    expect(handshakeError(() => openChannel(m.link.link, `wasm.${unset}`, `wasm.${m.consumer}`, MESH_VERSION)))
      .toContain(`${commonErrors.noCounterparty}: governance must set it before a channel opens`);
  });

  it("a provider refuses a handshake another chain's contract starts (open_try on the provider)", async () => {
    const m = await setup({ open: false });
    // A provider contract on the consumer chain, pointed at our provider, starts the handshake from there.
    const intruder = await m.b.instantiate("admin", await m.b.upload("admin", artifact("mesh-provider")),
      { ilp: m.b.address("admin"), unbonding_period_seconds: UNBONDING, packet_timeout_seconds: TIMEOUT } satisfies MeshProvider.InstantiateMsg, "intruder");
    await ok(m.b.execute("admin", intruder, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: m.link.connectionB, portId: `wasm.${m.provider}` })));
    const error = handshakeError(() => openChannel(reversed(m.link.link), `wasm.${intruder}`, `wasm.${m.provider}`, MESH_VERSION));
    expect(error).toContain(`${commonErrors.providerOpensItself}: a handshake started on the consumer chain is refused`);
  });

  it("a channel over another connection between the same chains is refused", async () => {
    const m = await setup({ open: false });
    const second = await m.net.link("mesh-a", "mesh-b");
    expect(second.connectionA).not.toBe(m.link.connectionA);
    expect(handshakeError(() => openChannel(second.link, `wasm.${m.provider}`, `wasm.${m.consumer}`, MESH_VERSION)))
      .toContain(`${commonErrors.unauthorizedConnection}: ${second.connectionA}; only ${m.link.connectionA} is trusted`);
    // The trusted connection still works.
    await m.link.openChannel(`wasm.${m.provider}`, `wasm.${m.consumer}`, MESH_VERSION);
  });

  it("a consumer whose meta-staking is not a meta-staking contract reports the querier's contract error", async () => {
    const m = await setup({ open: false });
    const notMeta = await m.b.instantiate("admin", await m.b.upload("admin", testContract("test-lienholder")), { ilp: m.b.address("admin") }, "lien");
    const consumer = await m.b.instantiate("admin", await m.b.upload("admin", artifact("mesh-consumer")),
      { meta_staking: notMeta, rate: "1", discount: "0", packet_timeout_seconds: TIMEOUT } satisfies MeshConsumer.InstantiateMsg, "consumer");
    await ok(m.b.execute("admin", consumer, MeshConsumerExecuteMsgBuilder.setProvider({ connectionId: m.link.connectionB, portId: `wasm.${m.provider}` })));
    await ok(m.a.execute("admin", m.provider, MeshProviderExecuteMsgBuilder.setConsumer({ connectionId: m.link.connectionA, portId: `wasm.${consumer}` })));
    expect(handshakeError(() => openChannel(m.link.link, `wasm.${m.provider}`, `wasm.${consumer}`, MESH_VERSION)))
      .toContain(`${commonErrors.querierContractError}: wasm smart ${notMeta}: Unknown query 'config'`);
  });
});
