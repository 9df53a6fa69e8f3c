/**
 * What the worker does, as pure functions of (event, payment as stored, PG outcome, knobs).
 * process-event.ts executes these decisions; keeping them here lets every branch — including the
 * naive knobs — be tested with literal inputs.
 */
import type { StrategyKnobs, WorkerCancelMode, WorkerPgRetryMode } from '../config.ts';
import type { CaptureResult } from '../../pg-mock/contract.ts';
import type { PaymentEvent, PaymentState } from '../domain/events.ts';
import type {
  CaptureOutcome,
  InquiryOutcome,
  RefundOutcome,
  VoidOutcome,
} from '../gateway/pg-client-types.ts';

export interface PaymentSnapshot {
  state: PaymentState;
  version: number;
  captured: boolean;
  pgIdempotencyKey: string | null;
  pgTransactionId: string | null;
}

/** The PG idempotency key of the n-th charge attempt. The robust worker only ever uses n = 1. */
export function pgKeyFor(paymentId: string, attempt = 1): string {
  return `pay_${paymentId}_${attempt}`;
}

/** naive: every blind retry charges under a fresh key — which is why the PG books it again. */
export function nextNaiveKey(paymentId: string, currentKey: string | null): string {
  const match = currentKey ? /_(\d+)$/.exec(currentKey) : null;
  const attempt = match?.[1] ? Number(match[1]) + 1 : 1;
  return pgKeyFor(paymentId, attempt);
}

export type OrderCheck = { kind: 'in-order' } | { kind: 'ahead'; expected: number };

/**
 * Events of one payment carry sequence 1, 2, …; the worker has applied `applied` of them.
 * An event whose predecessors are not applied yet came too early (a reorder) and must wait.
 */
export function checkOrder(sequence: number, applied: number): OrderCheck {
  return sequence > applied + 1 ? { kind: 'ahead', expected: applied + 1 } : { kind: 'in-order' };
}

export type Plan =
  /** Nothing to do for this event in this state: record it processed, change nothing. */
  | { kind: 'skip'; reason: string }
  /** requested → processing with the key recorded (the recovery point), then capture. */
  | { kind: 'start-capture'; key: string }
  /** Found processing: a previous attempt may have charged. Ask the PG before anything else. */
  | { kind: 'resolve-by-inquiry'; key: string }
  /** naive: found processing, charge again blindly under a new key. */
  | { kind: 'recharge'; key: string }
  /** A payment that was canceled while a charge may have been booked: make sure none stays live. */
  | { kind: 'verify-no-live-capture'; key: string }
  | { kind: 'refund-then-cancel'; transactionId: string; key: string }
  /** reconcile: close the key at the PG first, so a capture still on its way can never land;
   *  then refund what was booked, if anything, and cancel. */
  | { kind: 'void-then-cancel'; key: string }
  /** trust-not-found (naive): ask the PG once; "not found" is taken as final. */
  | { kind: 'inquire-then-cancel'; key: string }
  | { kind: 'cancel' };

/** The two naive twins that change what a delivery plans, not only how its writes are guarded. */
export interface PlanShortcuts {
  dedup?: StrategyKnobs['workerDedup'];
  transition?: StrategyKnobs['workerTransition'];
}

export function planFor(
  event: PaymentEvent,
  payment: PaymentSnapshot,
  pgRetry: WorkerPgRetryMode,
  cancelMode: WorkerCancelMode = 'reconcile',
  shortcuts: PlanShortcuts = {},
): Plan {
  if (event.type === 'payment.requested') {
    if (shortcuts.dedup === 'none' && (payment.state === 'completed' || payment.state === 'failed')) {
      // No idempotency record (the naive twin): the handler cannot tell a redelivery from a new
      // request, so it charges from scratch — back to processing, capture under the payment's
      // key (the PG answers with what it booked), settle again. "Already settled" is the question
      // the processed-event record answers; without it nothing asks it. A canceled payment is
      // still left alone: the original handler checked the cancel flag, not the history.
      return { kind: 'start-capture', key: payment.pgIdempotencyKey ?? pgKeyFor(event.paymentId) };
    }
    switch (payment.state) {
      case 'requested':
        return { kind: 'start-capture', key: pgKeyFor(event.paymentId) };
      case 'processing':
        if (pgRetry === 'naive')
          return { kind: 'recharge', key: nextNaiveKey(event.paymentId, payment.pgIdempotencyKey) };
        return { kind: 'resolve-by-inquiry', key: payment.pgIdempotencyKey ?? pgKeyFor(event.paymentId) };
      case 'cancel_requested':
        // The cancel event that follows settles it (refund or cancel); charging now would be wrong.
        return { kind: 'skip', reason: 'cancel requested before the charge' };
      case 'canceled':
        if (payment.pgIdempotencyKey && !payment.captured && cancelMode === 'reconcile') {
          return { kind: 'verify-no-live-capture', key: payment.pgIdempotencyKey };
        }
        return { kind: 'skip', reason: 'payment already canceled' };
      case 'completed':
      case 'failed':
        return { kind: 'skip', reason: `payment already ${payment.state}` };
    }
  }
  // No state precondition (the naive twin): the cancel handler applies the cancel the API
  // accepted to whatever the payment is in now — a settle that overwrote the cancel request
  // left it completed or failed — refunding what is captured and writing canceled over it.
  const state =
    shortcuts.transition === 'blind' && (payment.state === 'completed' || payment.state === 'failed')
      ? 'cancel_requested'
      : payment.state;
  switch (state) {
    case 'cancel_requested':
      if (payment.captured && payment.pgTransactionId) {
        return {
          kind: 'refund-then-cancel',
          transactionId: payment.pgTransactionId,
          key: payment.pgIdempotencyKey ?? pgKeyFor(event.paymentId),
        };
      }
      if (payment.pgIdempotencyKey) {
        // A capture the worker gave up on may still be on its way to the PG (in its latency, on a
        // slow link): an inquiry answering "not found" now says nothing about a second from now.
        return cancelMode === 'reconcile'
          ? { kind: 'void-then-cancel', key: payment.pgIdempotencyKey }
          : { kind: 'inquire-then-cancel', key: payment.pgIdempotencyKey };
      }
      return { kind: 'cancel' };
    case 'canceled':
      return { kind: 'skip', reason: 'payment already canceled' };
    default:
      return { kind: 'skip', reason: `cancel event found the payment ${payment.state}` };
  }
}

export type Retry = { kind: 'retry'; reason: string; minDelayMs?: number };

export type AfterCapture =
  { kind: 'settle'; to: 'completed' | 'failed'; result: CaptureResult } | { kind: 'inquire' } | Retry;

export function afterCapture(outcome: CaptureOutcome, pgRetry: WorkerPgRetryMode): AfterCapture {
  switch (outcome.kind) {
    case 'captured':
      return { kind: 'settle', to: 'completed', result: outcome.result };
    case 'declined':
      return { kind: 'settle', to: 'failed', result: outcome.result };
    case 'rejected':
      return retry(`pg rejected: ${outcome.reason}`, outcome.retryAfterMs);
    case 'unknown':
      // inquire-first asks at once; naive leaves it to the retry, which will charge again.
      return pgRetry === 'inquire-first'
        ? { kind: 'inquire' }
        : retry(`pg outcome unknown: ${outcome.reason}`);
  }
}

export type AfterInquiry =
  | { kind: 'settle'; to: 'completed' | 'failed'; result: CaptureResult }
  /** The PG never saw the key: charging again with the SAME key is safe. */
  | { kind: 'charge-again' }
  | Retry;

export function afterInquiry(outcome: InquiryOutcome): AfterInquiry {
  switch (outcome.kind) {
    case 'found':
      if (outcome.result.status === 'captured')
        return { kind: 'settle', to: 'completed', result: outcome.result };
      // declined, or refunded already (nothing live): either way the charge did not stick.
      return { kind: 'settle', to: 'failed', result: outcome.result };
    case 'not-found':
      return { kind: 'charge-again' };
    case 'unknown':
      return retry(`pg inquiry unknown: ${outcome.reason}`);
  }
}

export type CancelStep =
  { kind: 'refund'; transactionId: string } | { kind: 'cancel'; result?: CaptureResult } | Retry;

/** inquire-then-cancel: what the inquiry says about the key decides between refund and a plain cancel. */
export function cancelAfterInquiry(outcome: InquiryOutcome): CancelStep {
  switch (outcome.kind) {
    case 'found':
      if (outcome.result.status === 'captured')
        return { kind: 'refund', transactionId: outcome.result.transactionId };
      return { kind: 'cancel', result: outcome.result };
    case 'not-found':
      return { kind: 'cancel' };
    case 'unknown':
      return retry(`pg inquiry unknown: ${outcome.reason}`);
  }
}

/** void-then-cancel: the key is closed; refund what it booked, if that is live. */
export function cancelAfterVoid(outcome: VoidOutcome): CancelStep {
  switch (outcome.kind) {
    case 'voided':
      return { kind: 'cancel' };
    case 'booked':
      if (outcome.result.status === 'captured')
        return { kind: 'refund', transactionId: outcome.result.transactionId };
      return { kind: 'cancel', result: outcome.result };
    case 'rejected':
      return retry(`pg void rejected: ${outcome.reason}`, outcome.retryAfterMs);
    case 'unknown':
      // A void is idempotent per key, so repeating one is safe.
      return retry(`pg void unknown: ${outcome.reason}`);
  }
}

export function cancelAfterRefund(outcome: RefundOutcome): CancelStep {
  switch (outcome.kind) {
    case 'refunded':
      return { kind: 'cancel', result: outcome.result };
    case 'rejected':
      return retry(`pg refund rejected: ${outcome.reason}`, outcome.retryAfterMs);
    case 'unknown':
      // Refunds are idempotent per transaction at the PG, so retrying one is safe.
      return retry(`pg refund unknown: ${outcome.reason}`);
  }
}

function retry(reason: string, minDelayMs?: number): Retry {
  return minDelayMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, minDelayMs };
}
