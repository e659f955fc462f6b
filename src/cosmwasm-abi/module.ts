// Parses a wasm binary into the sections CosmWasm cares about: types, imports, functions, tables, memories,
// globals, exports, start, element/data segments, code bodies (declared locals, byte range) and function names.
// Strict: anything a CosmWasm VM's parser would reject throws Malformed.

import { EXTERNREF, FUNCREF, FuncType, Malformed, Reader, readValType } from "./binary";
import { Forbidden, describeForbidden, walkInstructions } from "./instructions";

export interface Import { module: string; name: string; kind: number; typeIndex?: number }
export interface Limits { min: number; max?: number; shared: boolean; is64: boolean }
export interface Export { name: string; kind: number; index: number }
export interface Body { funcIndex: number; declaredLocals: number; localTypes: Set<number>; start: number; end: number }
export interface ConstExpr { what: string; forbidden: Forbidden | null }

export interface Module {
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


export const SECTION_NAMES = [
  "custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data",
  "datacount", "tag",
];
// Spec order of the non-custom sections (tag and datacount sit between their neighbours, not by id).
const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
export const KIND_NAMES = ["function", "table", "memory", "global", "tag"];

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

export function parseModule(buf: Uint8Array): Module {
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

/** Signature of function `index` of the function index space (imports first). */
export function funcType(m: Module, index: number): FuncType {
  return m.types[m.funcTypes[index]];
}
