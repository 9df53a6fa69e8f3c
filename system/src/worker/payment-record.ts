/** The payment as the worker reads it: what it needs to charge, and what it needs to decide. */
import type { PaymentState } from '../domain/events.ts';
import type { PaymentSnapshot } from './decide.ts';

export interface WorkerPayment extends PaymentSnapshot {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  method: 'card' | 'easy_pay';
  methodReference: string;
  createdAt: Date;
}

export interface WorkerPaymentRecord {
  id: string;
  order_id: string;
  amount: string;
  currency: string;
  method: 'card' | 'easy_pay';
  method_reference: string;
  state: PaymentState;
  version: number;
  captured: boolean;
  pg_idempotency_key: string | null;
  pg_transaction_id: string | null;
  created_at: Date;
}

export const WORKER_PAYMENT_COLUMNS = `id, order_id, amount::text AS amount, currency, method, method_reference, state,
  version, captured, pg_idempotency_key, pg_transaction_id, created_at`;

export function toWorkerPayment(r: WorkerPaymentRecord): WorkerPayment {
  return {
    id: r.id,
    orderId: r.order_id,
    // bigint minor units arrive as text; lab amounts stay far below 2^53.
    amount: Number(r.amount),
    currency: r.currency,
    method: r.method,
    methodReference: r.method_reference,
    state: r.state,
    version: r.version,
    captured: r.captured,
    pgIdempotencyKey: r.pg_idempotency_key,
    pgTransactionId: r.pg_transaction_id,
    createdAt: r.created_at,
  };
}
