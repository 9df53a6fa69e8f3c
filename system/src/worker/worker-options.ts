/** Worker tunables with their defaults; the strategy knobs come from config.ts. */
import type { BackoffPolicy } from '../relay/backoff.ts';

export interface WorkerTunables {
  /** Partitions processed at once by one worker (each partition stays sequential). Default 6. */
  partitionsConsumedConcurrently: number;
  /** Payments (message keys) processed at once within one partition's batch; each key stays in order.
   *  Default 32: the lanes' SQL is coalesced (batching-store.ts), so more lanes mean fuller
   *  statements, not more round trips; 8 lanes left statements of ~2–4 events. */
  keysConcurrentlyPerPartition: number;
  /** Events one coalesced SQL statement carries at most. Default 64. */
  maxEventsPerStatement: number;
  /** Coalesced statements in flight at once per step (load, transition, record). Default 2: one
   *  is being answered while the next fills. */
  statementsInFlight: number;
  /** Bytes fetched per partition per batch. Default 64 KiB (~200 events). A batch is handled to its
   *  end before the worker can rejoin a rebalancing group and before its offsets are committed:
   *  kafkajs' 1 MiB default (~3,000 events, tens of seconds at a backlog) outlived the rebalance, so
   *  the member was expelled, its commits refused and the batch redelivered (bench: workers alone). */
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
  partitionsConsumedConcurrently: 6,
  keysConcurrentlyPerPartition: 32,
  maxEventsPerStatement: 64,
  statementsInFlight: 2,
  maxBytesPerPartition: 64 * 1024,
  maxAttempts: 12,
  backoff: { baseMs: 500, maxMs: 15_000 },
  pgTimeoutMs: 3_000,
  lagIntervalMs: 2_000,
};
