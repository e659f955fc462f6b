// The ILP ("illiquidity pool"): users bond native tokens once and grant claims on that collateral to several
// lienholders (mesh-provider contracts). Invariants, checked by the tests after every operation:
//   max(claims of an owner) ≤ bonded of that owner
//   the contract's balance of `denom` = Σ bonded = totals.bonded
// A user can unbond only the free part, bonded − max(claims).
import {
  BankMsg, capLimit, Coin, Env, fail, fromUtf8, JsonValue, MessageInfo, mustPay, nonpayable, Order, readPage, Reply,
  ReplyOn, Response, SubMsg, Uint128, unknownReplyId, utf8, validateAddress, WasmMsg, zeroAmount,
} from "../../sdk";
import { ReleaseClaim, SlashClaim } from "../../shared/lien";
import { createClaimCapped, createReceiveClaim, encodeClaimCapped, encodeReceiveClaim } from "../../shared/lien.codec";
import {
  claimTooSmall, emptyValidator, insufficientCollateral, insufficientFreeCollateral, invalidDenom, invalidLienholderGasLimit,
  invalidMaxLienholders, noClaim, tooManyLienholders,
} from "./errors";
import { beginMigration, finishMigration, recordVersion } from "../../shared/migrate";
import { AccountQuery, AccountResponse, AllAccountsQuery, Bond, ClaimInfo, ConfigQuery, GrantClaim, TotalsQuery, Unbond } from "./msg";
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
  TOTALS.save(new Totals(Uint128.zero()));
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
  return account != null ? account : new Account(Uint128.zero());
}

/** Removes the account record once it holds nothing, so storage does not grow with churn. */
function saveAccount(owner: string, account: Account): void {
  if (account.bonded.isZero() && maxClaim(owner).isZero()) ACCOUNTS.remove(accountKey(owner));
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
  ACCOUNTS.save(accountKey(info.sender), account);
  return new Response()
    .addAttribute("action", "bond")
    .addAttribute("owner", info.sender)
    .addAttribute("amount", amount.toString())
    .addAttribute("bonded", bonded.toString());
}

function unbond(info: MessageInfo, amount: Uint128): Response | null {
  if (!nonpayable(info) || !requirePositive(amount, "unbond")) return null;
  const config = CONFIG.load();
  const account = loadAccount(info.sender);
  const claimed = maxClaim(info.sender);
  const free = account.bonded.saturatingSub(claimed);
  if (amount.gt(free)) {
    return fail<Response>(insufficientFreeCollateral(amount, free, account.bonded, claimed));
  }
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
  const previous = existing != null ? existing.amount : Uint128.zero();
  const total = previous.checkedAdd(amount);
  if (total == null) return null;
  if (total.gt(account.bonded)) {
    return fail<Response>(insufficientCollateral(total, lienholder, account.bonded));
  }
  CLAIMS.save(key, new Claim(total));
  return new Response()
    .addMessage(WasmMsg.execute(lienholder, encodeReceiveClaim(createReceiveClaim(info.sender, amount, validator)), []))
    .addAttribute("action", "grant_claim")
    .addAttribute("owner", info.sender)
    .addAttribute("lienholder", lienholder)
    .addAttribute("amount", amount.toString())
    .addAttribute("claim", total.toString())
    .addAttribute("validator", validator);
}

/** Loads the claim the sender (as lienholder) holds on `owner`, checking `amount` fits in it. */
function heldClaim(info: MessageInfo, owner: string, amount: Uint128, action: string): Claim | null {
  if (!nonpayable(info) || !requirePositive(amount, action)) return null;
  if (validateAddress(owner, "owner") == null) return null;
  const claim = CLAIMS.may_load(claimKey(owner, info.sender));
  if (claim == null) return fail<Claim>(noClaim(owner, info.sender));
  if (amount.gt(claim.amount)) {
    return fail<Claim>(claimTooSmall(action, amount, claim.amount));
  }
  return claim;
}

function saveClaim(owner: string, lienholder: string, claim: Claim): void {
  if (claim.amount.isZero()) CLAIMS.remove(claimKey(owner, lienholder));
  else CLAIMS.save(claimKey(owner, lienholder), claim);
}

function releaseClaim(info: MessageInfo, owner: string, amount: Uint128): Response | null {
  const claim = heldClaim(info, owner, amount, "release");
  if (claim == null) return null;
  claim.amount = claim.amount.checkedSub(amount)!;
  saveClaim(owner, info.sender, claim);
  saveAccount(owner, loadAccount(owner));
  return new Response()
    .addAttribute("action", "release_claim")
    .addAttribute("owner", owner)
    .addAttribute("lienholder", info.sender)
    .addAttribute("amount", amount.toString())
    .addAttribute("claim", claim.amount.toString());
}

function slashClaim(info: MessageInfo, owner: string, amount: Uint128): Response | null {
  const claim = heldClaim(info, owner, amount, "slash");
  if (claim == null) return null;
  const config = CONFIG.load();
  const account = loadAccount(owner);
  // claim ≤ bonded is an invariant, so this cannot underflow; checked anyway.
  const bonded = account.bonded.checkedSub(amount);
  if (bonded == null) return null;
  account.bonded = bonded;
  claim.amount = claim.amount.checkedSub(amount)!;
  saveClaim(owner, info.sender, claim);
  if (!adjustTotal(null, amount)) return null;

  const response = new Response()
    .addAttribute("action", "slash_claim")
    .addAttribute("owner", owner)
    .addAttribute("lienholder", info.sender)
    .addAttribute("amount", amount.toString())
    .addAttribute("bonded", bonded.toString());

  // Slashed collateral leaves the pool for real, so the balance keeps matching Σ bonded.
  const slashed = [new Coin(config.denom, amount)];
  const recipient = config.slashRecipient;
  response.addMessage(recipient != null ? BankMsg.send(recipient, slashed) : BankMsg.burn(slashed));

  // No claim may exceed the reduced collateral: cap the others and tell their lienholders. The notification is
  // best effort so that a failing lienholder can never block a slash: reply on error, and a gas limit, because in
  // wasmd an out-of-gas inside a sub-message without one aborts the whole transaction instead of reaching reply.
  const it = CLAIMS.range([utf8(owner)], null, false, null, Order.Ascending);
  const capped = new Array<string>();
  for (let e = it.next(); e != null; e = it.next()) {
    if (e.value.amount.gt(bonded)) capped.push(fromUtf8(e.key));
  }
  for (let i = 0; i < capped.length; i++) {
    const lienholder = capped[i];
    saveClaim(owner, lienholder, new Claim(bonded));
    const note = encodeClaimCapped(createClaimCapped(owner, bonded));
    response.addSubMessage(new SubMsg(REPLY_CAP_NOTIFICATION, WasmMsg.execute(lienholder, note, []), ReplyOn.Error, null,
      config.lienholderGasLimit));
    response.addAttribute("capped", lienholder);
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
  if (msg instanceof TotalsQuery) return encodeTotalsResponse(createTotalsResponse(TOTALS.load().bonded));
  if (msg instanceof AccountQuery) {
    const address = (<AccountQuery>msg).address;
    if (validateAddress(address, "address") == null) return null;
    return encodeAccountResponse(accountResponse(address, loadAccount(address)));
  }
  const page = <AllAccountsQuery>msg;
  return encodeAllAccountsResponse(createAllAccountsResponse(readPage(ACCOUNTS, [], page.startAfter, capLimit(page.limit), accountResponse)));
}

function accountResponse(owner: string, account: Account): AccountResponse {
  let max = Uint128.zero();
  const claims = new Array<ClaimInfo>();
  const it = CLAIMS.range([utf8(owner)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    claims.push(createClaimInfo(fromUtf8(e.key), e.value.amount));
    max = max.max(e.value.amount);
  }
  return createAccountResponse(owner, account.bonded, account.bonded.saturatingSub(max), max, claims);
}
