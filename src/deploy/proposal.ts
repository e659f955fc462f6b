// x/gov v1 proposals carrying wasm messages, as the JSON file `wasmd tx gov submit-proposal <file>` reads
// (Cosmos SDK 0.50: messages, metadata, deposit, title, summary, expedited), and the same proposal as the protobuf
// message this tool submits itself. The wasm messages' sender is the gov module account (wasmd's authority).
import { createHash } from "crypto";
import { gzipSync } from "zlib";
import { fromBase64, toBase64, toBech32, toUtf8 } from "@cosmjs/encoding";
import { EncodeObject, GeneratedType } from "@cosmjs/proto-signing";
import { BinaryWriter } from "cosmjs-types/binary";
import { Coin, parseCoins } from "@cosmjs/stargate";
import { MsgSubmitProposal } from "cosmjs-types/cosmos/gov/v1/tx";
import {
  MsgExecuteContract, MsgInstantiateContract, MsgInstantiateContract2, MsgMigrateContract, MsgStoreCode,
} from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { AccessConfig, AccessType } from "cosmjs-types/cosmwasm/wasm/v1/types";
import { Any } from "cosmjs-types/google/protobuf/any";
import { MeshError } from "./errors";

/** The gov module account (authtypes.NewModuleAddress("gov")), wasmd's authority for proposal messages. */
export function govModuleAddress(prefix: string): string {
  return toBech32(prefix, createHash("sha256").update("gov").digest().subarray(0, 20));
}

/** wasmd reads AccessType by these names in JSON ("ACCESS_TYPE_EVERYBODY" would silently become Unspecified). */
export type InstantiatePermission = { permission: "Everybody" | "Nobody" } | { permission: "AnyOfAddresses"; addresses: string[] };

export interface StoreCodeJson {
  "@type": "/cosmwasm.wasm.v1.MsgStoreCode";
  sender: string;
  /** base64 of the wasm, gzipped (wasmd unzips it; the checksum is of the unzipped code). */
  wasm_byte_code: string;
  instantiate_permission: InstantiatePermission | null;
}

export interface InstantiateJson {
  "@type": "/cosmwasm.wasm.v1.MsgInstantiateContract";
  sender: string;
  admin: string;
  code_id: string;
  label: string;
  msg: unknown;
  funds: Coin[];
}

export interface Instantiate2Json extends Omit<InstantiateJson, "@type"> {
  "@type": "/cosmwasm.wasm.v1.MsgInstantiateContract2";
  /** base64 */
  salt: string;
  fix_msg: boolean;
}

export interface ExecuteJson {
  "@type": "/cosmwasm.wasm.v1.MsgExecuteContract";
  sender: string;
  contract: string;
  msg: unknown;
  funds: Coin[];
}

export interface MigrateJson {
  "@type": "/cosmwasm.wasm.v1.MsgMigrateContract";
  sender: string;
  contract: string;
  code_id: string;
  msg: unknown;
}

export type WasmMsgJson = StoreCodeJson | InstantiateJson | Instantiate2Json | ExecuteJson | MigrateJson;

export interface ProposalJson {
  messages: WasmMsgJson[];
  metadata: string;
  /** e.g. "10000000ustake" */
  deposit: string;
  title: string;
  summary: string;
  expedited: boolean;
}

export const storeCodeJson = (authority: string, wasm: Uint8Array, permission: InstantiatePermission | null = null): StoreCodeJson => ({
  "@type": "/cosmwasm.wasm.v1.MsgStoreCode",
  sender: authority,
  wasm_byte_code: toBase64(gzipSync(wasm, { level: 9 })),
  instantiate_permission: permission,
});

export const instantiateJson = (authority: string, codeId: number, msg: unknown, label: string, admin: string, funds: Coin[] = []): InstantiateJson => ({
  "@type": "/cosmwasm.wasm.v1.MsgInstantiateContract", sender: authority, admin, code_id: String(codeId), label, msg, funds,
});

export const instantiate2Json = (
  authority: string, codeId: number, msg: unknown, label: string, admin: string, salt: Uint8Array, funds: Coin[] = [],
): Instantiate2Json => ({
  "@type": "/cosmwasm.wasm.v1.MsgInstantiateContract2", sender: authority, admin, code_id: String(codeId), label, msg, funds,
  salt: toBase64(salt), fix_msg: false,
});

export const executeJson = (authority: string, contract: string, msg: unknown, funds: Coin[] = []): ExecuteJson => ({
  "@type": "/cosmwasm.wasm.v1.MsgExecuteContract", sender: authority, contract, msg, funds,
});

export const migrateJson = (authority: string, contract: string, codeId: number, msg: unknown): MigrateJson => ({
  "@type": "/cosmwasm.wasm.v1.MsgMigrateContract", sender: authority, contract, code_id: String(codeId), msg,
});

export function proposalJson(messages: WasmMsgJson[], opts: { title: string; summary: string; deposit: string; expedited?: boolean; metadata?: string }): ProposalJson {
  if (!messages.length) throw new MeshError("a proposal needs at least one message");
  parseDeposit(opts.deposit);
  return { messages, metadata: opts.metadata ?? "", deposit: opts.deposit, title: opts.title, summary: opts.summary, expedited: !!opts.expedited };
}

export function parseDeposit(deposit: string): Coin[] {
  try {
    const coins = parseCoins(deposit);
    if (coins.length) return coins;
  } catch {
    /* reported below */
  }
  throw new MeshError(`deposit "${deposit}" is not a coin amount like 10000000ustake`);
}

const permissionProto = (p: InstantiatePermission | null): AccessConfig | undefined => {
  if (!p) return undefined;
  const permission = {
    Everybody: AccessType.ACCESS_TYPE_EVERYBODY,
    Nobody: AccessType.ACCESS_TYPE_NOBODY,
    AnyOfAddresses: AccessType.ACCESS_TYPE_ANY_OF_ADDRESSES,
  }[p.permission];
  if (permission === undefined) throw new MeshError(`instantiate_permission "${p.permission}" must be Everybody, Nobody or AnyOfAddresses`);
  return AccessConfig.fromPartial({ permission, addresses: "addresses" in p ? p.addresses : [] });
};

const contractMsg = (msg: unknown) => toUtf8(JSON.stringify(msg));

/** One proposal message as the protobuf Any the chain executes. */
export function wasmMsgToAny(m: WasmMsgJson): Any {
  switch (m["@type"]) {
    case "/cosmwasm.wasm.v1.MsgStoreCode":
      return Any.fromPartial({ typeUrl: m["@type"], value: MsgStoreCode.encode(MsgStoreCode.fromPartial({
        sender: m.sender, wasmByteCode: fromBase64(m.wasm_byte_code), instantiatePermission: permissionProto(m.instantiate_permission),
      })).finish() });
    case "/cosmwasm.wasm.v1.MsgInstantiateContract":
      return Any.fromPartial({ typeUrl: m["@type"], value: MsgInstantiateContract.encode(MsgInstantiateContract.fromPartial({
        sender: m.sender, admin: m.admin, codeId: BigInt(m.code_id), label: m.label, msg: contractMsg(m.msg), funds: m.funds,
      })).finish() });
    case "/cosmwasm.wasm.v1.MsgInstantiateContract2":
      return Any.fromPartial({ typeUrl: m["@type"], value: MsgInstantiateContract2.encode(MsgInstantiateContract2.fromPartial({
        sender: m.sender, admin: m.admin, codeId: BigInt(m.code_id), label: m.label, msg: contractMsg(m.msg), funds: m.funds,
        salt: fromBase64(m.salt), fixMsg: m.fix_msg,
      })).finish() });
    case "/cosmwasm.wasm.v1.MsgExecuteContract":
      return Any.fromPartial({ typeUrl: m["@type"], value: MsgExecuteContract.encode(MsgExecuteContract.fromPartial({
        sender: m.sender, contract: m.contract, msg: contractMsg(m.msg), funds: m.funds,
      })).finish() });
    case "/cosmwasm.wasm.v1.MsgMigrateContract":
      return Any.fromPartial({ typeUrl: m["@type"], value: MsgMigrateContract.encode(MsgMigrateContract.fromPartial({
        sender: m.sender, contract: m.contract, codeId: BigInt(m.code_id), msg: contractMsg(m.msg),
      })).finish() });
    default:
      throw new MeshError(`unsupported proposal message type ${(m as { "@type": string })["@type"]}`);
  }
}

type SubmitProposal050 = MsgSubmitProposal & { expedited: boolean };

/**
 * MsgSubmitProposal of Cosmos SDK 0.50, which adds `expedited` (field 7) to the 0.47 message cosmjs-types 0.9 knows.
 * Register it on a signing client's registry (it replaces the 0.47 encoder under the same type URL).
 */
export const MsgSubmitProposal050 = {
  encode(message: SubmitProposal050, writer: BinaryWriter = BinaryWriter.create()): BinaryWriter {
    MsgSubmitProposal.encode(message, writer);
    if (message.expedited) writer.uint32(56).bool(true);
    return writer;
  },
  decode: (input: Uint8Array) => MsgSubmitProposal.decode(input),
  fromPartial: (object: Partial<SubmitProposal050>): SubmitProposal050 => {
    const { expedited, ...rest } = object;
    return { ...MsgSubmitProposal.fromPartial(rest), expedited: !!expedited };
  },
};

export const msgSubmitProposal050Type = MsgSubmitProposal050 as unknown as GeneratedType;

/** The MsgSubmitProposal for a proposal file, proposed (and the deposit paid) by `proposer` (encode with MsgSubmitProposal050). */
export function submitProposalMsg(p: ProposalJson, proposer: string): EncodeObject {
  return {
    typeUrl: "/cosmos.gov.v1.MsgSubmitProposal",
    value: MsgSubmitProposal050.fromPartial({
      messages: p.messages.map(wasmMsgToAny),
      initialDeposit: parseDeposit(p.deposit),
      proposer, metadata: p.metadata, title: p.title, summary: p.summary, expedited: p.expedited,
    }),
  };
}

/** Validates a proposal file written by this tool (or by hand in the same format). */
export function parseProposal(raw: unknown, file: string): ProposalJson {
  const p = raw as Partial<ProposalJson>;
  if (typeof p !== "object" || p === null || !Array.isArray(p.messages) || typeof p.deposit !== "string" || typeof p.title !== "string" || typeof p.summary !== "string") {
    throw new MeshError(`${file} is not a gov proposal file (messages, deposit, title, summary)`);
  }
  for (const m of p.messages) wasmMsgToAny(m);
  return { messages: p.messages, metadata: p.metadata ?? "", deposit: p.deposit, title: p.title, summary: p.summary, expedited: !!p.expedited };
}
