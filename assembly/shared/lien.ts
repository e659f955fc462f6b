// Messages between the ILP and its lienholders (the mesh-provider contracts, or any contract holding claims),
// declared once for both sides; `npm run codegen` generates lien.codec.ts. Exact JSON: tests/fixtures/protocol.json.
import { Decimal, Message, Uint128 } from "../sdk";

/** What the ILP sends a lienholder; every lienholder's execute API includes these. */
@message
export abstract class LienholderMsg extends Message {}

/** A user granted the lienholder a claim of `amount` more on their collateral, to stake to `validator`. */
export class ReceiveClaim extends LienholderMsg {
  owner!: string;
  amount!: Uint128;
  validator!: string;
}

/**
 * A slash through another lienholder left the owner's collateral below this lienholder's claim: the claim was cut
 * to `amount` and the lienholder must reduce what it stakes on the owner's behalf.
 */
export class ClaimCapped extends LienholderMsg {
  owner!: string;
  amount!: Uint128;
}

/** What the ILP asks a lienholder; every lienholder's query API includes these. */
@message
export abstract class LienholderQuery extends Message {}

/**
 * The largest fraction of a claim one slash can take (e.g. the consumer chain's double-sign fraction). The ILP
 * keeps that much of the collateral free beside each claim, so one slash never uncovers another claim.
 */
@returns(LienTermsResponse)
export class LienTermsQuery extends LienholderQuery {}

/** Slashes that hit the owner's stake and are not yet taken from the collateral (slash_claim will take them). */
@returns(PendingSlashResponse)
export class PendingSlashQuery extends LienholderQuery {
  owner!: string;
}

export class LienTermsResponse {
  maxSlash!: Decimal;
  /**
   * A custody lienholder (local staking) holds the tokens of its claims: the ILP sends them with receive_claim and
   * takes them back with release_claim; its slashes burn nothing in the ILP (x/staking already did).
   */
  custody: bool = false;
}

export class PendingSlashResponse {
  amount!: Uint128;
}

/** What a lienholder tells the ILP about a claim it holds; part of the ILP's execute API. */
@message
export abstract class LienMsg extends Message {}

/**
 * The lienholder no longer needs `amount` of the owner's claim. A custody lienholder sends exactly `amount` of the
 * ILP's denom back with it: the tokens it held; the claim falls only as far as needed to stay within what it still
 * holds (tokens held beyond the claim after a cap come back first, paying the owner's debt).
 */
export class ReleaseClaim extends LienMsg {
  owner!: string;
  amount!: Uint128;
}

/**
 * `amount` of the owner's claim was slashed: the ILP takes it from the owner's collateral. From a custody lienholder
 * it is `amount` of the tokens it held (x/staking burned them), split pro rata between the claim and what it held
 * beyond it (which pays the owner's debt first).
 */
export class SlashClaim extends LienMsg {
  owner!: string;
  amount!: Uint128;
}
