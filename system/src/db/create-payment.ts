/**
 * Creating a payment is ONE transaction — here, one SQL statement, so one round trip through the
 * db link: the idempotency record (with the response to replay), the payment, its items, the
 * first history row (a real snapshot), the outbox row (payment.requested) and a NOTIFY that
 * PostgreSQL delivers on commit. Either all of it exists or none of it does.
 *
 * The idempotency record is claimed first (ON CONFLICT DO NOTHING) and every other insert reads
 * from that claim. Two requests racing on one key both reach the claim; PostgreSQL makes the
 * second wait for the first to commit, then gives it nothing, so it inserts nothing and the caller
 * reads the winner's record instead. The acceptance time comes from the API's clock, so the
 * response is known before the statement runs and is stored by the statement itself.
 */
import type pg from 'pg';
import type { PaymentRequested } from '../domain/events.ts';
import type { StoredIdempotencyRecord } from '../domain/idempotency.ts';
import type { CreatePaymentInput } from '../domain/payment-request.ts';
import { itemLineAmount, maskReference } from '../domain/payment-request.ts';
import { OUTBOX_CHANNEL } from './channels.ts';
import { findIdempotencyRecord } from './idempotency-record.ts';
import type { PaymentView } from './payment-row.ts';

export interface CreatePaymentCommand {
  paymentId: string;
  eventId: string;
  merchantId: string;
  idempotencyKey: string;
  requestHash: string;
  input: CreatePaymentInput;
  /** The response to store for replays, built from the payment as it will be committed. */
  respond: (payment: PaymentView) => { status: number; body: string };
  /** Acceptance time; defaults to now. */
  now?: Date;
}

export type CreatePaymentResult =
  | { kind: 'created'; payment: PaymentView; status: number; body: string }
  | { kind: 'key-exists'; record: StoredIdempotencyRecord };

const CREATE_PAYMENT_SQL = `
WITH claim AS (
  INSERT INTO idempotency_records
         (merchant_id, idempotency_key, request_hash, state, response_status, response_body, payment_id, created_at, completed_at)
  VALUES ($2, $3, $4, 'completed', $5, $6::json, $1, $7, $7)
  ON CONFLICT (merchant_id, idempotency_key) DO NOTHING
  RETURNING payment_id
), payment AS (
  INSERT INTO payments (id, merchant_id, order_id, amount, currency, method, method_reference, method_display,
                        state, idempotency_key, event_sequence, created_at, updated_at)
  SELECT claim.payment_id, $2, $8, $9, $10, $11, $12, $13, 'requested', $3, 1, $7, $7 FROM claim
  RETURNING *
), items AS (
  INSERT INTO payment_items (payment_id, line_no, name, quantity, unit_price, amount)
  SELECT payment.id, t.ord, t.name, t.quantity, t.unit_price, t.amount
    FROM payment,
         unnest($14::text[], $15::int[], $16::bigint[], $17::bigint[]) WITH ORDINALITY
           AS t(name, quantity, unit_price, amount, ord)
  RETURNING *
), history AS (
  INSERT INTO payment_history (payment_id, previous_state, new_state, changed_by, reason, snapshot, created_at)
  SELECT payment.id, NULL, payment.state, 'api', 'payment requested',
         to_jsonb(payment) || jsonb_build_object('items',
           (SELECT jsonb_agg(to_jsonb(items) - 'payment_id' ORDER BY items.line_no) FROM items)),
         $7
    FROM payment
  RETURNING id
), outbox_row AS (
  -- created_at stays the database's clock: the relay orders one payment's events by it, and the
  -- later cancel event gets its time from the database too.
  INSERT INTO outbox (event_id, aggregate_id, event_type, partition_key, payload)
  SELECT $18, payment.id, 'payment.requested', payment.id::text, $19::jsonb FROM payment
  RETURNING event_id
)
SELECT (SELECT count(*) FROM payment) AS payments,
       (SELECT count(*) FROM items) AS items,
       (SELECT count(*) FROM history) AS history,
       (SELECT count(*) FROM outbox_row) AS outbox,
       -- A CTE nobody reads is never run, so the notify is read here; it fires only on commit.
       (SELECT count(pg_notify($20, payment.id::text)) FROM payment) AS notified`;

interface CreatedCounts {
  payments: string;
  items: string;
  history: string;
  outbox: string;
  notified: string;
}

/** The payment as the create statement will commit it: what the 201 answer shows. */
export function plannedPaymentView(
  command: Pick<CreatePaymentCommand, 'paymentId' | 'input'>,
  acceptedAt: Date,
): PaymentView {
  const { input, paymentId } = command;
  return {
    id: paymentId,
    orderId: input.orderId,
    amount: input.amount,
    currency: input.currency,
    method: input.method,
    methodDisplay: maskReference(input.method, input.methodReference),
    state: 'requested',
    items: input.items.map((item) => ({
      name: item.name,
      quantity: item.quantity,
      unitPrice: item.unitPrice,
      amount: Number(itemLineAmount(item)),
    })),
    pgTransactionId: null,
    errorCode: null,
    errorMessage: null,
    createdAt: acceptedAt.toISOString(),
    updatedAt: acceptedAt.toISOString(),
    completedAt: null,
  };
}

export async function createPayment(
  pool: pg.Pool,
  command: CreatePaymentCommand,
): Promise<CreatePaymentResult> {
  const { input, merchantId, idempotencyKey, paymentId } = command;
  const acceptedAt = command.now ?? new Date();
  const methodDisplay = maskReference(input.method, input.methodReference);
  const lines = input.items.map((item) => ({ ...item, amount: itemLineAmount(item) }));
  const view = plannedPaymentView(command, acceptedAt);
  const event: PaymentRequested = {
    eventId: command.eventId,
    type: 'payment.requested',
    paymentId,
    merchantId,
    occurredAt: acceptedAt.toISOString(),
    sequence: 1,
    amount: input.amount,
    currency: input.currency,
    method: input.method,
    methodReference: input.methodReference,
  };
  const response = command.respond(view);

  const { rows } = await pool.query<CreatedCounts>(CREATE_PAYMENT_SQL, [
    paymentId,
    merchantId,
    idempotencyKey,
    command.requestHash,
    response.status,
    response.body,
    acceptedAt,
    input.orderId,
    input.amount,
    input.currency,
    input.method,
    input.methodReference,
    methodDisplay,
    lines.map((l) => l.name),
    lines.map((l) => l.quantity),
    lines.map((l) => l.unitPrice),
    lines.map((l) => l.amount.toString()),
    command.eventId,
    JSON.stringify(event),
    OUTBOX_CHANNEL,
  ]);
  const counts = rows[0];
  if (counts && Number(counts.payments) === 1) {
    if (
      Number(counts.items) !== lines.length ||
      Number(counts.history) !== 1 ||
      Number(counts.outbox) !== 1
    ) {
      // Cannot happen while the statement is one unit; if it ever does, say so loudly rather than answer 201.
      throw new Error(`create-payment wrote a partial payment: ${JSON.stringify(counts)}`);
    }
    return { kind: 'created', payment: view, ...response };
  }

  // The claim found the key taken; the other transaction has committed, so its record is visible now.
  const record = await findIdempotencyRecord(pool, merchantId, idempotencyKey);
  if (!record) throw new Error('idempotency key conflicted but no record is visible');
  return { kind: 'key-exists', record };
}
