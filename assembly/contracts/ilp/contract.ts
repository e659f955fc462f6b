// The ILP ("illiquidity pool"): users bond native tokens once and grant claims on that collateral to several
// lienholders (mesh-provider contracts). Invariants, checked by the tests after every operation:
//   max(claims of an owner) ≤ bonded of that owner
//   the contract's balance of `denom` = Σ bonded = totals.bonded
// A user can unbond only the free part, bonded − max(claims).
import {
  BankMsg, Coin, Reply, CosmosMsg, Env, Fields, JsonValue, JsonWriter, MessageInfo, Order, ReplyOn, Response, SubMsg,
  Uint128, Variant, WasmMsg, fail, fromUtf8, mustPay, nonpayable, PageRequest, writePage, utf8, validateAddress,
} from "../../sdk";
import { ClaimCappedMsg, LienAmountMsg, ReceiveClaimMsg } from "../../shared/lien";
import { beginMigration, finishMigration, recordVersion } from "../../shared/migrate";
import {
  ACCOUNTS, Account, CLAIMS, CONFIG, Claim, Config, DEFAULT_LIENHOLDER_GAS_LIMIT, DEFAULT_MAX_LIENHOLDERS, TOTALS, Totals, accountKey, claimKey,
  encodeConfig,
} from "./state";

/** Reply id of the best-effort notification sent to lienholders whose claim a slash capped. */
export const REPLY_CAP_NOTIFICATION: u64 = 1;

const MAX_MAX_LIENHOLDERS: u64 = 32;
const MIN_LIENHOLDER_GAS_LIMIT: u64 = 50_000;
const MAX_LIENHOLDER_GAS_LIMIT: u64 = 10_000_000;

const EXECUTE_VARIANTS = "bond, unbond, grant_claim, release_claim, slash_claim";
const QUERY_VARIANTS = "config, totals, account, all_accounts";

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

export function instantiate(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const f = Fields.of(msg, "instantiate");
  if (f == null) return null;
  const denom = f.str("denom");
  const recipient = f.optStr("slash_recipient");
  const maxLienholders = f.optU64("max_lienholders", DEFAULT_MAX_LIENHOLDERS);
  const gasLimit = f.optU64("lienholder_gas_limit", DEFAULT_LIENHOLDER_GAS_LIMIT);
  if (!f.finish()) return null;
  if (!nonpayable(info)) return null;
  if (!isValidDenom(denom)) return fail<Response>("Invalid denom '" + denom + "'");
  if (recipient != null && validateAddress(recipient, "slash_recipient") == null) return null;
  if (maxLienholders < 1 || maxLienholders > MAX_MAX_LIENHOLDERS) {
    return fail<Response>("Invalid max_lienholders: must be between 1 and " + MAX_MAX_LIENHOLDERS.toString() + ", got " + maxLienholders.toString());
  }
  if (gasLimit < MIN_LIENHOLDER_GAS_LIMIT || gasLimit > MAX_LIENHOLDER_GAS_LIMIT) {
    return fail<Response>("Invalid lienholder_gas_limit: must be between " + MIN_LIENHOLDER_GAS_LIMIT.toString() + " and " +
      MAX_LIENHOLDER_GAS_LIMIT.toString() + ", got " + gasLimit.toString());
  }
  CONFIG.save(new Config(denom, recipient, <u32>maxLienholders, gasLimit));
  recordVersion("ilp");
  TOTALS.save(new Totals(Uint128.zero()));
  return new Response().addAttribute("action", "instantiate").addAttribute("denom", denom);
}

export function execute(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const variant = Variant.of(msg, "execute");
  if (variant == null) return null;
  const f = variant.fields;
  const name = variant.name;
  if (name == "bond") {
    if (!f.finish()) return null;
    return bond(info);
  }
  if (name == "unbond") {
    const amount = f.uint128("amount");
    if (!f.finish()) return null;
    return unbond(info, amount);
  }
  if (name == "grant_claim") {
    const lienholder = f.str("lienholder");
    const amount = f.uint128("amount");
    const validator = f.str("validator");
    if (!f.finish()) return null;
    return grantClaim(info, lienholder, amount, validator);
  }
  if (name == "release_claim" || name == "slash_claim") {
    const lien = LienAmountMsg.read(name, f);
    if (!f.finish()) return null;
    return name == "release_claim" ? releaseClaim(info, lien.owner, lien.amount) : slashClaim(info, lien.owner, lien.amount);
  }
  return fail<Response>("Unknown execute message '" + name + "'; expected one of: " + EXECUTE_VARIANTS);
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
    fail<string>("Invalid " + what + ": amount must be greater than zero");
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
    return fail<Response>(
      "Insufficient free collateral: cannot unbond " + amount.toString() + ", only " + free.toString() +
      " of " + account.bonded.toString() + " bonded is free (the largest claim holds " + claimed.toString() + ")",
    );
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
  if (validator.length == 0) return fail<Response>("Invalid grant_claim: validator must not be empty");
  const account = loadAccount(info.sender);
  const key = claimKey(info.sender, lienholder);
  const existing = CLAIMS.may_load(key);
  if (existing == null) {
    // A slash visits every claim of the owner: their number is bounded so a slash costs bounded gas.
    const max = CONFIG.load().maxLienholders;
    const held = countClaims(info.sender, max);
    if (held >= max) {
      return fail<Response>("Too many lienholders: " + info.sender + " already has " + held.toString() + " claims (the maximum is " +
        max.toString() + "); release one before granting to a new lienholder");
    }
  }
  const previous = existing != null ? existing.amount : Uint128.zero();
  const total = previous.checkedAdd(amount);
  if (total == null) return null;
  if (total.gt(account.bonded)) {
    return fail<Response>(
      "Insufficient collateral: a claim of " + total.toString() + " for " + lienholder +
      " would exceed the " + account.bonded.toString() + " bonded",
    );
  }
  CLAIMS.save(key, new Claim(total));
  const notify = new ReceiveClaimMsg(info.sender, amount, validator);
  return new Response()
    .addMessage(WasmMsg.execute(lienholder, notify.toJson(), []))
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
  if (claim == null) return fail<Claim>("No claim of " + owner + " is held by " + info.sender);
  if (amount.gt(claim.amount)) {
    return fail<Claim>("Cannot " + action + " " + amount.toString() + ": the claim is only " + claim.amount.toString());
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
    const note = new ClaimCappedMsg(owner, bonded);
    response.addSubMessage(new SubMsg(REPLY_CAP_NOTIFICATION, WasmMsg.execute(lienholder, note.toJson(), []), ReplyOn.Error, null,
      config.lienholderGasLimit));
    response.addAttribute("capped", lienholder);
  }
  saveAccount(owner, account);
  return response;
}

/** `{}`: from 0.1.0 (no cw2 info, no lienholder bounds: the defaults apply) or any older 0.x of this contract. */
export function migrate(env: Env, msg: JsonValue): Response | null {
  const f = Fields.of(msg, "migrate");
  if (f == null || !f.finish()) return null;
  const from = beginMigration("ilp", ["denom", "slash_recipient"]);
  if (from == null) return null;
  CONFIG.save(CONFIG.load());
  return finishMigration("ilp", from);
}

export function reply(env: Env, reply: Reply): Response | null {
  if (reply.id != REPLY_CAP_NOTIFICATION) return fail<Response>("Unknown reply id " + reply.id.toString());
  const error = reply.error;
  return new Response()
    .addAttribute("action", "claim_capped_notification_failed")
    .addAttribute("error", error != null ? error : "");
}

// ---------------------------------------------------------------------------------------------------------------
// Queries

export function query(env: Env, msg: JsonValue): string | null {
  const variant = Variant.of(msg, "query");
  if (variant == null) return null;
  const f = variant.fields;
  const name = variant.name;
  if (name == "config") {
    if (!f.finish()) return null;
    const w = new JsonWriter();
    encodeConfig(CONFIG.load(), w);
    return w.toString();
  }
  if (name == "totals") {
    if (!f.finish()) return null;
    const w = new JsonWriter();
    w.beginObject().key("bonded").string(TOTALS.load().bonded.toString()).endObject();
    return w.toString();
  }
  if (name == "account") {
    const address = f.str("address");
    if (!f.finish()) return null;
    if (validateAddress(address, "address") == null) return null;
    const w = new JsonWriter();
    writeAccount(w, address, loadAccount(address));
    return w.toString();
  }
  if (name == "all_accounts") {
    const page = PageRequest.read(f);
    if (!f.finish()) return null;
    const w = new JsonWriter();
    w.beginObject();
    writePage<Account>(w, "accounts", ACCOUNTS, [], page, writeAccount);
    w.endObject();
    return w.toString();
  }
  return fail<string>("Unknown query '" + name + "'; expected one of: " + QUERY_VARIANTS);
}

function writeAccount(w: JsonWriter, owner: string, account: Account): void {
  let max = Uint128.zero();
  w.beginObject().key("address").string(owner).key("bonded").string(account.bonded.toString());
  // Claims are written after bonded/free, so collect them first.
  const lienholders = new Array<string>();
  const amounts = new Array<Uint128>();
  const it = CLAIMS.range([utf8(owner)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    lienholders.push(fromUtf8(e.key));
    amounts.push(e.value.amount);
    max = max.max(e.value.amount);
  }
  w.key("free").string(account.bonded.saturatingSub(max).toString());
  w.key("max_claim").string(max.toString());
  w.key("claims").beginArray();
  for (let i = 0; i < lienholders.length; i++) {
    w.beginObject().key("lienholder").string(lienholders[i]).key("amount").string(amounts[i].toString()).endObject();
  }
  w.endArray().endObject();
}
