// Governance proposals: the JSON file wasmd reads and the protobuf this tool submits carry the same messages
// (tests/chain/operator-tooling.test.ts pins the file against `wasmd tx gov submit-proposal --generate-only`).
import { gunzipSync } from "zlib";
import { fromBase64, fromUtf8 } from "@cosmjs/encoding";
import { BinaryReader } from "cosmjs-types/binary";
import { MsgSubmitProposal } from "cosmjs-types/cosmos/gov/v1/tx";
import { MsgExecuteContract, MsgInstantiateContract2, MsgMigrateContract, MsgStoreCode } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { AccessType } from "cosmjs-types/cosmwasm/wasm/v1/types";
import { sha256Hex } from "../../src/deploy/artifacts";
import {
  MsgSubmitProposal050, executeJson, govModuleAddress, instantiate2Json, instantiateJson, migrateJson, parseProposal, proposalJson,
  storeCodeJson, submitProposalMsg, wasmMsgToAny,
} from "../../src/deploy/proposal";

const gov = govModuleAddress("wasm");
const wasm = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, ...new Array(500).fill(7)]);

describe("governance proposals", () => {
  it("the authority is the gov module account", () => {
    // authtypes.NewModuleAddress("gov") as wasmd reports it (`wasmd q auth module-account gov`).
    expect(gov).toBe("wasm10d07y265gmmuvt4z0w9aw880jnsr700js7zslc");
  });

  it("MsgStoreCode carries the gzipped artifact; unzipped it has the artifact's checksum", () => {
    const m = storeCodeJson(gov, wasm);
    expect(m).toMatchObject({ "@type": "/cosmwasm.wasm.v1.MsgStoreCode", sender: gov, instantiate_permission: null });
    const bytes = fromBase64(m.wasm_byte_code);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(sha256Hex(gunzipSync(bytes))).toBe(sha256Hex(wasm));
    const decoded = MsgStoreCode.decode(wasmMsgToAny({ ...m, instantiate_permission: { permission: "AnyOfAddresses", addresses: ["wasm1x"] } }).value);
    expect(decoded.sender).toBe(gov);
    expect(decoded.wasmByteCode).toEqual(bytes);
    expect(decoded.instantiatePermission).toMatchObject({ permission: AccessType.ACCESS_TYPE_ANY_OF_ADDRESSES, addresses: ["wasm1x"] });
  });

  it("instantiate, instantiate2, execute and migrate messages decode to what the JSON says", () => {
    const init = instantiateJson(gov, 3, { denom: "ustake" }, "mesh ilp", gov);
    expect(init).toEqual({ "@type": "/cosmwasm.wasm.v1.MsgInstantiateContract", sender: gov, admin: gov, code_id: "3", label: "mesh ilp", msg: { denom: "ustake" }, funds: [] });
    const init2 = MsgInstantiateContract2.decode(wasmMsgToAny(instantiate2Json(gov, 4, {}, "mesh meta-staking", gov, new TextEncoder().encode("s1"), [{ denom: "ustake", amount: "5" }])).value);
    expect({ ...init2, msg: JSON.parse(fromUtf8(init2.msg)) }).toEqual({
      sender: gov, admin: gov, codeId: 4n, label: "mesh meta-staking", msg: {}, funds: [{ denom: "ustake", amount: "5" }], salt: new TextEncoder().encode("s1"), fixMsg: false,
    });
    const exec = MsgExecuteContract.decode(wasmMsgToAny(executeJson(gov, "wasm1c", { set_allowance: { consumer: "wasm1k", amount: "5" } })).value);
    expect(JSON.parse(fromUtf8(exec.msg))).toEqual({ set_allowance: { consumer: "wasm1k", amount: "5" } });
    expect(exec.contract).toBe("wasm1c");
    const mig = MsgMigrateContract.decode(wasmMsgToAny(migrateJson(gov, "wasm1c", 9, { migrate: {} })).value);
    expect([mig.sender, mig.contract, mig.codeId, JSON.parse(fromUtf8(mig.msg))]).toEqual([gov, "wasm1c", 9n, { migrate: {} }]);
  });

  it("the proposal file has the SDK 0.50 layout", () => {
    const p = proposalJson([executeJson(gov, "wasm1c", { fund: {} })], { title: "t", summary: "s", deposit: "10000000ustake" });
    expect(Object.keys(p).sort()).toEqual(["deposit", "expedited", "messages", "metadata", "summary", "title"]);
    expect(p.expedited).toBe(false);
    expect(() => proposalJson([], { title: "t", summary: "s", deposit: "1ustake" })).toThrow("a proposal needs at least one message");
    expect(() => proposalJson([executeJson(gov, "c", {})], { title: "t", summary: "s", deposit: "ten" })).toThrow('deposit "ten" is not a coin amount like 10000000ustake');
  });

  it("MsgSubmitProposal encodes SDK 0.50's expedited flag as field 7 (unknown to cosmjs-types 0.9)", () => {
    const p = proposalJson([executeJson(gov, "wasm1c", { fund: {} })], { title: "t", summary: "s", deposit: "50000000ustake", expedited: true });
    const msg = submitProposalMsg(p, "wasm1proposer");
    const bytes = MsgSubmitProposal050.encode(msg.value).finish();
    const fields: Record<number, unknown> = {};
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const [field, wire] = r.tag();
      if (field === 7) fields[7] = r.bool();
      else r.skipType(wire);
    }
    expect(fields[7]).toBe(true);
    const decoded = MsgSubmitProposal.decode(bytes);
    expect(decoded.proposer).toBe("wasm1proposer");
    expect(decoded.initialDeposit).toEqual([{ denom: "ustake", amount: "50000000" }]);
    expect(decoded.messages.map((m) => m.typeUrl)).toEqual(["/cosmwasm.wasm.v1.MsgExecuteContract"]);
    const notExpedited = MsgSubmitProposal050.encode(submitProposalMsg({ ...p, expedited: false }, "wasm1proposer").value).finish();
    expect(notExpedited.length).toBe(bytes.length - 2);
  });

  it("rejects proposal files it cannot submit", () => {
    expect(() => parseProposal({ messages: [] }, "p.json")).toThrow("p.json is not a gov proposal file");
    expect(() => parseProposal({ messages: [{ "@type": "/cosmos.bank.v1beta1.MsgSend" }], deposit: "1ustake", title: "t", summary: "s" }, "p.json"))
      .toThrow("unsupported proposal message type /cosmos.bank.v1beta1.MsgSend");
  });
});
