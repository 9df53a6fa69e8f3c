/**
 * One payment's events as the API writes them, for the worker's unit tests: the request
 * (sequence 1) and its cancel (sequence 2). Tests that feed raw JSON to the validator spread
 * these into plain objects and break them from there.
 */
import type { PaymentCancelRequested, PaymentRequested } from '../../domain/events.ts';

export const samplePaymentId = '0b7e3f5e-4d6a-4b8e-9a43-5b0d2f1b9c22';

export const sampleRequested: PaymentRequested = {
  eventId: '6f1c2a56-9a53-4f57-9d0c-8c1c6f0f8a11',
  type: 'payment.requested',
  paymentId: samplePaymentId,
  merchantId: 'merchant-a',
  occurredAt: '2026-11-25T20:00:00.000Z',
  sequence: 1,
  amount: 1000,
  currency: 'KRW',
  method: 'card',
  methodReference: 'tok_visa_4242',
};

export const sampleCancel: PaymentCancelRequested = {
  eventId: '7f1c2a56-9a53-4f57-9d0c-8c1c6f0f8a11',
  type: 'payment.cancel_requested',
  paymentId: samplePaymentId,
  merchantId: 'merchant-a',
  occurredAt: '2026-11-25T20:00:01.000Z',
  sequence: 2,
  reason: 'customer',
};
