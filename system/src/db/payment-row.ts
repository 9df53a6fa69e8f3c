/**
 * The payments row as PostgreSQL returns it, and its public view. bigint columns arrive as strings
 * from pg; they are converted here, once. Amounts are bounded by the API schema well below 2^53.
 */
import type { PaymentState } from '../domain/events.ts';
import type { PaymentMethod } from '../domain/payment-request.ts';

export interface PaymentRow {
  id: string;
  merchant_id: string;
  order_id: string;
  amount: string;
  currency: string;
  method: PaymentMethod;
  method_reference: string;
  method_display: string | null;
  state: PaymentState;
  idempotency_key: string;
  pg_transaction_id: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  version: number;
  event_sequence: number;
}

export interface PaymentItemView {
  name: string;
  quantity: number;
  unitPrice: number;
  amount: number;
}

/** What a merchant sees. No method reference: the masked display is enough to recognise it. */
export interface PaymentView {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  methodDisplay: string | null;
  state: PaymentState;
  items: PaymentItemView[];
  pgTransactionId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface PaymentItemRow {
  name: string;
  quantity: number;
  unit_price: string | number;
  amount: string | number;
}

export function toPaymentView(row: PaymentRow, items: readonly PaymentItemRow[]): PaymentView {
  return {
    id: row.id,
    orderId: row.order_id,
    amount: Number(row.amount),
    currency: row.currency,
    method: row.method,
    methodDisplay: row.method_display,
    state: row.state,
    items: items.map((item) => ({
      name: item.name,
      quantity: item.quantity,
      unitPrice: Number(item.unit_price),
      amount: Number(item.amount),
    })),
    pgTransactionId: row.pg_transaction_id,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    completedAt: row.completed_at ? row.completed_at.toISOString() : null,
  };
}
