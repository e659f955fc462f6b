// Checked 128-bit arithmetic with CosmWasm's Uint128/Decimal semantics. as-bignum's u128 wraps silently on
// overflow, so contracts never use its operators directly: every operation here either returns the exact result
// or fails with a message (see error.ts).
import { u128 } from "as-bignum/assembly";
import { fail } from "./error";
import { divideByZero, overflow } from "./errors";

const U64_MAX_DIGITS = 20;

/** Strict u64 parsing of decimal digits: no sign, whitespace, prefix, leading zeros (except "0"), or overflow. */
export function parseU64Strict(text: string, what: string): u64 {
  const n = text.length;
  if (n == 0 || n > U64_MAX_DIGITS || (n > 1 && text.charCodeAt(0) == 0x30)) {
    fail<string>("invalid " + what + ": expected an unsigned integer, got \"" + text + "\"");
    return 0;
  }
  let value: u64 = 0;
  for (let i = 0; i < n; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) {
      fail<string>("invalid " + what + ": expected an unsigned integer, got \"" + text + "\"");
      return 0;
    }
    // value * 10 + d > u64::MAX  <=>  value > (MAX - d) / 10
    if (value > (u64.MAX_VALUE - <u64>d) / 10) {
      fail<string>("invalid " + what + ": " + text + " overflows u64");
      return 0;
    }
    value = value * 10 + <u64>d;
  }
  return value;
}

export class Uint128 {
  constructor(public readonly value: u128) {}

  static zero(): Uint128 { return new Uint128(u128.Zero); }
  static one(): Uint128 { return new Uint128(u128.One); }
  static fromU64(v: u64): Uint128 { return new Uint128(u128.fromU64(v)); }
  static max(): Uint128 { return new Uint128(u128.Max); }

  /**
   * Parses a Uint128 JSON string: decimal digits only, no sign/whitespace/prefix, no leading zeros
   * (serde accepts them, but one value should have one spelling), at most u128::MAX.
   */
  static parse(text: string, what: string = "Uint128"): Uint128 | null {
    const n = text.length;
    let digitsOnly = n > 0 && !(n > 1 && text.charCodeAt(0) == 0x30);
    for (let i = 0; i < n && digitsOnly; i++) {
      const c = text.charCodeAt(i);
      digitsOnly = c >= 0x30 && c <= 0x39;
    }
    if (!digitsOnly) return fail<Uint128>("invalid " + what + ": expected a decimal string, got \"" + text + "\"");
    // u128::MAX has 39 digits.
    if (n > 39) return fail<Uint128>("invalid " + what + ": " + text + " overflows Uint128");
    let value = u128.Zero;
    const ten = u128.fromU64(10);
    const limit = u128.div(u128.Max, ten); // 34028236692093846346337460743176821145
    const lastDigitMax = u128.sub(u128.Max, u128.mul(limit, ten)); // 5
    for (let i = 0; i < n; i++) {
      const digit = u128.fromU64(<u64>(text.charCodeAt(i) - 0x30));
      // value * 10 + digit overflows iff value > MAX / 10, or value == MAX / 10 and digit > MAX % 10
      if (u128.gt(value, limit) || (u128.eq(value, limit) && u128.gt(digit, lastDigitMax))) {
        return fail<Uint128>("invalid " + what + ": " + text + " overflows Uint128");
      }
      value = u128.add(u128.mul(value, ten), digit);
    }
    return new Uint128(value);
  }

  isZero(): bool { return this.value.isZero(); }
  eq(other: Uint128): bool { return u128.eq(this.value, other.value); }
  lt(other: Uint128): bool { return u128.lt(this.value, other.value); }
  lte(other: Uint128): bool { return u128.le(this.value, other.value); }
  gt(other: Uint128): bool { return u128.gt(this.value, other.value); }
  gte(other: Uint128): bool { return u128.ge(this.value, other.value); }
  min(other: Uint128): Uint128 { return this.lte(other) ? this : other; }
  max(other: Uint128): Uint128 { return this.gte(other) ? this : other; }

  checkedAdd(other: Uint128): Uint128 | null {
    const sum = u128.add(this.value, other.value);
    if (u128.lt(sum, this.value)) return fail<Uint128>(overflow("Cannot Add with " + this.toString() + " and " + other.toString()));
    return new Uint128(sum);
  }

  checkedSub(other: Uint128): Uint128 | null {
    if (u128.lt(this.value, other.value)) {
      return fail<Uint128>(overflow("Cannot Sub with " + this.toString() + " and " + other.toString()));
    }
    return new Uint128(u128.sub(this.value, other.value));
  }

  saturatingSub(other: Uint128): Uint128 {
    return u128.lt(this.value, other.value) ? Uint128.zero() : new Uint128(u128.sub(this.value, other.value));
  }

  checkedMul(other: Uint128): Uint128 | null {
    const wide = mul256(this.value, other.value);
    if (!wide.hi.isZero()) return fail<Uint128>(overflow("Cannot Mul with " + this.toString() + " and " + other.toString()));
    return new Uint128(wide.lo);
  }

  checkedDiv(other: Uint128): Uint128 | null {
    if (other.isZero()) return fail<Uint128>(divideByZero(this.toString()));
    return new Uint128(u128.div(this.value, other.value));
  }

  checkedRem(other: Uint128): Uint128 | null {
    if (other.isZero()) return fail<Uint128>(divideByZero(this.toString()));
    return new Uint128(u128.rem(this.value, other.value));
  }

  /** floor(self × numerator / denominator) with a 256-bit intermediate; fails on division by zero or overflow. */
  mulDivFloor(numerator: Uint128, denominator: Uint128): Uint128 | null {
    return mulDiv(this.value, numerator.value, denominator.value, false);
  }

  /** ceil(self × numerator / denominator): for amounts rounded against the party that gains. */
  mulDivCeil(numerator: Uint128, denominator: Uint128): Uint128 | null {
    return mulDiv(this.value, numerator.value, denominator.value, true);
  }

  toString(): string { return this.value.toString(); }
}

/** A 256-bit product as two 128-bit halves. */
class Wide {
  constructor(public lo: u128, public hi: u128) {}
}

// 64×64 → 128 multiply on plain u64 halves.
function mul64(a: u64, b: u64): u128 {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  const lo = (p00 & 0xffffffff) | (mid << 32);
  const hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return new u128(lo, hi);
}

function mul256(a: u128, b: u128): Wide {
  // (a.hi·2^64 + a.lo)(b.hi·2^64 + b.lo) = ll + (lh + hl)·2^64 + hh·2^128
  const ll = mul64(a.lo, b.lo);
  const lh = mul64(a.lo, b.hi);
  const hl = mul64(a.hi, b.lo);
  const hh = mul64(a.hi, b.hi);
  // Accumulate the middle terms at bit 64, tracking carries into the high half.
  let w1 = ll.hi;
  let carry: u64 = 0;
  let t = w1 + lh.lo; carry += t < w1 ? 1 : 0; w1 = t;
  t = w1 + hl.lo; carry += t < w1 ? 1 : 0; w1 = t;
  const lo = new u128(ll.lo, w1);
  // high = hh + lh.hi + hl.hi + carry (fits: the full product is < 2^256)
  let hi = u128.add(hh, u128.fromU64(lh.hi));
  hi = u128.add(hi, u128.fromU64(hl.hi));
  hi = u128.add(hi, u128.fromU64(carry));
  return new Wide(lo, hi);
}

/** floor or ceil of (a·b)/c; the quotient must fit in 128 bits. Shift-subtract long division of 256 by 128 bits. */
function mulDiv(a: u128, b: u128, c: u128, roundUp: bool): Uint128 | null {
  if (c.isZero()) return fail<Uint128>(divideByZero(a.toString() + " × " + b.toString()));
  const wide = mul256(a, b);
  if (wide.hi.isZero()) {
    let q = u128.div(wide.lo, c);
    if (roundUp && !u128.rem(wide.lo, c).isZero()) {
      if (u128.eq(q, u128.Max)) return fail<Uint128>(overflow("result does not fit in Uint128"));
      q = u128.add(q, u128.One);
    }
    return new Uint128(q);
  }
  // The quotient fits in 128 bits iff hi < c.
  if (u128.ge(wide.hi, c)) return fail<Uint128>(overflow("result does not fit in Uint128"));
  let rem = wide.hi;
  let q = u128.Zero;
  let lo = wide.lo;
  for (let i = 0; i < 128; i++) {
    // rem:lo <<= 1, remembering the bit shifted out of rem (rem < c ≤ 2^128-1 but 2·rem can exceed 128 bits).
    const overflowBit = (rem.hi >> 63) != 0;
    rem = u128.shl(rem, 1);
    if ((lo.hi >> 63) != 0) rem = u128.or(rem, u128.One);
    lo = u128.shl(lo, 1);
    q = u128.shl(q, 1);
    if (overflowBit || u128.ge(rem, c)) {
      rem = u128.sub(rem, c);
      q = u128.or(q, u128.One);
    }
  }
  if (roundUp && !rem.isZero()) {
    if (u128.eq(q, u128.Max)) return fail<Uint128>(overflow("result does not fit in Uint128"));
    q = u128.add(q, u128.One);
  }
  return new Uint128(q);
}

const DECIMAL_PLACES = 18;

function pow10(n: i32): u128 {
  let v = u128.One;
  const ten = u128.fromU64(10);
  for (let i = 0; i < n; i++) v = u128.mul(v, ten);
  return v;
}

/**
 * Fixed-point decimal with 18 fractional digits stored as Uint128 "atomics", like cosmwasm_std::Decimal.
 * JSON form: a decimal string ("0.05", "1", "1.5"), written without trailing zeros.
 */
export class Decimal {
  constructor(public readonly atomics: Uint128) {}

  static fractional(): Uint128 { return new Uint128(pow10(DECIMAL_PLACES)); }
  static zero(): Decimal { return new Decimal(Uint128.zero()); }
  static one(): Decimal { return new Decimal(Decimal.fractional()); }

  /** numerator / denominator, rounded down. */
  static fromRatio(numerator: Uint128, denominator: Uint128): Decimal | null {
    if (denominator.isZero()) return fail<Decimal>(divideByZero(numerator.toString()));
    const atomics = numerator.mulDivFloor(Decimal.fractional(), denominator);
    return atomics != null ? new Decimal(atomics) : null;
  }

  /** numerator / denominator, rounded up (a slash's fraction: never understated). */
  static fromRatioCeil(numerator: Uint128, denominator: Uint128): Decimal | null {
    if (denominator.isZero()) return fail<Decimal>(divideByZero(numerator.toString()));
    const atomics = numerator.mulDivCeil(Decimal.fractional(), denominator);
    return atomics != null ? new Decimal(atomics) : null;
  }

  /** Strict: digits with at most one '.', at most 18 fractional digits, no sign/exponent/whitespace. */
  static parse(text: string, what: string = "Decimal"): Decimal | null {
    const dot = text.indexOf(".");
    const whole = dot < 0 ? text : text.substring(0, dot);
    const frac = dot < 0 ? "" : text.substring(dot + 1);
    if (dot >= 0 && frac.length == 0) return fail<Decimal>("invalid " + what + ": \"" + text + "\"");
    if (frac.length > DECIMAL_PLACES) {
      return fail<Decimal>("invalid " + what + ": \"" + text + "\" has more than 18 fractional digits");
    }
    for (let i = 0; i < frac.length; i++) {
      const c = frac.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return fail<Decimal>("invalid " + what + ": \"" + text + "\"");
    }
    const wholeValue = Uint128.parse(whole, what);
    if (wholeValue == null) return null;
    let fracAtomics = Uint128.zero();
    if (frac.length > 0) {
      const padded = frac.padEnd(DECIMAL_PLACES, "0");
      // Leading zeros are legal in the fractional part; strip them for the strict integer parser.
      let start = 0;
      while (start < padded.length - 1 && padded.charCodeAt(start) == 0x30) start++;
      const parsed = Uint128.parse(padded.substring(start), what);
      if (parsed == null) return null;
      fracAtomics = parsed;
    }
    const scaled = wholeValue.checkedMul(Decimal.fractional());
    if (scaled == null) return fail<Decimal>("invalid " + what + ": \"" + text + "\" overflows Decimal");
    const atomics = scaled.checkedAdd(fracAtomics);
    if (atomics == null) return fail<Decimal>("invalid " + what + ": \"" + text + "\" overflows Decimal");
    return new Decimal(atomics);
  }

  isZero(): bool { return this.atomics.isZero(); }
  lte(other: Decimal): bool { return this.atomics.lte(other.atomics); }
  lt(other: Decimal): bool { return this.atomics.lt(other.atomics); }
  eq(other: Decimal): bool { return this.atomics.eq(other.atomics); }

  checkedAdd(other: Decimal): Decimal | null {
    const a = this.atomics.checkedAdd(other.atomics);
    return a != null ? new Decimal(a) : null;
  }

  checkedSub(other: Decimal): Decimal | null {
    const a = this.atomics.checkedSub(other.atomics);
    return a != null ? new Decimal(a) : null;
  }

  /** Exact product rounded down (256-bit intermediate). */
  checkedMul(other: Decimal): Decimal | null {
    const a = this.atomics.mulDivFloor(other.atomics, Decimal.fractional());
    return a != null ? new Decimal(a) : null;
  }

  /** self / other rounded down; fails on division by zero. */
  checkedDiv(other: Decimal): Decimal | null {
    if (other.isZero()) return fail<Decimal>(divideByZero(this.toString()));
    const a = this.atomics.mulDivFloor(Decimal.fractional(), other.atomics);
    return a != null ? new Decimal(a) : null;
  }

  /** amount × self, rounded down (payouts) */
  mulFloor(amount: Uint128): Uint128 | null { return amount.mulDivFloor(this.atomics, Decimal.fractional()); }
  /** amount × self, rounded up (slashes, charges) */
  mulCeil(amount: Uint128): Uint128 | null { return amount.mulDivCeil(this.atomics, Decimal.fractional()); }
  /** amount ÷ self, rounded down (shares for a deposit); fails on zero. */
  divFloor(amount: Uint128): Uint128 | null {
    if (this.isZero()) return fail<Uint128>(divideByZero(amount.toString()));
    return amount.mulDivFloor(Decimal.fractional(), this.atomics);
  }
  /** amount ÷ self, rounded up (shares a withdrawal removes); fails on zero. */
  divCeil(amount: Uint128): Uint128 | null {
    if (this.isZero()) return fail<Uint128>(divideByZero(amount.toString()));
    return amount.mulDivCeil(Decimal.fractional(), this.atomics);
  }

  toString(): string {
    const f = Decimal.fractional().value;
    const whole = u128.div(this.atomics.value, f);
    const frac = u128.rem(this.atomics.value, f);
    if (frac.isZero()) return whole.toString();
    let fracText = frac.toString().padStart(DECIMAL_PLACES, "0");
    let end = fracText.length;
    while (end > 0 && fracText.charCodeAt(end - 1) == 0x30) end--;
    return whole.toString() + "." + fracText.substring(0, end);
  }
}
