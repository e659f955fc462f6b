// Errors as values. AssemblyScript has no exceptions (a `throw` is an abort, i.e. a VM error that fails a whole
// transaction or relay), so fallible functions return null/false and leave their message here; the entry-point
// wrapper turns it into `{"error": …}`. Returned errors make the chain discard every write of the call.

let lastError: string | null = null;

/** Records `message` and returns null, so a fallible function can `return fail<T>("…")`. */
export function fail<T>(message: string): T | null {
  lastError = message;
  return null;
}

/** Records `message` and returns false, for fallible checks. */
export function failCheck(message: string): bool {
  lastError = message;
  return false;
}

export function hasError(): bool {
  return lastError != null;
}

export function takeError(): string {
  const message = lastError;
  lastError = null;
  return message != null ? message : "internal error: failure without a message";
}

export function clearError(): void {
  lastError = null;
}

/** The recorded error without clearing it. */
export function peekError(): string {
  const message = lastError;
  return message != null ? message : "";
}
