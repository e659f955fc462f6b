// The instruction walker. The gate uses it to find forbidden instructions in function bodies; the module parser
// needs it too, because the length of a constant expression is only known by decoding it.

import { F32, F64, Reader, V128, VALTYPE_NAMES, hex, readValType } from "./binary";

// Instruction walker. Returns the first forbidden instruction (or null) and throws Malformed on undecodable bytes.
// After a forbidden instruction it keeps going when the immediates are known, so the structure is still validated
// and constant expressions are consumed exactly; it stops (`stopped`) only where it cannot decode further (SIMD,
// atomics, GC), which is fine for function bodies because their byte length is known from the code section.


export interface Forbidden { name: string; category: string; offset: number; stopped?: boolean }

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

export function walkInstructions(r: Reader, numTypes: number, constExpr: boolean): Forbidden | null {
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

export function describeForbidden(f: Forbidden): string {
  return `forbidden ${f.category} instruction ${f.name} at byte ${hex(f.offset)}`;
}
