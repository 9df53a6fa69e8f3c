/**
 * The worker's three statements for many events at once: one round trip settles a whole set of
 * events instead of one per event (issue 11: the workers were the wall, ~3 statements per payment).
 *
 * Each is the multi-row form of its single-row twin (load-payment.ts, transition-payment.ts,
 * record-processed-event.ts), with the same per-row meaning:
 * - loadPayments: per (payment, event) the payment, "already processed?" and the processed count.
 * - transitionPayments: per input a conditional change (state AND version must still match),
 *   its history row and its processed-event record, all in one statement — so every payment's
 *   change commits atomically with its history row and record, exactly as alone. A row that no
 *   longer matches is a conflict for that input only; the others apply.
 * - recordProcessedEvents: per event the record, false when it already existed.
 *
 * Callers must not put two inputs of one payment into one transitionPayments call (nor one event
 * twice into one recordProcessedEvents call): an UPDATE changes a row at most once per statement,
 * so the second would silently read as a conflict. The batching store (batching-store.ts) keeps
 * them apart; each call here refuses such input rather than guess.
 *
 * Only the conditional transition is batched: the naive blind twin (which locks the row first to
 * record the state it overwrites) keeps its single-row statement, see transitionPayment.
 */
import type { StrategyKnobs } from '../../config.ts';
import type { Queryable } from '../../db/pool.ts';
import { toWorkerPayment, type WorkerPaymentRecord } from '../payment-record.ts';
import type { LoadedPayment } from './load-payment.ts';
import type { ProcessedEvent } from './record-processed-event.ts';
import type { TransitionInput, TransitionResult } from './transition-payment.ts';

const TERMINAL = new Set(['completed', 'failed', 'canceled']);

const PAYMENT_COLUMNS_OF_P = `p.id, p.order_id, p.amount::text AS amount, p.currency, p.method,
  p.method_reference, p.state, p.version, p.captured, p.pg_idempotency_key, p.pg_transaction_id, p.created_at`;

export interface LoadRequest {
  paymentId: string;
  eventId: string;
}

/** Loads for many events in one statement; results in the order of `requests`. */
export async function loadPayments(
  db: Queryable,
  requests: readonly LoadRequest[],
  dedup: StrategyKnobs['workerDedup'] = 'processed-record',
): Promise<LoadedPayment[]> {
  if (requests.length === 0) return [];
  const result = await db.query<
    Partial<WorkerPaymentRecord> & { ord: string; already_processed: boolean; processed_events: number }
  >(
    `SELECT i.ord,
            EXISTS (SELECT 1 FROM processed_events pe WHERE pe.event_id = i.event_id) AS already_processed,
            (SELECT count(*) FROM processed_events pe WHERE pe.payment_id = i.payment_id)::int AS processed_events,
            ${PAYMENT_COLUMNS_OF_P}
       FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS i(payment_id, event_id, ord)
       LEFT JOIN payments p ON p.id = i.payment_id
      ORDER BY i.ord`,
    [requests.map((r) => r.paymentId), requests.map((r) => r.eventId)],
  );
  if (result.rows.length !== requests.length)
    throw new Error(`load-payments returned ${result.rows.length} rows for ${requests.length} requests`);
  return result.rows.map((row) => ({
    payment: row.id ? toWorkerPayment(row as WorkerPaymentRecord) : undefined,
    alreadyProcessed: dedup === 'processed-record' && row.already_processed,
    processedEvents: row.processed_events,
  }));
}

function refuseRepeats<T>(items: readonly T[], keyOf: (item: T) => string, what: string): void {
  const seen = new Set<string>();
  for (const item of items) {
    const key = keyOf(item);
    if (seen.has(key)) throw new Error(`${what}: ${key} appears twice in one statement`);
    seen.add(key);
  }
}

/**
 * Conditional transitions of distinct payments in one statement (atomic as a whole; each row's
 * change, history row and processed-event record together). Results in the order of `inputs`.
 */
export async function transitionPayments(
  db: Queryable,
  inputs: readonly TransitionInput[],
  dedup: StrategyKnobs['workerDedup'] = 'processed-record',
): Promise<TransitionResult[]> {
  if (inputs.length === 0) return [];
  refuseRepeats(inputs, (i) => i.paymentId, 'transition-payments');
  // With dedup 'none' (the naive twin) the record is a log, never a guard.
  const guarded = dedup === 'processed-record';
  const result = await db.query<Partial<WorkerPaymentRecord> & { ord: string; duplicate: boolean }>(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[],
                            $7::bool[], $8::text[], $9::text[], $10::bool[], $11::uuid[], $12::text[],
                            $13::text[], $14::text[], $15::text[])
         WITH ORDINALITY AS i(payment_id, from_state, from_version, to_state, pg_key, pg_tx, captured,
                              error_code, error_message, completes, event_id, event_type, changed_by,
                              reason, pg_response, ord)
     ), already AS (
       SELECT i.ord, ${
         guarded ? 'EXISTS (SELECT 1 FROM processed_events pe WHERE pe.event_id = i.event_id)' : 'false'
       } AS processed
         FROM input i
     ), updated AS (
       UPDATE payments p
          SET state = i.to_state, version = p.version + 1, updated_at = now(),
              pg_idempotency_key = COALESCE(i.pg_key, p.pg_idempotency_key),
              pg_transaction_id = COALESCE(i.pg_tx, p.pg_transaction_id),
              captured = COALESCE(i.captured, p.captured),
              error_code = COALESCE(i.error_code, p.error_code),
              error_message = COALESCE(i.error_message, p.error_message),
              completed_at = CASE WHEN i.completes THEN now() ELSE p.completed_at END
         FROM input i JOIN already a ON a.ord = i.ord
        WHERE p.id = i.payment_id AND p.state = i.from_state AND p.version = i.from_version
          AND NOT a.processed
       RETURNING p.*, i.ord AS input_ord
     ), history AS (
       INSERT INTO payment_history (payment_id, previous_state, new_state, changed_by, reason, pg_response, snapshot)
       SELECT u.id, i.from_state, u.state, i.changed_by, i.reason, i.pg_response::jsonb,
              to_jsonb(u) - 'input_ord'
         FROM updated u JOIN input i ON i.ord = u.input_ord
     ), processed AS (
       INSERT INTO processed_events (event_id, payment_id, event_type, processed_by)
       SELECT i.event_id, u.id, i.event_type, i.changed_by
         FROM updated u JOIN input i ON i.ord = u.input_ord
        WHERE i.event_id IS NOT NULL
       ON CONFLICT (event_id) DO NOTHING
     )
     SELECT i.ord, a.processed AS duplicate,
            u.id, u.order_id, u.amount::text AS amount, u.currency, u.method, u.method_reference, u.state,
            u.version, u.captured, u.pg_idempotency_key, u.pg_transaction_id, u.created_at
       FROM input i JOIN already a ON a.ord = i.ord LEFT JOIN updated u ON u.input_ord = i.ord
      ORDER BY i.ord`,
    [
      inputs.map((i) => i.paymentId),
      inputs.map((i) => i.from),
      inputs.map((i) => i.version),
      inputs.map((i) => i.to),
      inputs.map((i) => i.set?.pgIdempotencyKey ?? null),
      inputs.map((i) => i.set?.pgTransactionId ?? null),
      inputs.map((i) => i.set?.captured ?? null),
      inputs.map((i) => i.set?.errorCode ?? null),
      inputs.map((i) => i.set?.errorMessage ?? null),
      inputs.map((i) => TERMINAL.has(i.to) && !TERMINAL.has(i.from)),
      inputs.map((i) => i.processedEvent?.eventId ?? null),
      inputs.map((i) => i.processedEvent?.type ?? null),
      inputs.map((i) => i.changedBy),
      inputs.map((i) => i.reason),
      inputs.map((i) => (i.pgResponse === undefined ? null : JSON.stringify(i.pgResponse))),
    ],
  );
  if (result.rows.length !== inputs.length)
    throw new Error(`transition-payments returned ${result.rows.length} rows for ${inputs.length} inputs`);
  return result.rows.map((row): TransitionResult => {
    if (row.duplicate) return { kind: 'duplicate' };
    if (!row.id) return { kind: 'conflict' };
    return { kind: 'applied', payment: toWorkerPayment(row as WorkerPaymentRecord) };
  });
}

/** Processed-event records of distinct events in one statement; true where the record is new. */
export async function recordProcessedEvents(
  db: Queryable,
  events: readonly ProcessedEvent[],
  workerId: string,
  dedup: StrategyKnobs['workerDedup'] = 'processed-record',
): Promise<boolean[]> {
  if (events.length === 0) return [];
  refuseRepeats(events, (e) => e.eventId.toLowerCase(), 'record-processed-events');
  const result = await db.query<{ event_id: string }>(
    `INSERT INTO processed_events (event_id, payment_id, event_type, processed_by)
     SELECT e.event_id, e.payment_id, e.event_type, $4
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS e(event_id, payment_id, event_type)
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id`,
    [events.map((e) => e.eventId), events.map((e) => e.paymentId), events.map((e) => e.type), workerId],
  );
  // PostgreSQL prints uuids in lower case; an event may carry upper case.
  const fresh = new Set(result.rows.map((r) => r.event_id.toLowerCase()));
  return events.map((e) => dedup === 'none' || fresh.has(e.eventId.toLowerCase()));
}
