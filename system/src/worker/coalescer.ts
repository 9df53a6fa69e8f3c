/**
 * Turns many concurrent single-item calls into few multi-item ones ("natural batching"): calls
 * made while a statement is on its way wait for the next one, which carries all of them. Under
 * light load a call goes out alone after one turn of the event loop (no timer, no added latency);
 * under load the batches grow with the queue. Nothing here knows SQL: `run` does the work for a
 * set of items and answers one result per item, in order.
 *
 * - `keyOf`: at most one item per key in one run (a payment changes at most once per statement);
 *   a second item of a key waits for a later run, so items of one key still run one after another.
 * - A failed run fails each of its callers with the error — unless `isolate` says the error may
 *   belong to one item only (not an outage), then each item is run alone so one bad item costs
 *   only its own caller an attempt.
 */
export interface CoalescerOptions<I, O> {
  run(items: I[]): Promise<O[]>;
  keyOf?: (item: I) => string;
  /** Items per run at most. */
  maxItems: number;
  /** Runs in flight at once (each holds a DB connection). */
  maxInFlight: number;
  /** True when a failed multi-item run should be retried item by item. */
  isolate?: (error: unknown) => boolean;
  /** Told the size of each run (metrics). */
  onRun?: (items: number) => void;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

export type Coalesced<I, O> = (item: I) => Promise<O>;

export function coalesce<I, O>(options: CoalescerOptions<I, O>): Coalesced<I, O> {
  const queue: Waiting<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;

  function schedule(): void {
    if (scheduled || queue.length === 0 || inFlight >= options.maxInFlight) return;
    scheduled = true;
    // One turn of the event loop lets every lane that is ready this turn join the run.
    setImmediate(() => {
      scheduled = false;
      flush();
    });
  }

  function take(): Waiting<I, O>[] {
    const batch: Waiting<I, O>[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < queue.length && batch.length < options.maxItems;) {
      const waiting = queue[i]!;
      const key = options.keyOf?.(waiting.item);
      if (key !== undefined && keys.has(key)) {
        i++; // stays queued, in order, for a later run
        continue;
      }
      if (key !== undefined) keys.add(key);
      batch.push(waiting);
      queue.splice(i, 1);
    }
    return batch;
  }

  async function runBatch(batch: Waiting<I, O>[]): Promise<void> {
    options.onRun?.(batch.length);
    try {
      const results = await options.run(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i] as O));
    } catch (error) {
      if (batch.length > 1 && options.isolate?.(error)) {
        await Promise.all(batch.map((w) => runBatch([w])));
        return;
      }
      for (const w of batch) w.reject(error);
    }
  }

  function flush(): void {
    while (queue.length > 0 && inFlight < options.maxInFlight) {
      const batch = take();
      if (batch.length === 0) return;
      inFlight++;
      void runBatch(batch).finally(() => {
        inFlight--;
        schedule();
      });
    }
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
