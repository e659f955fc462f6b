// price-feed's messages, declared once: `npm run codegen` generates msg.codec.ts and schema/price-feed.json. The
// `price` query is the shared interface of assembly/shared/price.ts.
import { Decimal, Message, Uint64 } from "../../sdk";
import { PriceFeedQuery } from "../../shared/price";

/** At most this many feeders (the price query sorts their submissions). */
export const MAX_FEEDERS: u32 = 20;

@instantiate
export class InstantiateMsg {
  /** Governance: sets the feeders and the maximum age; the sender when absent. */
  admin: string | null = null;
  /** Who may submit prices (1 to 20 distinct addresses). */
  feeders!: string[];
  /** A submission older than this no longer counts (1 s to 10 years). */
  maxAgeSeconds!: u64;
}

@execute
export abstract class ExecuteMsg extends Message {}

/** A feeder's price: consumer tokens per provider token, greater than zero. Replaces the feeder's last one. */
export class SubmitPrice extends ExecuteMsg {
  price!: Decimal;
}

/** Admin only: the feeders from now on (submissions of feeders no longer listed are dropped). */
export class SetFeeders extends ExecuteMsg {
  feeders!: string[];
}

/** Admin only: how old a submission may be and still count. */
export class SetMaxAge extends ExecuteMsg {
  maxAgeSeconds!: u64;
}

/** Admin only: hands governance of this contract to `admin`. */
export class UpdateAdmin extends ExecuteMsg {
  admin!: string;
}

/** `price` (PriceFeedQuery) is included. */
@query
@includes(PriceFeedQuery)
export abstract class QueryMsg extends Message {}

@returns(ConfigResponse)
export class ConfigQuery extends QueryMsg {}

/** Every feeder's last submission, fresh or not. */
@returns(SubmissionsResponse)
export class SubmissionsQuery extends QueryMsg {}

@migrate
export class MigrateMsg {}

export class ConfigResponse {
  admin!: string;
  feeders!: string[];
  maxAgeSeconds!: u64;
}

export class Submission {
  feeder!: string;
  price!: Decimal;
  /** When it was submitted (ns). */
  at!: Uint64;
  /** Whether it is younger than max_age_seconds now. */
  fresh!: bool;
}

export class SubmissionsResponse {
  submissions!: Submission[];
}
