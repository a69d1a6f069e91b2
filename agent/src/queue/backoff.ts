/** Retry timing for queued deliveries. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 15 * 60_000 };

/**
 * Delay before attempt `attempts + 1`: exponential in the number of failures so far, capped, with
 * "equal jitter" (half fixed, half random) so appliances that lost the cloud together do not
 * return in lockstep. `random` is injectable for tests.
 */
export function backoffDelay(attempts: number, policy = DEFAULT_BACKOFF, random = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}
