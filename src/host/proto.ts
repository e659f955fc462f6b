// A minimal protobuf writer for the Msg…Response values the host returns as sub-message `data` and
// `msg_responses` (proto3: zero/empty fields are omitted).

export type ProtoField =
  | [no: number, kind: "varint", value: bigint | number]
  | [no: number, kind: "bytes", value: Uint8Array | string | undefined]
  | [no: number, kind: "message", value: Uint8Array | undefined];

function varint(n: bigint): number[] {
  if (n < 0n) n = (1n << 64n) + n; // int64 two's complement, as protobuf encodes negative int64
  const out: number[] = [];
  while (n > 0x7fn) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

export function protoMessage(fields: ProtoField[]): Uint8Array {
  const out: number[] = [];
  for (const [no, kind, value] of fields) {
    if (kind === "varint") {
      const v = BigInt(value as bigint | number);
      if (v === 0n) continue;
      out.push(...varint(BigInt(no << 3)), ...varint(v));
    } else {
      if (value === undefined) continue;
      const b = typeof value === "string" ? new TextEncoder().encode(value) : (value as Uint8Array);
      // an embedded message is written even when empty only if present; proto3 strings/bytes are omitted when empty
      if (b.length === 0 && kind === "bytes") continue;
      out.push(...varint(BigInt((no << 3) | 2)), ...varint(BigInt(b.length)), ...b);
    }
  }
  return Uint8Array.from(out);
}

/** google.protobuf.Timestamp of a ns time. */
export function protoTimestamp(ns: bigint): Uint8Array {
  return protoMessage([
    [1, "varint", ns / 1_000_000_000n],
    [2, "varint", ns % 1_000_000_000n],
  ]);
}

/** cosmos.base.v1beta1.Coin. */
export function protoCoin(denom: string, amount: bigint): Uint8Array {
  return protoMessage([
    [1, "bytes", denom],
    [2, "bytes", amount.toString()],
  ]);
}
