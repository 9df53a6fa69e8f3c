/** The API's metrics, registered under the names in metric-names.ts. */
import { Counter, Histogram, type Registry } from 'prom-client';
import { METRICS } from '../metric-names.ts';

// Sub-millisecond to tens of seconds: a healthy create is a few ms, a faulted one hits the db timeouts.
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createApiMetrics(registry: Registry) {
  const registers = [registry];
  return {
    httpRequests: new Counter({
      name: METRICS.httpRequests,
      help: 'HTTP requests answered, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: METRICS.httpRequestDuration,
      help: 'HTTP request duration in seconds, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    paymentsAccepted: new Counter({
      name: METRICS.paymentsAccepted,
      help: 'Payments created (first time; replays are not counted)',
      labelNames: ['method'] as const,
      registers,
    }),
    cancelsRequested: new Counter({
      name: METRICS.cancelsRequested,
      help: 'Cancels requested (state changed and event written)',
      registers,
    }),
    idempotencyReplays: new Counter({
      name: METRICS.idempotencyReplays,
      help: 'Requests answered with the stored response of an earlier request with the same key',
      labelNames: ['source'] as const,
      registers,
    }),
    idempotencyConflicts: new Counter({
      name: METRICS.idempotencyConflicts,
      help: 'Requests refused because their key was used with other parameters or is in progress',
      labelNames: ['reason'] as const,
      registers,
    }),
    idempotencyRedisFallback: new Counter({
      name: METRICS.idempotencyRedisFallback,
      help: 'Requests whose idempotency check could not use Redis and relied on the database alone',
      registers,
    }),
    answeredBeforeCommit: new Counter({
      name: METRICS.answeredBeforeCommit,
      help: 'apiCommit=answer-first only: creates answered 201 before their write, by how the write ended',
      labelNames: ['outcome'] as const,
      registers,
    }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
