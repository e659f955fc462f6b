// The ICS acknowledgement envelope both mesh contracts use: {"result":"<base64 JSON>"} or {"error":"<reason>"}.
import { Fields, clearError, parseJson } from "../sdk";

export function emptyResult(): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode("{}", false));
}

/** A parsed acknowledgement: success with its result bytes, or an error with its reason. */
export class Ack {
  constructor(public ok: bool, public result: Uint8Array, public error: string) {}

  /**
   * Never fails: an ack that is not the expected envelope counts as an error (the counterparty did not confirm
   * the operation, so the sender must roll back). wasmd's own error acks ({"error":"ABCI code: …"}) fit too.
   */
  static parse(data: Uint8Array): Ack {
    const json = parseJson(data);
    if (json != null && json.kind == 5 && json.keys.length == 1) {
      const v = json.items[0];
      if (json.keys[0] == "result" && v.kind == 3) {
        const f = new Fields(json, "ack");
        const bytes = f.binary("result");
        if (f.ok()) return new Ack(true, bytes, "");
      }
      if (json.keys[0] == "error" && v.kind == 3) return new Ack(false, new Uint8Array(0), v.text);
    }
    clearError();
    return new Ack(false, new Uint8Array(0), "malformed acknowledgement");
  }
}
