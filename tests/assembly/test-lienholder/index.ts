// A minimal lienholder for testing the ILP before mesh-provider exists. Built like a real contract but never
// shipped (build/test-contracts/). It accepts claims from its ILP, forwards release/slash requests to it, and
// records claim_capped notifications; `fail_cap_notifications` makes it reject those, to test that a failing
// lienholder cannot block a slash, and a grant for validator "reject-me" is refused, to test grant rollback.
// `max_slash` is its lien_terms answer; `set_pending{owner, amount}` sets its pending_slash answer.
// `burn_gas_on_cap` makes it loop on claim_capped until the gas meter stops it (only meaningful on a real node:
// the in-process host has no gas meter and would never return).
// `custody_denom` makes it a custody lienholder (local staking's side of the ILP): lien_terms say custody, it takes
// the claim's tokens with receive_claim, sends them back with release, and its
// slash burns the tokens first, as x/staking would have; `set_custody_denom` switches that after the fact.
import {
  BankMsg, Coin, Decimal, Env, Fields, Item, JsonValue, JsonWriter, Map, MessageInfo, Response, Uint128, Variant, WasmMsg, doExecute,
  doInstantiate, doQuery, fail, mustPay, storageSet, u64Key, utf8, validateAddress,
} from "../../../assembly/sdk";
import {
  createLienTermsResponse, createPendingSlashResponse, createReleaseClaim, createSlashClaim, encodeLienTermsResponse,
  encodePendingSlashResponse, encodeReleaseClaim, encodeSlashClaim, readClaimCapped, readReceiveClaim,
} from "../../../assembly/shared/lien.codec";

export { allocate, deallocate, interface_version_8 } from "../../../assembly/sdk";

class Config {
  constructor(public ilp: string, public failCapNotifications: bool, public burnGasOnCap: bool, public maxSlash: Decimal, public custodyDenom: string) {}
}

const CONFIG = new Item<Config>(
  "config",
  (c: Config, w: JsonWriter): void => {
    w.beginObject().key("ilp").string(c.ilp).key("fail").bool(c.failCapNotifications).key("burn").bool(c.burnGasOnCap);
    w.key("max_slash").string(c.maxSlash.toString()).key("custody_denom").string(c.custodyDenom).endObject();
  },
  (j: JsonValue): Config => new Config(j.get("ilp")!.text, j.get("fail")!.flag, j.get("burn")!.flag, Decimal.parse(j.get("max_slash")!.text)!,
    j.get("custody_denom")!.text),
);

class Pending {
  constructor(public amount: Uint128) {}
}

/** What pending_slash answers per owner: set by `set_pending`, to test the ILP's settled view. */
const PENDING = new Map<Pending>(
  "pending",
  (p: Pending, w: JsonWriter): void => { w.beginObject().key("amount").string(p.amount.toString()).endObject(); },
  (j: JsonValue): Pending => new Pending(Uint128.parse(j.get("amount")!.text)!),
);

class Held {
  constructor(public amount: Uint128, public capped: Uint128, public validator: string) {}
}

const HELD = new Map<Held>(
  "held",
  (h: Held, w: JsonWriter): void => {
    w.beginObject().key("amount").string(h.amount.toString()).key("capped").string(h.capped.toString());
    w.key("validator").string(h.validator).endObject();
  },
  (j: JsonValue): Held => new Held(Uint128.parse(j.get("amount")!.text)!, Uint128.parse(j.get("capped")!.text)!, j.get("validator")!.text),
);

function instantiateHandler(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const f = Fields.of(msg, "instantiate");
  if (f == null) return null;
  const ilp = f.str("ilp");
  const failCaps = f.has("fail_cap_notifications") ? f.bool("fail_cap_notifications") : false;
  f.ignore("fail_cap_notifications");
  const burn = f.has("burn_gas_on_cap") ? f.bool("burn_gas_on_cap") : false;
  f.ignore("burn_gas_on_cap");
  const maxSlash = f.has("max_slash") ? f.decimal("max_slash") : Decimal.zero();
  f.ignore("max_slash");
  const custodyDenom = f.has("custody_denom") ? f.str("custody_denom") : "";
  f.ignore("custody_denom");
  if (!f.finish()) return null;
  if (validateAddress(ilp, "ilp") == null) return null;
  CONFIG.save(new Config(ilp, failCaps, burn, maxSlash, custodyDenom));
  return new Response();
}

function held(owner: string): Held {
  const h = HELD.may_load([utf8(owner)]);
  return h != null ? h : new Held(Uint128.zero(), Uint128.zero(), "");
}

function executeHandler(env: Env, info: MessageInfo, msg: JsonValue): Response | null {
  const variant = Variant.of(msg, "execute");
  if (variant == null) return null;
  const f = variant.fields;
  const config = CONFIG.load();
  if (variant.name == "receive_claim") {
    const claim = readReceiveClaim(f);
    if (!f.finish()) return null;
    if (info.sender != config.ilp) return fail<Response>("Unauthorized: only the ILP grants claims");
    if (claim.validator == "reject-me") return fail<Response>("lienholder rejects validator reject-me");
    if (config.custodyDenom != "") {
      const paid = mustPay(info, config.custodyDenom);
      if (paid == null) return null;
      if (!paid.eq(claim.amount)) return fail<Response>("custody grant of " + claim.amount.toString() + " came with " + paid.toString());
    }
    const h = held(claim.owner);
    h.amount = h.amount.checkedAdd(claim.amount)!;
    h.validator = claim.validator;
    HELD.save([utf8(claim.owner)], h);
    return new Response().addAttribute("action", "receive_claim");
  }
  if (variant.name == "claim_capped") {
    const note = readClaimCapped(f);
    if (!f.finish()) return null;
    if (config.failCapNotifications) return fail<Response>("lienholder refuses claim_capped");
    if (config.burnGasOnCap) {
      const value = new Uint8Array(64);
      for (let i: u64 = 0; ; i++) storageSet(u64Key(i), value);
    }
    const h = held(note.owner);
    h.capped = note.amount;
    if (h.amount.gt(note.amount)) h.amount = note.amount;
    HELD.save([utf8(note.owner)], h);
    return new Response().addAttribute("action", "claim_capped");
  }
  if (variant.name == "set_custody_denom") {
    // Changes its lien_terms between custody and not, to test that the ILP notices.
    const denom = f.str("denom");
    if (!f.finish()) return null;
    config.custodyDenom = denom;
    CONFIG.save(config);
    return new Response();
  }
  if (variant.name == "set_pending") {
    const owner = f.str("owner");
    const amount = f.uint128("amount");
    if (!f.finish()) return null;
    PENDING.save([utf8(owner)], new Pending(amount));
    return new Response();
  }
  if (variant.name == "release" || variant.name == "slash") {
    const owner = f.str("owner");
    const amount = f.uint128("amount");
    if (!f.finish()) return null;
    const h = held(owner);
    h.amount = h.amount.saturatingSub(amount);
    HELD.save([utf8(owner)], h);
    const custody = config.custodyDenom != "";
    const tokens = [new Coin(config.custodyDenom, amount)];
    const response = new Response();
    if (variant.name == "slash") {
      // A custody lienholder's stake was slashed by x/staking: the tokens are gone before the ILP hears of it.
      if (custody) response.addMessage(BankMsg.burn(tokens));
      return response.addMessage(WasmMsg.execute(config.ilp, encodeSlashClaim(createSlashClaim(owner, amount)), []));
    }
    return response.addMessage(WasmMsg.execute(config.ilp, encodeReleaseClaim(createReleaseClaim(owner, amount)), custody ? tokens : []));
  }
  return fail<Response>("Unknown execute message '" + variant.name + "'");
}

function queryHandler(env: Env, msg: JsonValue): string | null {
  const variant = Variant.of(msg, "query");
  if (variant == null) return null;
  const f = variant.fields;
  // The lienholder side of the ILP's questions (shared/lien.ts): no margin and nothing pending unless configured.
  if (variant.name == "lien_terms") {
    if (!f.finish()) return null;
    const c = CONFIG.load();
    return encodeLienTermsResponse(createLienTermsResponse(c.maxSlash, c.custodyDenom != ""));
  }
  if (variant.name == "pending_slash") {
    const owner = f.str("owner");
    if (!f.finish()) return null;
    const p = PENDING.may_load([utf8(owner)]);
    return encodePendingSlashResponse(createPendingSlashResponse(p != null ? p.amount : Uint128.zero()));
  }
  if (variant.name == "held") {
    const owner = f.str("owner");
    if (!f.finish()) return null;
    const h = held(owner);
    const w = new JsonWriter();
    w.beginObject().key("amount").string(h.amount.toString()).key("capped").string(h.capped.toString());
    w.key("validator").string(h.validator).endObject();
    return w.toString();
  }
  return fail<string>("Unknown query '" + variant.name + "'");
}

export function instantiate(env: u32, info: u32, msg: u32): u32 { return doInstantiate(env, info, msg, instantiateHandler); }
export function execute(env: u32, info: u32, msg: u32): u32 { return doExecute(env, info, msg, executeHandler); }
export function query(env: u32, msg: u32): u32 { return doQuery(env, msg, queryHandler); }
