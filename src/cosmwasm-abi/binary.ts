// The bytes of a wasm binary: a bounds-checked reader and the value types. Shared by the gate (src/gate) and the
// in-process host (src/host), so both see a module the same way.

/** A structural problem in the binary; the gate reports it as "malformed module: …", the host as a validation error. */
export class Malformed extends Error {}

export const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b, FUNCREF = 0x70, EXTERNREF = 0x6f;
export const VALTYPE_NAMES: Record<number, string> = {
  [I32]: "i32", [I64]: "i64", [F32]: "f32", [F64]: "f64", [V128]: "v128", [FUNCREF]: "funcref", [EXTERNREF]: "externref",
};

export interface FuncType { params: number[]; results: number[] }

/** Written as "(i32,i32)->i32" / "(i32)->()" so error messages can quote signatures verbatim. */
export function sigString(t: FuncType): string {
  const names = (xs: number[]) => xs.map((x) => VALTYPE_NAMES[x] ?? `0x${x.toString(16)}`).join(",");
  return `(${names(t.params)})->${t.results.length === 1 ? names(t.results) : `(${names(t.results)})`}`;
}

export function hex(n: number): string { return `0x${n.toString(16)}`; }

export class Reader {
  constructor(readonly buf: Uint8Array, public pos: number, public end: number) {}

  get eof(): boolean { return this.pos >= this.end; }

  fail(msg: string): never { throw new Malformed(`${msg} at byte 0x${this.pos.toString(16)}`); }

  u8(): number {
    if (this.pos >= this.end) this.fail("unexpected end of data");
    return this.buf[this.pos++];
  }

  bytes(n: number): Uint8Array {
    if (n > this.end - this.pos) this.fail(`length ${n} runs past the end of its section`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number): void { this.bytes(n); }

  // Unsigned LEB128 of at most `bits` bits. Numbers stay exact up to 2^53, enough for u32 and memory64 limits.
  uleb(bits = 32): number {
    let result = 0, mul = 1;
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; ; i++) {
      if (i >= maxBytes) this.fail(`LEB128 integer longer than ${maxBytes} bytes`);
      const b = this.u8();
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) break;
    }
    if (bits <= 32 && result > 0xffffffff) this.fail("u32 LEB128 integer out of range");
    return result;
  }

  // Signed LEB128: only the length is validated, the value of constants is irrelevant to the checks.
  sleb(bits: number): void {
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; ; i++) {
      if (i >= maxBytes) this.fail(`signed LEB128 integer longer than ${maxBytes} bytes`);
      if ((this.u8() & 0x80) === 0) return;
    }
  }

  name(): string {
    const raw = this.bytes(this.uleb());
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(raw);
    } catch {
      this.fail("name is not valid UTF-8");
    }
  }
}

export function readValType(r: Reader): number {
  const t = r.u8();
  if (!(t in VALTYPE_NAMES)) r.fail(`unsupported value type 0x${t.toString(16)} (typed function references/GC)`);
  return t;
}
