// The ILP's errors, one constructor each (see the SDK's errors.ts for the conventions and the common ones).
import { Uint128 } from "../../sdk";

export function invalidDenom(denom: string): string {
  return "Invalid denom '" + denom + "'";
}

export function invalidMaxLienholders(max: u32, got: u32): string {
  return "Invalid max_lienholders: must be between 1 and " + max.toString() + ", got " + got.toString();
}

export function invalidLienholderGasLimit(min: u64, max: u64, got: u64): string {
  return "Invalid lienholder_gas_limit: must be between " + min.toString() + " and " + max.toString() + ", got " + got.toString();
}

/** unbond asked for more than bonded − max(claims). */
export function insufficientFreeCollateral(amount: Uint128, free: Uint128, bonded: Uint128, largestClaim: Uint128): string {
  return "Insufficient free collateral: cannot unbond " + amount.toString() + ", only " + free.toString() + " of " +
    bonded.toString() + " bonded is free (the largest claim holds " + largestClaim.toString() + ")";
}

export function emptyValidator(): string {
  return "Invalid validator: grant_claim needs a validator";
}

/** A new lienholder beyond max_lienholders. */
export function tooManyLienholders(owner: string, held: u32, max: u32): string {
  return "Too many lienholders: " + owner + " already has " + held.toString() + " claims (the maximum is " + max.toString() +
    "); release one before granting to a new lienholder";
}

/** A claim may not exceed the owner's bonded collateral. */
export function insufficientCollateral(claim: Uint128, lienholder: string, bonded: Uint128): string {
  return "Insufficient collateral: a claim of " + claim.toString() + " for " + lienholder + " would exceed the " + bonded.toString() +
    " bonded";
}

/** release_claim or slash_claim from a lienholder that holds no claim of the owner. */
export function noClaim(owner: string, lienholder: string): string {
  return "No claim: " + owner + " has none held by " + lienholder;
}

/** release_claim or slash_claim of more than the claim. */
export function claimTooSmall(action: string, amount: Uint128, claim: Uint128): string {
  return "Claim too small: cannot " + action + " " + amount.toString() + ", the claim is only " + claim.toString();
}
