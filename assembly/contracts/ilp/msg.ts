// The ILP's messages, declared once: `npm run codegen` generates msg.codec.ts (strict decoders, encoders) and
// schema/ilp.json from them. Exact JSON: tests/fixtures/protocol.json.
import { Decimal, Message, Uint128 } from "../../sdk";
import { LienMsg } from "../../shared/lien";

/** Claims (lienholders) one owner may have at once by default; a slash visits them all. */
export const DEFAULT_MAX_LIENHOLDERS: u32 = 8;
/** Enough for a lienholder that records the cap and sends an IBC packet; small enough that 8 of them stay cheap. */
export const DEFAULT_LIENHOLDER_GAS_LIMIT: u64 = 500_000;
export const DEFAULT_PAGE: u32 = 10;

@instantiate
export class InstantiateMsg {
  /** The native denom users bond as collateral. */
  denom!: string;
  /** Where slashed collateral goes; burned when absent. */
  slashRecipient: string | null = null;
  /** How many lienholders one owner may grant claims to at once (1 to 32). */
  maxLienholders: u32 = DEFAULT_MAX_LIENHOLDERS;
  /** Gas each lienholder's claim_capped notification may use (50 000 to 10 000 000). */
  lienholderGasLimit: u64 = DEFAULT_LIENHOLDER_GAS_LIMIT;
}

@execute
@includes(LienMsg)
export abstract class ExecuteMsg extends Message {}

/** Bonds the attached funds (the ILP's denom only) as the sender's collateral. */
export class Bond extends ExecuteMsg {}

/** Returns `amount` of the sender's free collateral (bonded − largest claim). */
export class Unbond extends ExecuteMsg {
  amount!: Uint128;
}

/**
 * Grants `lienholder` a claim of `amount` more on the sender's collateral, to stake to `validator`. The collateral
 * must cover the largest claim plus each claim × its lienholder's max_slash (the slash margin).
 */
export class GrantClaim extends ExecuteMsg {
  lienholder!: string;
  amount!: Uint128;
  validator!: string;
}

@query
export abstract class QueryMsg {}

@returns(ConfigResponse)
export class ConfigQuery extends QueryMsg {}

/** Σ bonded and what custody lienholders hold: balance + custody_held − debt = bonded. */
@returns(TotalsResponse)
export class TotalsQuery extends QueryMsg {}

@returns(AccountResponse)
export class AccountQuery extends QueryMsg {
  address!: string;
}

/**
 * All accounts in address order, a page at a time. Each account's settled view asks each of its lienholders for its
 * pending slash, and a node bounds a query's gas (3 000 000 by default): a page also ends before those questions
 * exceed ALL_ACCOUNTS_LIEN_QUERIES (by at most one account's), so it may hold fewer than `limit` accounts; `next_start_after` says where the
 * next page starts (null: this was the last).
 */
@returns(AllAccountsResponse)
export class AllAccountsQuery extends QueryMsg {
  startAfter: string | null = null;
  /** Page size; at most 30. */
  limit: u32 = DEFAULT_PAGE;
}

/** Lienholder queries one all_accounts page may make (at least one account is always returned). */
export const ALL_ACCOUNTS_LIEN_QUERIES: u32 = 24;

@migrate
export class MigrateMsg {}

export class ConfigResponse {
  denom!: string;
  slashRecipient: string | null = null;
  maxLienholders!: u32;
  lienholderGasLimit!: u64;
}

/** The contract's balance of the denom + custodyHeld − debt = bonded. */
export class TotalsResponse {
  bonded!: Uint128;
  /** Σ tokens custody lienholders hold for claims (staked locally) */
  custodyHeld!: Uint128;
  /** Σ slashes not yet burned because the tokens were in a custody lienholder's hands; paid from what comes back */
  debt!: Uint128;
}

export class ClaimInfo {
  lienholder!: string;
  /** after the lienholder's pending slashes */
  amount!: Uint128;
  /** the lienholder's max_slash when the claim was last granted */
  maxSlash!: Decimal;
  /** a custody lienholder (local staking) holds the claim's tokens */
  custody!: bool;
  /** the tokens it holds for the owner (0 for others): the claim, and a capped part not yet returned */
  held!: Uint128;
}

/** Every value is settled: slashes the lienholders reported as pending are already taken off. */
export class AccountResponse {
  address!: string;
  bonded!: Uint128;
  /** slashes the lienholders have not yet taken (slash_claim), already deducted above */
  pendingSlash!: Uint128;
  /** what the owner may unbond: bonded − max_claim, and no more than the ILP holds for the owner */
  free!: Uint128;
  /** a slash the ILP could not burn yet (the tokens were staked by a custody lienholder): burned from what returns */
  debt!: Uint128;
  maxClaim!: Uint128;
  claims!: ClaimInfo[];
}

export class AllAccountsResponse {
  accounts!: AccountResponse[];
  /** the last address of this page when more accounts follow, else null */
  nextStartAfter: string | null = null;
}
