/** Worker tunables with their defaults; the strategy knobs come from config.ts. */
import type { BackoffPolicy } from '../relay/backoff.ts';

export interface WorkerTunables {
  /** Partitions processed at once by one worker (each partition stays sequential). Default 6. */
  partitionsConsumedConcurrently: number;
  /** Payments (message keys) processed at once within one partition's batch; each key stays in order. Default 4. */
  keysConcurrentlyPerPartition: number;
  /** Retries through the retry topic before the dead-letter topic. Default 12: with the backoff
   *  below about 2 minutes, so a PG outage of that length still ends in settled payments. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** Whole-call deadline of a PG call; past it the outcome is unknown. Default 3 s. */
  pgTimeoutMs: number;
  /** How often consumer lag is read. Default 2 s. */
  lagIntervalMs: number;
}

export const WORKER_DEFAULTS: WorkerTunables = {
  partitionsConsumedConcurrently: 6,
  keysConcurrentlyPerPartition: 4,
  maxAttempts: 12,
  backoff: { baseMs: 500, maxMs: 15_000 },
  pgTimeoutMs: 3_000,
  lagIntervalMs: 2_000,
};
