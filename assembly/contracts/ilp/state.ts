// ILP storage. Key layout follows cw-storage-plus so raw queries work:
//   "config"                         Item<Config>
//   "totals"                         Item<Totals>     Σ bonded = the contract's balance of `denom` + Σ custody held − Σ debt
//   accounts: owner                  Map<Account>
//   claims:   (owner, lienholder)    Map<Claim>
import { Decimal, Item, JsonValue, JsonWriter, Map, Uint128, storedStringOrNull, storedU64Or, storedUint128, storedUint128Or, utf8 } from "../../sdk";
import { DEFAULT_LIENHOLDER_GAS_LIMIT, DEFAULT_MAX_LIENHOLDERS } from "./msg";

export class Config {
  constructor(
    public denom: string,
    public slashRecipient: string | null,
    /** claims (lienholders) one owner may have at once: bounds the gas of a slash, which visits them all */
    public maxLienholders: u32,
    /** gas each lienholder notification of a slash may use; past it the notification fails and is recorded */
    public lienholderGasLimit: u64,
  ) {}
}

export function encodeConfig(c: Config, w: JsonWriter): void {
  w.beginObject().key("denom").string(c.denom).key("slash_recipient").nullableString(c.slashRecipient);
  w.key("max_lienholders").u64(c.maxLienholders).key("lienholder_gas_limit").u64(c.lienholderGasLimit).endObject();
}

function decodeConfig(j: JsonValue): Config {
  // Both bounds are absent in state written before they existed (0.1.0): the defaults apply.
  return new Config(j.get("denom")!.text, storedStringOrNull(j, "slash_recipient"), <u32>storedU64Or(j, "max_lienholders", DEFAULT_MAX_LIENHOLDERS),
    storedU64Or(j, "lienholder_gas_limit", DEFAULT_LIENHOLDER_GAS_LIMIT));
}

export const CONFIG = new Item<Config>("config", encodeConfig, decodeConfig);

/** balance of `denom` + custodyHeld − debt = bonded (custody: docs/local-staking.md §2). */
export class Totals {
  constructor(public bonded: Uint128, public custodyHeld: Uint128, public debt: Uint128) {}
}

export const TOTALS = new Item<Totals>(
  "totals",
  (t: Totals, w: JsonWriter): void => {
    w.beginObject().key("bonded").string(t.bonded.toString()).key("custody_held").string(t.custodyHeld.toString());
    w.key("debt").string(t.debt.toString()).endObject();
  },
  (j: JsonValue): Totals => new Totals(storedUint128(j, "bonded"), storedUint128Or(j, "custody_held", Uint128.zero()), storedUint128Or(j, "debt", Uint128.zero())),
);

export class Account {
  constructor(
    public bonded: Uint128,
    /** slashed collateral not burned yet because its tokens were staked by a custody lienholder */
    public debt: Uint128,
  ) {}
}

export const ACCOUNTS = new Map<Account>(
  "accounts",
  (a: Account, w: JsonWriter): void => {
    w.beginObject().key("bonded").string(a.bonded.toString());
    if (!a.debt.isZero()) w.key("debt").string(a.debt.toString());
    w.endObject();
  },
  (j: JsonValue): Account => new Account(storedUint128(j, "bonded"), storedUint128Or(j, "debt", Uint128.zero())),
);

export class Claim {
  constructor(
    public amount: Uint128,
    /** the lienholder's max_slash (lien_terms) when the claim was last granted: the margin kept beside it */
    public maxSlash: Decimal,
    /** the lienholder holds the claim's tokens (lien_terms custody) */
    public custody: bool,
    /** tokens the custody lienholder holds for the owner: ≥ amount (a cap lowers the claim before they return) */
    public held: Uint128,
  ) {}
}

export const CLAIMS = new Map<Claim>(
  "claims",
  (c: Claim, w: JsonWriter): void => {
    w.beginObject().key("amount").string(c.amount.toString()).key("max_slash").string(c.maxSlash.toString());
    if (c.custody) w.key("custody").bool(true).key("held").string(c.held.toString());
    w.endObject();
  },
  // 0.2.0 and older kept no margin; custody came with local staking.
  (j: JsonValue): Claim => new Claim(storedUint128(j, "amount"), j.get("max_slash") != null ? Decimal.parse(j.get("max_slash")!.text)! : Decimal.zero(),
    j.get("custody") != null && j.get("custody")!.flag, storedUint128Or(j, "held", Uint128.zero())),
);


export function accountKey(owner: string): Uint8Array[] { return [utf8(owner)]; }
export function claimKey(owner: string, lienholder: string): Uint8Array[] { return [utf8(owner), utf8(lienholder)]; }
