// Messages a consumer contract sends to meta-staking (the bridge to x/staking on the consumer chain), declared once;
// meta-staking's execute API includes them. Amounts are in the consumer chain's bond denom.
import { Message, Uint128 } from "../sdk";

@message
export abstract class MetaStakingMsg extends Message {}

/** Delegate `amount` of meta-staking's funds to `validator` on the caller's behalf (within its allowance). */
export class Delegate extends MetaStakingMsg {
  validator!: string;
  amount!: Uint128;
}

/** Undelegate `amount` of the caller's delegation to `validator` (queued into the validator's next batch). */
export class Undelegate extends MetaStakingMsg {
  validator!: string;
  amount!: Uint128;
}
