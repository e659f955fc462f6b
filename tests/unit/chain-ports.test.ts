// Port layout of the local chains and MESH_PORT_OFFSET (two checkouts running chains side by side).
import { chainConfig } from "../../src/wasmd/config";

const saved = process.env.MESH_PORT_OFFSET;
afterEach(() => {
  if (saved === undefined) delete process.env.MESH_PORT_OFFSET;
  else process.env.MESH_PORT_OFFSET = saved;
});

it("places mesh-a at 27000 and mesh-b at 27100 by default", () => {
  delete process.env.MESH_PORT_OFFSET;
  expect(chainConfig("mesh-a").rpcUrl).toBe("http://127.0.0.1:27000");
  expect(chainConfig("mesh-b", { validators: 2 }).nodes.map((n) => n.ports.rpc)).toEqual([27100, 27120]);
});

it("shifts every port by MESH_PORT_OFFSET, explicit portBase excepted", () => {
  process.env.MESH_PORT_OFFSET = "5000";
  expect(chainConfig("mesh-a").nodes[0].ports).toEqual({ rpc: 32000, p2p: 32001, grpc: 32002, api: 32003, proxy: 32004 });
  expect(chainConfig("iso", { index: 20 }).rpcUrl).toBe("http://127.0.0.1:34000");
  expect(chainConfig("iso", { portBase: 40000 }).rpcUrl).toBe("http://127.0.0.1:40000");
});

it("refuses an offset that is not a multiple of 100 or leaves the port range", () => {
  for (const bad of ["50", "-100", "abc", "40000"]) {
    process.env.MESH_PORT_OFFSET = bad;
    expect(() => chainConfig("mesh-a")).toThrow(/MESH_PORT_OFFSET must be a multiple of 100/);
  }
});
