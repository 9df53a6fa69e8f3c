/**
 * Requesting a cancel: under a row lock, the domain decides; when it says so, the state change,
 * its history row and the payment.cancel_requested outbox event commit together. The worker does
 * the rest (cancel before capture, or refund after it).
 */
import type pg from 'pg';
import type { PaymentCancelRequested, PaymentState } from '../domain/events.ts';
import { decideCancel } from '../domain/payment-states.ts';
import { findPayment } from './find-payment.ts';
import { insertOutboxEvent } from './insert-outbox-event.ts';
import type { PaymentRow, PaymentView } from './payment-row.ts';
import { withTransaction } from './pool.ts';

export interface RequestCancelCommand {
  merchantId: string;
  paymentId: string;
  eventId: string;
  reason: string;
}

export type RequestCancelResult =
  | { kind: 'requested'; payment: PaymentView }
  | { kind: 'already-requested'; payment: PaymentView }
  | { kind: 'refused'; state: PaymentState; reason: string }
  | { kind: 'not-found' };

export async function requestCancel(
  pool: pg.Pool,
  command: RequestCancelCommand,
): Promise<RequestCancelResult> {
  const { merchantId, paymentId } = command;
  return withTransaction(pool, async (tx): Promise<RequestCancelResult> => {
    const locked = await tx.query<{ state: PaymentState }>(
      'SELECT state FROM payments WHERE id = $1 AND merchant_id = $2 FOR UPDATE',
      [paymentId, merchantId],
    );
    const current = locked.rows[0];
    if (!current) return { kind: 'not-found' };

    const decision = decideCancel(current.state);
    if (decision.kind === 'refuse') return { kind: 'refused', state: current.state, reason: decision.reason };
    if (decision.kind === 'already-requested') {
      const payment = await findPayment(tx, merchantId, paymentId);
      if (!payment) throw new Error('a locked payment row vanished during its cancel');
      return { kind: 'already-requested', payment };
    }

    const updated = await tx.query<PaymentRow>(
      `UPDATE payments
          SET state = 'cancel_requested', event_sequence = event_sequence + 1,
              version = version + 1, updated_at = now()
        WHERE id = $1
        RETURNING *`,
      [paymentId],
    );
    const payment = updated.rows[0];
    if (!payment) throw new Error('a locked payment row vanished during its cancel');

    await tx.query(
      `INSERT INTO payment_history (payment_id, previous_state, new_state, changed_by, reason, snapshot)
       SELECT p.id, $2, p.state, 'api', $3, to_jsonb(p) FROM payments p WHERE p.id = $1`,
      [paymentId, current.state, `cancel requested: ${command.reason}`],
    );

    const event: PaymentCancelRequested = {
      eventId: command.eventId,
      type: 'payment.cancel_requested',
      paymentId,
      merchantId,
      occurredAt: payment.updated_at.toISOString(),
      sequence: payment.event_sequence,
      reason: command.reason,
    };
    await insertOutboxEvent(tx, event);
    const view = await findPayment(tx, merchantId, paymentId);
    if (!view) throw new Error('a locked payment row vanished during its cancel');
    return { kind: 'requested', payment: view };
  });
}
