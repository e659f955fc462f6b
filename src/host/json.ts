// Strict JSON for the host: a parser that keeps integers exact (u64 fields can exceed 2^53), Go-style decoders
// for what a contract returns (wasmd parses contract output with Go's encoding/json), and two serialisers:
// Go's (what wasmvm sends to a contract: Env, MessageInfo, Reply) and Rust serde_json's (what the VM hands back
// from `query_chain`).

/** A JSON number kept as its literal text. */
export class JsonNum {
  constructor(readonly raw: string) {}
  toString(): string {
    return this.raw;
  }
}

export type JsonValue = null | boolean | string | JsonNum | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export class JsonSyntaxError extends Error {}

const utf8Lossy = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

export function utf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/** Lossy UTF-8 decode (invalid sequences become U+FFFD), like Rust's `from_utf8_lossy` and Go's json decoder. */
export function fromUtf8Lossy(b: Uint8Array): string {
  return utf8Lossy.decode(b);
}

/**
 * RFC 8259 parser, as strict as Go's `encoding/json` about syntax: no trailing commas, no comments, no leading
 * zeros, no bare control characters in strings, exactly one value with optional surrounding whitespace.
 * Objects are created without a prototype; duplicate keys: the last one wins (as in Go).
 */
export function parseJson(input: string | Uint8Array): JsonValue {
  const text = typeof input === "string" ? input : fromUtf8Lossy(input);
  let i = 0;
  const n = text.length;

  const fail = (what: string): never => {
    throw new JsonSyntaxError(`invalid JSON: ${what} at offset ${i}`);
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };

  const parseString = (): string => {
    // text[i] === '"'
    i++;
    let out = "";
    let start = i;
    for (;;) {
      if (i >= n) fail("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail("control character in string");
      if (c === 0x5c) {
        out += text.slice(start, i);
        i++;
        const e = text[i];
        switch (e) {
          case '"': out += '"'; break;
          case "\\": out += "\\"; break;
          case "/": out += "/"; break;
          case "b": out += "\b"; break;
          case "f": out += "\f"; break;
          case "n": out += "\n"; break;
          case "r": out += "\r"; break;
          case "t": out += "\t"; break;
          case "u": {
            const hex = text.slice(i + 1, i + 5);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            fail("bad escape");
        }
        i++;
        start = i;
        continue;
      }
      i++;
    }
  };

  const parseNumber = (): JsonNum => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 1000));
    if (!m || m[0].length === 0) fail("bad number");
    i += m![0].length;
    return new JsonNum(m![0]);
  };

  const parseValue = (depth: number): JsonValue => {
    // Go's decoder allows 10000 levels; JS recursion cannot go that deep, so the host stops at 1000
    if (depth > 1000) fail("nesting too deep");
    ws();
    if (i >= n) fail("unexpected end");
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: JsonObject = Object.create(null);
      ws();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected object key");
        const k = parseString();
        ws();
        if (text[i] !== ":") fail("expected ':'");
        i++;
        obj[k] = parseValue(depth + 1);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return parseString();
    if (c === "-" || (c >= "0" && c <= "9")) return parseNumber();
    if (text.startsWith("true", i)) {
      i += 4;
      return true;
    }
    if (text.startsWith("false", i)) {
      i += 5;
      return false;
    }
    if (text.startsWith("null", i)) {
      i += 4;
      return null;
    }
    return fail("unexpected character");
  };

  const v = parseValue(0);
  ws();
  if (i !== n) fail("trailing data");
  return v;
}

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof JsonNum);
}

// ---------------------------------------------------------------------------------------------------------------
// Go-style decoding of contract output. Go's encoding/json: `null` into a non-pointer field leaves the zero value,
// unknown keys are ignored, a wrong JSON type is an error ("cannot unmarshal X into Go struct field P of type T"),
// []byte is standard padded base64, uint64 accepts only integer literals in range.

export class ShapeError extends Error {}

function jsonTypeName(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "string";
  if (v instanceof JsonNum) return `number ${v.raw}`;
  if (Array.isArray(v)) return "array";
  return "object";
}

function mismatch(v: JsonValue, path: string, goType: string): never {
  throw new ShapeError(`json: cannot unmarshal ${jsonTypeName(v)} into Go struct field ${path} of type ${goType}`);
}

export const U64_MAX = (1n << 64n) - 1n;

/** A `uint64` field: JSON integer literal 0..2^64-1. Missing/null → 0 (Go zero value). */
export function decU64(v: JsonValue | undefined, path: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (!(v instanceof JsonNum)) return mismatch(v, path, "uint64");
  if (!/^(0|[1-9][0-9]*)$/.test(v.raw)) return mismatch(v, path, "uint64");
  const b = BigInt(v.raw);
  if (b > U64_MAX) return mismatch(v, path, "uint64");
  return b;
}

/** A `*uint64` field: missing/null → undefined. */
export function decOptU64(v: JsonValue | undefined, path: string): bigint | undefined {
  if (v === undefined || v === null) return undefined;
  return decU64(v, path);
}

/** A `string` field: missing/null → "". */
export function decString(v: JsonValue | undefined, path: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") return mismatch(v, path, "string");
  return v;
}

/** A `*string` / Option<String>: missing/null → undefined. */
export function decOptString(v: JsonValue | undefined, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") return mismatch(v, path, "string");
  return v;
}

export function decBool(v: JsonValue | undefined, path: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") return mismatch(v, path, "bool");
  return v;
}

/** A struct: missing/null → empty object (zero value). */
export function decObject(v: JsonValue | undefined, path: string, goType = "struct"): JsonObject {
  if (v === undefined || v === null) return Object.create(null);
  if (!isObject(v)) return mismatch(v, path, goType);
  return v;
}

/** A slice: missing/null → []. */
export function decArray(v: JsonValue | undefined, path: string, goType = "[]T"): JsonValue[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return mismatch(v, path, goType);
  return v;
}

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard base64 with padding, as Go's `base64.StdEncoding` (used by encoding/json for []byte): padding is
 * required, URL-safe characters are rejected. Go skips '\r' and '\n' inside the input; so do we.
 */
export function decodeBase64Strict(s: string): Uint8Array | undefined {
  const t = s.includes("\n") || s.includes("\r") ? s.replace(/[\r\n]/g, "") : s;
  if (!B64_RE.test(t)) return undefined;
  return new Uint8Array(Buffer.from(t, "base64"));
}

/** A `[]byte` field: missing/null → undefined; otherwise strict base64. */
export function decBinary(v: JsonValue | undefined, path: string): Uint8Array | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") return mismatch(v, path, "[]uint8");
  const b = decodeBase64Strict(v);
  if (b === undefined) throw new ShapeError(`illegal base64 data in field ${path}: ${JSON.stringify(v.slice(0, 64))}`);
  return b;
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

// ---------------------------------------------------------------------------------------------------------------
// Serialisers.

/**
 * A string as Go's json.Marshal writes it: HTML-safe escapes for <, >, &, U+2028/U+2029 escaped, control
 * characters as \n \r \t or \u00XX, invalid UTF-16 (lone surrogates) as U+FFFD.
 */
export function goString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = "\\\\";
    else if (c < 0x20) {
      rep = c === 0x0a ? "\\n" : c === 0x0d ? "\\r" : c === 0x09 ? "\\t" : "\\u00" + c.toString(16).padStart(2, "0");
    } else if (c === 0x3c) rep = "\\u003c";
    else if (c === 0x3e) rep = "\\u003e";
    else if (c === 0x26) rep = "\\u0026";
    else if (c === 0x2028) rep = "\\u2028";
    else if (c === 0x2029) rep = "\\u2029";
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = "\ufffd";
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** A string as Rust's serde_json writes it: only `"`, `\` and control characters are escaped. */
export function rustString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = "\\\\";
    else if (c < 0x20) {
      rep =
        c === 0x0a ? "\\n" : c === 0x0d ? "\\r" : c === 0x09 ? "\\t" : c === 0x08 ? "\\b" : c === 0x0c ? "\\f"
          : "\\u00" + c.toString(16).padStart(2, "0");
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = "\ufffd";
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}
