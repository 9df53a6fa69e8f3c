/**
 * Holds set through the admin API: a capture of a held key waits — after it reached the PG, before
 * it is booked — until the hold is released. Tests use it to decide exactly when the PG books a
 * capture the worker already gave up on, relative to the worker's inquiry, cancel and retry: the
 * "late capture" that a fixed or random latency only produces by chance.
 */
export interface HeldKey {
  pgIdempotencyKey: string;
  /** Capture requests of this key waiting at the PG now. */
  waiting: number;
}

export interface CaptureHolds {
  hold(pgIdempotencyKey: string): HeldKey;
  /** Resolves when the key may be booked: at once when it is not held. */
  passage(pgIdempotencyKey: string): Promise<void>;
  /** Lifts the hold; the waiting requests go on to be booked. Returns how many were waiting. */
  release(pgIdempotencyKey: string): number;
  list(): HeldKey[];
  releaseAll(): void;
}

export function createCaptureHolds(): CaptureHolds {
  const holds = new Map<string, (() => void)[]>();
  const view = (key: string, waiters: readonly unknown[]): HeldKey => ({
    pgIdempotencyKey: key,
    waiting: waiters.length,
  });
  function release(key: string): number {
    const waiters = holds.get(key);
    if (!waiters) return 0;
    holds.delete(key);
    for (const go of waiters) go();
    return waiters.length;
  }
  return {
    hold(key) {
      const waiters = holds.get(key) ?? [];
      holds.set(key, waiters);
      return view(key, waiters);
    },
    passage(key) {
      const waiters = holds.get(key);
      if (!waiters) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    release,
    list: () => [...holds].map(([key, waiters]) => view(key, waiters)),
    releaseAll() {
      for (const key of [...holds.keys()]) release(key);
    },
  };
}
