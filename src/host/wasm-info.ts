// Minimal reader for the wasm binary sections the host needs and JS's WebAssembly API does not expose:
// function signatures of imports and exports (wasmer checks import signatures at instantiation, JS does not),
// and whether there is a start section (cosmwasm-vm runs it with a zero gas limit, so it always fails on chain).

export interface FuncSig {
  params: string[];
  results: string[];
}

export interface WasmInfo {
  imports: { module: string; name: string; kind: "func" | "table" | "memory" | "global" | "tag"; sig?: FuncSig }[];
  exports: { name: string; kind: "func" | "table" | "memory" | "global" | "tag"; sig?: FuncSig }[];
  hasStart: boolean;
}

const VALTYPE: Record<number, string> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref" };
const KIND = ["func", "table", "memory", "global", "tag"] as const;

export function sigToString(s: FuncSig): string {
  return `(${s.params.join(",")})->(${s.results.join(",")})`;
}

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new Error("wasm: unexpected end");
    return this.b[this.pos++];
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new Error("wasm: bad LEB128");
    }
  }
  name(): string {
    const len = this.u32();
    const s = Buffer.from(this.b.subarray(this.pos, this.pos + len)).toString("utf8");
    this.pos += len;
    return s;
  }
  limits(): void {
    const flag = this.byte();
    this.u32();
    if (flag & 1) this.u32();
  }
}

export function readWasmInfo(wasm: Uint8Array): WasmInfo {
  const r = new Reader(wasm);
  if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
    throw new Error("wasm: bad magic");
  }
  r.pos = 8;
  const types: FuncSig[] = [];
  const funcTypes: number[] = []; // type index per function index (imports first)
  const info: WasmInfo = { imports: [], exports: [], hasStart: false };
  const rawExports: { name: string; kind: number; index: number }[] = [];
  while (r.pos < wasm.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    switch (id) {
      case 1: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const form = r.byte();
          if (form !== 0x60) throw new Error("wasm: unsupported type form");
          const np = r.u32();
          const params: string[] = [];
          for (let j = 0; j < np; j++) params.push(VALTYPE[r.byte()] ?? "?");
          const nr = r.u32();
          const results: string[] = [];
          for (let j = 0; j < nr; j++) results.push(VALTYPE[r.byte()] ?? "?");
          types.push({ params, results });
        }
        break;
      }
      case 2: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const module = r.name();
          const name = r.name();
          const kind = r.byte();
          if (kind === 0) {
            const t = r.u32();
            funcTypes.push(t);
            info.imports.push({ module, name, kind: "func", sig: types[t] });
          } else if (kind === 1) {
            r.byte();
            r.limits();
            info.imports.push({ module, name, kind: "table" });
          } else if (kind === 2) {
            r.limits();
            info.imports.push({ module, name, kind: "memory" });
          } else if (kind === 3) {
            r.byte();
            r.byte();
            info.imports.push({ module, name, kind: "global" });
          } else {
            r.byte();
            r.u32();
            info.imports.push({ module, name, kind: "tag" });
          }
        }
        break;
      }
      case 3: {
        const n = r.u32();
        for (let i = 0; i < n; i++) funcTypes.push(r.u32());
        break;
      }
      case 7: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const name = r.name();
          const kind = r.byte();
          const index = r.u32();
          rawExports.push({ name, kind, index });
        }
        break;
      }
      case 8:
        info.hasStart = true;
        break;
      default:
        break;
    }
    r.pos = end;
  }
  for (const e of rawExports) {
    info.exports.push({
      name: e.name,
      kind: KIND[e.kind] ?? "func",
      sig: e.kind === 0 ? types[funcTypes[e.index]] : undefined,
    });
  }
  return info;
}
