// Errors any contract built on the SDK may return. One constructor each; every text starts with a stable title
// (up to the first ':' or quote) that clients match on: `npm run codegen` lists them as commonErrors in
// src/contracts/errors.ts. Field-path errors of message decoding ("unbond.amount: missing field") are the other
// kind: their path comes first, like serde's.

export function fundsNotAccepted(): string {
  return "This message does not accept funds";
}

export function noFunds(): string {
  return "No funds sent";
}

export function multipleDenoms(): string {
  return "Sent more than one denomination";
}

export function wrongDenom(expected: string, got: string): string {
  return "Must send '" + expected + "' to this message, got '" + got + "'";
}

/** The sender is not the contract's admin (governance on a real deployment). */
export function unauthorized(admin: string): string {
  return "Unauthorized: only the admin (" + admin + ") may do this";
}

export function invalidAddress(what: string, detail: string): string {
  return "Invalid address: " + what + " " + detail;
}

export function overflow(detail: string): string {
  return "Overflow: " + detail;
}

export function divideByZero(dividend: string): string {
  return "Division by zero: cannot divide " + dividend + " by zero";
}

export function timeOverflow(detail: string): string {
  return "Time overflow: " + detail;
}

/** A configured duration outside [min, 10 years]. */
export function invalidDuration(field: string, detail: string): string {
  return "Invalid duration: " + field + " " + detail;
}

export function querierSystemError(detail: string): string {
  return "Querier system error: " + detail;
}

export function querierContractError(what: string, detail: string): string {
  return "Querier contract error: " + what + ": " + detail;
}

/** A variant name the message's enum does not have; lists the ones it has. */
export function unknownVariant(label: string, name: string, expected: string): string {
  return "Unknown variant: " + label + " '" + name + "'; expected one of: " + expected;
}

export function cannotMigrateOtherContract(contract: string, stored: string): string {
  return "Cannot migrate from a different contract: this is " + contract + ", the stored contract is " + stored;
}

export function invalidContractVersion(version: string): string {
  return "Invalid contract version '" + version + "'";
}

export function cannotDowngrade(contract: string, from: string, to: string): string {
  return "Cannot downgrade: " + contract + " from " + from + " to " + to;
}

export function unknownReplyId(id: u64): string {
  return "Unknown reply id: " + id.toString();
}

/** An amount of zero where something must move. */
export function zeroAmount(what: string): string {
  return "Invalid amount: " + what + " must be greater than zero";
}
