/**
 * Payment events: written to the outbox by the API in the same transaction as the state change,
 * published by the relay (key = payment id), consumed by the worker. The wire format is JSON of
 * these shapes; the worker validates every message against them (system/src/worker/) before use.
 * Payloads never carry card data or secrets: only the vault token / wallet reference.
 */

export const PAYMENT_STATES = [
  'requested',
  'processing',
  'completed',
  'failed',
  'cancel_requested',
  'canceled',
] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

export const TERMINAL_STATES: readonly PaymentState[] = ['completed', 'failed', 'canceled'];

export function isTerminal(state: PaymentState): boolean {
  return TERMINAL_STATES.includes(state);
}

export const EVENT_TYPES = ['payment.requested', 'payment.cancel_requested'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

interface EventBase {
  /** Unique per event; the worker's processed-events record is keyed by it. */
  eventId: string;
  type: EventType;
  paymentId: string;
  merchantId: string;
  /** ISO-8601 time the API committed the event. */
  occurredAt: string;
  /** Per-payment sequence number (1, 2, …): lets the worker detect reorders. */
  sequence: number;
}

export interface PaymentRequested extends EventBase {
  type: 'payment.requested';
  amount: number;
  currency: string;
  method: 'card' | 'easy_pay';
  methodReference: string;
}

export interface PaymentCancelRequested extends EventBase {
  type: 'payment.cancel_requested';
  reason: string;
}

export type PaymentEvent = PaymentRequested | PaymentCancelRequested;
