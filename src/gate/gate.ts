// Static "gate" for built contracts: parses a WebAssembly binary and checks it against the rules a CosmWasm VM
// (cosmwasm-vm 2.x/3.x, wasmd) applies at store-code and instantiation time, plus the project's own stricter
// rules (no floats at all). See /work/shared/design/cosmwasm-abi.md §0, §1.2–1.4, §2.1–2.2.
//
// Why a hand-written parser: the JS test hosts (cw-simulate, cosmwasm-vm-js) accept modules a real chain rejects
// (start section, wrong import signatures, bulk memory), and cosmwasm-check needs a Rust build. This runs in
// milliseconds with no dependencies, so every build can fail fast with errors that name the offending item.

export interface GateOptions {
  maxSizeBytes?: number; // default 800 KiB (wasmd MaxWasmSize)
  maxLocalsPerFunction?: number; // default 100
  maxTotalLocals?: number; // default 10000
  capabilities?: string[]; // default: DEFAULT_CAPABILITIES
  requireIbcExports?: boolean;
}

export interface GateReport {
  file?: string;
  ok: boolean;
  errors: string[];
  stats: {
    sizeBytes: number;
    functions: number;
    maxLocals: number;
    /** Label of the function with the most declared locals: `func N "name"` when a name is known, else N; -1 if none. */
    maxLocalsFunction: number | string;
    totalLocals: number;
    imports: string[];
    exports: string[];
    capabilities: string[];
    memoryPages: number;
  };
}

// wasmd v0.54/v0.55/v0.60 (wasmvm 2.2) BuiltInCapabilities, minus nothing; `ibc2`/`cosmwasm_3_0` deliberately absent.
export const DEFAULT_CAPABILITIES: readonly string[] = [
  "iterator", "staking", "stargate",
  "cosmwasm_1_1", "cosmwasm_1_2", "cosmwasm_1_3", "cosmwasm_1_4",
  "cosmwasm_2_0", "cosmwasm_2_1", "cosmwasm_2_2",
];

const LIMITS = {
  maxImports: 100,
  maxFunctions: 20000,
  maxParamsPerType: 100,
  maxTotalParams: 10000,
  maxResultsPerType: 1,
  maxMemoryPages: 512,
  maxTableSize: 2500,
};

// ---------------------------------------------------------------------------------------------------------------
// Signatures. Written as "(i32,i32)->i32" so error messages can quote them verbatim.

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b, FUNCREF = 0x70, EXTERNREF = 0x6f;
const VALTYPE_NAMES: Record<number, string> = {
  [I32]: "i32", [I64]: "i64", [F32]: "f32", [F64]: "f64", [V128]: "v128", [FUNCREF]: "funcref", [EXTERNREF]: "externref",
};

interface FuncType { params: number[]; results: number[] }

function sigString(t: FuncType): string {
  const names = (xs: number[]) => xs.map((x) => VALTYPE_NAMES[x] ?? `0x${x.toString(16)}`).join(",");
  return `(${names(t.params)})->${t.results.length === 1 ? names(t.results) : `(${names(t.results)})`}`;
}

// cosmwasm-vm SUPPORTED_IMPORTS with the signatures from cosmwasm-std imports.rs (ABI doc table 1.3). The VM
// itself only checks names at upload; wasmer then rejects a wrong signature at instantiation, i.e. too late.
const ALLOWED_IMPORTS: Record<string, string> = {
  abort: "(i32)->()",
  debug: "(i32)->()",
  db_read: "(i32)->i32",
  db_write: "(i32,i32)->()",
  db_remove: "(i32)->()",
  db_scan: "(i32,i32,i32)->i32",
  db_next: "(i32)->i32",
  db_next_key: "(i32)->i32",
  db_next_value: "(i32)->i32",
  addr_validate: "(i32)->i32",
  addr_canonicalize: "(i32,i32)->i32",
  addr_humanize: "(i32,i32)->i32",
  secp256k1_verify: "(i32,i32,i32)->i32",
  secp256k1_recover_pubkey: "(i32,i32,i32)->i64",
  secp256r1_verify: "(i32,i32,i32)->i32",
  secp256r1_recover_pubkey: "(i32,i32,i32)->i64",
  ed25519_verify: "(i32,i32,i32)->i32",
  ed25519_batch_verify: "(i32,i32,i32)->i32",
  bls12_381_aggregate_g1: "(i32,i32)->i32",
  bls12_381_aggregate_g2: "(i32,i32)->i32",
  bls12_381_pairing_equality: "(i32,i32,i32,i32)->i32",
  bls12_381_hash_to_g1: "(i32,i32,i32,i32)->i32",
  bls12_381_hash_to_g2: "(i32,i32,i32,i32)->i32",
  query_chain: "(i32)->i32",
};

// Exports the VM calls; a wrong arity is only discovered when the call happens (FunctionArityMismatch).
const ENTRY_POINTS: Record<string, string[]> = {
  allocate: ["(i32)->i32"],
  deallocate: ["(i32)->()"],
  instantiate: ["(i32,i32,i32)->i32"],
  execute: ["(i32,i32,i32)->i32"],
  migrate: ["(i32,i32)->i32", "(i32,i32,i32)->i32"],
  query: ["(i32,i32)->i32"],
  sudo: ["(i32,i32)->i32"],
  reply: ["(i32,i32)->i32"],
  ibc_channel_open: ["(i32,i32)->i32"],
  ibc_channel_connect: ["(i32,i32)->i32"],
  ibc_channel_close: ["(i32,i32)->i32"],
  ibc_packet_receive: ["(i32,i32)->i32"],
  ibc_packet_ack: ["(i32,i32)->i32"],
  ibc_packet_timeout: ["(i32,i32)->i32"],
  ibc_source_callback: ["(i32,i32)->i32"],
  ibc_destination_callback: ["(i32,i32)->i32"],
};
const REQUIRED_EXPORTS = ["allocate", "deallocate", "instantiate"];
// wasmd binds an IBC port only when all six exist (REQUIRED_IBC_EXPORTS); a partial set is a silent misconfiguration.
const IBC_EXPORTS = [
  "ibc_channel_open", "ibc_channel_connect", "ibc_channel_close",
  "ibc_packet_receive", "ibc_packet_ack", "ibc_packet_timeout",
];

// ---------------------------------------------------------------------------------------------------------------
// Byte reader. Any structural problem throws Malformed, which checkWasm turns into a "malformed module: …" error.

class Malformed extends Error {}

class Reader {
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

// ---------------------------------------------------------------------------------------------------------------
// Parsed module model (only what the checks need).

interface Import { module: string; name: string; kind: number; typeIndex?: number }
interface Limits { min: number; max?: number; shared: boolean; is64: boolean }
interface Export { name: string; kind: number; index: number }
interface Body { funcIndex: number; declaredLocals: number; localTypes: Set<number>; start: number; end: number }
interface ConstExpr { what: string; forbidden: Forbidden | null }

interface Module {
  types: FuncType[];
  imports: Import[];
  funcTypes: number[]; // type index of every function, imported first (the function index space)
  importedFuncs: number;
  tables: { limits: Limits; imported: boolean }[];
  memories: { limits: Limits; imported: boolean }[];
  globals: { type: number; imported: boolean }[];
  exports: Export[];
  start?: number;
  hasDataCount: boolean;
  hasTags: boolean;
  bodies: Body[];
  constExprs: ConstExpr[];
  segmentErrors: string[]; // element/data segment encodings that need a disabled proposal
  funcNames: Map<number, string>;
}

const SECTION_NAMES = [
  "custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data",
  "datacount", "tag",
];
// Spec order of the non-custom sections (tag and datacount sit between their neighbours, not by id).
const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
const KIND_NAMES = ["function", "table", "memory", "global", "tag"];

function readValType(r: Reader): number {
  const t = r.u8();
  if (!(t in VALTYPE_NAMES)) r.fail(`unsupported value type 0x${t.toString(16)} (typed function references/GC)`);
  return t;
}

function readLimits(r: Reader, what: string): Limits {
  const flags = r.u8();
  // Bit 0x08 (custom page sizes) and above: no CosmWasm VM parses these.
  if (flags & ~0x07) r.fail(`unknown ${what} limits flags 0x${flags.toString(16)}`);
  const is64 = (flags & 0x04) !== 0;
  const min = r.uleb(is64 ? 64 : 32);
  const max = flags & 0x01 ? r.uleb(is64 ? 64 : 32) : undefined;
  return { min, max, shared: (flags & 0x02) !== 0, is64 };
}

function readTableType(r: Reader): Limits {
  const ref = r.u8();
  if (ref === 0x40) r.fail("table with an initialiser expression (function references proposal)");
  if (ref !== FUNCREF && ref !== EXTERNREF) r.fail(`unsupported table element type 0x${ref.toString(16)}`);
  return readLimits(r, "table");
}

// Constant expressions are checked while parsing: their length is only known by decoding them.
function readConstExpr(r: Reader, m: Module, what: string): void {
  const forbidden = walkInstructions(r, m.types.length, true);
  // Where the walk stopped, the end of the expression (and so the rest of the section) cannot be found.
  if (forbidden?.stopped) throw new Malformed(`${what}: ${describeForbidden(forbidden)} (cannot decode further)`);
  m.constExprs.push({ what, forbidden });
}

function parseModule(buf: Uint8Array): Module {
  const m: Module = {
    types: [], imports: [], funcTypes: [], importedFuncs: 0, tables: [], memories: [], globals: [], exports: [],
    hasDataCount: false, hasTags: false, bodies: [], constExprs: [], segmentErrors: [], funcNames: new Map(),
  };
  const r = new Reader(buf, 0, buf.length);
  if (buf.length < 8) throw new Malformed(`file too short for a wasm header (${buf.length} bytes)`);
  const magic = r.bytes(4);
  if (magic[0] !== 0x00 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) {
    throw new Malformed("bad magic number (not a wasm binary)");
  }
  const version = r.bytes(4);
  if (version[0] !== 1 || version[1] !== 0 || version[2] !== 0 || version[3] !== 0) {
    // 0x0d 0x00 0x01 0x00 etc. is the component-model layer, which no CosmWasm VM loads.
    throw new Malformed(`unsupported wasm version ${Array.from(version).join(",")} (expected 1,0,0,0)`);
  }

  let lastOrder = -1;
  const seen = new Set<number>();
  let definedFuncCount: number | undefined;
  let codeCount: number | undefined;

  while (!r.eof) {
    const id = r.u8();
    const size = r.uleb();
    const start = r.pos;
    if (size > buf.length - start) r.fail(`section ${SECTION_NAMES[id] ?? id} size ${size} runs past end of file`);
    const s = new Reader(buf, start, start + size);
    if (id !== 0) {
      const order = SECTION_ORDER.indexOf(id);
      if (order < 0) r.fail(`unknown section id ${id}`);
      if (seen.has(id)) r.fail(`duplicate ${SECTION_NAMES[id]} section`);
      if (order < lastOrder) r.fail(`${SECTION_NAMES[id]} section out of order`);
      seen.add(id);
      lastOrder = order;
    }

    switch (id) {
      case 0: {
        const name = s.name();
        // The name section is debug info only: a broken one must not fail the gate, so errors in it are ignored.
        if (name === "name") {
          try { readNameSection(new Reader(buf, s.pos, s.end), m.funcNames); } catch { /* ignored */ }
        }
        s.pos = s.end;
        break;
      }
      case 1: {
        const n = s.uleb();
        for (let i = 0; i < n; i++) {
          const form = s.u8();
          if (form !== 0x60) s.fail(`type ${i}: unsupported type form 0x${form.toString(16)} (GC/rec types)`);
          const params: number[] = [], results: number[] = [];
          for (let k = s.uleb(); k > 0; k--) params.push(readValType(s));
          for (let k = s.uleb(); k > 0; k--) results.push(readValType(s));
          m.types.push({ params, results });
        }
        break;
      }
      case 2: {
        const n = s.uleb();
        for (let i = 0; i < n; i++) {
          const module = s.name(), name = s.name(), kind = s.u8();
          const imp: Import = { module, name, kind };
          switch (kind) {
            case 0:
              imp.typeIndex = s.uleb();
              if (imp.typeIndex >= m.types.length) s.fail(`import ${module}.${name}: type index ${imp.typeIndex} out of range`);
              m.funcTypes.push(imp.typeIndex);
              m.importedFuncs++;
              break;
            case 1: m.tables.push({ limits: readTableType(s), imported: true }); break;
            case 2: m.memories.push({ limits: readLimits(s, "memory"), imported: true }); break;
            case 3: m.globals.push({ type: readValType(s), imported: true }); s.u8(); break;
            case 4: s.u8(); s.uleb(); m.hasTags = true; break;
            default: s.fail(`import ${module}.${name}: unknown import kind ${kind}`);
          }
          m.imports.push(imp);
        }
        break;
      }
      case 3: {
        definedFuncCount = s.uleb();
        for (let i = 0; i < definedFuncCount; i++) {
          const t = s.uleb();
          if (t >= m.types.length) s.fail(`function ${m.funcTypes.length}: type index ${t} out of range`);
          m.funcTypes.push(t);
        }
        break;
      }
      case 4: for (let n = s.uleb(); n > 0; n--) m.tables.push({ limits: readTableType(s), imported: false }); break;
      case 5: for (let n = s.uleb(); n > 0; n--) m.memories.push({ limits: readLimits(s, "memory"), imported: false }); break;
      case 6: {
        const n = s.uleb();
        for (let i = 0; i < n; i++) {
          const type = readValType(s);
          const mut = s.u8();
          if (mut > 1) s.fail(`global ${m.globals.length}: bad mutability flag ${mut}`);
          readConstExpr(s, m, `global ${m.globals.length} initialiser`);
          m.globals.push({ type, imported: false });
        }
        break;
      }
      case 7: {
        const names = new Set<string>();
        for (let n = s.uleb(); n > 0; n--) {
          const name = s.name(), kind = s.u8(), index = s.uleb();
          if (kind > 4) s.fail(`export "${name}": unknown export kind ${kind}`);
          if (names.has(name)) s.fail(`duplicate export name "${name}"`);
          names.add(name);
          m.exports.push({ name, kind, index });
        }
        break;
      }
      case 8: m.start = s.uleb(); break;
      case 9: {
        const n = s.uleb();
        for (let i = 0; i < n; i++) readElementSegment(s, m, i);
        break;
      }
      case 10: {
        codeCount = s.uleb();
        for (let i = 0; i < codeCount; i++) {
          const bodySize = s.uleb();
          const bodyStart = s.pos;
          s.skip(bodySize);
          const b = new Reader(buf, bodyStart, bodyStart + bodySize);
          let declaredLocals = 0;
          const localTypes = new Set<number>();
          for (let groups = b.uleb(); groups > 0; groups--) {
            declaredLocals += b.uleb();
            localTypes.add(readValType(b));
          }
          m.bodies.push({ funcIndex: m.importedFuncs + i, declaredLocals, localTypes, start: b.pos, end: b.end });
        }
        break;
      }
      case 11: {
        const n = s.uleb();
        for (let i = 0; i < n; i++) {
          const flags = s.uleb();
          if (flags === 0) {
            readConstExpr(s, m, `data segment ${i} offset`);
          } else if (flags === 1) {
            m.segmentErrors.push(`data segment ${i} is passive (bulk-memory proposal, not supported by the VM)`);
          } else if (flags === 2) {
            const mem = s.uleb();
            if (mem !== 0) m.segmentErrors.push(`data segment ${i} targets memory ${mem} (multi-memory)`);
            readConstExpr(s, m, `data segment ${i} offset`);
          } else {
            s.fail(`data segment ${i}: unknown flags ${flags}`);
          }
          s.skip(s.uleb());
        }
        break;
      }
      case 12: m.hasDataCount = true; s.uleb(); break;
      case 13: m.hasTags = true; s.pos = s.end; break;
    }
    if (s.pos !== s.end) s.fail(`${SECTION_NAMES[id]} section has ${s.end - s.pos} unread trailing bytes`);
    r.pos = s.end;
  }

  if ((definedFuncCount ?? 0) !== (codeCount ?? 0)) {
    throw new Malformed(`function section declares ${definedFuncCount ?? 0} functions but code section has ${codeCount ?? 0} bodies`);
  }
  return m;
}

// Element segments: flags 0 is the MVP form; every other form needs bulk-memory or reference-types, which the VM
// parser disables. We still parse them so that one bad segment does not hide other errors.
function readElementSegment(s: Reader, m: Module, i: number): void {
  const flags = s.uleb();
  if (flags > 7) s.fail(`element segment ${i}: unknown flags ${flags}`);
  if (flags !== 0) {
    m.segmentErrors.push(`element segment ${i} uses encoding ${flags} (bulk-memory/reference-types, not supported by the VM)`);
  }
  const passiveOrDeclared = (flags & 0x01) !== 0;
  const explicitTable = (flags & 0x02) !== 0 && !passiveOrDeclared;
  const usesExprs = (flags & 0x04) !== 0;
  if (explicitTable) s.uleb();
  if (!passiveOrDeclared) readConstExpr(s, m, `element segment ${i} offset`);
  if (flags & 0x03) {
    const kindOrType = s.u8();
    if (usesExprs ? kindOrType !== FUNCREF && kindOrType !== EXTERNREF : kindOrType !== 0x00) {
      s.fail(`element segment ${i}: bad element kind 0x${kindOrType.toString(16)}`);
    }
  }
  for (let n = s.uleb(); n > 0; n--) {
    if (usesExprs) readConstExpr(s, m, `element segment ${i} item`);
    else s.uleb();
  }
}

function readNameSection(r: Reader, out: Map<number, string>): void {
  while (!r.eof) {
    const sub = r.u8();
    const size = r.uleb();
    const s = new Reader(r.buf, r.pos, r.pos + size);
    r.skip(size);
    if (sub !== 1) continue; // only function names matter here
    for (let n = s.uleb(); n > 0; n--) {
      const idx = s.uleb();
      out.set(idx, s.name());
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Instruction walker. Returns the first forbidden instruction (or null) and throws Malformed on undecodable bytes.
// After a forbidden instruction it keeps going when the immediates are known, so the structure is still validated
// and constant expressions are consumed exactly; it stops (`stopped`) only where it cannot decode further (SIMD,
// atomics, GC), which is fine for function bodies because their byte length is known from the code section.

interface Forbidden { name: string; category: string; offset: number; stopped?: boolean }

const FLOAT_OPS: Record<number, string> = {
  0x2a: "f32.load", 0x2b: "f64.load", 0x38: "f32.store", 0x39: "f64.store", 0x43: "f32.const", 0x44: "f64.const",
  0xa8: "i32.trunc_f32_s", 0xa9: "i32.trunc_f32_u", 0xaa: "i32.trunc_f64_s", 0xab: "i32.trunc_f64_u",
  0xae: "i64.trunc_f32_s", 0xaf: "i64.trunc_f32_u", 0xb0: "i64.trunc_f64_s", 0xb1: "i64.trunc_f64_u",
  0xb2: "f32.convert_i32_s", 0xb3: "f32.convert_i32_u", 0xb4: "f32.convert_i64_s", 0xb5: "f32.convert_i64_u",
  0xb6: "f32.demote_f64", 0xb7: "f64.convert_i32_s", 0xb8: "f64.convert_i32_u", 0xb9: "f64.convert_i64_s",
  0xba: "f64.convert_i64_u", 0xbb: "f64.promote_f32", 0xbc: "i32.reinterpret_f32", 0xbd: "i64.reinterpret_f64",
  0xbe: "f32.reinterpret_i32", 0xbf: "f64.reinterpret_i64",
};
(["eq", "ne", "lt", "gt", "le", "ge"]).forEach((op, i) => {
  FLOAT_OPS[0x5b + i] = `f32.${op}`;
  FLOAT_OPS[0x61 + i] = `f64.${op}`;
});
(["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt", "add", "sub", "mul", "div", "min", "max", "copysign"])
  .forEach((op, i) => {
    FLOAT_OPS[0x8b + i] = `f32.${op}`;
    FLOAT_OPS[0x99 + i] = `f64.${op}`;
  });

const OTHER_FORBIDDEN: Record<number, [string, string]> = {
  0x06: ["try", "exception-handling"], 0x07: ["catch", "exception-handling"], 0x08: ["throw", "exception-handling"],
  0x09: ["rethrow", "exception-handling"], 0x0a: ["throw_ref", "exception-handling"],
  0x18: ["delegate", "exception-handling"], 0x19: ["catch_all", "exception-handling"],
  0x1f: ["try_table", "exception-handling"],
  0x12: ["return_call", "tail-call"], 0x13: ["return_call_indirect", "tail-call"],
  0x14: ["call_ref", "function-references"], 0x15: ["return_call_ref", "tail-call"],
  0x1c: ["select (typed, 0x1c)", "reference-types"], 0x25: ["table.get", "reference-types"],
  0x26: ["table.set", "reference-types"], 0xd0: ["ref.null", "reference-types"],
  0xd1: ["ref.is_null", "reference-types"], 0xd2: ["ref.func", "reference-types"],
  0xd3: ["ref.as_non_null", "function-references"], 0xd4: ["br_on_null", "function-references"],
  0xd5: ["ref.eq", "GC"], 0xd6: ["br_on_non_null", "function-references"],
  0xfb: ["GC instruction (0xfb prefix)", "GC"],
  0xfd: ["SIMD instruction (0xfd prefix)", "SIMD"],
  0xfe: ["atomic instruction (0xfe prefix)", "threads/atomics"],
};

const FC_OPS = [
  "i32.trunc_sat_f32_s", "i32.trunc_sat_f32_u", "i32.trunc_sat_f64_s", "i32.trunc_sat_f64_u",
  "i64.trunc_sat_f32_s", "i64.trunc_sat_f32_u", "i64.trunc_sat_f64_s", "i64.trunc_sat_f64_u",
  "memory.init", "data.drop", "memory.copy", "memory.fill", "table.init", "elem.drop", "table.copy",
  "table.grow", "table.size", "table.fill",
];
// Number of LEB immediates of each 0xFC sub-opcode (same order as FC_OPS).
const FC_IMMEDIATES = [0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 1, 2, 1, 2, 1, 1, 1];

// Constant expressions: the VM has extended-const and reference-types disabled, so only these are valid.
const CONST_OK = new Set([0x41, 0x42, 0x23, 0x0b]);
const EXTENDED_CONST = new Set([0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e]);

function walkInstructions(r: Reader, numTypes: number, constExpr: boolean): Forbidden | null {
  let depth = 0;
  let first: Forbidden | null = null;
  const note = (name: string, category: string, at: number) => { first ??= { name, category, offset: at }; };
  const stop = (name: string, category: string, at: number): Forbidden => {
    note(name, category, at);
    return { ...first!, stopped: true };
  };
  const memarg = (at: number) => {
    const align = r.uleb();
    if (align & 0x40) { note("load/store with a memory index", "multi-memory", at); r.uleb(); }
    r.uleb();
  };

  for (;;) {
    if (r.eof) r.fail("expression is missing its final end");
    const at = r.pos;
    const op = r.u8();

    if (constExpr && !CONST_OK.has(op) && !(op in FLOAT_OPS) && !(op in OTHER_FORBIDDEN) && op !== 0xfc) {
      if (!EXTENDED_CONST.has(op)) { r.pos = at; r.fail(`opcode 0x${op.toString(16)} is not allowed in a constant expression`); }
      note(`extended-const opcode 0x${op.toString(16)}`, "extended-const", at);
      continue;
    }

    if (op in FLOAT_OPS) {
      note(FLOAT_OPS[op], "float", at);
      if (op === 0x43) r.skip(4);
      else if (op === 0x44) r.skip(8);
      else if (op <= 0x39) memarg(at);
      continue;
    }
    if (op === 0xfc) {
      const sub = r.uleb();
      const label = `${FC_OPS[sub] ?? "unknown"} (0xfc ${sub})`;
      const category = sub < 8 ? "non-trapping float-to-int (trunc_sat)" : "bulk-memory/reference-types";
      if (sub >= FC_OPS.length) return stop(label, category, at);
      note(label, category, at);
      for (let k = FC_IMMEDIATES[sub]; k > 0; k--) r.uleb();
      continue;
    }
    if (op in OTHER_FORBIDDEN) {
      const [name, category] = OTHER_FORBIDDEN[op];
      switch (op) {
        case 0x06: note(name, category, at); readBlockType(r, numTypes); depth++; continue; // try
        case 0x18: // delegate closes the try block
          note(name, category, at); r.uleb();
          if (depth === 0) r.fail("delegate without a try");
          depth--; continue;
        case 0x07: case 0x08: case 0x09: case 0x12: case 0x14: case 0x15: case 0x25: case 0x26: case 0xd2:
        case 0xd4: case 0xd6:
          note(name, category, at); r.uleb(); continue;
        case 0x13: note(name, category, at); r.uleb(); r.uleb(); continue;
        case 0x0a: case 0x19: case 0xd1: case 0xd3: case 0xd5: note(name, category, at); continue;
        case 0x1c: note(name, category, at); for (let n = r.uleb(); n > 0; n--) readValType(r); continue;
        case 0xd0: note(name, category, at); r.sleb(33); continue; // heap type
        case 0xfd:
          if (r.uleb() === 12) { note("v128.const", category, at); r.skip(16); continue; }
          return stop(name, category, at);
        default: return stop(name, category, at); // try_table, GC, atomics: immediates not decoded
      }
    }

    switch (op) {
      case 0x02: case 0x03: case 0x04: { // block, loop, if
        const bt = readBlockType(r, numTypes);
        if (bt === F32 || bt === F64) note(`block with ${VALTYPE_NAMES[bt]} result`, "float", at);
        if (bt === V128) note("block with v128 result", "SIMD", at);
        depth++;
        break;
      }
      case 0x0b:
        if (depth === 0) return first;
        depth--;
        break;
      case 0x0c: case 0x0d: r.uleb(); break; // br, br_if
      case 0x0e: for (let n = r.uleb(); n >= 0; n--) r.uleb(); break; // br_table: n targets + default
      case 0x10: r.uleb(); break; // call
      case 0x11: { // call_indirect
        const t = r.uleb();
        if (t >= numTypes) r.fail(`call_indirect type index ${t} out of range`);
        // MVP encodes a 0x00 reserved byte; a non-zero table index needs reference-types (multiple tables).
        if (r.uleb() !== 0) note("call_indirect on a table other than 0", "reference-types", at);
        break;
      }
      case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: r.uleb(); break; // local.*, global.*
      case 0x3f: case 0x40: // memory.size, memory.grow
        if (r.uleb() !== 0) note("memory.size/grow on a memory other than 0", "multi-memory", at);
        break;
      case 0x41: r.sleb(32); break;
      case 0x42: r.sleb(64); break;
      default:
        if (op >= 0x28 && op <= 0x3e) {
          memarg(at); // integer loads/stores (float ones were handled above)
        } else if (op === 0x00 || op === 0x01 || op === 0x05 || op === 0x0f || op === 0x1a || op === 0x1b ||
                   (op >= 0x45 && op <= 0xc4)) {
          // no immediates: unreachable, nop, else, return, drop, select, integer numeric ops, sign extension
        } else {
          r.pos = at;
          r.fail(`unknown opcode 0x${op.toString(16)}`);
        }
    }
  }
}

// Block type: 0x40 (empty), a value type, or a non-negative s33 type index (multi-value blocks).
function readBlockType(r: Reader, numTypes: number): number {
  if (r.pos >= r.end) r.fail("unexpected end of data");
  const b = r.buf[r.pos];
  if (b === 0x40) { r.pos++; return 0x40; }
  if (b in VALTYPE_NAMES) { r.pos++; return b; }
  let result = 0, mul = 1, byte: number;
  for (let i = 0; ; i++) {
    if (i >= 5) r.fail("block type index too long");
    byte = r.u8();
    result += (byte & 0x7f) * mul;
    mul *= 128;
    if ((byte & 0x80) === 0) break;
  }
  if (byte & 0x40) r.fail(`bad block type`); // negative s33 that is not one of the single-byte forms
  if (result >= numTypes) r.fail(`block type index ${result} out of range`);
  return -1;
}

// ---------------------------------------------------------------------------------------------------------------
// Checks.

function resolveOptions(opts: GateOptions) {
  return {
    maxSizeBytes: opts.maxSizeBytes ?? 800 * 1024,
    maxLocalsPerFunction: opts.maxLocalsPerFunction ?? 100,
    maxTotalLocals: opts.maxTotalLocals ?? 10000,
    capabilities: new Set(opts.capabilities ?? DEFAULT_CAPABILITIES),
    requireIbcExports: opts.requireIbcExports ?? false,
  };
}

function funcLabel(m: Module, index: number): string {
  const parts = [`func ${index}`];
  const name = m.funcNames.get(index);
  const exported = m.exports.filter((e) => e.kind === 0 && e.index === index).map((e) => e.name);
  if (name !== undefined) parts.push(JSON.stringify(name));
  if (exported.length > 0 && !(exported.length === 1 && exported[0] === name)) {
    parts.push(`(export ${exported.map((e) => JSON.stringify(e)).join(", ")})`);
  }
  return parts.join(" ");
}

function hex(n: number): string { return `0x${n.toString(16)}`; }

function describeForbidden(f: Forbidden): string {
  return `forbidden ${f.category} instruction ${f.name} at byte ${hex(f.offset)}`;
}

function checkTypes(m: Module, errors: string[]): void {
  let totalParams = 0;
  m.types.forEach((t, i) => {
    totalParams += t.params.length;
    const floats = [...t.params, ...t.results].filter((x) => x === F32 || x === F64);
    if (floats.length > 0) errors.push(`type ${i} ${sigString(t)} uses float value types (floats are not allowed)`);
    if ([...t.params, ...t.results].includes(V128)) errors.push(`type ${i} ${sigString(t)} uses v128 (SIMD)`);
    if (t.params.length > LIMITS.maxParamsPerType) {
      errors.push(`type ${i} has ${t.params.length} params (limit ${LIMITS.maxParamsPerType})`);
    }
    if (t.results.length > LIMITS.maxResultsPerType) {
      errors.push(`type ${i} ${sigString(t)} has ${t.results.length} results (limit ${LIMITS.maxResultsPerType}, no multi-value returns)`);
    }
  });
  if (totalParams > LIMITS.maxTotalParams) {
    errors.push(`function types declare ${totalParams} params in total (limit ${LIMITS.maxTotalParams})`);
  }
}

function checkImports(m: Module, errors: string[]): void {
  if (m.imports.length > LIMITS.maxImports) {
    errors.push(`module has ${m.imports.length} imports (limit ${LIMITS.maxImports})`);
  }
  for (const imp of m.imports) {
    const full = `${imp.module}.${imp.name}`;
    if (imp.kind !== 0) {
      errors.push(`import ${full} is a ${KIND_NAMES[imp.kind]}; only function imports are allowed` +
        (imp.kind === 2 ? " (the memory must be defined and exported, not imported)" : ""));
      continue;
    }
    if (imp.module !== "env") {
      errors.push(`import ${full} is from module "${imp.module}"; only "env" is allowed (use @external("env", "${imp.name}"))`);
      continue;
    }
    const expected = ALLOWED_IMPORTS[imp.name];
    if (expected === undefined) {
      errors.push(`import env.${imp.name} is not provided by CosmWasm (not in the allow-list)`);
      continue;
    }
    const actual = sigString(m.types[imp.typeIndex!]);
    if (actual !== expected) errors.push(`import env.${imp.name} has signature ${actual}; CosmWasm provides ${expected}`);
  }
}

function checkMemoryAndTables(m: Module, errors: string[]): number {
  if (m.memories.length !== 1) {
    errors.push(`module has ${m.memories.length} memories; exactly one is required`);
  }
  const mem = m.memories[0];
  if (mem) {
    const l = mem.limits;
    if (l.max !== undefined) errors.push(`memory 0 declares a maximum (${l.max} pages); the VM requires none`);
    if (l.min > LIMITS.maxMemoryPages) errors.push(`memory 0 initial size ${l.min} pages exceeds ${LIMITS.maxMemoryPages}`);
    if (l.shared) errors.push("memory 0 is shared (threads proposal)");
    if (l.is64) errors.push("memory 0 is a 64-bit memory (memory64 proposal)");
    const exp = m.exports.find((e) => e.name === "memory");
    if (!exp) errors.push(`memory 0 is not exported as "memory"`);
    else if (exp.kind !== 2 || exp.index !== 0) errors.push(`export "memory" is not memory 0`);
  }
  if (m.tables.length > 1) errors.push(`module has ${m.tables.length} tables; at most one is allowed`);
  m.tables.forEach((t, i) => {
    if (t.imported) return; // already reported as a non-function import
    if (t.limits.max === undefined) errors.push(`table ${i} has no maximum; the VM requires one ≤ ${LIMITS.maxTableSize}`);
    else if (t.limits.max > LIMITS.maxTableSize) errors.push(`table ${i} maximum ${t.limits.max} exceeds ${LIMITS.maxTableSize}`);
  });
  return mem ? mem.limits.min : 0;
}

function checkExports(m: Module, o: ReturnType<typeof resolveOptions>, errors: string[]): string[] {
  const funcExports = new Map<string, number>();
  for (const e of m.exports) {
    if (e.kind === 0) {
      if (e.index >= m.funcTypes.length) throw new Malformed(`export "${e.name}": function index ${e.index} out of range`);
      funcExports.set(e.name, e.index);
    }
  }
  const nonFunc = (name: string) => m.exports.some((e) => e.name === name && e.kind !== 0);

  const versions = [...funcExports.keys()].filter((n) => n.startsWith("interface_version_"));
  if (versions.length === 0) errors.push("missing export interface_version_8");
  else if (versions.length > 1) errors.push(`more than one interface_version_* export: ${versions.join(", ")}`);
  else if (versions[0] !== "interface_version_8") {
    errors.push(`export ${versions[0]} is not supported; the VM requires interface_version_8`);
  }

  for (const name of REQUIRED_EXPORTS) {
    if (!funcExports.has(name)) {
      errors.push(`missing required export ${name} ${ENTRY_POINTS[name].join(" or ")}` +
        (nonFunc(name) ? " (the export exists but is not a function)" : ""));
    }
  }
  for (const [name, sigs] of Object.entries(ENTRY_POINTS)) {
    const idx = funcExports.get(name);
    if (idx === undefined) continue;
    const actual = sigString(m.types[m.funcTypes[idx]]);
    if (!sigs.includes(actual)) errors.push(`export ${name} has signature ${actual}; expected ${sigs.join(" or ")}`);
  }

  const ibcPresent = IBC_EXPORTS.filter((n) => funcExports.has(n));
  if (ibcPresent.length > 0 || o.requireIbcExports) {
    const missing = IBC_EXPORTS.filter((n) => !funcExports.has(n));
    if (missing.length > 0) {
      errors.push(`incomplete IBC entry points: missing ${missing.join(", ")}` +
        (ibcPresent.length > 0 ? ` (has ${ibcPresent.join(", ")}); wasmd binds an IBC port only when all six exist` : ""));
    }
  }

  const capabilities: string[] = [];
  for (const e of m.exports) {
    if (!e.name.startsWith("requires_")) continue;
    const cap = e.name.slice("requires_".length);
    if (e.kind !== 0) {
      errors.push(`export ${e.name} is a ${KIND_NAMES[e.kind]}; capability markers must be functions`);
      continue;
    }
    capabilities.push(cap);
    if (!o.capabilities.has(cap)) {
      errors.push(`export ${e.name}: capability "${cap}" is not available on the target chain (available: ${[...o.capabilities].join(", ")})`);
    }
  }
  return capabilities;
}

interface LocalsStats { maxLocals: number; maxLocalsFunction: number | string; totalLocals: number }

function checkFunctions(m: Module, buf: Uint8Array, o: ReturnType<typeof resolveOptions>, errors: string[]): LocalsStats {
  const defined = m.funcTypes.length - m.importedFuncs;
  if (defined > LIMITS.maxFunctions) errors.push(`module defines ${defined} functions (limit ${LIMITS.maxFunctions})`);

  let maxLocals = 0, maxLocalsFunction: number | string = -1, totalLocals = 0;
  for (const b of m.bodies) {
    const label = funcLabel(m, b.funcIndex);
    totalLocals += b.declaredLocals;
    if (b.declaredLocals > maxLocals || maxLocalsFunction === -1) {
      maxLocals = b.declaredLocals;
      maxLocalsFunction = label !== `func ${b.funcIndex}` ? label : b.funcIndex;
    }
    if (b.declaredLocals > o.maxLocalsPerFunction) {
      errors.push(`${label} declares ${b.declaredLocals} locals (limit ${o.maxLocalsPerFunction}; build optimised, e.g. -O3)`);
    }
    for (const t of b.localTypes) {
      if (t === F32 || t === F64) errors.push(`${label} declares ${VALTYPE_NAMES[t]} locals (floats are not allowed)`);
      if (t === V128) errors.push(`${label} declares v128 locals (SIMD)`);
    }
    try {
      const r = new Reader(buf, b.start, b.end);
      const f = walkInstructions(r, m.types.length, false);
      if (f) errors.push(`${label}: ${describeForbidden(f)}`);
      else if (r.pos !== b.end) r.fail("bytes after the final end of the function body");
    } catch (e) {
      if (!(e instanceof Malformed)) throw e;
      errors.push(`malformed module: ${label}: ${e.message}`);
    }
  }
  if (totalLocals > o.maxTotalLocals) {
    errors.push(`module declares ${totalLocals} locals in total (limit ${o.maxTotalLocals})`);
  }
  return { maxLocals, maxLocalsFunction, totalLocals };
}

function checkConstExprs(m: Module, errors: string[]): void {
  for (const c of m.constExprs) {
    if (c.forbidden) errors.push(`${c.what}: ${describeForbidden(c.forbidden)}`);
  }
  for (const g of m.globals.map((g, i) => ({ ...g, i }))) {
    if (g.type === F32 || g.type === F64) errors.push(`global ${g.i} has type ${VALTYPE_NAMES[g.type]} (floats are not allowed)`);
    if (g.type === V128) errors.push(`global ${g.i} has type v128 (SIMD)`);
  }
}

export function checkWasm(bytes: Uint8Array, opts: GateOptions = {}): GateReport {
  const o = resolveOptions(opts);
  const errors: string[] = [];
  const stats: GateReport["stats"] = {
    sizeBytes: bytes.length, functions: 0, maxLocals: 0, maxLocalsFunction: -1, totalLocals: 0,
    imports: [], exports: [], capabilities: [], memoryPages: 0,
  };

  if (bytes.length > o.maxSizeBytes) {
    errors.push(`module is ${bytes.length} bytes (${(bytes.length / 1024).toFixed(1)} KiB), over the upload limit of ${o.maxSizeBytes} bytes`);
  }

  try {
    const m = parseModule(bytes);
    stats.functions = m.funcTypes.length - m.importedFuncs;
    stats.imports = m.imports.map((i) => (i.module === "env" ? i.name : `${i.module}.${i.name}`));
    stats.exports = m.exports.map((e) => e.name);

    if (m.start !== undefined) {
      const label = m.start < m.funcTypes.length ? funcLabel(m, m.start) : `func ${m.start}`;
      errors.push(`start section present (${label}): cosmwasm-vm runs it before gas is set, so every call would fail; ` +
        `build with --exportStart and the no-start transform`);
    }
    if (m.hasDataCount) errors.push("datacount section present (bulk-memory proposal): build with --disable bulk-memory");
    if (m.hasTags) errors.push("tag section/import present (exception-handling proposal)");
    errors.push(...m.segmentErrors);

    checkTypes(m, errors);
    checkImports(m, errors);
    stats.memoryPages = checkMemoryAndTables(m, errors);
    stats.capabilities = checkExports(m, o, errors);
    Object.assign(stats, checkFunctions(m, bytes, o, errors));
    checkConstExprs(m, errors);
  } catch (e) {
    // Nothing may escape: a gate that throws on hostile input would be a gate that can be bypassed by crashing it.
    errors.push(`malformed module: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { ok: errors.length === 0, errors, stats };
}
