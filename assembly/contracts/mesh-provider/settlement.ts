// Settlement (docs/slashing.md §4): a slash lowers the value of shares at once (the pool multiplier), and the
// owner's claim in the ILP follows when the owner's records are settled — on the owner's next unstake or withdraw,
// or by anyone through `settle{owner}`. Each record keeps `settled`, the claim it holds; settling sends the ILP the
// difference to its value now as slash_claim (burned there), so the ILP loses real collateral without a loop over
// stakers, and the ILP's pending_slash query shows what settling would take.
//
// A cascade: when a slash through another lienholder leaves the owner's collateral below our claim, the ILP caps
// the claim and tells us (claim_capped). The part of our records the ILP no longer holds becomes `unbacked`, taken
// first from later releases and slashes, and the owner's stake is unstaked down to the capped claim.
import {
  Amount, Order, Response, Uint128, WasmMsg, fromUtf8, utf8,
} from "../../sdk";
import { createReleaseClaim, createSlashClaim, encodeReleaseClaim, encodeSlashClaim } from "../../shared/lien.codec";
import { CONFIG, STAKES, Stake, UNBACKED, UNBONDING, Unbonding, closedAt, loadPool, stakeKey } from "./state";

/** What the shares of `s` are worth now (their generation's pool, as last slashed). */
export function stakeValue(validator: string, s: Stake): Uint128 {
  return loadPool(s.generation, validator).value(s.shares);
}

/** Lowers the record's claim to its value; returns the loss to take from the collateral. */
export function settleStake(validator: string, s: Stake): Uint128 {
  const value = stakeValue(validator, s);
  if (value.gte(s.settled)) return Uint128.zero();
  const loss = s.settled.checkedSub(value)!;
  s.settled = value;
  return loss;
}

/** Lowers the entry's claim to its value; returns the loss. */
export function settleEntry(u: Unbonding): Uint128 {
  const value = u.value();
  if (value.gte(u.settled)) return Uint128.zero();
  const loss = u.settled.checkedSub(value)!;
  u.settled = value;
  return loss;
}

export function loadUnbacked(owner: string): Uint128 {
  const u = UNBACKED.may_load([utf8(owner)]);
  return u != null ? u.amount : Uint128.zero();
}

export function saveUnbacked(owner: string, amount: Uint128): void {
  if (amount.isZero()) UNBACKED.remove([utf8(owner)]); else UNBACKED.save([utf8(owner)], new Amount(amount));
}

/**
 * Tells the ILP that `loss` of the owner's claim was slashed and `release` is no longer needed, after taking both
 * from the owner's unbacked claim (which the ILP no longer holds). Slash first: it lowers the collateral, then the
 * release frees claim.
 */
export function toIlp(owner: string, release: Uint128, loss: Uint128, response: Response): void {
  let unbacked = loadUnbacked(owner);
  const absorbedLoss = loss.min(unbacked);
  unbacked = unbacked.checkedSub(absorbedLoss)!;
  const absorbedRelease = release.min(unbacked);
  unbacked = unbacked.checkedSub(absorbedRelease)!;
  saveUnbacked(owner, unbacked);
  const ilp = CONFIG.load().ilp;
  const slash = loss.checkedSub(absorbedLoss)!;
  const freed = release.checkedSub(absorbedRelease)!;
  if (!slash.isZero()) response.addMessage(WasmMsg.execute(ilp, encodeSlashClaim(createSlashClaim(owner, slash)), []));
  if (!freed.isZero()) response.addMessage(WasmMsg.execute(ilp, encodeReleaseClaim(createReleaseClaim(owner, freed)), []));
  response.addAttribute("slashed", slash.toString()).addAttribute("released", freed.toString());
}

/** Σ claim − value over the owner's stakes and unbonding entries, and Σ claim: bounded by the owner's own records. */
export class OwnerBook {
  constructor(public loss: Uint128, public claim: Uint128) {}
}

export function ownerBook(owner: string): OwnerBook {
  let loss = Uint128.zero();
  let claim = Uint128.zero();
  const sit = STAKES.range([utf8(owner)], null, false, null, Order.Ascending);
  for (let e = sit.next(); e != null; e = sit.next()) {
    const value = stakeValue(fromUtf8(e.key), e.value);
    loss = loss.checkedAdd(e.value.settled.saturatingSub(value))!;
    claim = claim.checkedAdd(e.value.claim())!;
  }
  const uit = UNBONDING.range([utf8(owner)], null, false, null, Order.Ascending);
  for (let e = uit.next(); e != null; e = uit.next()) {
    loss = loss.checkedAdd(e.value.settled.saturatingSub(e.value.value()))!;
    claim = claim.checkedAdd(e.value.settled)!;
  }
  return new OwnerBook(loss, claim);
}

/** What settling the owner would take from their collateral now (the unbacked part is not the ILP's). */
export function pendingSlash(owner: string): Uint128 {
  return ownerBook(owner).loss.saturatingSub(loadUnbacked(owner));
}

/** Settles every record of the owner; returns the loss (sent to the ILP by the caller through toIlp). */
export function settleOwner(owner: string): Uint128 {
  let loss = Uint128.zero();
  const validators = new Array<string>();
  const stakes = new Array<Stake>();
  const sit = STAKES.range([utf8(owner)], null, false, null, Order.Ascending);
  for (let e = sit.next(); e != null; e = sit.next()) {
    validators.push(fromUtf8(e.key));
    stakes.push(e.value);
  }
  for (let i = 0; i < stakes.length; i++) {
    const l = settleStake(validators[i], stakes[i]);
    if (l.isZero()) continue;
    loss = loss.checkedAdd(l)!;
    STAKES.save(stakeKey(owner, validators[i]), stakes[i]);
  }
  const keys = new Array<Uint8Array>();
  const entries = new Array<Unbonding>();
  const uit = UNBONDING.range([utf8(owner)], null, false, null, Order.Ascending);
  for (let e = uit.next(); e != null; e = uit.next()) {
    keys.push(e.key);
    entries.push(e.value);
  }
  for (let i = 0; i < entries.length; i++) {
    const l = settleEntry(entries[i]);
    if (l.isZero()) continue;
    loss = loss.checkedAdd(l)!;
    UNBONDING.save([utf8(owner), keys[i]], entries[i]);
  }
  return loss;
}

/** True when `s` went through a channel that has closed (its stake is unbonding since the close). */
export function isClosed(s: Stake): bool {
  return closedAt(s.generation) > 0;
}
