// Tiny WebAssembly binary encoder for gate tests: just enough to build modules that break one rule at a time.
// Signatures are written like the gate's messages: "(i32,i32)->i32", "(i32)->()".

const VALTYPES: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

export function str(s: string): number[] {
  const bytes = Array.from(Buffer.from(s, "utf8"));
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function encodeSig(sig: string): number[] {
  const m = /^\(([^)]*)\)->(?:\(([^)]*)\)|(\w+))$/.exec(sig.replace(/\s/g, ""));
  if (!m) throw new Error(`bad signature ${sig}`);
  const list = (s: string | undefined) => (s ? s.split(",").filter(Boolean).map((t) => VALTYPES[t]) : []);
  const params = list(m[1]);
  const results = list(m[2] ?? m[3]);
  return [0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results];
}

interface Limits { min: number; max?: number }
const limits = (l: Limits) => (l.max === undefined ? [0x00, ...uleb(l.min)] : [0x01, ...uleb(l.min), ...uleb(l.max)]);

export interface FuncOptions {
  locals?: Array<[number, string]>; // [count, valtype] groups
  export?: string;
  name?: string; // goes into the "name" custom section
}

export class WasmBuilder {
  private types: string[] = [];
  private imports: number[][] = [];
  private importedFuncs = 0;
  private funcs: { type: number; locals: Array<[number, string]>; body: number[] }[] = [];
  private memories: Limits[] = [];
  private tables: Limits[] = [];
  private globals: number[][] = [];
  private exports: number[][] = [];
  private names: Array<[number, string]> = [];
  private startFunc?: number;
  private dataCount?: number;
  private customs: number[][] = [];

  private typeIndex(sig: string): number {
    const i = this.types.indexOf(sig);
    if (i >= 0) return i;
    this.types.push(sig);
    return this.types.length - 1;
  }

  importFunc(module: string, name: string, sig: string): number {
    if (this.funcs.length > 0) throw new Error("declare imports before functions (function index space)");
    this.imports.push([...str(module), ...str(name), 0x00, ...uleb(this.typeIndex(sig))]);
    return this.importedFuncs++;
  }

  importMemory(module: string, name: string, l: Limits): this {
    this.imports.push([...str(module), ...str(name), 0x02, ...limits(l)]);
    return this;
  }

  /** Adds a function; `body` excludes the final `end`. Returns its index in the function index space. */
  func(sig: string, body: number[], opts: FuncOptions = {}): number {
    const index = this.importedFuncs + this.funcs.length;
    this.funcs.push({ type: this.typeIndex(sig), locals: opts.locals ?? [], body });
    if (opts.export !== undefined) this.exportFunc(opts.export, index);
    if (opts.name !== undefined) this.names.push([index, opts.name]);
    return index;
  }

  exportFunc(name: string, index: number): this {
    this.exports.push([...str(name), 0x00, ...uleb(index)]);
    return this;
  }

  memory(l: Limits, exportAs: string | null = "memory"): this {
    if (exportAs !== null) this.exports.push([...str(exportAs), 0x02, ...uleb(this.memories.length)]);
    this.memories.push(l);
    return this;
  }

  table(l: Limits): this {
    this.tables.push(l);
    return this;
  }

  /** `init` is the constant expression without its final `end`. */
  global(valtype: string, mutable: boolean, init: number[]): this {
    this.globals.push([VALTYPES[valtype], mutable ? 1 : 0, ...init, 0x0b]);
    return this;
  }

  start(index: number): this {
    this.startFunc = index;
    return this;
  }

  withDataCount(n: number): this {
    this.dataCount = n;
    return this;
  }

  custom(name: string, payload: number[]): this {
    this.customs.push(section(0, [...str(name), ...payload]));
    return this;
  }

  build(): Uint8Array {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const add = (id: number, items: number[][], always = false) => {
      if (items.length > 0 || always) out.push(...section(id, vec(items)));
    };
    add(1, this.types.map(encodeSig));
    add(2, this.imports);
    add(3, this.funcs.map((f) => uleb(f.type)));
    add(4, this.tables.map((t) => [0x70, ...limits(t)]));
    add(5, this.memories.map(limits));
    add(6, this.globals);
    add(7, this.exports);
    if (this.startFunc !== undefined) out.push(...section(8, uleb(this.startFunc)));
    if (this.dataCount !== undefined) out.push(...section(12, uleb(this.dataCount)));
    add(10, this.funcs.map((f) => {
      const locals = vec(f.locals.map(([n, t]) => [...uleb(n), VALTYPES[t]]));
      const body = [...locals, ...f.body, 0x0b];
      return [...uleb(body.length), ...body];
    }));
    if (this.names.length > 0) {
      const funcNames = vec(this.names.map(([i, n]) => [...uleb(i), ...str(n)]));
      out.push(...section(0, [...str("name"), 1, ...uleb(funcNames.length), ...funcNames]));
    }
    // Custom payloads can be large (size-limit tests): concatenate instead of spreading into push().
    return Uint8Array.from(out.concat(...this.customs));
  }
}

export const I32_CONST_0 = [0x41, 0x00];

/** The smallest module the gate accepts: one exported memory, interface_version_8, allocate, deallocate, instantiate. */
export function minimalContract(): WasmBuilder {
  return addMinimalExports(new WasmBuilder());
}

/** Adds the required exports to a builder (after any imports were declared). */
export function addMinimalExports(b: WasmBuilder): WasmBuilder {
  b.memory({ min: 1 });
  b.func("()->()", [], { export: "interface_version_8" });
  b.func("(i32)->i32", [0x20, 0x00], { export: "allocate" });
  b.func("(i32)->()", [], { export: "deallocate" });
  b.func("(i32,i32,i32)->i32", I32_CONST_0, { export: "instantiate" });
  return b;
}
