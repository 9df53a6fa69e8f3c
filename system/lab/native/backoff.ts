/** Waiting for a service with capped exponential backoff; the clock is injectable for tests. */

export interface WaitOptions {
  timeoutMs: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Called between attempts; tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export function backoffDelay(attempt: number, initialDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt));
}

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` until it resolves true, or throws WaitTimeoutError naming `what` and the last
 * failure. A probe that throws counts as "not yet".
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 2000;
  const deadline = now() + options.timeoutMs;
  let lastError = 'not ready';
  for (let attempt = 0; ; attempt++) {
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    const remaining = deadline - now();
    if (remaining <= 0) {
      throw new WaitTimeoutError(
        `${what} was not ready after ${Math.round(options.timeoutMs / 1000)}s (last: ${lastError})`,
      );
    }
    await sleep(Math.min(remaining, backoffDelay(attempt, initial, max)));
  }
}
