/**
 * Every Prometheus metric name the lab exports, once. Services register metrics under these
 * names (system/src/metrics.ts); dashboards, recording rules, the SLI queries and the checker
 * refer to them through this table, so a rename is one edit and a typo is a type error.
 *
 * Labels are listed for readers; the registering code is the authority on label values.
 */
export const METRICS = {
  // api
  httpRequests: 'paylab_http_requests_total', // counter {route, method, status}
  httpRequestDuration: 'paylab_http_request_duration_seconds', // histogram {route, method, status}
  paymentsAccepted: 'paylab_payments_accepted_total', // counter {method}
  cancelsRequested: 'paylab_cancels_requested_total', // counter
  idempotencyReplays: 'paylab_idempotency_replays_total', // counter {source: redis|db}
  idempotencyConflicts: 'paylab_idempotency_conflicts_total', // counter {reason: mismatch|in_progress}
  idempotencyRedisFallback: 'paylab_idempotency_redis_fallback_total', // counter: Redis failed, DB used
  answeredBeforeCommit: 'paylab_api_answered_before_commit_total', // counter {outcome: committed|key_exists|failed} (answer-first only)

  // relay (outbox → Kafka)
  outboxPublished: 'paylab_outbox_published_total', // counter {mode}
  outboxPublishFailures: 'paylab_outbox_publish_failures_total', // counter {mode}
  outboxPublishDuration: 'paylab_outbox_publish_duration_seconds', // histogram
  outboxBatchSize: 'paylab_outbox_batch_size', // histogram
  outboxLeaseLost: 'paylab_outbox_lease_lost_total', // counter: a mark that matched no row
  outboxDeadRows: 'paylab_outbox_dead_total', // counter: rows moved to dead
  outboxPendingRows: 'paylab_outbox_pending_rows', // gauge: unpublished rows
  outboxOldestPendingAge: 'paylab_outbox_oldest_pending_age_seconds', // gauge
  outboxDeadRowsCurrent: 'paylab_outbox_dead_rows', // gauge: rows in status dead now

  // worker (Kafka → PG → DB)
  workerEventsReceived: 'paylab_worker_events_received_total', // counter {topic}
  workerEventsProcessed: 'paylab_worker_events_processed_total', // counter {type, outcome}
  workerDuplicateDeliveries: 'paylab_worker_duplicate_deliveries_total', // counter: absorbed duplicates
  workerReorders: 'paylab_worker_reorders_total', // counter: an event arrived before an earlier one of its payment was applied
  workerRetries: 'paylab_worker_retries_total', // counter {reason}
  workerDeadLetters: 'paylab_worker_dead_letters_total', // counter {reason}
  workerDropped: 'paylab_worker_dropped_total', // counter {reason}: workerPoison=drop committed an event it could not process
  workerProcessingDuration: 'paylab_worker_processing_duration_seconds', // histogram {type}
  workerPgCalls: 'paylab_worker_pg_calls_total', // counter {operation, outcome}
  workerPgCallDuration: 'paylab_worker_pg_call_duration_seconds', // histogram {operation}
  workerUnknownOutcomes: 'paylab_worker_pg_unknown_outcomes_total', // counter: timeouts/resets/5xx after send
  workerStatementEvents: 'paylab_worker_statement_events', // histogram {step}: events settled by one SQL statement (load, transition, record)
  paymentsSettled: 'paylab_payments_settled_total', // counter {state: completed|failed|canceled}
  paymentEndToEnd: 'paylab_payment_end_to_end_seconds', // histogram: created → terminal
  consumerLag: 'paylab_kafka_consumer_lag', // gauge {topic, partition}

  // pg-mock (the payment gateway)
  pgRequests: 'paylab_pg_requests_total', // counter {operation, outcome}
  pgRequestDuration: 'paylab_pg_request_duration_seconds', // histogram {operation}
  pgCaptures: 'paylab_pg_captures_total', // counter: successful captures
  pgDoubleCaptures: 'paylab_pg_double_captures_total', // counter: >1 live capture for one payment
  pgRefunds: 'paylab_pg_refunds_total', // counter
  pgFaultSetting: 'paylab_pg_fault_setting', // gauge {fault}: current fault profile values

  // lab (scenario runner / chaos engine)
  faultActive: 'paylab_fault_active', // gauge {target, kind}: 1 while a fault is on
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** Prometheus scrape job names, one per lab service kind. */
export const SCRAPE_JOBS = {
  api: 'paylab-api',
  relay: 'paylab-relay',
  worker: 'paylab-worker',
  pgMock: 'paylab-pg-mock',
  lab: 'paylab-lab',
  toxiproxy: 'toxiproxy',
  prometheus: 'prometheus',
} as const;
