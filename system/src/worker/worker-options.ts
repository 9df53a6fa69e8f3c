/** Worker tunables with their defaults; the throughput sizes come from config.ts TUNING.worker, the
 *  strategy knobs from config.ts KNOBS. */
import { TUNING } from '../config.ts';
import type { BackoffPolicy } from '../relay/backoff.ts';

export interface WorkerTunables {
  /** Partitions processed at once by one worker (each partition stays sequential). */
  partitionsConsumedConcurrently: number;
  /** Payments (message keys) processed at once within one partition's batch; each key stays in order. */
  keysConcurrentlyPerPartition: number;
  /** Events one coalesced SQL statement carries at most. */
  maxEventsPerStatement: number;
  /** Coalesced statements in flight at once per step (load, transition, record). */
  statementsInFlight: number;
  /** Bytes fetched per partition per batch (why 64 KiB: config.ts TUNING.worker). */
  maxBytesPerPartition: number;
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
  partitionsConsumedConcurrently: TUNING.worker.partitionsConsumedConcurrently,
  keysConcurrentlyPerPartition: TUNING.worker.keysConcurrentlyPerPartition,
  maxEventsPerStatement: TUNING.worker.maxEventsPerStatement,
  statementsInFlight: TUNING.worker.statementsInFlight,
  maxBytesPerPartition: TUNING.worker.maxBytesPerPartition,
  maxAttempts: 12,
  backoff: { baseMs: 500, maxMs: 15_000 },
  pgTimeoutMs: 3_000,
  lagIntervalMs: 2_000,
};
