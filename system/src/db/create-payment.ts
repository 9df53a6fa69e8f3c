/**
 * Creating a payment is ONE transaction: the idempotency record, the payment, its items, the
 * first history row, the outbox row (payment.requested) and a NOTIFY that PostgreSQL delivers on
 * commit. Either all of it exists or none of it does.
 *
 * The idempotency record is inserted first. Two requests racing on one key both reach that
 * INSERT; PostgreSQL makes the second wait for the first transaction, then (ON CONFLICT DO
 * NOTHING) gives it nothing, so exactly one payment is created and the loser reads the winner's
 * committed record.
 */
import type pg from 'pg';
import type { StoredIdempotencyRecord } from '../domain/idempotency.ts';
import type { PaymentRequested } from '../domain/events.ts';
import type { CreatePaymentInput } from '../domain/payment-request.ts';
import { itemLineAmount, maskReference } from '../domain/payment-request.ts';
import { findIdempotencyRecord } from './idempotency-record.ts';
import { insertOutboxEvent } from './insert-outbox-event.ts';
import { type PaymentItemRow, type PaymentRow, type PaymentView, toPaymentView } from './payment-row.ts';
import { withTransaction } from './pool.ts';

export interface CreatePaymentCommand {
  paymentId: string;
  eventId: string;
  merchantId: string;
  idempotencyKey: string;
  requestHash: string;
  input: CreatePaymentInput;
  /** The response to store for replays, built from the committed view; called inside the transaction. */
  respond: (payment: PaymentView) => { status: number; body: string };
}

export type CreatePaymentResult =
  | { kind: 'created'; payment: PaymentView; status: number; body: string }
  | { kind: 'key-exists'; record: StoredIdempotencyRecord };

class KeyExists extends Error {}

export async function createPayment(
  pool: pg.Pool,
  command: CreatePaymentCommand,
): Promise<CreatePaymentResult> {
  const { input, merchantId, idempotencyKey, paymentId } = command;
  try {
    return await withTransaction(pool, async (tx) => {
      const claimed = await tx.query(
        `INSERT INTO idempotency_records (merchant_id, idempotency_key, request_hash, state)
         VALUES ($1, $2, $3, 'in_progress')
         ON CONFLICT (merchant_id, idempotency_key) DO NOTHING`,
        [merchantId, idempotencyKey, command.requestHash],
      );
      if (claimed.rowCount !== 1) throw new KeyExists();

      const inserted = await tx.query<PaymentRow>(
        `INSERT INTO payments (id, merchant_id, order_id, amount, currency, method, method_reference,
                               method_display, state, idempotency_key, event_sequence)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'requested', $9, 1)
         RETURNING *`,
        [
          paymentId,
          merchantId,
          input.orderId,
          input.amount,
          input.currency,
          input.method,
          input.methodReference,
          maskReference(input.method, input.methodReference),
          idempotencyKey,
        ],
      );
      const payment = inserted.rows[0];
      if (!payment) throw new Error('INSERT … RETURNING gave no payment row');

      const items = await tx.query<PaymentItemRow>(
        `INSERT INTO payment_items (payment_id, line_no, name, quantity, unit_price, amount)
         SELECT $1, t.ord, t.name, t.quantity, t.unit_price, t.amount
           FROM unnest($2::text[], $3::int[], $4::bigint[], $5::bigint[]) WITH ORDINALITY
                AS t(name, quantity, unit_price, amount, ord)
         RETURNING name, quantity, unit_price, amount`,
        [
          paymentId,
          input.items.map((i) => i.name),
          input.items.map((i) => i.quantity),
          input.items.map((i) => i.unitPrice),
          input.items.map((i) => itemLineAmount(i).toString()),
        ],
      );

      await tx.query(
        `INSERT INTO payment_history (payment_id, previous_state, new_state, changed_by, reason, snapshot)
         SELECT p.id, NULL, p.state, 'api', 'payment requested',
                to_jsonb(p) || jsonb_build_object('items', (
                  SELECT jsonb_agg(to_jsonb(i) - 'payment_id' ORDER BY i.line_no)
                    FROM payment_items i WHERE i.payment_id = p.id))
           FROM payments p WHERE p.id = $1`,
        [paymentId],
      );

      const event: PaymentRequested = {
        eventId: command.eventId,
        type: 'payment.requested',
        paymentId,
        merchantId,
        occurredAt: payment.created_at.toISOString(),
        sequence: payment.event_sequence,
        amount: input.amount,
        currency: input.currency,
        method: input.method,
        methodReference: input.methodReference,
      };
      await insertOutboxEvent(tx, event);

      const view = toPaymentView(payment, items.rows);
      const response = command.respond(view);
      await tx.query(
        `UPDATE idempotency_records
            SET state = 'completed', response_status = $3, response_body = $4::json,
                payment_id = $5, completed_at = now()
          WHERE merchant_id = $1 AND idempotency_key = $2`,
        [merchantId, idempotencyKey, response.status, response.body, paymentId],
      );
      return { kind: 'created', payment: view, ...response };
    });
  } catch (error) {
    if (!(error instanceof KeyExists)) throw error;
    // The other transaction has committed (or we would not have seen a conflict), so its record is visible.
    const record = await findIdempotencyRecord(pool, merchantId, idempotencyKey);
    if (!record) throw new Error('idempotency key conflicted but no record is visible', { cause: error });
    return { kind: 'key-exists', record };
  }
}
