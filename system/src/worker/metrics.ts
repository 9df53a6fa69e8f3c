/** The worker's Prometheus metrics, and the observers that feed them. */
import client from 'prom-client';
import type { PgCallRecord } from '../gateway/pg-client.ts';
import { METRICS } from '../metric-names.ts';
import type { PartitionLag } from './consumer-lag.ts';
import type { HandlerObserver } from './message-handler.ts';
import type { ProcessObserver } from './process-event.ts';

export interface WorkerMetrics {
  registry: client.Registry;
  handler: HandlerObserver;
  process: ProcessObserver;
  pgCall(record: PgCallRecord): void;
  setLag(lags: readonly PartitionLag[]): void;
  /** One coalesced SQL statement of `step` carried `events` events (batching-store.ts). */
  statement(step: 'load' | 'transition' | 'record', events: number): void;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export function createWorkerMetrics(log: (line: string) => void): WorkerMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const received = new client.Counter({
    name: METRICS.workerEventsReceived,
    help: 'Messages received',
    labelNames: ['topic'],
    registers,
  });
  const processed = new client.Counter({
    name: METRICS.workerEventsProcessed,
    help: 'Events processed, by type and outcome',
    labelNames: ['type', 'outcome'],
    registers,
  });
  const duplicates = new client.Counter({
    name: METRICS.workerDuplicateDeliveries,
    help: 'Deliveries of an already processed event, absorbed without effect',
    registers,
  });
  const retries = new client.Counter({
    name: METRICS.workerRetries,
    help: 'Messages sent to the retry topic',
    labelNames: ['reason'],
    registers,
  });
  const dead = new client.Counter({
    name: METRICS.workerDeadLetters,
    help: 'Messages sent to the dead-letter topic',
    labelNames: ['reason'],
    registers,
  });
  const dropped = new client.Counter({
    name: METRICS.workerDropped,
    help: 'Messages committed without being processed or dead-lettered (workerPoison=drop), by reason',
    labelNames: ['reason'],
    registers,
  });
  const processing = new client.Histogram({
    name: METRICS.workerProcessingDuration,
    help: 'Time to process one event, seconds',
    labelNames: ['type'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const pgCalls = new client.Counter({
    name: METRICS.workerPgCalls,
    help: 'PG calls by outcome',
    labelNames: ['operation', 'outcome'],
    registers,
  });
  const pgDuration = new client.Histogram({
    name: METRICS.workerPgCallDuration,
    help: 'PG call duration, seconds',
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const unknown = new client.Counter({
    name: METRICS.workerUnknownOutcomes,
    help: 'PG calls whose outcome was unknown',
    labelNames: ['operation'],
    registers,
  });
  const settled = new client.Counter({
    name: METRICS.paymentsSettled,
    help: 'Payments reaching a terminal state',
    labelNames: ['state'],
    registers,
  });
  const endToEnd = new client.Histogram({
    name: METRICS.paymentEndToEnd,
    help: 'Payment accepted (created_at) to terminal, seconds',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const reorders = new client.Counter({
    name: METRICS.workerReorders,
    help: 'Events that arrived before an earlier event of their payment was applied (held back and retried)',
    registers,
  });
  const statementEvents = new client.Histogram({
    name: METRICS.workerStatementEvents,
    help: 'Events carried by one SQL statement of the worker, by step (load, transition, record)',
    labelNames: ['step'],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers,
  });
  const lag = new client.Gauge({
    name: METRICS.consumerLag,
    help: 'Consumer group lag per assigned partition',
    labelNames: ['topic', 'partition'],
    registers,
  });

  return {
    registry,
    handler: {
      received: (topic) => received.inc({ topic }),
      processed: (type, outcome, seconds) => {
        processed.inc({ type, outcome });
        processing.observe({ type }, seconds);
      },
      retried: (reason) => retries.inc({ reason }),
      deadLettered: (reason) => {
        dead.inc({ reason });
        log(`worker: message dead-lettered (${reason}); replay with: npm run ops -- dlt-replay`);
      },
      dropped: (reason) => {
        dropped.inc({ reason });
        log(`worker: message dropped (${reason}), workerPoison=drop: it is gone`);
      },
      infrastructureError: (error) =>
        log(`worker: infrastructure error, retrying in place: ${error.message}`),
      handlerError: (error) =>
        log(`worker: processing failed, spending one attempt: ${error.name}: ${error.message}`),
    },
    process: {
      duplicate: () => duplicates.inc(),
      reorder: () => reorders.inc(),
      unknownOutcome: (operation) => unknown.inc({ operation }),
      settled: (state, seconds) => {
        settled.inc({ state });
        endToEnd.observe(seconds);
      },
    },
    pgCall: (record) => {
      pgCalls.inc({ operation: record.operation, outcome: record.outcome });
      pgDuration.observe({ operation: record.operation }, record.durationMs / 1000);
    },
    statement: (step, events) => statementEvents.observe({ step }, events),
    setLag: (lags) => {
      lag.reset();
      for (const l of lags) lag.set({ topic: l.topic, partition: String(l.partition) }, l.lag);
    },
  };
}
