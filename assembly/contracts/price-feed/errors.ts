// price-feed's errors, one constructor each (see the SDK's errors.ts for the conventions and the common ones).
// The consumer passes the stale-price error on in its error acknowledgement.

/** instantiate or set_feeders with no feeder, too many, or one listed twice. */
export function invalidFeeders(reason: string): string {
  return "Invalid feeders: " + reason;
}

/** submit_price from an address that is not a feeder. */
export function notFeeder(sender: string): string {
  return "Not a feeder: " + sender + " may not submit prices";
}

/** submit_price of zero. */
export function zeroPrice(): string {
  return "Invalid price: must be greater than zero";
}

/** The price query when fewer than a majority of the feeders submitted within max_age_seconds. */
export function priceStale(fresh: u32, feeders: u32, maxAgeSeconds: u64): string {
  return "Price stale: " + fresh.toString() + " of " + feeders.toString() + " feeders submitted within the last " +
    maxAgeSeconds.toString() + " s; a majority (" + (feeders / 2 + 1).toString() + ") is needed";
}
