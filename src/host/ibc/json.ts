// IBC values in wasmvm's Go JSON layout (what contracts receive) and channeltypes.Acknowledgement envelopes.
import { goString, toBase64 } from "../json";
import { HostError } from "../types";
import { isZeroHeight } from "./height";
import { ChannelEnd, Packet } from "./types";
import { utf8 } from "./util";

export function endpointJson(port: string, channel: string): string {
  return `{"port_id":${goString(port)},"channel_id":${goString(channel)}}`;
}

export function channelJson(port: string, channelId: string, c: ChannelEnd, version = c.version): string {
  return `{"endpoint":${endpointJson(port, channelId)},"counterparty_endpoint":${endpointJson(c.counterpartyPort, c.counterpartyChannel)},` +
    `"order":"${c.ordering}","version":${goString(version)},"connection_id":${goString(c.connectionId)}}`;
}

export function packetJson(p: Packet): string {
  const block = isZeroHeight(p.timeoutHeight) ? "null" : `{"revision":${p.timeoutHeight!.revision},"height":${p.timeoutHeight!.height}}`;
  const ts = p.timeoutTimestamp === 0n ? "" : `,"timestamp":"${p.timeoutTimestamp}"`;
  return `{"data":"${toBase64(p.data)}","src":${endpointJson(p.sourcePort, p.sourceChannel)},"dest":${endpointJson(p.destPort, p.destChannel)},` +
    `"sequence":${p.sequence},"timeout":{"block":${block}${ts}}}`;
}

/** channeltypes.Acknowledgement JSON (sorted keys, Go escaping): {"result":"<b64>"} / {"error":"…"}. */
export function ackResult(result: Uint8Array): Uint8Array {
  return utf8(`{"result":"${toBase64(result)}"}`);
}

export function ackError(message: string): Uint8Array {
  return utf8(`{"error":${goString(message)}}`);
}

const ACK_ERROR_STRING = "error handling packet: see events for details";

/** channeltypes.NewErrorAcknowledgementWithCodespace (wasmd's CreateErrorAcknowledgement). */
export function errorAckWithCodespace(e: HostError): Uint8Array {
  return ackError(`ABCI error: ${e.codespace}/${e.code}: ${ACK_ERROR_STRING}`);
}

/** channeltypes.NewErrorAcknowledgement (used by ICS-20). */
export function errorAck(e: HostError): Uint8Array {
  return ackError(`ABCI code: ${e.code}: ${ACK_ERROR_STRING}`);
}
