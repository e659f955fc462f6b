// The ILP's errors, one constructor each (see the SDK's errors.ts for the conventions and the common ones).
import { Decimal, Uint128 } from "../../sdk";

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

/** A grant that would leave less collateral than the largest claim plus each claim × its lienholder's max_slash. */
export function insufficientSlashMargin(needed: Uint128, bonded: Uint128, largest: Uint128, margin: Uint128): string {
  return "Insufficient slash margin: the claims need " + needed.toString() + " of collateral (largest claim " + largest.toString() +
    " + slash margin " + margin.toString() + "), " + bonded.toString() + " is bonded";
}

/** A lienholder whose lien_terms answer a max_slash of 1 or more (it could take a whole claim in one slash). */
export function invalidLienTerms(lienholder: string, maxSlash: Decimal): string {
  return "Invalid lien terms: lienholder " + lienholder + " declares max_slash " + maxSlash.toString() + ", must be below 1";
}

/** A custody claim or an unbond needs tokens the ILP holds for the owner (not staked by a custody lienholder). */
export function insufficientPoolTokens(action: string, amount: Uint128, inPool: Uint128): string {
  return "Insufficient tokens in the pool: " + action + " of " + amount.toString() + " needs tokens the ILP holds for the owner, only " +
    inPool.toString() + " are (the rest is staked by a custody lienholder or owed to a slash)";
}

/** One custody lienholder per owner, so that a cap always brings back what a slash could not burn. */
export function custodyLienholderTaken(owner: string, lienholder: string): string {
  return "Custody lienholder taken: " + owner + "'s collateral is already in the custody of " + lienholder +
    "; one custody lienholder per owner";
}

/** A lienholder whose lien_terms changed between custody and not since the claim was granted. */
export function custodyTermsChanged(lienholder: string): string {
  return "Custody terms changed: lienholder " + lienholder + " answers lien_terms differently from when the claim was granted";
}

/** A custody release must carry back exactly the released tokens. */
export function custodyReturnMismatch(amount: Uint128, paid: Uint128): string {
  return "Custody return mismatch: release_claim of " + amount.toString() + " from a custody lienholder must carry " + amount.toString() +
    " tokens, got " + paid.toString();
}

/** A custody lienholder returning more than it holds for the owner. */
export function custodyNotHeld(owner: string, lienholder: string, amount: Uint128, held: Uint128): string {
  return "Custody not held: " + lienholder + " holds " + held.toString() + " of " + owner + "'s tokens, cannot return " + amount.toString();
}
