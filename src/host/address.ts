// Addresses: bech32 (BIP-173) with the Cosmos SDK's rules and error texts, and wasmd's contract address formulas.

import { createHash } from "node:crypto";

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const CHARSET_REV: Record<string, number> = {};
for (let i = 0; i < CHARSET.length; i++) CHARSET_REV[CHARSET[i]] = i;
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i];
  }
  return chk >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) >> 5);
  out.push(0);
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) & 31);
  return out;
}

function checksum(hrp: string, data: number[]): number[] {
  const pm = polymod([...hrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  const out: number[] = [];
  for (let i = 0; i < 6; i++) out.push((pm >>> (5 * (5 - i))) & 31);
  return out;
}

function convertBits(data: ArrayLike<number>, from: number, to: number, pad: boolean): number[] | string {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const maxv = (1 << to) - 1;
  for (let i = 0; i < data.length; i++) {
    acc = (acc << from) | data[i];
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >>> bits) & maxv);
    }
    acc &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxv);
  } else if (bits >= from || (acc & ((1 << bits) - 1)) !== 0) {
    return "invalid incomplete group";
  }
  return out;
}

export function toBech32(prefix: string, data: Uint8Array): string {
  const words = convertBits(data, 8, 5, true) as number[];
  const hrp = prefix.toLowerCase();
  return hrp + "1" + [...words, ...checksum(hrp, words)].map((w) => CHARSET[w]).join("");
}

/**
 * Decode like the Cosmos SDK's `bech32.DecodeAndConvert` (cosmos/btcutil `Decode(bech, 1023)` then 5→8 bit
 * conversion without padding). Errors carry the SDK's texts ("decoding bech32 failed: …").
 */
export function fromBech32(s: string): { prefix: string; data: Uint8Array } | { error: string } {
  const fail = (m: string) => ({ error: `decoding bech32 failed: ${m}` });
  const bytes = Buffer.from(s, "utf8");
  if (bytes.length < 8 || bytes.length > 1023) return fail(`invalid bech32 string length ${bytes.length}`);
  let hasLower = false;
  let hasUpper = false;
  for (const c of bytes) {
    if (c < 33 || c > 126) return fail(`invalid character in string: '${String.fromCharCode(c)}'`);
    hasLower ||= c >= 97 && c <= 122;
    hasUpper ||= c >= 65 && c <= 90;
    if (hasLower && hasUpper) return fail("string not all lowercase or all uppercase");
  }
  const lower = s.toLowerCase();
  const one = lower.lastIndexOf("1");
  if (one < 1 || one + 7 > lower.length) return fail(`invalid separator index ${one}`);
  const hrp = lower.slice(0, one);
  const words: number[] = [];
  for (const ch of lower.slice(one + 1)) {
    const v = CHARSET_REV[ch];
    if (v === undefined) return fail(`invalid character not part of charset: ${ch.charCodeAt(0)}`);
    words.push(v);
  }
  if (polymod([...hrpExpand(hrp), ...words]) !== 1) {
    const payload = words.slice(0, -6);
    const expected = checksum(hrp, payload).map((w) => CHARSET[w]).join("");
    return fail(`invalid checksum (expected ${expected} got ${lower.slice(-6)})`);
  }
  const conv = convertBits(words.slice(0, -6), 5, 8, false);
  if (typeof conv === "string") return fail(conv);
  return { prefix: hrp, data: Uint8Array.from(conv) };
}

export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(data).digest());
}

/** Deterministic user address: bech32 of sha256(UTF-8 name)[0..20]. */
export function addressFromName(prefix: string, name: string): string {
  return toBech32(prefix, sha256(name).slice(0, 20));
}

/** Legacy module account address (`authtypes.NewModuleAddress(name)` = sha256(name)[0..20]). */
export function moduleAddress(prefix: string, moduleName: string): string {
  return toBech32(prefix, sha256(moduleName).slice(0, 20));
}

function u64be(n: bigint | number): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return new Uint8Array(b);
}

/**
 * cosmos-sdk `address.Module(moduleName, key)` with one derivation key (types/address/hash.go):
 *   Hash("module", moduleName ‖ 0x00 ‖ key), where Hash(typ, key) = sha256(sha256(typ) ‖ key).
 */
export function moduleDerivedAddress(moduleName: string, key: Uint8Array): Uint8Array {
  const th = sha256("module");
  const mkey = Buffer.concat([Buffer.from(moduleName, "utf8"), Buffer.from([0]), key]);
  return sha256(Buffer.concat([th, mkey]));
}

/**
 * wasmd's classic contract address (x/wasm/keeper/addresses.go `BuildContractAddressClassic`):
 *   contractID = codeID as u64 big-endian ‖ instanceID as u64 big-endian     (16 bytes)
 *   address    = address.Module("wasm", contractID)[:32]                      (types.ContractAddrLen = 32)
 * i.e. sha256(sha256("module") ‖ "wasm" ‖ 0x00 ‖ contractID). The instance ID is wasmd's global
 * `KeySequenceInstanceID` sequence, starting at 1 and incremented per instantiation (in tx state, so a failed
 * instantiation does not consume it). Code 1 / instance 1 with prefix "wasm" gives
 * wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d.
 */
export function classicContractAddress(codeId: bigint | number, instanceId: bigint | number): Uint8Array {
  const key = new Uint8Array(16);
  key.set(u64be(codeId), 0);
  key.set(u64be(instanceId), 8);
  return moduleDerivedAddress("wasm", key).slice(0, 32);
}

/**
 * wasmd's instantiate2 address (`BuildContractAddressPredictable`, FixMsg=false so msg is empty):
 *   key = len8(checksum) ‖ checksum ‖ len8(creator) ‖ creator ‖ len8(salt) ‖ salt ‖ len8(msg) ‖ msg
 *   address = address.Module("wasm", key)[:32]   (len8 = u64 big-endian length)
 */
export function predictableContractAddress(
  checksum: Uint8Array,
  creator: Uint8Array,
  salt: Uint8Array,
  initMsg: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const p of [checksum, creator, salt, initMsg]) parts.push(u64be(p.length), p);
  return moduleDerivedAddress("wasm", Buffer.concat(parts)).slice(0, 32);
}

/** SDK `address.MaxAddrLen`. */
export const MAX_ADDR_LEN = 255;

/**
 * The chain's address API as wasmd gives it to the VM (x/wasm/keeper/api.go): canonicalize =
 * `sdk.AccAddressFromBech32`, humanize = `VerifyAddressFormat` + bech32, validate = canonicalize then require
 * `canonical.String() == input` ("address not normalized").
 */
export class AddressApi {
  constructor(readonly prefix: string) {}

  canonicalize(human: string): { ok: Uint8Array } | { error: string } {
    if (human.trim().length === 0) return { error: "empty address string is not allowed" };
    const d = fromBech32(human);
    if ("error" in d) return d;
    if (d.prefix !== this.prefix) return { error: `invalid Bech32 prefix; expected ${this.prefix}, got ${d.prefix}` };
    const f = this.verifyFormat(d.data);
    if (f) return { error: f };
    return { ok: d.data };
  }

  humanize(canonical: Uint8Array): { ok: string } | { error: string } {
    const f = this.verifyFormat(canonical);
    if (f) return { error: f };
    return { ok: toBech32(this.prefix, canonical) };
  }

  /** Returns undefined when valid, else the chain's error text. */
  validate(human: string): string | undefined {
    const c = this.canonicalize(human);
    if ("error" in c) return c.error;
    if (toBech32(this.prefix, c.ok) !== human) return "address not normalized";
    return undefined;
  }

  private verifyFormat(bz: Uint8Array): string | undefined {
    if (bz.length === 0) return "addresses cannot be empty: unknown address";
    if (bz.length > MAX_ADDR_LEN) return `address max length is ${MAX_ADDR_LEN}, got ${bz.length}: unknown address`;
    return undefined;
  }
}
