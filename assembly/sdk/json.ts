// Strict, float-free JSON (RFC 8259) for CosmWasm messages. Numbers are kept as their source text and only parsed
// by typed accessors (exact u64, no floats); strings are validated UTF-8. The writer produces the bytes Go's
// encoding/json and serde_json both accept.
import { fail } from "./error";

export const enum JsonKind {
  Null = 0,
  Bool = 1,
  Number = 2,
  String = 3,
  Array = 4,
  Object = 5,
}

export function kindName(kind: i32): string {
  switch (kind) {
    case JsonKind.Null: return "null";
    case JsonKind.Bool: return "a boolean";
    case JsonKind.Number: return "a number";
    case JsonKind.String: return "a string";
    case JsonKind.Array: return "an array";
    default: return "an object";
  }
}

export class JsonValue {
  kind: i32 = JsonKind.Null;
  flag: bool = false;
  /** String contents, or a number's source text. */
  text: string = "";
  /** Array items, or object values (parallel to `keys`). */
  items: JsonValue[] = [];
  keys: string[] = [];

  static null_(): JsonValue { return new JsonValue(); }

  isNull(): bool { return this.kind == JsonKind.Null; }

  /** Object member lookup (first match); null if absent or not an object. */
  get(key: string): JsonValue | null {
    if (this.kind != JsonKind.Object) return null;
    const keys = this.keys;
    for (let i = 0, n = keys.length; i < n; i++) {
      if (keys[i] == key) return this.items[i];
    }
    return null;
  }
}

const MAX_DEPTH = 64;

class Parser {
  pos: usize = 0;
  error: string | null = null;
  constructor(public start: usize, public end: usize) {
    this.pos = start;
  }

  failAt(message: string): JsonValue | null {
    if (this.error == null) this.error = "Invalid JSON: " + message + " at byte " + (this.pos - this.start).toString();
    return null;
  }

  skipWhitespace(): void {
    let p = this.pos;
    const end = this.end;
    while (p < end) {
      const c = load<u8>(p);
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
      p++;
    }
    this.pos = p;
  }

  parseValue(depth: i32): JsonValue | null {
    if (depth > MAX_DEPTH) return this.failAt("nesting deeper than " + MAX_DEPTH.toString());
    this.skipWhitespace();
    if (this.pos >= this.end) return this.failAt("unexpected end of input");
    const c = load<u8>(this.pos);
    if (c == 0x7b) return this.parseObject(depth);
    if (c == 0x5b) return this.parseArray(depth);
    if (c == 0x22) {
      const s = this.parseString();
      if (s == null) return null;
      const v = new JsonValue();
      v.kind = JsonKind.String;
      v.text = s;
      return v;
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
    if (this.matchLiteral("true")) { const v = new JsonValue(); v.kind = JsonKind.Bool; v.flag = true; return v; }
    if (this.matchLiteral("false")) { const v = new JsonValue(); v.kind = JsonKind.Bool; return v; }
    if (this.matchLiteral("null")) return new JsonValue();
    return this.failAt("unexpected character");
  }

  matchLiteral(word: string): bool {
    const n = <usize>word.length;
    if (this.pos + n > this.end) return false;
    for (let i: usize = 0; i < n; i++) {
      if (<i32>load<u8>(this.pos + i) != word.charCodeAt(<i32>i)) return false;
    }
    this.pos += n;
    return true;
  }

  parseNumber(): JsonValue | null {
    const begin = this.pos;
    let p = this.pos;
    const end = this.end;
    if (load<u8>(p) == 0x2d) p++;
    if (p >= end) { this.pos = p; return this.failAt("invalid number"); }
    const first = load<u8>(p);
    if (first == 0x30) {
      p++;
    } else if (first >= 0x31 && first <= 0x39) {
      while (p < end && load<u8>(p) >= 0x30 && load<u8>(p) <= 0x39) p++;
    } else { this.pos = p; return this.failAt("invalid number"); }
    if (p < end && load<u8>(p) == 0x2e) {
      p++;
      const digits = p;
      while (p < end && load<u8>(p) >= 0x30 && load<u8>(p) <= 0x39) p++;
      if (p == digits) { this.pos = p; return this.failAt("invalid number"); }
    }
    if (p < end && (load<u8>(p) == 0x65 || load<u8>(p) == 0x45)) {
      p++;
      if (p < end && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) p++;
      const digits = p;
      while (p < end && load<u8>(p) >= 0x30 && load<u8>(p) <= 0x39) p++;
      if (p == digits) { this.pos = p; return this.failAt("invalid number"); }
    }
    this.pos = p;
    const v = new JsonValue();
    v.kind = JsonKind.Number;
    v.text = String.UTF8.decodeUnsafe(begin, p - begin, false);
    return v;
  }

  parseHex4(): i32 {
    if (this.pos + 4 > this.end) return -1;
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const c = <i32>load<u8>(this.pos + i);
      let d: i32;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      else return -1;
      value = (value << 4) | d;
    }
    this.pos += 4;
    return value;
  }

  /** Parses a string starting at the opening quote; validates UTF-8 and escapes. */
  parseString(): string | null {
    this.pos++; // opening quote
    const end = this.end;
    // A UTF-16 string never has more code units than the UTF-8 bytes it came from.
    let scan = this.pos;
    while (scan < end && load<u8>(scan) != 0x22) scan += load<u8>(scan) == 0x5c ? 2 : 1;
    const units = new StaticArray<u16>(<i32>(scan - this.pos) + 1);
    let n = 0;
    while (true) {
      if (this.pos >= end) { this.failAt("unterminated string"); return null; }
      const c = <u32>load<u8>(this.pos);
      if (c == 0x22) { this.pos++; break; }
      if (c < 0x20) { this.failAt("control character in string"); return null; }
      if (c == 0x5c) {
        this.pos++;
        if (this.pos >= end) { this.failAt("unterminated escape"); return null; }
        const e = <u32>load<u8>(this.pos);
        this.pos++;
        if (e == 0x22 || e == 0x5c || e == 0x2f) units[n++] = <u16>e;
        else if (e == 0x62) units[n++] = 0x08;
        else if (e == 0x66) units[n++] = 0x0c;
        else if (e == 0x6e) units[n++] = 0x0a;
        else if (e == 0x72) units[n++] = 0x0d;
        else if (e == 0x74) units[n++] = 0x09;
        else if (e == 0x75) {
          const u = this.parseHex4();
          if (u < 0) { this.failAt("invalid \\u escape"); return null; }
          if (u >= 0xd800 && u <= 0xdbff) {
            // A high surrogate must be followed by an escaped low surrogate (serde_json rules).
            if (!this.matchLiteral("\\u")) { this.failAt("lone surrogate in \\u escape"); return null; }
            const low = this.parseHex4();
            if (low < 0xdc00 || low > 0xdfff) { this.failAt("lone surrogate in \\u escape"); return null; }
            units[n++] = <u16>u;
            units[n++] = <u16>low;
          } else if (u >= 0xdc00 && u <= 0xdfff) {
            this.failAt("lone surrogate in \\u escape"); return null;
          } else {
            units[n++] = <u16>u;
          }
        } else { this.pos--; this.failAt("invalid escape"); return null; }
        continue;
      }
      if (c < 0x80) { units[n++] = <u16>c; this.pos++; continue; }
      const cp = this.decodeUtf8(c);
      if (cp < 0) { this.failAt("invalid UTF-8"); return null; }
      if (cp >= 0x10000) {
        const v = cp - 0x10000;
        units[n++] = <u16>(0xd800 | (v >> 10));
        units[n++] = <u16>(0xdc00 | (v & 0x3ff));
      } else {
        units[n++] = <u16>cp;
      }
    }
    return String.UTF16.decodeUnsafe(changetype<usize>(units), <usize>n << 1);
  }

  /** Decodes one multi-byte UTF-8 sequence (first byte `c` ≥ 0x80), rejecting overlong forms and surrogates. */
  decodeUtf8(c: u32): i32 {
    let need: i32;
    let cp: u32;
    let min: u32;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; min = 0x10000; }
    else return -1;
    if (this.pos + 1 + <usize>need > this.end) return -1;
    for (let i = 1; i <= need; i++) {
      const b = <u32>load<u8>(this.pos + <usize>i);
      if ((b & 0xc0) != 0x80) return -1;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
    this.pos += 1 + <usize>need;
    return <i32>cp;
  }

  parseArray(depth: i32): JsonValue | null {
    this.pos++;
    const v = new JsonValue();
    v.kind = JsonKind.Array;
    this.skipWhitespace();
    if (this.pos < this.end && load<u8>(this.pos) == 0x5d) { this.pos++; return v; }
    while (true) {
      const item = this.parseValue(depth + 1);
      if (item == null) return null;
      v.items.push(item);
      this.skipWhitespace();
      if (this.pos >= this.end) return this.failAt("unexpected end of input");
      const c = load<u8>(this.pos);
      this.pos++;
      if (c == 0x5d) return v;
      if (c != 0x2c) { this.pos--; return this.failAt("expected ',' or ']'"); }
    }
  }

  parseObject(depth: i32): JsonValue | null {
    this.pos++;
    const v = new JsonValue();
    v.kind = JsonKind.Object;
    this.skipWhitespace();
    if (this.pos < this.end && load<u8>(this.pos) == 0x7d) { this.pos++; return v; }
    while (true) {
      this.skipWhitespace();
      if (this.pos >= this.end) return this.failAt("unexpected end of input");
      if (load<u8>(this.pos) != 0x22) return this.failAt("expected a string key");
      const key = this.parseString();
      if (key == null) return null;
      // Rust's serde rejects duplicate fields; accepting them would let two parsers read different messages.
      for (let i = 0, n = v.keys.length; i < n; i++) {
        if (v.keys[i] == key) return this.failAt("duplicate key \"" + key + "\"");
      }
      this.skipWhitespace();
      if (this.pos >= this.end) return this.failAt("unexpected end of input");
      if (load<u8>(this.pos) != 0x3a) return this.failAt("expected ':'");
      this.pos++;
      const value = this.parseValue(depth + 1);
      if (value == null) return null;
      v.keys.push(key);
      v.items.push(value);
      this.skipWhitespace();
      if (this.pos >= this.end) return this.failAt("unexpected end of input");
      const c = load<u8>(this.pos);
      this.pos++;
      if (c == 0x7d) return v;
      if (c != 0x2c) { this.pos--; return this.failAt("expected ',' or '}'"); }
    }
  }
}

/** Parses UTF-8 JSON from raw memory. On error returns null with the message recorded (see error.ts). */
export function parseJsonAt(start: usize, length: usize): JsonValue | null {
  const parser = new Parser(start, start + length);
  const value = parser.parseValue(0);
  if (value != null) {
    parser.skipWhitespace();
    if (parser.pos != parser.end) parser.failAt("trailing characters");
  }
  const error = parser.error;
  if (error != null) return fail<JsonValue>(error);
  return value;
}

export function parseJson(bytes: Uint8Array): JsonValue | null {
  return parseJsonAt(bytes.dataStart, <usize>bytes.length);
}

export function parseJsonString(text: string): JsonValue | null {
  return parseJson(Uint8Array.wrap(String.UTF8.encode(text, false)));
}

// ---------------------------------------------------------------------------------------------------------------
// Writer

const HEX = "0123456789abcdef";

/** Appends `text` as a JSON string literal, escaping like serde_json. */
export function quoteInto(parts: string[], text: string): void {
  let needsEscape = false;
  for (let i = 0, n = text.length; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c == 0x22 || c == 0x5c) { needsEscape = true; break; }
  }
  if (!needsEscape) { parts.push("\"" + text + "\""); return; }
  let out = "\"";
  let runStart = 0;
  for (let i = 0, n = text.length; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    out += text.substring(runStart, i);
    runStart = i + 1;
    if (c == 0x22) out += "\\\"";
    else if (c == 0x5c) out += "\\\\";
    else if (c == 0x0a) out += "\\n";
    else if (c == 0x0d) out += "\\r";
    else if (c == 0x09) out += "\\t";
    else if (c == 0x08) out += "\\b";
    else if (c == 0x0c) out += "\\f";
    else out += "\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
  }
  out += text.substring(runStart) + "\"";
  parts.push(out);
}

/**
 * Streaming JSON writer. Commas are inserted automatically: call `key` before each object member's value.
 * Produces compact JSON with members in call order.
 */
export class JsonWriter {
  parts: string[] = [];
  // One entry per open container: whether the next element needs a leading comma.
  private needComma: bool[] = [false];
  private afterKey: bool = false;

  private beforeValue(): void {
    if (this.afterKey) { this.afterKey = false; return; }
    const top = this.needComma.length - 1;
    if (this.needComma[top]) this.parts.push(",");
    this.needComma[top] = true;
  }

  key(name: string): JsonWriter {
    this.beforeValue();
    quoteInto(this.parts, name);
    this.parts.push(":");
    this.afterKey = true;
    return this;
  }

  beginObject(): JsonWriter { this.beforeValue(); this.parts.push("{"); this.needComma.push(false); return this; }
  endObject(): JsonWriter { this.needComma.pop(); this.parts.push("}"); return this; }
  beginArray(): JsonWriter { this.beforeValue(); this.parts.push("["); this.needComma.push(false); return this; }
  endArray(): JsonWriter { this.needComma.pop(); this.parts.push("]"); return this; }

  string(value: string): JsonWriter { this.beforeValue(); quoteInto(this.parts, value); return this; }
  nullableString(value: string | null): JsonWriter { return value != null ? this.string(value) : this.null_(); }
  /** u64 fields that the chain encodes as JSON numbers (heights, ids, sequences). */
  u64(value: u64): JsonWriter { this.beforeValue(); this.parts.push(value.toString()); return this; }
  /** Uint64/Timestamp-style values that the chain encodes as decimal strings. */
  u64String(value: u64): JsonWriter { this.beforeValue(); this.parts.push("\"" + value.toString() + "\""); return this; }
  bool(value: bool): JsonWriter { this.beforeValue(); this.parts.push(value ? "true" : "false"); return this; }
  null_(): JsonWriter { this.beforeValue(); this.parts.push("null"); return this; }
  /** Inserts already-serialised JSON (e.g. a nested message). */
  raw(json: string): JsonWriter { this.beforeValue(); this.parts.push(json); return this; }
  /** Writes `{}`, the serialisation of Rust's `Empty` and of empty struct variants. */
  emptyObject(): JsonWriter { return this.raw("{}"); }

  toString(): string { return this.parts.join(""); }
  toBytes(): Uint8Array { return Uint8Array.wrap(String.UTF8.encode(this.toString(), false)); }
}

/** Serialises a parsed value back to compact JSON (used to echo nested messages). */
export function stringifyJson(value: JsonValue): string {
  const w = new JsonWriter();
  writeValue(w, value);
  return w.toString();
}

export function writeValue(w: JsonWriter, value: JsonValue): void {
  switch (value.kind) {
    case JsonKind.Null: w.null_(); break;
    case JsonKind.Bool: w.bool(value.flag); break;
    case JsonKind.Number: w.raw(value.text); break;
    case JsonKind.String: w.string(value.text); break;
    case JsonKind.Array: {
      w.beginArray();
      for (let i = 0; i < value.items.length; i++) writeValue(w, value.items[i]);
      w.endArray();
      break;
    }
    default: {
      w.beginObject();
      for (let i = 0; i < value.keys.length; i++) {
        w.key(value.keys[i]);
        writeValue(w, value.items[i]);
      }
      w.endObject();
    }
  }
}
