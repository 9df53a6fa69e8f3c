/**
 * The worker's store with set-based SQL: the payments of a Kafka batch run side by side (one lane
 * per payment key, key-batches.ts), and their loads, state changes and processed-event records
 * are coalesced into one multi-row statement per step (sql/batch-statements.ts) instead of one
 * round trip per event. The event processor (process-event.ts) is unchanged: it still asks for
 * one payment at a time and gets the same answer the single-row statement would give, so every
 * rule it enforces — conditional transitions with their history row, the processed-event record
 * committed with the change, capture before answer, cancel, order — holds per event as before.
 *
 * What changes is only which events share a statement: a statement commits atomically, so events
 * of distinct payments that share one commit together; two changes of one payment never share one
 * (the coalescer keys transitions by payment id). A failure that is not the DB being unreachable
 * (isTransientDbError) re-runs the statement's inputs one by one, so a bad input costs only its
 * own event an attempt. The naive blind transition keeps its single-row statement (it locks the
 * row first to record what it overwrites).
 */
import type pg from 'pg';
import type { StrategyKnobs } from '../config.ts';
import { isTransientDbError } from '../db/db-errors.ts';
import { coalesce } from './coalescer.ts';
import type { WorkerStore } from './process-event.ts';
import { loadPayments, recordProcessedEvents, transitionPayments } from './sql/batch-statements.ts';
import { transitionPayment } from './sql/transition-payment.ts';

export interface BatchingStoreOptions {
  workerId: string;
  dedup: StrategyKnobs['workerDedup'];
  transition: StrategyKnobs['workerTransition'];
  /** Events per statement at most. */
  maxItems: number;
  /** Statements in flight at once per step (each holds a pool connection). */
  maxInFlight: number;
  /** Told the size of every statement, per step (metrics). */
  onStatement?: (step: 'load' | 'transition' | 'record', events: number) => void;
}

export function createBatchingStore(db: Pick<pg.Pool, 'query'>, options: BatchingStoreOptions): WorkerStore {
  const common = {
    maxItems: options.maxItems,
    maxInFlight: options.maxInFlight,
    isolate: (error: unknown) => !isTransientDbError(error),
  };
  const load = coalesce({
    ...common,
    run: (items: { paymentId: string; eventId: string }[]) => loadPayments(db, items, options.dedup),
    onRun: (n) => options.onStatement?.('load', n),
  });
  const transition: WorkerStore['transition'] =
    options.transition === 'blind'
      ? (input) => transitionPayment(db, input, { transition: 'blind', dedup: options.dedup })
      : coalesce({
          ...common,
          run: (inputs) => transitionPayments(db, inputs, options.dedup),
          keyOf: (input) => input.paymentId.toLowerCase(),
          onRun: (n) => options.onStatement?.('transition', n),
        });
  const record = coalesce({
    ...common,
    run: (events: Parameters<WorkerStore['recordProcessed']>[0][]) =>
      recordProcessedEvents(db, events, options.workerId, options.dedup),
    keyOf: (event) => event.eventId.toLowerCase(),
    onRun: (n) => options.onStatement?.('record', n),
  });
  return {
    load: (paymentId, eventId) => load({ paymentId, eventId }),
    transition,
    recordProcessed: record,
  };
}
