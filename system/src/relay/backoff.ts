/**
 * Exponential backoff with jitter, shared by the relay (outbox next_attempt_at) and the worker
 * (retry-topic not-before). "Equal jitter": half the delay is fixed, half random, so retries of
 * many rows that failed together spread out without ever collapsing to zero delay.
 */
export interface BackoffPolicy {
  /** Delay before the first retry. */
  baseMs: number;
  /** Upper bound for any delay, before jitter. */
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (1 = the first retry). `random` is injectable so tests
 * can pin the jitter; it must return a number in [0, 1).
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`backoff attempt must be a whole number >= 1, got ${attempt}`);
  }
  // Cap the exponent: 2 ** 1100 is Infinity and would make every later comparison meaningless.
  const exponential = policy.baseMs * 2 ** Math.min(attempt - 1, 30);
  const capped = Math.min(policy.maxMs, exponential);
  const half = capped / 2;
  return Math.round(half + random() * half);
}
