// Block time arithmetic. Times are u64 nanoseconds (as in Env.block.time); durations are configured in seconds.
// Unchecked `seconds * 1e9` wraps for large configured values, which would turn a long unbonding period into an
// instant release, so every conversion and addition here is checked.
import { fail } from "./error";
import { invalidDuration, timeOverflow } from "./errors";

export const NANOS_PER_SECOND: u64 = 1_000_000_000;
/** Upper bound for configured durations: long enough for any real unbonding period, far from u64 overflow. */
export const MAX_DURATION_SECONDS: u64 = 10 * 365 * 24 * 3600;

/** `startNanos + seconds`, or 0 with an error recorded on overflow (callers treat 0 as failure). */
export function addSeconds(startNanos: u64, seconds: u64): u64 {
  if (seconds > u64.MAX_VALUE / NANOS_PER_SECOND) {
    fail<string>(timeOverflow(seconds.toString() + " s does not fit in a u64 of nanoseconds"));
    return 0;
  }
  const delta = seconds * NANOS_PER_SECOND;
  if (startNanos > u64.MAX_VALUE - delta) {
    fail<string>(timeOverflow(startNanos.toString() + " ns + " + seconds.toString() + " s"));
    return 0;
  }
  return startNanos + delta;
}

/**
 * Checks a configured duration: at least `min` seconds and at most MAX_DURATION_SECONDS. Returns false with an
 * error naming the field otherwise.
 */
export function checkDuration(seconds: u64, field: string, min: u64 = 1): bool {
  if (seconds < min) {
    fail<string>(invalidDuration(field, "must be at least " + min.toString() + " s, got " + seconds.toString()));
    return false;
  }
  if (seconds > MAX_DURATION_SECONDS) {
    fail<string>(invalidDuration(field, seconds.toString() + " s is more than the maximum of " + MAX_DURATION_SECONDS.toString() + " s (10 years)"));
    return false;
  }
  return true;
}
