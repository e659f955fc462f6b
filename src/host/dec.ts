// cosmos-sdk `math.LegacyDec` as a bigint scaled by 10^18 ("raw"), with the SDK's rounding rules
// (cosmossdk.io/math dec.go): Mul/Quo chop the extra precision with banker's rounding, the *Truncate variants
// truncate, MulInt/QuoInt are exact/truncating integer operations, String() always prints 18 decimals.

export const PRECISION = 18;
export const ONE = 10n ** 18n;
const FIVE_PRECISION = ONE / 2n;

/** Raw value of the integer `n`. */
export function decFromInt(n: bigint): bigint {
  return n * ONE;
}

/** `chopPrecisionAndRound`: divide by 10^18, rounding half to even (non-negative inputs; negatives mirrored). */
export function chopRound(x: bigint): bigint {
  if (x < 0n) return -chopRound(-x);
  const quo = x / ONE;
  const rem = x % ONE;
  if (rem < FIVE_PRECISION) return quo;
  if (rem > FIVE_PRECISION) return quo + 1n;
  return quo % 2n === 0n ? quo : quo + 1n;
}

/** LegacyDec.Mul (banker's rounding). */
export function decMul(a: bigint, b: bigint): bigint {
  return chopRound(a * b);
}

/** LegacyDec.MulTruncate. */
export function decMulTruncate(a: bigint, b: bigint): bigint {
  return (a * b) / ONE;
}

/** LegacyDec.MulInt (exact). */
export function decMulInt(a: bigint, n: bigint): bigint {
  return a * n;
}

/** LegacyDec.Quo (banker's rounding). */
export function decQuo(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error("division by zero");
  return chopRound((a * ONE * ONE) / b);
}

/** LegacyDec.QuoTruncate. */
export function decQuoTruncate(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error("division by zero");
  return (a * ONE) / b;
}

/** LegacyDec.QuoRoundUp. */
export function decQuoRoundUp(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error("division by zero");
  const n = a * ONE;
  const q = n / b;
  return n % b === 0n ? q : q + 1n;
}

/** LegacyDec.QuoInt (truncating). */
export function decQuoInt(a: bigint, n: bigint): bigint {
  if (n === 0n) throw new Error("division by zero");
  return a / n;
}

/** LegacyDec.TruncateInt. */
export function decTruncateInt(a: bigint): bigint {
  return a / ONE;
}

/** LegacyDec.String(): "-"? int "." 18 digits. */
export function decToString(a: bigint): string {
  const neg = a < 0n;
  const abs = neg ? -a : a;
  const int = abs / ONE;
  const frac = (abs % ONE).toString().padStart(PRECISION, "0");
  return `${neg ? "-" : ""}${int}.${frac}`;
}

/**
 * LegacyNewDecFromStr: optional "-", digits, optional "." and 1..18 digits. Throws on anything else (the SDK's
 * errors: "decimal string cannot be empty", "invalid precision; max: 18, got: N", "failed to set decimal string").
 */
export function parseDec(s: string): bigint {
  if (s.length === 0) throw new Error("decimal string cannot be empty");
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(s);
  if (!m) throw new Error(`failed to set decimal string with base 10: ${s}`);
  const frac = m[3] ?? "";
  if (frac.length > PRECISION) throw new Error(`invalid precision; max: ${PRECISION}, got: ${frac.length}`);
  const raw = BigInt(m[2]) * ONE + BigInt((frac || "0").padEnd(PRECISION, "0"));
  return m[1] === "-" ? -raw : raw;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
