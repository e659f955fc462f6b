// A minimal protobuf reader for the Msg…Response values a sub-message reply carries (`msg_responses`): enough for
// the staking responses meta-staking needs (x/staking's own record of an undelegation). Unknown fields are skipped,
// as protobuf requires; malformed input is an error.
import { fail } from "./error";
import { Uint128 } from "./math";

export class ProtoReader {
  private at: i32 = 0;
  constructor(private readonly bytes: Uint8Array) {}

  done(): bool { return this.at >= this.bytes.length; }

  /** The next varint, or -1 as u64 max with an error recorded when the input ends inside it. */
  varint(): u64 {
    let value: u64 = 0;
    for (let shift: u32 = 0; shift < 64; shift += 7) {
      if (this.at >= this.bytes.length) { fail<string>("protobuf: truncated varint"); return u64.MAX_VALUE; }
      const b = this.bytes[this.at++];
      value |= (<u64>(b & 0x7f)) << shift;
      if ((b & 0x80) == 0) return value;
    }
    fail<string>("protobuf: varint too long");
    return u64.MAX_VALUE;
  }

  /** A length-delimited field's bytes, or null (error recorded). */
  bytesField(): Uint8Array | null {
    const n = this.varint();
    if (n == u64.MAX_VALUE || n > <u64>(this.bytes.length - this.at)) return fail<Uint8Array>("protobuf: truncated field");
    const out = this.bytes.slice(this.at, this.at + <i32>n);
    this.at += <i32>n;
    return out;
  }

  /** Skips a field of `wireType`; false (error recorded) for an unsupported or truncated one. */
  skip(wireType: u32): bool {
    if (wireType == 0) return this.varint() != u64.MAX_VALUE;
    if (wireType == 2) return this.bytesField() != null;
    if (wireType == 1 || wireType == 5) {
      const n = wireType == 1 ? 8 : 4;
      if (this.at + n > this.bytes.length) { fail<string>("protobuf: truncated field"); return false; }
      this.at += n;
      return true;
    }
    fail<string>("protobuf: unsupported wire type " + wireType.toString());
    return false;
  }
}

/** cosmos.staking.v1beta1.MsgUndelegateResponse: when the entry completes (ns) and what it holds. */
export class UndelegateResponse {
  constructor(public completionNanos: u64, public denom: string, public amount: Uint128) {}

  static decode(bytes: Uint8Array): UndelegateResponse | null {
    const r = new ProtoReader(bytes);
    let seconds: u64 = 0;
    let nanos: u64 = 0;
    let denom = "";
    let amount = Uint128.zero();
    while (!r.done()) {
      const tag = r.varint();
      if (tag == u64.MAX_VALUE) return null;
      const field = <u32>(tag >> 3);
      const wire = <u32>(tag & 7);
      if (wire == 2 && (field == 1 || field == 2)) {
        const inner = r.bytesField();
        if (inner == null) return null;
        const m = new ProtoReader(inner);
        while (!m.done()) {
          const t = m.varint();
          if (t == u64.MAX_VALUE) return null;
          const f = <u32>(t >> 3);
          const w = <u32>(t & 7);
          if (field == 1 && w == 0 && (f == 1 || f == 2)) {
            const v = m.varint();
            if (v == u64.MAX_VALUE) return null;
            if (f == 1) seconds = v; else nanos = v;
          } else if (field == 2 && w == 2 && (f == 1 || f == 2)) {
            const b = m.bytesField();
            if (b == null) return null;
            const text = String.UTF8.decode(b.buffer);
            if (f == 1) {
              denom = text;
            } else {
              const parsed = Uint128.parse(text, "undelegation amount");
              if (parsed == null) return null;
              amount = parsed;
            }
          } else if (!m.skip(w)) {
            return null;
          }
        }
      } else if (!r.skip(wire)) {
        return null;
      }
    }
    if (seconds > (u64.MAX_VALUE - nanos) / 1_000_000_000) return fail<UndelegateResponse>("protobuf: completion time out of range");
    return new UndelegateResponse(seconds * 1_000_000_000 + nanos, denom, amount);
  }
}

/** The `data` of a cosmwasm.wasm.v1.MsgExecuteContractResponse (field 1): what the called contract returned. */
export function executeResponseData(bytes: Uint8Array): Uint8Array | null {
  const r = new ProtoReader(bytes);
  let data = new Uint8Array(0);
  while (!r.done()) {
    const tag = r.varint();
    if (tag == u64.MAX_VALUE) return null;
    const wire = <u32>(tag & 7);
    if (wire == 2 && (tag >> 3) == 1) {
      const b = r.bytesField();
      if (b == null) return null;
      data = b;
    } else if (!r.skip(wire)) {
      return null;
    }
  }
  return data;
}
