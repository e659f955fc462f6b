// The query interface mesh-consumer reads prices through (docs/economics.md §1): any contract that answers
// `{"price":{}}` with a PriceResponse can serve as the consumer's price feed; price-feed is ours. Declared once;
// `npm run codegen` generates price.codec.ts. Exact JSON: tests/fixtures/protocol.json.
import { Decimal, Message, Uint64 } from "../sdk";

@message
export abstract class PriceFeedQuery extends Message {}

/**
 * The value of one provider token in consumer tokens, now. A feed whose price is stale answers with an error
 * (the consumer then refuses new stake, naming the reason).
 */
@returns(PriceResponse)
export class PriceQuery extends PriceFeedQuery {}

export class PriceResponse {
  /** Consumer tokens per provider token (greater than zero). */
  price!: Decimal;
  /** When the oldest submission the price was made of was made (ns): the price is at least this fresh. */
  updatedAt!: Uint64;
  /** How many submissions the price was made of. */
  sources!: u32;
}
