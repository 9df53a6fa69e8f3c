import { describe, expect, it } from 'vitest';
import type { CaptureResult } from '../../pg-mock/contract.ts';
import {
  afterCapture,
  afterInquiry,
  cancelAfterInquiry,
  cancelAfterRefund,
  cancelAfterVoid,
  checkOrder,
  nextNaiveKey,
  type PaymentSnapshot,
  pgKeyFor,
  planFor,
} from './decide.ts';
import {
  sampleCancel as cancel,
  samplePaymentId as paymentId,
  sampleRequested as requested,
} from './testing/sample-events.ts';

const snap = (s: Partial<PaymentSnapshot>): PaymentSnapshot => ({
  state: 'requested',
  version: 0,
  captured: false,
  pgIdempotencyKey: null,
  pgTransactionId: null,
  ...s,
});
const result = (status: CaptureResult['status']): CaptureResult => ({
  transactionId: 'tx-1',
  paymentId,
  pgIdempotencyKey: pgKeyFor(paymentId),
  status,
  amount: 1000,
  currency: 'KRW',
});

describe('pg idempotency keys', () => {
  it('are derived from the payment, so every attempt of the robust worker reuses one key', () => {
    expect(pgKeyFor(paymentId)).toBe(`pay_${paymentId}_1`);
  });
  it('naive retries move to a fresh key each time', () => {
    expect(nextNaiveKey(paymentId, `pay_${paymentId}_1`)).toBe(`pay_${paymentId}_2`);
    expect(nextNaiveKey(paymentId, `pay_${paymentId}_9`)).toBe(`pay_${paymentId}_10`);
    expect(nextNaiveKey(paymentId, null)).toBe(`pay_${paymentId}_1`);
  });
});

describe('checkOrder', () => {
  it('lets the next expected event through, and older ones', () => {
    expect(checkOrder(1, 0)).toEqual({ kind: 'in-order' });
    expect(checkOrder(2, 1)).toEqual({ kind: 'in-order' });
    expect(checkOrder(1, 1)).toEqual({ kind: 'in-order' });
  });
  it('holds back a cancel that arrives before its payment was requested', () => {
    expect(checkOrder(2, 0)).toEqual({ kind: 'ahead', expected: 1 });
  });
});

describe('planFor a payment.requested event', () => {
  it('starts the charge from requested under the derived key', () => {
    expect(planFor(requested, snap({}), 'inquire-first')).toEqual({
      kind: 'start-capture',
      key: pgKeyFor(paymentId),
    });
  });
  it('resolves a payment left in processing by inquiry, with the recorded key', () => {
    const p = snap({ state: 'processing', pgIdempotencyKey: pgKeyFor(paymentId) });
    expect(planFor(requested, p, 'inquire-first')).toEqual({
      kind: 'resolve-by-inquiry',
      key: pgKeyFor(paymentId),
    });
  });
  it('naive: charges a payment left in processing again, under a new key', () => {
    const p = snap({ state: 'processing', pgIdempotencyKey: pgKeyFor(paymentId) });
    expect(planFor(requested, p, 'naive')).toEqual({ kind: 'recharge', key: pgKeyFor(paymentId, 2) });
  });
  it('does not charge once a cancel was requested', () => {
    expect(planFor(requested, snap({ state: 'cancel_requested' }), 'inquire-first').kind).toBe('skip');
  });
  it.each(['completed', 'failed'] as const)('skips a %s payment', (state) => {
    expect(planFor(requested, snap({ state }), 'inquire-first').kind).toBe('skip');
  });
  it('checks that a canceled payment whose charge may have been booked holds no live capture', () => {
    const p = snap({ state: 'canceled', pgIdempotencyKey: pgKeyFor(paymentId) });
    expect(planFor(requested, p, 'inquire-first')).toEqual({
      kind: 'verify-no-live-capture',
      key: pgKeyFor(paymentId),
    });
  });
  it('trust-not-found (naive): never looks again at a canceled payment', () => {
    const p = snap({ state: 'canceled', pgIdempotencyKey: pgKeyFor(paymentId) });
    expect(planFor(requested, p, 'inquire-first', 'trust-not-found').kind).toBe('skip');
  });
});

describe('planFor a payment.cancel_requested event', () => {
  it('cancels outright when no charge was ever attempted', () => {
    expect(planFor(cancel, snap({ state: 'cancel_requested' }), 'inquire-first')).toEqual({ kind: 'cancel' });
  });
  it('refunds a live capture before canceling', () => {
    const p = snap({
      state: 'cancel_requested',
      captured: true,
      pgTransactionId: 'tx-1',
      pgIdempotencyKey: 'k',
    });
    expect(planFor(cancel, p, 'inquire-first')).toEqual({
      kind: 'refund-then-cancel',
      transactionId: 'tx-1',
      key: 'k',
    });
  });
  it('reconcile: voids the key at the PG first when a charge was attempted but its outcome is not recorded', () => {
    const p = snap({ state: 'cancel_requested', pgIdempotencyKey: 'k' });
    expect(planFor(cancel, p, 'inquire-first')).toEqual({ kind: 'void-then-cancel', key: 'k' });
    expect(planFor(cancel, p, 'inquire-first', 'reconcile')).toEqual({ kind: 'void-then-cancel', key: 'k' });
  });
  it('trust-not-found (naive): only asks, and takes the answer as final', () => {
    const p = snap({ state: 'cancel_requested', pgIdempotencyKey: 'k' });
    expect(planFor(cancel, p, 'inquire-first', 'trust-not-found')).toEqual({
      kind: 'inquire-then-cancel',
      key: 'k',
    });
  });
  it('skips an already canceled payment', () => {
    expect(planFor(cancel, snap({ state: 'canceled' }), 'inquire-first').kind).toBe('skip');
  });
});

describe('planFor under the plan-changing naive twins', () => {
  const settled = (state: 'completed' | 'failed') =>
    snap({
      state,
      version: 2,
      captured: state === 'completed',
      pgIdempotencyKey: 'k',
      pgTransactionId: 'tx-1',
    });
  it("workerDedup=none: a settled payment's requested event is charged from scratch under its key", () => {
    for (const state of ['completed', 'failed'] as const) {
      expect(planFor(requested, settled(state), 'inquire-first', 'reconcile', { dedup: 'none' })).toEqual({
        kind: 'start-capture',
        key: 'k',
      });
      expect(
        planFor(requested, settled(state), 'inquire-first', 'reconcile', { dedup: 'processed-record' }).kind,
      ).toBe('skip');
    }
  });
  it('workerDedup=none: a canceled payment is still left alone', () => {
    expect(
      planFor(requested, snap({ state: 'canceled' }), 'inquire-first', 'reconcile', { dedup: 'none' }).kind,
    ).toBe('skip');
  });
  it('workerTransition=blind: a cancel event refunds and cancels a completed payment, cancels a failed one', () => {
    expect(
      planFor(cancel, settled('completed'), 'inquire-first', 'reconcile', { transition: 'blind' }),
    ).toEqual({
      kind: 'refund-then-cancel',
      transactionId: 'tx-1',
      key: 'k',
    });
    expect(planFor(cancel, settled('failed'), 'inquire-first', 'reconcile', { transition: 'blind' })).toEqual(
      {
        kind: 'void-then-cancel',
        key: 'k',
      },
    );
    expect(
      planFor(cancel, settled('completed'), 'inquire-first', 'reconcile', { transition: 'conditional' }).kind,
    ).toBe('skip');
  });
});

describe('afterCapture', () => {
  it('settles completed on a capture and failed on a decline (final)', () => {
    expect(afterCapture({ kind: 'captured', result: result('captured') }, 'inquire-first')).toMatchObject({
      kind: 'settle',
      to: 'completed',
    });
    expect(afterCapture({ kind: 'declined', result: result('declined') }, 'naive')).toMatchObject({
      kind: 'settle',
      to: 'failed',
    });
  });
  it('retries a rejection no sooner than the PG asked', () => {
    expect(afterCapture({ kind: 'rejected', reason: '503', retryAfterMs: 2000 }, 'inquire-first')).toEqual({
      kind: 'retry',
      reason: 'pg rejected: 503',
      minDelayMs: 2000,
    });
  });
  it('inquire-first: an unknown outcome leads to an inquiry, never straight to a new charge', () => {
    expect(afterCapture({ kind: 'unknown', reason: 'timeout', detail: '' }, 'inquire-first')).toEqual({
      kind: 'inquire',
    });
  });
  it('naive: an unknown outcome goes straight to a retry', () => {
    expect(afterCapture({ kind: 'unknown', reason: 'timeout', detail: '' }, 'naive').kind).toBe('retry');
  });
});

describe('afterInquiry', () => {
  it('settles from what the PG recorded', () => {
    expect(afterInquiry({ kind: 'found', result: result('captured') })).toMatchObject({
      kind: 'settle',
      to: 'completed',
    });
    expect(afterInquiry({ kind: 'found', result: result('declined') })).toMatchObject({
      kind: 'settle',
      to: 'failed',
    });
  });
  it('allows a new charge under the same key only when the PG never saw the key', () => {
    expect(afterInquiry({ kind: 'not-found' })).toEqual({ kind: 'charge-again' });
  });
  it('retries when the inquiry itself has no answer', () => {
    expect(afterInquiry({ kind: 'unknown', reason: 'timeout', detail: '' }).kind).toBe('retry');
  });
});

describe('cancel steps', () => {
  it('refunds what the inquiry found captured, cancels otherwise', () => {
    expect(cancelAfterInquiry({ kind: 'found', result: result('captured') })).toEqual({
      kind: 'refund',
      transactionId: 'tx-1',
    });
    expect(cancelAfterInquiry({ kind: 'not-found' })).toEqual({ kind: 'cancel' });
    expect(cancelAfterInquiry({ kind: 'found', result: result('declined') }).kind).toBe('cancel');
    expect(cancelAfterInquiry({ kind: 'unknown', reason: 'timeout', detail: '' }).kind).toBe('retry');
  });
  it('after a void: cancels when nothing was booked, refunds a booked live capture, retries without an answer', () => {
    expect(cancelAfterVoid({ kind: 'voided' })).toEqual({ kind: 'cancel' });
    expect(cancelAfterVoid({ kind: 'booked', result: result('captured') })).toEqual({
      kind: 'refund',
      transactionId: 'tx-1',
    });
    expect(cancelAfterVoid({ kind: 'booked', result: result('declined') }).kind).toBe('cancel');
    expect(cancelAfterVoid({ kind: 'unknown', reason: 'timeout', detail: '' }).kind).toBe('retry');
    expect(cancelAfterVoid({ kind: 'rejected', reason: '503', retryAfterMs: 2000 })).toMatchObject({
      kind: 'retry',
      minDelayMs: 2000,
    });
  });
  it('cancels only after the refund is confirmed', () => {
    expect(cancelAfterRefund({ kind: 'refunded', result: result('refunded') }).kind).toBe('cancel');
    expect(cancelAfterRefund({ kind: 'unknown', reason: 'connection-reset', detail: '' }).kind).toBe('retry');
    expect(cancelAfterRefund({ kind: 'rejected', reason: '503', retryAfterMs: 1000 })).toMatchObject({
      kind: 'retry',
      minDelayMs: 1000,
    });
  });
});
