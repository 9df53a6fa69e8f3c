/**
 * A conditional state change: applied only when the payment is still in `from` at `version`
 * (a concurrent API cancel or another worker makes it a conflict, never a lost update), with its
 * history row and — when given — the processed-event record.
 *
 * One statement, so one round trip and atomic without BEGIN/COMMIT: the UPDATE is the gate, and
 * the history row and processed-event record are inserted only from the row it returns. Two
 * deliveries of one event racing here serialize on the row lock; the loser's re-checked
 * WHERE (state, version) no longer matches, so it writes nothing. No PG call ever happens inside it.
 *
 * Naive twins (config.ts KNOBS), so the lab can show what each guard is worth:
 * - workerTransition=blind: the UPDATE matches the payment by id only and overwrites whatever state
 *   it is in — terminal ones too — as an ORM's load-modify-save does. The history row records the
 *   state really overwritten (read under the row lock), so the checker sees what happened.
 * - workerDedup=none: the processed-event record is never consulted as a guard (it is still
 *   written, as a log the order check and the checker read), so a redelivery is not recognised.
 */
import type { Queryable } from '../../db/pool.ts';
import type { StrategyKnobs } from '../../config.ts';
import type { PaymentState } from '../../domain/events.ts';
import { toWorkerPayment, type WorkerPayment, type WorkerPaymentRecord } from '../payment-record.ts';
import type { ProcessedEvent } from './record-processed-event.ts';

export interface TransitionInput {
  paymentId: string;
  from: PaymentState;
  to: PaymentState;
  version: number;
  set?: {
    pgIdempotencyKey?: string;
    pgTransactionId?: string;
    captured?: boolean;
    errorCode?: string;
    errorMessage?: string;
  };
  reason: string;
  /** The PG's answer behind this change, stored in history (never card data: the PG returns none). */
  pgResponse?: unknown;
  /** Recorded atomically with the change: the change and "this event is done" commit together. */
  processedEvent?: ProcessedEvent;
  changedBy: string;
}

export type TransitionResult =
  { kind: 'applied'; payment: WorkerPayment } | { kind: 'duplicate' } | { kind: 'conflict' };

const TERMINAL: readonly PaymentState[] = ['completed', 'failed', 'canceled'];

export interface TransitionStrategy {
  transition: StrategyKnobs['workerTransition'];
  dedup: StrategyKnobs['workerDedup'];
}

export const ROBUST_TRANSITION: TransitionStrategy = { transition: 'conditional', dedup: 'processed-record' };

function sqlFor(strategy: TransitionStrategy): string {
  const blind = strategy.transition === 'blind';
  const already =
    strategy.dedup === 'none'
      ? // $11 must still be typed when the guard is gone; the record is inserted below anyway.
        'SELECT $11::uuid IS NULL AND false AS processed'
      : 'SELECT EXISTS (SELECT 1 FROM processed_events WHERE event_id = $11::uuid) AS processed';
  return SQL.replace('/*already*/', already)
    .replace(
      '/*before*/',
      blind
        ? // The state being overwritten, under the row lock; $2/$3 (what the worker believed) are
          // typed here because a blind UPDATE does not compare them.
          `, before AS (
    SELECT state AS previous, $2::text AS believed_state, $3::int AS believed_version
      FROM payments WHERE id = $1 FOR UPDATE
  )`
        : '',
    )
    .replace(
      '/*guard*/',
      // Blind: referencing `before` makes it run (and lock) first; read after the UPDATE, a row
      // this very statement changed would be invisible to it.
      blind ? 'AND EXISTS (SELECT 1 FROM before)' : 'AND state = $2 AND version = $3',
    )
    .replace('/*previous*/', blind ? '(SELECT previous FROM before)' : '$2');
}

const SQL = `
  WITH already AS (
    /*already*/
  )/*before*/, updated AS (
    UPDATE payments
       SET state = $4, version = version + 1, updated_at = now(),
           pg_idempotency_key = COALESCE($5, pg_idempotency_key),
           pg_transaction_id = COALESCE($6, pg_transaction_id),
           captured = COALESCE($7, captured),
           error_code = COALESCE($8, error_code),
           error_message = COALESCE($9, error_message),
           completed_at = CASE WHEN $10 THEN now() ELSE completed_at END
     WHERE id = $1 /*guard*/
       AND NOT (SELECT processed FROM already)
    RETURNING *
  ), history AS (
    INSERT INTO payment_history (payment_id, previous_state, new_state, changed_by, reason, pg_response, snapshot)
    SELECT u.id, /*previous*/, u.state, $13, $14, $15::jsonb, to_jsonb(u) FROM updated u
  ), processed AS (
    INSERT INTO processed_events (event_id, payment_id, event_type, processed_by)
    SELECT $11::uuid, u.id, $12, $13 FROM updated u WHERE $11::uuid IS NOT NULL
    ON CONFLICT (event_id) DO NOTHING
  )
  SELECT (SELECT processed FROM already) AS duplicate,
         u.id, u.order_id, u.amount::text AS amount, u.currency, u.method, u.method_reference, u.state,
         u.version, u.captured, u.pg_idempotency_key, u.pg_transaction_id, u.created_at
    FROM (SELECT 1) one LEFT JOIN updated u ON true`;

const STATEMENTS = new Map<string, string>();

export async function transitionPayment(
  db: Queryable,
  input: TransitionInput,
  strategy: TransitionStrategy = ROBUST_TRANSITION,
): Promise<TransitionResult> {
  const s = input.set ?? {};
  const id = `${strategy.transition}/${strategy.dedup}`;
  let sql = STATEMENTS.get(id);
  if (sql === undefined) STATEMENTS.set(id, (sql = sqlFor(strategy)));
  const result = await db.query<Partial<WorkerPaymentRecord> & { duplicate: boolean }>(sql, [
    input.paymentId,
    input.from,
    input.version,
    input.to,
    s.pgIdempotencyKey ?? null,
    s.pgTransactionId ?? null,
    s.captured ?? null,
    s.errorCode ?? null,
    s.errorMessage ?? null,
    TERMINAL.includes(input.to) && !TERMINAL.includes(input.from),
    input.processedEvent?.eventId ?? null,
    input.processedEvent?.type ?? null,
    input.changedBy,
    input.reason,
    input.pgResponse === undefined ? null : JSON.stringify(input.pgResponse),
  ]);
  const row = result.rows[0];
  if (!row) throw new Error('transition returned no row; the query always yields one');
  if (row.duplicate) return { kind: 'duplicate' };
  if (!row.id) return { kind: 'conflict' };
  return { kind: 'applied', payment: toWorkerPayment(row as WorkerPaymentRecord) };
}
