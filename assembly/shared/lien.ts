// Messages between the ILP and its lienholders (the mesh-provider contracts, or any contract holding claims).
// One definition serves both sides; their exact JSON is pinned by tests/fixtures/lien-messages.json.
import { Fields, JsonWriter, Uint128 } from "../sdk";

/** ILP → lienholder when a user grants a claim: `{"receive_claim":{"owner","amount","validator"}}`. */
export class ReceiveClaimMsg {
  constructor(public owner: string, public amount: Uint128, public validator: string) {}

  toJson(): string {
    const w = new JsonWriter();
    w.beginObject().key("receive_claim").beginObject();
    w.key("owner").string(this.owner).key("amount").string(this.amount.toString()).key("validator").string(this.validator);
    w.endObject().endObject();
    return w.toString();
  }

  static read(f: Fields): ReceiveClaimMsg {
    return new ReceiveClaimMsg(f.str("owner"), f.uint128("amount"), f.str("validator"));
  }
}

/**
 * ILP → lienholder when a slash by another lienholder left the owner's collateral below this lienholder's claim:
 * the claim was cut to `amount` and the lienholder must reduce what it stakes on the owner's behalf.
 * `{"claim_capped":{"owner","amount"}}`
 */
export class ClaimCappedMsg {
  constructor(public owner: string, public amount: Uint128) {}

  toJson(): string {
    const w = new JsonWriter();
    w.beginObject().key("claim_capped").beginObject();
    w.key("owner").string(this.owner).key("amount").string(this.amount.toString());
    w.endObject().endObject();
    return w.toString();
  }

  static read(f: Fields): ClaimCappedMsg {
    return new ClaimCappedMsg(f.str("owner"), f.uint128("amount"));
  }
}

/** Lienholder → ILP: `{"release_claim":{"owner","amount"}}` or `{"slash_claim":{"owner","amount"}}`. */
export class LienAmountMsg {
  constructor(public action: string, public owner: string, public amount: Uint128) {}

  static release(owner: string, amount: Uint128): LienAmountMsg { return new LienAmountMsg("release_claim", owner, amount); }
  static slash(owner: string, amount: Uint128): LienAmountMsg { return new LienAmountMsg("slash_claim", owner, amount); }

  toJson(): string {
    const w = new JsonWriter();
    w.beginObject().key(this.action).beginObject();
    w.key("owner").string(this.owner).key("amount").string(this.amount.toString());
    w.endObject().endObject();
    return w.toString();
  }

  static read(action: string, f: Fields): LienAmountMsg {
    return new LienAmountMsg(action, f.str("owner"), f.uint128("amount"));
  }
}
