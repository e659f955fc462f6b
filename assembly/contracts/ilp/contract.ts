// The ILP ("illiquidity pool"): users bond native tokens once and grant claims on that collateral to several
// lienholders (mesh-provider contracts, local-staking). Invariants, checked by the tests after every operation:
//   max(claims of an owner) ≤ bonded of that owner
//   the contract's balance of `denom` + Σ custody held − Σ debt = Σ bonded = totals.bonded (custody: below)
// A user can unbond only the free part, bonded − max(claims).
//
// Slashes (docs/slashing.md §4–5): a lienholder applies a slash to its stakers at once and takes each owner's loss
// from the collateral lazily (slash_claim, which burns it). Until then the loss is pending there: every decision
// and query here uses settled values — the owner's bonded and claims minus what each lienholder reports as
// pending (pending_slash) — so nobody unbonds collateral a slash already took. A grant keeps a slash margin: the
// collateral must cover the largest claim plus Σ claim × max_slash of its lienholder (lien_terms), so one slash
// within its bound never leaves another claim uncovered; beyond it, slash_claim caps the other claims and tells
// their lienholders (claim_capped), who unstake the excess.
//
// Custody (docs/local-staking.md §2): a lienholder whose lien_terms say `custody` (local staking) receives the
// claim's tokens with receive_claim and stakes them; the owner's bonded does not change, and the same collateral
// still backs the owner's other claims. Per owner, in_pool = bonded + debt − Σ held is what the ILP holds for them;
// custody grants and unbonds take only from it, so no owner's tokens are ever lent out for another. Invariant:
//   balance of `denom` + Σ held − Σ debt = Σ bonded;   claim ≤ held for a custody claim
// A custody lienholder's slash burns nothing (x/staking did); another lienholder's slash burns what the pool holds
// for the owner and books the rest as the owner's debt, paid (burned) from the first tokens that come back; the
// custody claim is capped like any other, so they do come back (one custody lienholder per owner).
import {
  BankMsg, capLimit, Coin, Decimal, Env, fail, Fields, fromUtf8, JsonValue, MessageInfo, mustPay, nonpayable, Order,
  querySmart, readLenient, Reply, ReplyOn, Response, SubMsg, Uint128, unknownReplyId, utf8, validateAddress, WasmMsg,
  zeroAmount,
} from "../../sdk";
import { LienTermsResponse, ReleaseClaim, SlashClaim } from "../../shared/lien";
import {
  createClaimCapped, createLienTermsQuery, createPendingSlashQuery, createReceiveClaim, encodeClaimCapped, encodeLienTermsQuery,
  encodePendingSlashQuery, encodeReceiveClaim, readLienTermsResponse, readPendingSlashResponse,
} from "../../shared/lien.codec";
import {
  custodyLienholderTaken, custodyNotHeld, custodyReturnMismatch, custodyTermsChanged, emptyValidator, insufficientCollateral,
  insufficientFreeCollateral, insufficientPoolTokens, insufficientSlashMargin, invalidDenom, invalidLienholderGasLimit, invalidLienTerms,
  invalidMaxLienholders, noClaim, tooManyLienholders,
} from "./errors";
import { beginMigration, finishMigration, recordVersion } from "../../shared/migrate";
import { ALL_ACCOUNTS_LIEN_QUERIES, AccountQuery, AccountResponse, AllAccountsQuery, Bond, ClaimInfo, ConfigQuery, GrantClaim, TotalsQuery, Unbond } from "./msg";
import {
  createAccountResponse, createAllAccountsResponse, createClaimInfo, createConfigResponse, createTotalsResponse, decodeExecuteMsg,
  decodeInstantiateMsg, decodeMigrateMsg, decodeQueryMsg, encodeAccountResponse, encodeAllAccountsResponse, encodeConfigResponse,
  encodeTotalsResponse,
} from "./msg.codec";
import { ACCOUNTS, Account, CLAIMS, CONFIG, Claim, Config, TOTALS, Totals, accountKey, claimKey } from "./state";

/** Reply id of the best-effort notification sent to lienholders whose claim a slash capped. */
export const REPLY_CAP_NOTIFICATION: u64 = 1;

const MAX_MAX_LIENHOLDERS: u32 = 32;
const MIN_LIENHOLDER_GAS_LIMIT: u64 = 50_000;
const MAX_LIENHOLDER_GAS_LIMIT: u64 = 10_000_000;


/** Cosmos SDK denom rule: [a-zA-Z][a-zA-Z0-9/:._-]{2,127}. */
function isValidDenom(denom: string): bool {
  const n = denom.length;
  if (n < 3 || n > 128) return false;
  for (let i = 0; i < n; i++) {
    const c = denom.charCodeAt(i);
    const alpha = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (i == 0 ? !alpha : !(alpha || (c >= 0x30 && c <= 0x39) || c == 0x2f || c == 0x3a || c == 0x2e || c == 0x5f || c == 0x2d)) {
      return false;
    }
  }
  return true;
}

export function instantiate(env: Env, info: MessageInfo, json: JsonValue): Response | null {
  const msg = decodeInstantiateMsg(json);
  if (msg == null) return null;
  const denom = msg.denom;
  const recipient = msg.slashRecipient;
  const maxLienholders = msg.maxLienholders;
  const gasLimit = msg.lienholderGasLimit;
  if (!nonpayable(info)) return null;
  if (!isValidDenom(denom)) return fail<Response>(invalidDenom(denom));
  if (recipient != null && validateAddress(recipient, "slash_recipient") == null) return null;
  if (maxLienholders < 1 || maxLienholders > MAX_MAX_LIENHOLDERS) {
    return fail<Response>(invalidMaxLienholders(MAX_MAX_LIENHOLDERS, maxLienholders));
  }
  if (gasLimit < MIN_LIENHOLDER_GAS_LIMIT || gasLimit > MAX_LIENHOLDER_GAS_LIMIT) {
    return fail<Response>(invalidLienholderGasLimit(MIN_LIENHOLDER_GAS_LIMIT, MAX_LIENHOLDER_GAS_LIMIT, gasLimit));
  }
  CONFIG.save(new Config(denom, recipient, maxLienholders, gasLimit));
  recordVersion("ilp");
  TOTALS.save(new Totals(Uint128.zero(), Uint128.zero(), Uint128.zero()));
  return new Response().addAttribute("action", "instantiate").addAttribute("denom", denom);
}

export function execute(env: Env, info: MessageInfo, json: JsonValue): Response | null {
  const msg = decodeExecuteMsg(json);
  if (msg == null) return null;
  if (msg instanceof Bond) return bond(info);
  if (msg instanceof Unbond) return unbond(info, (<Unbond>msg).amount);
  if (msg instanceof GrantClaim) {
    const grant = <GrantClaim>msg;
    return grantClaim(info, grant.lienholder, grant.amount, grant.validator);
  }
  if (msg instanceof ReleaseClaim) return releaseClaim(info, (<ReleaseClaim>msg).owner, (<ReleaseClaim>msg).amount);
  const slash = <SlashClaim>msg;
  return slashClaim(info, slash.owner, slash.amount);
}

function loadAccount(owner: string): Account {
  const account = ACCOUNTS.may_load(accountKey(owner));
  return account != null ? account : new Account(Uint128.zero(), Uint128.zero());
}

/** Removes the account record once it holds nothing, so storage does not grow with churn. */
function saveAccount(owner: string, account: Account): void {
  if (account.bonded.isZero() && account.debt.isZero() && countClaims(owner, 1) == 0) ACCOUNTS.remove(accountKey(owner));
  else ACCOUNTS.save(accountKey(owner), account);
}

function adjustTotal(add: Uint128 | null, sub: Uint128 | null): bool {
  const totals = TOTALS.load();
  let bonded: Uint128 | null = totals.bonded;
  if (add != null) bonded = bonded!.checkedAdd(add);
  if (bonded != null && sub != null) bonded = bonded.checkedSub(sub);
  if (bonded == null) return false;
  totals.bonded = bonded;
  TOTALS.save(totals);
  return true;
}

/** Moves Σ held and Σ debt by signed deltas (checked: they never go below zero). */
function adjustCustody(heldAdd: Uint128, heldSub: Uint128, debtAdd: Uint128, debtSub: Uint128): bool {
  const totals = TOTALS.load();
  const held = totals.custodyHeld.checkedAdd(heldAdd);
  const debt = totals.debt.checkedAdd(debtAdd);
  const heldAfter = held != null ? held.checkedSub(heldSub) : null;
  const debtAfter = debt != null ? debt.checkedSub(debtSub) : null;
  if (heldAfter == null || debtAfter == null) return false;
  totals.custodyHeld = heldAfter;
  totals.debt = debtAfter;
  TOTALS.save(totals);
  return true;
}

/** The owner's custody claim, if any: at most one (grant_claim refuses a second custody lienholder). */
class CustodyClaim {
  constructor(public lienholder: string, public claim: Claim) {}
}

function custodyClaimOf(owner: string): CustodyClaim | null {
  const it = CLAIMS.range([utf8(owner)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) if (e.value.custody) return new CustodyClaim(fromUtf8(e.key), e.value);
  return null;
}

/** Tokens returned by a custody lienholder pay the owner's debt first: that part is burned (or sent to the recipient). */
function payDebt(account: Account, returned: Uint128, config: Config, response: Response): Uint128 {
  const paid = account.debt.min(returned);
  if (paid.isZero()) return paid;
  account.debt = account.debt.checkedSub(paid)!;
  const coins = [new Coin(config.denom, paid)];
  const recipient = config.slashRecipient;
  response.addMessage(recipient != null ? BankMsg.send(recipient, coins) : BankMsg.burn(coins));
  response.addAttribute("debt_paid", paid.toString());
  return paid;
}

/** The largest claim on `owner`'s collateral; bounded by the number of lienholders the owner chose. */
export function maxClaim(owner: string): Uint128 {
  let max = Uint128.zero();
  const it = CLAIMS.range([utf8(owner)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) max = max.max(e.value.amount);
  return max;
}

/** The owner's number of claims, counting no further than `stopAt`. */
function countClaims(owner: string, stopAt: u32): u32 {
  let n: u32 = 0;
  const it = CLAIMS.range([utf8(owner)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null && n < stopAt; e = it.next()) n++;
  return n;
}

function requirePositive(amount: Uint128, what: string): bool {
  if (amount.isZero()) {
    fail<string>(zeroAmount(what));
    return false;
  }
  return true;
}

function bond(info: MessageInfo): Response | null {
  const config = CONFIG.load();
  const amount = mustPay(info, config.denom);
  if (amount == null) return null;
  const account = loadAccount(info.sender);
  const bonded = account.bonded.checkedAdd(amount);
  if (bonded == null) return null;
  account.bonded = bonded;
  if (!adjustTotal(amount, null)) return null;
  // Tokens in the pool pay a slash debt first, so nothing is owed while the pool holds tokens of the owner.
  const response = new Response();
  const paid = payDebt(account, amount, config, response);
  if (!adjustCustody(Uint128.zero(), Uint128.zero(), Uint128.zero(), paid)) return null;
  ACCOUNTS.save(accountKey(info.sender), account);
  return response
    .addAttribute("action", "bond")
    .addAttribute("owner", info.sender)
    .addAttribute("amount", amount.toString())
    .addAttribute("bonded", bonded.toString());
}

function unbond(info: MessageInfo, amount: Uint128): Response | null {
  if (!nonpayable(info) || !requirePositive(amount, "unbond")) return null;
  const config = CONFIG.load();
  const account = loadAccount(info.sender);
  const view = settledView(info.sender, account);
  if (view == null) return null;
  const claimed = view.maxClaim();
  const free = view.bonded.saturatingSub(claimed);
  if (amount.gt(free)) {
    return fail<Response>(insufficientFreeCollateral(amount, free, view.bonded, claimed));
  }
  if (amount.gt(view.inPool)) return fail<Response>(insufficientPoolTokens("unbond", amount, view.inPool));
  account.bonded = account.bonded.checkedSub(amount)!;
  if (!adjustTotal(null, amount)) return null;
  saveAccount(info.sender, account);
  return new Response()
    .addMessage(BankMsg.send(info.sender, [new Coin(config.denom, amount)]))
    .addAttribute("action", "unbond")
    .addAttribute("owner", info.sender)
    .addAttribute("amount", amount.toString())
    .addAttribute("bonded", account.bonded.toString());
}

function grantClaim(info: MessageInfo, lienholder: string, amount: Uint128, validator: string): Response | null {
  if (!nonpayable(info) || !requirePositive(amount, "grant_claim")) return null;
  if (validateAddress(lienholder, "lienholder") == null) return null;
  // The validator lives on the consumer chain (another bech32 prefix): the lienholder validates it.
  if (validator.length == 0) return fail<Response>(emptyValidator());
  const account = loadAccount(info.sender);
  const key = claimKey(info.sender, lienholder);
  const existing = CLAIMS.may_load(key);
  if (existing == null) {
    // A slash visits every claim of the owner: their number is bounded so a slash costs bounded gas.
    const max = CONFIG.load().maxLienholders;
    const held = countClaims(info.sender, max);
    if (held >= max) {
      return fail<Response>(tooManyLienholders(info.sender, held, max));
    }
  }
  const terms = lienTerms(lienholder);
  if (terms == null) return null;
  const custody = terms.custody;
  if (existing != null && existing.custody != custody) return fail<Response>(custodyTermsChanged(lienholder));
  if (custody && existing == null) {
    const other = custodyClaimOf(info.sender);
    if (other != null) return fail<Response>(custodyLienholderTaken(info.sender, other.lienholder));
  }
  const view = settledView(info.sender, account);
  if (view == null) return null;
  if (custody && amount.gt(view.inPool)) return fail<Response>(insufficientPoolTokens("a custody claim", amount, view.inPool));
  const previous = existing != null ? existing.amount : Uint128.zero();
  const total = previous.checkedAdd(amount);
  const settledTotal = view.claimOf(lienholder).checkedAdd(amount);
  if (total == null || settledTotal == null) return null;
  if (settledTotal.gt(view.bonded)) {
    return fail<Response>(insufficientCollateral(settledTotal, lienholder, view.bonded));
  }
  // The slash margin, on settled values, with the new claim in place.
  let largest = settledTotal;
  let margin = terms.maxSlash.mulCeil(settledTotal)!;
  for (let i = 0; i < view.lienholders.length; i++) {
    if (view.lienholders[i] == lienholder) continue;
    largest = largest.max(view.claims[i]);
    margin = margin.checkedAdd(view.maxSlash[i].mulCeil(view.claims[i])!)!;
  }
  const needed = largest.checkedAdd(margin);
  if (needed == null) return null;
  if (needed.gt(view.bonded)) return fail<Response>(insufficientSlashMargin(needed, view.bonded, largest, margin));
  const held = existing != null ? existing.held : Uint128.zero();
  CLAIMS.save(key, new Claim(total, terms.maxSlash, custody, custody ? held.checkedAdd(amount)! : held));
  // A custody lienholder receives the claim's tokens to stake them; the owner's bonded does not change.
  const funds = custody ? [new Coin(CONFIG.load().denom, amount)] : new Array<Coin>();
  if (custody && !adjustCustody(amount, Uint128.zero(), Uint128.zero(), Uint128.zero())) return null;
  return new Response()
    .addMessage(WasmMsg.execute(lienholder, encodeReceiveClaim(createReceiveClaim(info.sender, amount, validator)), funds))
    .addAttribute("action", "grant_claim")
    .addAttribute("owner", info.sender)
    .addAttribute("lienholder", lienholder)
    .addAttribute("amount", amount.toString())
    .addAttribute("claim", total.toString())
    .addAttribute("validator", validator);
}

/**
 * Loads the claim the sender (as lienholder) holds on `owner`. A release or slash of more than it takes all of it:
 * after a cap (a slash through another lienholder) the lienholder may record more than the claim until it learns
 * of the cap, and its stake must never be stuck for that.
 */
function heldClaim(info: MessageInfo, owner: string, amount: Uint128, action: string): Claim | null {
  if (!requirePositive(amount, action)) return null;
  if (validateAddress(owner, "owner") == null) return null;
  const claim = CLAIMS.may_load(claimKey(owner, info.sender));
  if (claim == null) return fail<Claim>(noClaim(owner, info.sender));
  return claim;
}

function saveClaim(owner: string, lienholder: string, claim: Claim): void {
  if (claim.amount.isZero() && claim.held.isZero()) CLAIMS.remove(claimKey(owner, lienholder));
  else CLAIMS.save(claimKey(owner, lienholder), claim);
}

function releaseClaim(info: MessageInfo, owner: string, requested: Uint128): Response | null {
  const claim = heldClaim(info, owner, requested, "release");
  if (claim == null) return null;
  const response = new Response();
  const account = loadAccount(owner);
  let amount: Uint128;
  if (claim.custody) {
    // The tokens come back with the release, exactly; the claim stays within what is still held.
    const config = CONFIG.load();
    const paid = mustPay(info, config.denom);
    if (paid == null) return null;
    if (!paid.eq(requested)) return fail<Response>(custodyReturnMismatch(requested, paid));
    if (requested.gt(claim.held)) return fail<Response>(custodyNotHeld(owner, info.sender, requested, claim.held));
    claim.held = claim.held.checkedSub(requested)!;
    const debtPaid = payDebt(account, requested, config, response);
    if (!adjustCustody(Uint128.zero(), requested, Uint128.zero(), debtPaid)) return null;
    amount = claim.amount.saturatingSub(claim.held);
  } else {
    if (!nonpayable(info)) return null;
    amount = requested.min(claim.amount);
  }
  claim.amount = claim.amount.checkedSub(amount)!;
  saveClaim(owner, info.sender, claim);
  saveAccount(owner, account);
  return response
    .addAttribute("action", "release_claim")
    .addAttribute("owner", owner)
    .addAttribute("lienholder", info.sender)
    .addAttribute("amount", amount.toString())
    .addAttribute("claim", claim.amount.toString());
}

/**
 * A custody slash of `amount` held tokens (x/staking burned them), split pro rata between the claim and what is held
 * beyond it: the part beyond pays the owner's debt first (it was owed to a slash anyway), the rest is the owner's loss.
 */
class CustodySlash {
  constructor(public fromClaim: Uint128, public debtPaid: Uint128, public ownerLoss: Uint128) {}
}

function splitCustodySlash(claim: Claim, debt: Uint128, amount: Uint128): CustodySlash {
  const beyond = claim.held.checkedSub(claim.amount)!;
  const fromBeyond = claim.held.isZero() ? Uint128.zero() : amount.mulDivFloor(beyond, claim.held)!;
  const fromClaim = amount.checkedSub(fromBeyond)!;
  const debtPaid = fromBeyond.min(debt);
  return new CustodySlash(fromClaim, debtPaid, fromBeyond.checkedSub(debtPaid)!.checkedAdd(fromClaim)!);
}

function slashClaim(info: MessageInfo, owner: string, requested: Uint128): Response | null {
  if (!nonpayable(info)) return null;
  const claim = heldClaim(info, owner, requested, "slash");
  if (claim == null) return null;
  const config = CONFIG.load();
  const account = loadAccount(owner);
  // A custody slash takes held tokens (at most all of them); another takes claim.
  const amount = requested.min(claim.custody ? claim.held : claim.amount);
  // What the pool holds for the owner before the slash (the custody lienholder's held tokens are not here).
  const inPool = account.bonded.checkedAdd(account.debt)!.saturatingSub(custodyHeldOf(owner));
  const split = claim.custody ? splitCustodySlash(claim, account.debt, amount) : new CustodySlash(amount, Uint128.zero(), amount);
  // claim ≤ bonded and held − debt ≤ bonded are invariants, so this cannot underflow; checked anyway.
  const bonded = account.bonded.checkedSub(split.ownerLoss);
  if (bonded == null) return null;
  account.bonded = bonded;
  claim.amount = claim.amount.checkedSub(split.fromClaim)!;
  if (!adjustTotal(null, split.ownerLoss)) return null;

  const response = new Response()
    .addAttribute("action", "slash_claim")
    .addAttribute("owner", owner)
    .addAttribute("lienholder", info.sender)
    .addAttribute("amount", amount.toString())
    .addAttribute("bonded", bonded.toString());

  if (claim.custody) {
    // x/staking already burned the tokens in the custody lienholder's hands: they are no longer held, and what of
    // them was owed to an earlier slash is paid.
    claim.held = claim.held.checkedSub(amount)!;
    account.debt = account.debt.checkedSub(split.debtPaid)!;
    if (!adjustCustody(Uint128.zero(), amount, Uint128.zero(), split.debtPaid)) return null;
  } else {
    // Slashed collateral leaves the pool for real, so the balance keeps matching Σ bonded; what the pool does not
    // hold for the owner (it is staked by the custody lienholder) is owed and burned when it comes back.
    const burnNow = amount.min(inPool);
    const owed = amount.checkedSub(burnNow)!;
    if (!burnNow.isZero()) {
      const slashed = [new Coin(config.denom, burnNow)];
      const recipient = config.slashRecipient;
      response.addMessage(recipient != null ? BankMsg.send(recipient, slashed) : BankMsg.burn(slashed));
    }
    if (!owed.isZero()) {
      account.debt = account.debt.checkedAdd(owed)!;
      if (!adjustCustody(Uint128.zero(), Uint128.zero(), owed, Uint128.zero())) return null;
      response.addAttribute("debt", account.debt.toString());
    }
  }
  saveClaim(owner, info.sender, claim);

  // No claim may exceed the reduced collateral: cap the others and tell their lienholders. The notification is
  // best effort so that a failing lienholder can never block a slash: reply on error, and a gas limit, because in
  // wasmd an out-of-gas inside a sub-message without one aborts the whole transaction instead of reaching reply.
  const it = CLAIMS.range([utf8(owner)], null, false, null, Order.Ascending);
  const capped = new Array<string>();
  const cappedClaims = new Array<Claim>();
  for (let e = it.next(); e != null; e = it.next()) {
    if (!e.value.amount.gt(bonded)) continue;
    capped.push(fromUtf8(e.key));
    cappedClaims.push(e.value);
  }
  for (let i = 0; i < capped.length; i++) {
    const lienholder = capped[i];
    // A custody claim keeps its held tokens: what the lienholder sends back first leaves the excess, paying any debt.
    cappedClaims[i].amount = bonded;
    saveClaim(owner, lienholder, cappedClaims[i]);
    const note = encodeClaimCapped(createClaimCapped(owner, bonded));
    response.addSubMessage(new SubMsg(REPLY_CAP_NOTIFICATION, WasmMsg.execute(lienholder, note, []), ReplyOn.Error, null,
      config.lienholderGasLimit));
    response.addAttribute("capped", lienholder);
  }
  // A custody slash that leaves tokens held beyond the claim while a debt waits for them: the lienholder must bring
  // them back (it stakes more than its claim), so it is told its claim as after a cap.
  if (claim.custody && claim.held.gt(claim.amount) && !account.debt.isZero() && !capped.includes(info.sender)) {
    const note = encodeClaimCapped(createClaimCapped(owner, claim.amount));
    response.addSubMessage(new SubMsg(REPLY_CAP_NOTIFICATION, WasmMsg.execute(info.sender, note, []), ReplyOn.Error, null,
      config.lienholderGasLimit));
    response.addAttribute("capped", info.sender);
  }
  saveAccount(owner, account);
  return response;
}

/** `{}`: from 0.1.0 (no cw2 info, no lienholder bounds: the defaults apply) or any older 0.x of this contract. */
export function migrate(env: Env, json: JsonValue): Response | null {
  if (decodeMigrateMsg(json) == null) return null;
  const from = beginMigration("ilp", ["denom", "slash_recipient"]);
  if (from == null) return null;
  CONFIG.save(CONFIG.load());
  return finishMigration("ilp", from);
}

export function reply(env: Env, reply: Reply): Response | null {
  if (reply.id != REPLY_CAP_NOTIFICATION) return fail<Response>(unknownReplyId(reply.id));
  const error = reply.error;
  return new Response()
    .addAttribute("action", "claim_capped_notification_failed")
    .addAttribute("error", error != null ? error : "");
}

// ---------------------------------------------------------------------------------------------------------------
// Queries

export function query(env: Env, json: JsonValue): string | null {
  const msg = decodeQueryMsg(json);
  if (msg == null) return null;
  if (msg instanceof ConfigQuery) {
    const c = CONFIG.load();
    return encodeConfigResponse(createConfigResponse(c.denom, c.slashRecipient, c.maxLienholders, c.lienholderGasLimit));
  }
  if (msg instanceof TotalsQuery) {
    const t = TOTALS.load();
    return encodeTotalsResponse(createTotalsResponse(t.bonded, t.custodyHeld, t.debt));
  }
  if (msg instanceof AccountQuery) {
    const address = (<AccountQuery>msg).address;
    if (validateAddress(address, "address") == null) return null;
    const response = accountResponse(address, loadAccount(address));
    return response != null ? encodeAccountResponse(response) : null;
  }
  const page = <AllAccountsQuery>msg;
  const limit = capLimit(page.limit);
  const startAfter = page.startAfter;
  const accounts = new Array<AccountResponse>();
  const it = ACCOUNTS.range([], startAfter != null ? utf8(startAfter) : null, true, null, Order.Ascending);
  let lienQueries: u32 = 0;
  let next: string | null = null;
  for (let e = it.next(); e != null; e = it.next()) {
    if (<u32>accounts.length >= limit) {
      next = accounts.length > 0 ? accounts[accounts.length - 1].address : null;
      break;
    }
    const response = accountResponse(fromUtf8(e.key), e.value);
    if (response == null) return null;
    // Past the budget (by at most one account's lienholders): this account opens the next page.
    const claims = <u32>response.claims.length;
    if (accounts.length > 0 && lienQueries + claims > ALL_ACCOUNTS_LIEN_QUERIES) {
      next = accounts[accounts.length - 1].address;
      break;
    }
    accounts.push(response);
    lienQueries += claims;
  }
  return encodeAllAccountsResponse(createAllAccountsResponse(accounts, next));
}

function accountResponse(owner: string, account: Account): AccountResponse | null {
  const view = settledView(owner, account);
  if (view == null) return null;
  const claims = new Array<ClaimInfo>();
  for (let i = 0; i < view.lienholders.length; i++) {
    claims.push(createClaimInfo(view.lienholders[i], view.claims[i], view.maxSlash[i], view.custody[i], view.held[i]));
  }
  const max = view.maxClaim();
  return createAccountResponse(owner, view.bonded, view.pending, view.free(), view.debt, max, claims);
}

// ---------------------------------------------------------------------------------------------------------------
// Settled values

/** An owner's collateral and claims once every lienholder's pending slashes are taken (as slash_claim will). */
class SettledView {
  lienholders: string[] = [];
  claims: Uint128[] = [];
  maxSlash: Decimal[] = [];
  custody: bool[] = [];
  held: Uint128[] = [];
  /** what the pool holds for the owner: bonded + debt − held, after the pending slashes */
  inPool: Uint128 = Uint128.zero();
  constructor(public bonded: Uint128, public pending: Uint128, public debt: Uint128) {}

  /** What the owner may unbond: free of every claim and in the pool. */
  free(): Uint128 {
    return this.bonded.saturatingSub(this.maxClaim()).min(this.inPool);
  }

  maxClaim(): Uint128 {
    let max = Uint128.zero();
    for (let i = 0; i < this.claims.length; i++) max = max.max(this.claims[i]);
    return max;
  }

  claimOf(lienholder: string): Uint128 {
    const i = this.lienholders.indexOf(lienholder);
    return i >= 0 ? this.claims[i] : Uint128.zero();
  }
}

/**
 * Asks each lienholder of the owner (at most max_lienholders) what its slashes will take; each takes at most its
 * claim, all together at most the collateral, and no claim stays above what is left (the cap slash_claim applies).
 * With pending slashes of several lienholders at once the result depends on the order they are settled in (a
 * custody slash's split depends on the caps before it); this view takes them in lienholder order, which is exact for
 * one pending lienholder and conservative for unbond and grants otherwise.
 */
function settledView(owner: string, account: Account): SettledView | null {
  const lienholders = new Array<string>();
  const stored = new Array<Claim>();
  const it = CLAIMS.range([utf8(owner)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    lienholders.push(fromUtf8(e.key));
    stored.push(e.value);
  }
  let bonded = account.bonded;
  let debt = account.debt;
  let pending = Uint128.zero();
  let held = Uint128.zero();
  for (let i = 0; i < stored.length; i++) held = held.checkedAdd(stored[i].held)!;
  let inPool = account.bonded.checkedAdd(account.debt)!.saturatingSub(held);
  const after = new Array<Uint128>();
  const heldAfter = new Array<Uint128>();
  for (let i = 0; i < lienholders.length; i++) {
    const p = pendingSlash(lienholders[i], owner);
    if (p == null) return null;
    const c = stored[i];
    // As slash_claim will: a custody slash takes held tokens (x/staking burned them), pro rata from the claim and
    // from what is held beyond it (paying debt first); another takes claim, and the pool's tokens first.
    if (c.custody) {
      const taken = p.min(c.held);
      const split = splitCustodySlash(c, debt, taken);
      const loss = split.ownerLoss.min(bonded);
      bonded = bonded.checkedSub(loss)!;
      debt = debt.checkedSub(split.debtPaid)!;
      pending = pending.checkedAdd(loss)!;
      after.push(c.amount.checkedSub(split.fromClaim)!);
      heldAfter.push(c.held.checkedSub(taken)!);
    } else {
      const taken = p.min(c.amount).min(bonded);
      bonded = bonded.checkedSub(taken)!;
      pending = pending.checkedAdd(taken)!;
      after.push(c.amount.checkedSub(taken)!);
      heldAfter.push(c.held);
      // The pool's tokens burn first; the rest is owed.
      const burned = taken.min(inPool);
      inPool = inPool.checkedSub(burned)!;
      debt = debt.checkedAdd(taken.checkedSub(burned)!)!;
    }
  }
  const view = new SettledView(bonded, pending, debt);
  view.inPool = inPool;
  for (let i = 0; i < lienholders.length; i++) {
    view.lienholders.push(lienholders[i]);
    view.claims.push(after[i].min(bonded));
    view.maxSlash.push(stored[i].maxSlash);
    view.custody.push(stored[i].custody);
    view.held.push(heldAfter[i]);
  }
  return view;
}

/** The lienholder's pending_slash answer for the owner (lenient: it may add fields). */
function pendingSlash(lienholder: string, owner: string): Uint128 | null {
  const answer = querySmart(lienholder, encodePendingSlashQuery(createPendingSlashQuery(owner)));
  const r = readLenient(answer, "pending_slash of " + lienholder, readPendingSlashResponse);
  return r != null ? r.amount : null;
}

/** Σ tokens custody lienholders hold for the owner (at most one claim is custody). */
function custodyHeldOf(owner: string): Uint128 {
  const c = custodyClaimOf(owner);
  return c != null ? c.claim.held : Uint128.zero();
}

/** The lienholder's lien_terms: max_slash below 1, and whether it takes custody of the tokens. */
function lienTerms(lienholder: string): LienTermsResponse | null {
  const r = readLenient(querySmart(lienholder, encodeLienTermsQuery(createLienTermsQuery())), "lien_terms of " + lienholder, readLienTermsResponse);
  if (r == null) return null;
  if (!r.maxSlash.lt(Decimal.one())) return fail<LienTermsResponse>(invalidLienTerms(lienholder, r.maxSlash));
  return r;
}
