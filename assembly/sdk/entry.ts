// Entry-point plumbing: read the Region arguments, parse env/info/msg, call the contract's handler, and wrap the
// outcome as ContractResult JSON: {"ok": …} or {"error": "…"}. Handlers return null after recording an error.
import { clearError, peekError, takeError } from "./error";
import { IbcChannelMsg, IbcDestinationCallbackMsg, IbcPacketAckMsg, IbcPacketMsg, IbcSourceCallbackMsg, ackError } from "./ibc";
import { beginBufferedWrites, commitBufferedWrites, discardBufferedWrites } from "./storage";
import { JsonValue, JsonWriter, parseJsonAt, quoteInto } from "./json";
import { Region, ptr, regionFromString } from "./region";
import { Response } from "./response";
import { Env, MessageInfo, Reply } from "./types";
import { base64Encode } from "./base64";

function parseRegion(pointer: u32): JsonValue | null {
  const region = changetype<Region>(<usize>pointer);
  return parseJsonAt(<usize>region.offset, <usize>region.length);
}

function errorResult(message: string): u32 {
  const parts = new Array<string>();
  parts.push("{\"error\":");
  quoteInto(parts, message);
  parts.push("}");
  return ptr(regionFromString(parts.join("")));
}

function okResult(json: string): u32 {
  return ptr(regionFromString("{\"ok\":" + json + "}"));
}

function failed(): u32 {
  return errorResult(takeError());
}

export type InstantiateHandler = (env: Env, info: MessageInfo, msg: JsonValue) => Response | null;
export type ExecuteHandler = (env: Env, info: MessageInfo, msg: JsonValue) => Response | null;
/** Returns the query response JSON. */
export type QueryHandler = (env: Env, msg: JsonValue) => string | null;
export type SudoHandler = (env: Env, msg: JsonValue) => Response | null;
export type MigrateHandler = (env: Env, msg: JsonValue) => Response | null;
export type ChannelOpenHandler = (env: Env, msg: IbcChannelMsg) => ChannelOpenResult | null;
export type ChannelHandler = (env: Env, msg: IbcChannelMsg) => Response | null;
export type PacketReceiveHandler = (env: Env, msg: IbcPacketMsg) => ReceiveResult | null;
export type PacketAckHandler = (env: Env, msg: IbcPacketAckMsg) => Response | null;
export type PacketTimeoutHandler = (env: Env, msg: IbcPacketMsg) => Response | null;

function withEnvInfoMsg(envPtr: u32, infoPtr: u32, msgPtr: u32, handler: ExecuteHandler): u32 {
  clearError();
  const env = Env.decode(parseRegion(envPtr));
  if (env == null) return failed();
  const info = MessageInfo.decode(parseRegion(infoPtr));
  if (info == null) return failed();
  const msg = parseRegion(msgPtr);
  if (msg == null) return failed();
  const response = handler(env, info, msg);
  if (response == null) return failed();
  const w = new JsonWriter();
  response.write(w);
  return okResult(w.toString());
}

export function doInstantiate(envPtr: u32, infoPtr: u32, msgPtr: u32, handler: InstantiateHandler): u32 {
  return withEnvInfoMsg(envPtr, infoPtr, msgPtr, handler);
}

export function doExecute(envPtr: u32, infoPtr: u32, msgPtr: u32, handler: ExecuteHandler): u32 {
  return withEnvInfoMsg(envPtr, infoPtr, msgPtr, handler);
}

export function doQuery(envPtr: u32, msgPtr: u32, handler: QueryHandler): u32 {
  clearError();
  const env = Env.decode(parseRegion(envPtr));
  if (env == null) return failed();
  const msg = parseRegion(msgPtr);
  if (msg == null) return failed();
  const json = handler(env, msg);
  if (json == null) return failed();
  // ContractResult<Binary>: the response JSON travels base64-encoded.
  const encoded = base64Encode(Uint8Array.wrap(String.UTF8.encode(json, false)));
  return okResult("\"" + encoded + "\"");
}

export function doSudo(envPtr: u32, msgPtr: u32, handler: SudoHandler): u32 {
  clearError();
  const env = Env.decode(parseRegion(envPtr));
  if (env == null) return failed();
  const msg = parseRegion(msgPtr);
  if (msg == null) return failed();
  const response = handler(env, msg);
  if (response == null) return failed();
  const w = new JsonWriter();
  response.write(w);
  return okResult(w.toString());
}

/** The `migrate` entry point (wasmd calls the new code's migrate with the contract's admin's message). */
export function doMigrate(envPtr: u32, msgPtr: u32, handler: MigrateHandler): u32 {
  return doSudo(envPtr, msgPtr, handler);
}

/** `version` null accepts the proposed version; otherwise it overrides it. */
export class ChannelOpenResult {
  constructor(public version: string | null) {}
}

export function doIbcChannelOpen(envPtr: u32, msgPtr: u32, handler: ChannelOpenHandler): u32 {
  clearError();
  const env = Env.decode(parseRegion(envPtr));
  if (env == null) return failed();
  const msg = IbcChannelMsg.decode(parseRegion(msgPtr));
  if (msg == null) return failed();
  const result = handler(env, msg);
  if (result == null) return failed();
  const version = result.version;
  if (version == null) return okResult("null");
  const w = new JsonWriter();
  w.beginObject().key("version").string(version).endObject();
  return okResult(w.toString());
}

export function doIbcChannel(envPtr: u32, msgPtr: u32, handler: ChannelHandler): u32 {
  return basicCall<IbcChannelMsg>(envPtr, msgPtr, IbcChannelMsg.decode, handler);
}

export class ReceiveResult {
  constructor(public response: Response, public acknowledgement: Uint8Array) {}
}

export function doIbcPacketReceive(envPtr: u32, msgPtr: u32, handler: PacketReceiveHandler): u32 {
  clearError();
  const env = Env.decode(parseRegion(envPtr));
  if (env == null) return failed();
  const msg = IbcPacketMsg.decode(parseRegion(msgPtr));
  if (msg == null) return failed();
  // A business error must become an error acknowledgement (a successful call) that carries its reason, and must
  // change nothing: buffer the handler's writes and keep them only if it succeeds.
  beginBufferedWrites();
  const result = handler(env, msg);
  const w = new JsonWriter();
  if (result == null) {
    discardBufferedWrites();
    new Response().addAttribute("packet_error", peekError()).writeIbcReceive(w, ackError(takeError()));
  } else {
    commitBufferedWrites();
    result.response.writeIbcReceive(w, result.acknowledgement);
  }
  return okResult(w.toString());
}

/**
 * Ack and timeout handlers must never fail: a failing one makes the relay transaction fail and the packet is stuck.
 * So a handler error (a bug or an unexpected ack) discards the handler's writes and still returns success, with the
 * reason in an attribute for operators.
 */
function guardedPacketCallback(env: Env, run: (env: Env) => Response | null): u32 {
  beginBufferedWrites();
  const response = run(env);
  const w = new JsonWriter();
  if (response == null) {
    discardBufferedWrites();
    new Response().addAttribute("callback_error", takeError()).writeIbcBasic(w);
  } else {
    commitBufferedWrites();
    response.writeIbcBasic(w);
  }
  return okResult(w.toString());
}

let pendingAck: IbcPacketAckMsg | null = null;
let pendingAckHandler: PacketAckHandler | null = null;
let pendingTimeout: IbcPacketMsg | null = null;
let pendingTimeoutHandler: PacketTimeoutHandler | null = null;

function runPendingAck(env: Env): Response | null { return pendingAckHandler!(env, pendingAck!); }
function runPendingTimeout(env: Env): Response | null { return pendingTimeoutHandler!(env, pendingTimeout!); }

export function doIbcPacketAck(envPtr: u32, msgPtr: u32, handler: PacketAckHandler): u32 {
  clearError();
  const env = Env.decode(parseRegion(envPtr));
  if (env == null) return failed();
  const msg = IbcPacketAckMsg.decode(parseRegion(msgPtr));
  if (msg == null) return failed();
  pendingAck = msg;
  pendingAckHandler = handler;
  return guardedPacketCallback(env, runPendingAck);
}

export function doIbcPacketTimeout(envPtr: u32, msgPtr: u32, handler: PacketTimeoutHandler): u32 {
  clearError();
  const env = Env.decode(parseRegion(envPtr));
  if (env == null) return failed();
  const msg = IbcPacketMsg.decode(parseRegion(msgPtr));
  if (msg == null) return failed();
  pendingTimeout = msg;
  pendingTimeoutHandler = handler;
  return guardedPacketCallback(env, runPendingTimeout);
}

export type ReplyHandler = (env: Env, reply: Reply) => Response | null;

export function doReply(envPtr: u32, msgPtr: u32, handler: ReplyHandler): u32 {
  clearError();
  const env = Env.decode(parseRegion(envPtr));
  if (env == null) return failed();
  const reply = Reply.decode(parseRegion(msgPtr));
  if (reply == null) return failed();
  const response = handler(env, reply);
  if (response == null) return failed();
  const w = new JsonWriter();
  response.write(w);
  return okResult(w.toString());
}

export type SourceCallbackHandler = (env: Env, msg: IbcSourceCallbackMsg) => Response | null;
export type DestinationCallbackHandler = (env: Env, msg: IbcDestinationCallbackMsg) => Response | null;

/**
 * ibc_source_callback / ibc_destination_callback (ibc-go's callbacks middleware). An error here never blocks the
 * packet: the middleware only reverts the callback's own writes; so these are plain calls (the error is returned).
 */
export function doIbcSourceCallback(envPtr: u32, msgPtr: u32, handler: SourceCallbackHandler): u32 {
  return basicCall<IbcSourceCallbackMsg>(envPtr, msgPtr, IbcSourceCallbackMsg.decode, handler);
}

export function doIbcDestinationCallback(envPtr: u32, msgPtr: u32, handler: DestinationCallbackHandler): u32 {
  return basicCall<IbcDestinationCallbackMsg>(envPtr, msgPtr, IbcDestinationCallbackMsg.decode, handler);
}

/** An entry point answering an IbcBasicResponse: decode, handle, write (errors are returned to the caller). */
function basicCall<M>(envPtr: u32, msgPtr: u32, decode: (json: JsonValue | null) => M | null, handler: (env: Env, msg: M) => Response | null): u32 {
  clearError();
  const env = Env.decode(parseRegion(envPtr));
  if (env == null) return failed();
  const msg = decode(parseRegion(msgPtr));
  if (msg == null) return failed();
  const response = handler(env, msg);
  if (response == null) return failed();
  const w = new JsonWriter();
  response.writeIbcBasic(w);
  return okResult(w.toString());
}
