/**
 * Requesting a cancel, as one SQL statement (one round trip through the db link): lock the row,
 * change it to cancel_requested only from a state the domain allows (CANCELABLE_STATES), and with
 * that change write its history row, the payment.cancel_requested outbox event (next sequence) and
 * the NOTIFY — all or nothing. When nothing changed, the domain explains why (already requested,
 * or refused). The worker does the rest: cancel before capture, or refund after it.
 */
import type pg from 'pg';
import type { PaymentCancelRequested, PaymentState } from '../domain/events.ts';
import { CANCELABLE_STATES, decideCancel } from '../domain/payment-states.ts';
import { OUTBOX_CHANNEL } from './channels.ts';
import { type PaymentItemRow, type PaymentRow, type PaymentView, toPaymentView } from './payment-row.ts';

export interface RequestCancelCommand {
  merchantId: string;
  paymentId: string;
  eventId: string;
  reason: string;
  /** When the cancel was requested; defaults to now. */
  now?: Date;
}

export type RequestCancelResult =
  | { kind: 'requested'; payment: PaymentView }
  | { kind: 'already-requested'; payment: PaymentView }
  | { kind: 'refused'; state: PaymentState; reason: string }
  | { kind: 'not-found' };

const REQUEST_CANCEL_SQL = `
WITH current AS (
  SELECT * FROM payments WHERE id = $1 AND merchant_id = $2 FOR UPDATE
), changed AS (
  UPDATE payments p
     SET state = 'cancel_requested', event_sequence = p.event_sequence + 1,
         version = p.version + 1, updated_at = now()
    FROM current
   WHERE p.id = current.id AND current.state = ANY($3::text[])
  RETURNING p.*
), history AS (
  INSERT INTO payment_history (payment_id, previous_state, new_state, changed_by, reason, snapshot)
  SELECT changed.id, current.state, changed.state, 'api', $4, to_jsonb(changed) FROM changed, current
  RETURNING id
), outbox_row AS (
  INSERT INTO outbox (event_id, aggregate_id, event_type, partition_key, payload)
  SELECT $5, changed.id, 'payment.cancel_requested', changed.id::text,
         $6::jsonb || jsonb_build_object('sequence', changed.event_sequence)
    FROM changed
  RETURNING event_id
), after AS (
  SELECT changed.*, true AS did_change FROM changed
  UNION ALL
  SELECT current.*, false FROM current WHERE NOT EXISTS (SELECT 1 FROM changed)
)
SELECT after.*,
       (SELECT count(*) FROM history) AS history_rows,
       (SELECT count(*) FROM outbox_row) AS outbox_rows,
       -- A CTE nobody reads is never run, so the notify is read here; it fires only on commit.
       (SELECT count(pg_notify($7, changed.id::text)) FROM changed) AS notified,
       COALESCE((SELECT json_agg(json_build_object('name', i.name, 'quantity', i.quantity,
                                                   'unit_price', i.unit_price, 'amount', i.amount)
                                 ORDER BY i.line_no)
                   FROM payment_items i WHERE i.payment_id = after.id), '[]'::json) AS items
  FROM after`;

interface CancelRow extends PaymentRow {
  did_change: boolean;
  history_rows: string;
  outbox_rows: string;
  items: PaymentItemRow[];
}

export async function requestCancel(
  pool: pg.Pool,
  command: RequestCancelCommand,
): Promise<RequestCancelResult> {
  const { merchantId, paymentId } = command;
  // The sequence is the row's, known only inside the statement; SQL adds it to this payload.
  const event: Omit<PaymentCancelRequested, 'sequence'> = {
    eventId: command.eventId,
    type: 'payment.cancel_requested',
    paymentId,
    merchantId,
    occurredAt: (command.now ?? new Date()).toISOString(),
    reason: command.reason,
  };
  const { rows } = await pool.query<CancelRow>(REQUEST_CANCEL_SQL, [
    paymentId,
    merchantId,
    CANCELABLE_STATES,
    `cancel requested: ${command.reason}`,
    command.eventId,
    JSON.stringify(event),
    OUTBOX_CHANNEL,
  ]);
  const row = rows[0];
  if (!row) return { kind: 'not-found' };
  const payment = toPaymentView(row, row.items);

  if (row.did_change) {
    if (Number(row.history_rows) !== 1 || Number(row.outbox_rows) !== 1) {
      throw new Error(
        `request-cancel changed the state without its history or event: ${JSON.stringify(row)}`,
      );
    }
    return { kind: 'requested', payment };
  }
  const decision = decideCancel(row.state);
  switch (decision.kind) {
    case 'already-requested':
      return { kind: 'already-requested', payment };
    case 'refuse':
      return { kind: 'refused', state: row.state, reason: decision.reason };
    case 'request-cancel':
      // The statement and the domain disagree on CANCELABLE_STATES: a bug, not a client error.
      throw new Error(`payment ${paymentId} is ${row.state}, cancelable, yet the cancel changed nothing`);
  }
}
