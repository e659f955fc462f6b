// What an operator reads when the chain or the network says no: each case names the fix.
import * as http from "http";
import { AddressInfo } from "net";
import { AccessConfig, AccessType } from "cosmjs-types/cosmwasm/wasm/v1/types";
import { explainTxError } from "../../src/deploy/errors";
import { checkRpc } from "../../src/deploy/session";
import { uploadAllowed } from "../../src/deploy/upload";
import { closedPort, startFakeNode } from "../helpers/fake-node";

const ctx = { chainId: "osmo-test-5", signer: "wasm1deployer", action: "upload of ilp", contract: "ilp" };

describe("chain errors explained", () => {
  it("upload restricted to governance → use mesh propose store (wasmd's own message)", () => {
    const raw = "Broadcasting transaction failed with code 2 (codespace: wasm). Log: failed to execute message; message index: 0: can not create code: unauthorized";
    expect(explainTxError(new Error(raw), ctx).message).toBe(
      "upload of ilp on osmo-test-5 failed: code upload on osmo-test-5 is restricted to governance (wasm code_upload_access). " +
        "Store it with a proposal instead: mesh propose store --chain osmo-test-5 --contracts ilp --submit",
    );
  });

  it("insufficient funds → fund the account, naming it", () => {
    const raw = "Query failed with (6): rpc error: code = Unknown desc = spendable balance 10ustake is smaller than 1200ustake: insufficient funds";
    const msg = explainTxError(new Error(raw), ctx).message;
    expect(msg).toMatch(/^upload of ilp on osmo-test-5 failed: account wasm1deployer has insufficient funds on osmo-test-5 \(/);
    expect(msg).toContain("Funding");
  });

  it("unknown account → it was never funded", () => {
    const raw = "Account 'wasm1deployer' does not exist on chain. Send some tokens there before trying to query sequence.";
    expect(explainTxError(new Error(raw), ctx).message).toMatch(/account wasm1deployer does not exist on osmo-test-5 yet .* Fund it first/);
  });

  it("anything else keeps the chain's first line, with what was being done", () => {
    expect(explainTxError(new Error("out of gas in location: wasm\nstack…"), ctx).message).toBe("upload of ilp on osmo-test-5 failed: out of gas in location: wasm");
  });

  it("code_upload_access decides whether this deployer may upload", () => {
    expect(uploadAllowed(undefined, "wasm1a")).toBe(true);
    expect(uploadAllowed(AccessConfig.fromPartial({ permission: AccessType.ACCESS_TYPE_EVERYBODY, addresses: [] }), "wasm1a")).toBe(true);
    expect(uploadAllowed(AccessConfig.fromPartial({ permission: AccessType.ACCESS_TYPE_NOBODY, addresses: [] }), "wasm1a")).toBe(false);
    expect(uploadAllowed(AccessConfig.fromPartial({ permission: AccessType.ACCESS_TYPE_ANY_OF_ADDRESSES, addresses: ["wasm1a"] }), "wasm1a")).toBe(true);
    expect(uploadAllowed(AccessConfig.fromPartial({ permission: AccessType.ACCESS_TYPE_ANY_OF_ADDRESSES, addresses: ["wasm1b"] }), "wasm1a")).toBe(false);
  });
});

describe("RPC checks", () => {
  it("unreachable RPC → says which chain and URL, and what to check", async () => {
    const port = await closedPort();
    await expect(checkRpc({ id: "a-1", rpc: `http://127.0.0.1:${port}` })).rejects.toThrow(
      `cannot reach the RPC of a-1 at http://127.0.0.1:${port} (ECONNREFUSED): is the node running and the URL right?`,
    );
  });

  it("an RPC that does not answer in time", async () => {
    const server = http.createServer(() => undefined);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(checkRpc({ id: "a-1", rpc: url }, 300)).rejects.toThrow(`cannot reach the RPC of a-1 at ${url} (no answer within 0.3s)`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("wrong chain id → both ids named", async () => {
    const node = await startFakeNode("other-chain-7");
    try {
      await expect(checkRpc({ id: "a-1", rpc: node.url })).rejects.toThrow(`wrong chain id: the config says "a-1" but the RPC at ${node.url} serves "other-chain-7"`);
      await expect(checkRpc({ id: "other-chain-7", rpc: node.url })).resolves.toEqual({ chainId: "other-chain-7", height: 176 });
    } finally {
      await node.close();
    }
  });

  it("something that is not a CometBFT RPC", async () => {
    const server = http.createServer((_req, res) => res.end(JSON.stringify({ hello: "world" })));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(checkRpc({ id: "a-1", rpc: url })).rejects.toThrow(`${url} does not look like a CometBFT RPC`);
    } finally {
      server.close();
    }
  });
});
