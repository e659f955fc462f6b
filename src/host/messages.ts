// Parsing what a contract returns, as strictly as wasmvm's Go types do (types/msg.go, submessages.go,
// queries.go), and building what the chain sends to a contract (Reply, SubMsgResult) in Go's JSON layout.

import {
  JsonSyntaxError, JsonValue, ShapeError, decArray, decBinary, decObject, decOptU64, decString, decU64, goString,
  parseJson, toBase64,
} from "./json";
import { Attribute, Event, MsgResponse, VmError } from "./types";

/** The part of a module that decodes its CosmosMsg variant (HostModule.decodeMsg). */
export interface MsgDecoder {
  decodeMsg?(value: JsonValue, path: string): unknown;
}

export type ReplyOn = "always" | "success" | "error" | "never";

export interface CosmosMsg {
  /** The CosmosMsg variant ("bank", "wasm", "staking"…), or "none" when no known variant is set. */
  kind: string;
  /** The module's decoded inner value (or the raw JSON for kinds without a module). */
  value: unknown;
}

export interface SubMsg {
  id: bigint;
  payload?: Uint8Array;
  msg: CosmosMsg;
  gasLimit?: bigint;
  /** "unset" when the field is missing (wasmd then fails dispatch with "replyOn value: invalid"). */
  replyOn: ReplyOn | "unset";
}

export interface ContractResponse {
  messages: SubMsg[];
  /** undefined = null/missing (nil in Go); an empty array = `""`. */
  data?: Uint8Array;
  attributes: Attribute[];
  events: Event[];
}

/** wasmvm DeserializeResponse: sub-message payloads are limited to 128 KiB. */
export const REPLY_PAYLOAD_MAX = 128 * 1024;

/** The CosmosMsg variants of wasmvm 2.x in Go's field order (stargate is an alias of any). */
const COSMOS_MSG_KINDS = ["bank", "custom", "distribution", "gov", "ibc", "staking", "any", "wasm"];

function decAttribute(v: JsonValue, path: string): Attribute {
  const o = decObject(v, path, "types.EventAttribute");
  return { key: decString(o.key, `${path}.key`), value: decString(o.value, `${path}.value`) };
}

function decEvent(v: JsonValue, path: string): Event {
  const o = decObject(v, path, "types.Event");
  return {
    type: decString(o.type, `${path}.type`),
    attributes: decArray(o.attributes, `${path}.attributes`).map((a, i) => decAttribute(a, `${path}.attributes[${i}]`)),
  };
}

export function decodeCosmosMsg(v: JsonValue, path: string, modules: ReadonlyMap<string, MsgDecoder>): CosmosMsg {
  const o = decObject(v, path, "types.CosmosMsg");
  const known = new Set([...COSMOS_MSG_KINDS, ...modules.keys()]);
  const present: string[] = [];
  for (const k of Object.keys(o)) {
    if (o[k] === null) continue; // Go: null leaves the pointer nil
    if (k === "stargate") present.push("any");
    else if (known.has(k)) present.push(k);
  }
  if (present.length === 0) return { kind: "none", value: undefined };
  if (present.length > 1) {
    // Go would silently take the first field; a contract emitting two variants has a serialisation bug.
    throw new ShapeError(`${path}: more than one CosmosMsg variant set (${present.join(", ")})`);
  }
  const kind = present[0];
  const raw = kind === "any" && o.any == null ? o.stargate : o[kind];
  const module = modules.get(kind);
  if (kind === "custom") return { kind, value: raw };
  if (module?.decodeMsg) return { kind, value: module.decodeMsg(raw, `${path}.${kind}`) };
  return { kind, value: decObject(raw, `${path}.${kind}`) };
}

function decodeSubMsg(v: JsonValue, path: string, modules: ReadonlyMap<string, MsgDecoder>): SubMsg {
  const o = decObject(v, path, "types.SubMsg");
  let replyOn: SubMsg["replyOn"] = "unset";
  if (o.reply_on !== undefined) {
    const r = o.reply_on;
    if (r !== null && typeof r !== "string") decString(r, `${path}.reply_on`); // type error
    const s = r === null ? "" : (r as string);
    if (s !== "always" && s !== "success" && s !== "error" && s !== "never") {
      throw new ShapeError(`invalid reply_on value '${s}'`);
    }
    replyOn = s;
  }
  return {
    id: decU64(o.id, `${path}.id`),
    payload: decBinary(o.payload, `${path}.payload`),
    msg: decodeCosmosMsg(o.msg === undefined ? null : o.msg, `${path}.msg`, modules),
    gasLimit: decOptU64(o.gas_limit, `${path}.gas_limit`),
    replyOn,
  };
}

export function decodeResponse(v: JsonValue, path: string, modules: ReadonlyMap<string, MsgDecoder>): ContractResponse {
  const o = decObject(v, path, "types.Response");
  const messages = decArray(o.messages, `${path}.messages`).map((m, i) => decodeSubMsg(m, `${path}.messages[${i}]`, modules));
  messages.forEach((m, i) => {
    if (m.payload && m.payload.length > REPLY_PAYLOAD_MAX) {
      throw new ShapeError(`reply contains submessage at index ${i} with payload larger than ${REPLY_PAYLOAD_MAX} bytes: ${m.payload.length} bytes`);
    }
  });
  return {
    messages,
    data: decBinary(o.data, `${path}.data`),
    attributes: decArray(o.attributes, `${path}.attributes`).map((a, i) => decAttribute(a, `${path}.attributes[${i}]`)),
    events: decArray(o.events, `${path}.events`).map((e, i) => decEvent(e, `${path}.events[${i}]`)),
  };
}

function parseResult(bytes: Uint8Array): JsonValue {
  try {
    return parseJson(bytes);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new VmError(`contract result is not valid JSON: ${e.message}`, "result");
    throw e;
  }
}

function asResultError(e: unknown): never {
  if (e instanceof ShapeError) throw new VmError(e.message, "result");
  throw e;
}

/**
 * `ContractResult<Response>` (instantiate, execute, migrate, sudo, reply). Like Go, the whole document is decoded
 * first (a malformed `ok` fails even next to an `error`), then a non-empty `error` wins; neither → VM error.
 */
export function parseResponseResult(bytes: Uint8Array, modules: ReadonlyMap<string, MsgDecoder>): { ok: ContractResponse } | { error: string } {
  const v = parseResult(bytes);
  try {
    const o = decObject(v, "ContractResult", "types.ContractResult");
    const error = decString(o.error, "ContractResult.error");
    const ok = o.ok === undefined || o.ok === null ? undefined : decodeResponse(o.ok, "ContractResult.ok", modules);
    if (error !== "") return { error };
    if (ok === undefined) throw new VmError("contract result has neither a non-empty \"error\" nor an \"ok\" value", "result");
    return { ok };
  } catch (e) {
    return asResultError(e);
  }
}

/** `ContractResult<Binary>` of `query`. Go decodes `{}` / `{"ok":null}` as an empty successful response. */
export function parseQueryResult(bytes: Uint8Array): { ok: Uint8Array } | { error: string } {
  const v = parseResult(bytes);
  try {
    const o = decObject(v, "QueryResult", "types.QueryResult");
    const error = decString(o.error, "QueryResult.error");
    const ok = decBinary(o.ok, "QueryResult.ok");
    if (error !== "") return { error };
    return { ok: ok ?? new Uint8Array(0) };
  } catch (e) {
    return asResultError(e);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Messages to the contract, in Go's JSON layout (field order of the wasmvm structs, omitempty honoured).

export function eventsJson(events: Event[]): string {
  return `[${events
    .map((e) => `{"type":${goString(e.type)},"attributes":[${e.attributes.map((a) => `{"key":${goString(a.key)},"value":${goString(a.value)}}`).join(",")}]}`)
    .join(",")}]`;
}

export type SubMsgResult =
  | { ok: { events: Event[]; data?: Uint8Array; msgResponses: MsgResponse[] } }
  | { error: string };

/** wasmvm types.Reply: `{"gas_used":…,"id":…,"result":…,"payload":…}` (payload and data omitted when empty). */
export function replyJson(id: bigint, payload: Uint8Array | undefined, result: SubMsgResult, gasUsed = 0n): string {
  let r: string;
  if ("ok" in result) {
    const ok = result.ok;
    const data = ok.data && ok.data.length > 0 ? `,"data":"${toBase64(ok.data)}"` : "";
    const responses = ok.msgResponses.map((m) => `{"type_url":${goString(m.type_url)},"value":"${toBase64(m.value)}"}`).join(",");
    r = `{"ok":{"events":${eventsJson(ok.events)}${data},"msg_responses":[${responses}]}}`;
  } else {
    r = `{"error":${goString(result.error)}}`;
  }
  const p = payload && payload.length > 0 ? `,"payload":"${toBase64(payload)}"` : "";
  return `{"gas_used":${gasUsed},"id":${id},"result":${r}${p}}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Protobuf encodings of the Msg…Response types (the `value` of msg_responses and the reply `data`).

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** Encodes length-delimited fields (wire type 2); empty fields are omitted as proto3 does. */
export function protoBytesFields(fields: [number, Uint8Array | undefined][]): Uint8Array {
  const out: number[] = [];
  for (const [no, b] of fields) {
    if (!b || b.length === 0) continue;
    out.push(...varint((no << 3) | 2), ...varint(b.length), ...b);
  }
  return Uint8Array.from(out);
}
