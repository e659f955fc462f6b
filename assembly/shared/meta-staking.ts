// Messages a consumer contract sends to meta-staking (the bridge to x/staking on the consumer chain).
// `{"delegate":{"validator","amount"}}` / `{"undelegate":{"validator","amount"}}`, amounts in the local bond denom.
import { JsonWriter, Uint128 } from "../sdk";

export class MetaStakingMsg {
  constructor(public action: string, public validator: string, public amount: Uint128) {}

  static delegate(validator: string, amount: Uint128): MetaStakingMsg { return new MetaStakingMsg("delegate", validator, amount); }
  static undelegate(validator: string, amount: Uint128): MetaStakingMsg { return new MetaStakingMsg("undelegate", validator, amount); }

  toJson(): string {
    const w = new JsonWriter();
    w.beginObject().key(this.action).beginObject();
    w.key("validator").string(this.validator).key("amount").string(this.amount.toString());
    w.endObject().endObject();
    return w.toString();
  }
}
