/**
 * A conditional state change: applied only when the payment is still in `from` at `version`
 * (a concurrent API cancel or another worker makes it a conflict, never a lost update), with its
 * history row and — when given — the processed-event record, all in one transaction.
 * No PG call ever happens inside it.
 */
import type pg from 'pg';
import type { PaymentState } from '../../domain/events.ts';
import { withTransaction } from '../../db/pool.ts';
import { toWorkerPayment, type WorkerPayment, WORKER_PAYMENT_COLUMNS, type WorkerPaymentRecord } from '../payment-record.ts';
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
  /** Recorded in the same transaction: the change and "this event is done" commit together. */
  processedEvent?: ProcessedEvent;
  changedBy: string;
}

export type TransitionResult =
  | { kind: 'applied'; payment: WorkerPayment }
  | { kind: 'duplicate' }
  | { kind: 'conflict' };

class Rollback extends Error {
  readonly result: TransitionResult;
  constructor(result: TransitionResult) {
    super(result.kind);
    this.result = result;
  }
}

const TERMINAL = ['completed', 'failed', 'canceled'];

export async function transitionPayment(pool: pg.Pool, input: TransitionInput): Promise<TransitionResult> {
  try {
    return await withTransaction(pool, async (tx) => {
      if (input.processedEvent) {
        const e = input.processedEvent;
        const inserted = await tx.query(
          `INSERT INTO processed_events (event_id, payment_id, event_type, processed_by)
           VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING`,
          [e.eventId, e.paymentId, e.type, input.changedBy],
        );
        if (inserted.rowCount !== 1) throw new Rollback({ kind: 'duplicate' });
      }
      const s = input.set ?? {};
      const updated = await tx.query<WorkerPaymentRecord>(
        `UPDATE payments
            SET state = $4, version = version + 1, updated_at = now(),
                pg_idempotency_key = COALESCE($5, pg_idempotency_key),
                pg_transaction_id = COALESCE($6, pg_transaction_id),
                captured = COALESCE($7, captured),
                error_code = COALESCE($8, error_code),
                error_message = COALESCE($9, error_message),
                completed_at = CASE WHEN $10 THEN now() ELSE completed_at END
          WHERE id = $1 AND state = $2 AND version = $3
          RETURNING ${WORKER_PAYMENT_COLUMNS}`,
        [
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
        ],
      );
      const row = updated.rows[0];
      if (!row) throw new Rollback({ kind: 'conflict' });
      await tx.query(
        `INSERT INTO payment_history (payment_id, previous_state, new_state, changed_by, reason, pg_response, snapshot)
         SELECT p.id, $2, p.state, $3, $4, $5::jsonb, to_jsonb(p) FROM payments p WHERE p.id = $1`,
        [
          input.paymentId,
          input.from,
          input.changedBy,
          input.reason,
          input.pgResponse === undefined ? null : JSON.stringify(input.pgResponse),
        ],
      );
      return { kind: 'applied', payment: toWorkerPayment(row) } as const;
    });
  } catch (error) {
    if (error instanceof Rollback) return error.result;
    throw error;
  }
}
