// Standard, padded base64 (RFC 4648 §4). Go's encoding/json decodes []byte with padding required, and we reject
// non-canonical input (bad padding, non-zero trailing bits) so that one byte string has one encoding.
import { fail } from "./error";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function base64Encode(data: Uint8Array): string {
  const n = data.length;
  let i = 0;
  const chars = new StaticArray<u16>(((n + 2) / 3) * 4);
  let o = 0;
  for (; i + 2 < n; i += 3) {
    const v = (<u32>data[i] << 16) | (<u32>data[i + 1] << 8) | <u32>data[i + 2];
    chars[o++] = <u16>ALPHABET.charCodeAt((v >> 18) & 63);
    chars[o++] = <u16>ALPHABET.charCodeAt((v >> 12) & 63);
    chars[o++] = <u16>ALPHABET.charCodeAt((v >> 6) & 63);
    chars[o++] = <u16>ALPHABET.charCodeAt(v & 63);
  }
  const rest = n - i;
  if (rest > 0) {
    const v = (<u32>data[i] << 16) | (rest == 2 ? <u32>data[i + 1] << 8 : 0);
    chars[o++] = <u16>ALPHABET.charCodeAt((v >> 18) & 63);
    chars[o++] = <u16>ALPHABET.charCodeAt((v >> 12) & 63);
    chars[o++] = rest == 2 ? <u16>ALPHABET.charCodeAt((v >> 6) & 63) : 61; // '='
    chars[o++] = 61;
  }
  return String.UTF16.decodeUnsafe(changetype<usize>(chars), <usize>o << 1);
}

function decodeChar(c: i32): i32 {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c == 43) return 62;
  if (c == 47) return 63;
  return -1;
}

export function base64Decode(text: string): Uint8Array | null {
  const n = text.length;
  if (n % 4 != 0) return fail<Uint8Array>("invalid base64: length is not a multiple of 4");
  let padding = 0;
  if (n > 0 && text.charCodeAt(n - 1) == 61) padding++;
  if (n > 1 && text.charCodeAt(n - 2) == 61) padding++;
  const out = new Uint8Array((n / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    const last = i + 4 == n;
    const a = decodeChar(text.charCodeAt(i));
    const b = decodeChar(text.charCodeAt(i + 1));
    const c = last && padding == 2 ? 0 : decodeChar(text.charCodeAt(i + 2));
    const d = last && padding >= 1 ? 0 : decodeChar(text.charCodeAt(i + 3));
    if ((a | b | c | d) < 0) return fail<Uint8Array>("invalid base64: unexpected character");
    const v = (<u32>a << 18) | (<u32>b << 12) | (<u32>c << 6) | <u32>d;
    if (last && padding == 2 && (v & 0xffff) != 0) return fail<Uint8Array>("invalid base64: non-zero trailing bits");
    if (last && padding == 1 && (v & 0xff) != 0) return fail<Uint8Array>("invalid base64: non-zero trailing bits");
    out[o++] = <u8>(v >> 16);
    if (o < out.length) out[o++] = <u8>(v >> 8);
    if (o < out.length) out[o++] = <u8>v;
  }
  return out;
}
