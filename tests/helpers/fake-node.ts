// A stand-in CometBFT RPC for CLI unit tests: answers /status (GET and JSON-RPC) like wasmd 0.54's node and
// abci_query from a table of handlers, so error paths that need "a chain that says X" run without a chain.
import * as http from "http";
import { AddressInfo } from "net";
import { fromHex, toBase64 } from "@cosmjs/encoding";

export type AbciHandler = (data: Uint8Array) => Uint8Array;

export interface FakeNode {
  url: string;
  close(): Promise<void>;
}

function status(network: string) {
  return {
    node_info: {
      protocol_version: { p2p: "8", block: "11", app: "0" }, id: "be9f6a719c8637c2e0888fd7af540990908fbf97", listen_addr: "tcp://127.0.0.1:1",
      network, version: "0.38.19", channels: "40202122233038606100", moniker: "fake", other: { tx_index: "on", rpc_address: "tcp://127.0.0.1:1" },
    },
    sync_info: {
      latest_block_hash: "B171E6C8A7F79195FBBCE5F6B1D63F632AB4B05C2F9061C0E84A3741EB3BF127",
      latest_app_hash: "D0A742B2240564B57BE4641E3D45C158BF6677A07C3499888439E574B5DF7325", latest_block_height: "176",
      latest_block_time: "2026-12-03T14:28:55.845039518Z", earliest_block_hash: "B2120C17C82195DAB2E2D38DFDC604F6A330F29F1486727EF0DE88BB79DD07F5",
      earliest_app_hash: "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", earliest_block_height: "1",
      earliest_block_time: "2026-12-03T14:28:14.077826182Z", catching_up: false,
    },
    validator_info: {
      address: "A22D9052F4290B52F19F8EAB252A19E8E1A22B6B",
      pub_key: { type: "tendermint/PubKeyEd25519", value: "yHLYaYBqAA+3xLD/ajVhfbjzSawC3KeR28B8tX17gpc=" }, voting_power: "1000",
    },
  };
}

export async function startFakeNode(network: string, abci: Record<string, AbciHandler> = {}): Promise<FakeNode> {
  const server = http.createServer((req, res) => {
    const reply = (id: unknown, result: unknown) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ jsonrpc: "2.0", id, result }));
    };
    if (req.method === "GET" && req.url?.startsWith("/status")) return reply(-1, status(network));
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const call = JSON.parse(body || "{}");
      if (call.method === "status") return reply(call.id, status(network));
      if (call.method === "abci_query") {
        const handler = abci[call.params.path];
        if (!handler) {
          return reply(call.id, { response: { code: 6, log: `unknown query path ${call.params.path}`, info: "", index: "0", key: null, value: null, proofOps: null, height: "176", codespace: "sdk" } });
        }
        const value = handler(fromHex(call.params.data ?? ""));
        return reply(call.id, { response: { code: 0, log: "", info: "", index: "0", key: null, value: toBase64(value), proofOps: null, height: "176", codespace: "" } });
      }
      res.statusCode = 404;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
