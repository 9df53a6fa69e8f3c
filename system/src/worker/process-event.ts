/**
 * Processing one validated event: the use case, read top to bottom. Decisions come from
 * decide.ts; this file only executes them against the store and the PG, and it never calls the
 * PG inside a transaction — each DB step commits before the next PG call starts.
 *
 * At-most-once in effect: the processed-event record commits in the same transaction as the
 * state change (unless the naive guard-before-process knob is set), every state change is
 * conditional on state and version, and every PG charge for a payment reuses one key.
 */
import type { CaptureResult } from '../../pg-mock/contract.ts';
import type { StrategyKnobs, WorkerCancelMode, WorkerGuardMode, WorkerPgRetryMode } from '../config.ts';
import type { PaymentEvent } from '../domain/events.ts';
import type { PgClient } from '../gateway/pg-client-types.ts';
import {
  afterCapture,
  afterInquiry,
  cancelAfterInquiry,
  cancelAfterRefund,
  cancelAfterVoid,
  type CancelStep,
  checkOrder,
  type Plan,
  planFor,
  type Retry,
} from './decide.ts';
import type { WorkerPayment } from './payment-record.ts';
import type { LoadedPayment } from './sql/load-payment.ts';
import type { ProcessedEvent } from './sql/record-processed-event.ts';
import type { TransitionInput, TransitionResult } from './sql/transition-payment.ts';

export interface WorkerStore {
  load(paymentId: string, eventId: string): Promise<LoadedPayment>;
  transition(input: TransitionInput): Promise<TransitionResult>;
  recordProcessed(event: ProcessedEvent): Promise<boolean>;
}

export interface ProcessObserver {
  duplicate(): void;
  /** An event arrived before an earlier event of its payment was applied. */
  reorder(): void;
  unknownOutcome(operation: 'capture' | 'inquiry' | 'refund' | 'void'): void;
  settled(state: 'completed' | 'failed' | 'canceled', endToEndSeconds: number): void;
}

export interface ProcessOptions {
  workerId: string;
  pgRetry: WorkerPgRetryMode;
  guard: WorkerGuardMode;
  cancel: WorkerCancelMode;
  /** Naive twins that change the plan (decide.ts PlanShortcuts); robust when absent. */
  dedup?: StrategyKnobs['workerDedup'];
  transition?: StrategyKnobs['workerTransition'];
}

export type ProcessOutcome = { kind: 'done'; outcome: string } | { kind: 'duplicate' } | Retry;

/** How often a plan is re-made when the payment changed under us (a concurrent cancel) before retrying later. */
const MAX_REPLANS = 4;

export function makeEventProcessor(
  options: ProcessOptions,
  store: WorkerStore,
  pg: PgClient,
  observer: ProcessObserver,
  now: () => number = Date.now,
): (event: PaymentEvent) => Promise<ProcessOutcome> {
  const guardFirst = options.guard === 'guard-before-process';
  const changedBy = `worker:${options.workerId}`;
  const shortcuts = { dedup: options.dedup, transition: options.transition };

  function processed(event: PaymentEvent): ProcessedEvent | undefined {
    // guard-before-process already wrote it; robust mode writes it with the change.
    return guardFirst ? undefined : { eventId: event.eventId, paymentId: event.paymentId, type: event.type };
  }

  async function skip(event: PaymentEvent, reason: string): Promise<ProcessOutcome> {
    const record = processed(event);
    if (record && !(await store.recordProcessed(record))) {
      observer.duplicate();
      return { kind: 'duplicate' };
    }
    return { kind: 'done', outcome: `skipped: ${reason}` };
  }

  function settledNow(payment: WorkerPayment, state: 'completed' | 'failed' | 'canceled'): void {
    observer.settled(state, Math.max(0, (now() - payment.createdAt.getTime()) / 1000));
  }

  async function settle(
    event: PaymentEvent,
    payment: WorkerPayment,
    to: 'completed' | 'failed',
    result: CaptureResult,
  ): Promise<ProcessOutcome | 'conflict'> {
    const applied = await store.transition({
      paymentId: payment.id,
      from: 'processing',
      to,
      version: payment.version,
      set:
        to === 'completed'
          ? { captured: true, pgTransactionId: result.transactionId }
          : {
              pgTransactionId: result.transactionId,
              errorCode: 'PG_DECLINED',
              errorMessage: result.declineReason ?? 'declined',
            },
      reason: to === 'completed' ? 'captured at the PG' : 'declined by the PG',
      pgResponse: result,
      processedEvent: processed(event),
      changedBy,
    });
    if (applied.kind === 'applied') {
      settledNow(applied.payment, to);
      return { kind: 'done', outcome: to };
    }
    if (applied.kind === 'duplicate') {
      observer.duplicate();
      return { kind: 'duplicate' };
    }
    return to === 'completed' ? captureLandedElsewhere(event, result) : 'conflict';
  }

  /**
   * The capture succeeded but the payment moved on meanwhile (a cancel came in). The money is
   * real, so it must be recorded or given back — never dropped.
   */
  async function captureLandedElsewhere(
    event: PaymentEvent,
    result: CaptureResult,
  ): Promise<ProcessOutcome | 'conflict'> {
    const { payment } = await store.load(event.paymentId, event.eventId);
    if (!payment) return { kind: 'retry', reason: 'payment vanished after capture' };
    if (payment.state === 'cancel_requested') {
      // Record the capture; the cancel event refunds it.
      const applied = await store.transition({
        paymentId: payment.id,
        from: 'cancel_requested',
        to: 'cancel_requested',
        version: payment.version,
        set: { captured: true, pgTransactionId: result.transactionId },
        reason: 'capture landed after the cancel request; the cancel refunds it',
        pgResponse: result,
        processedEvent: processed(event),
        changedBy,
      });
      if (applied.kind === 'duplicate') {
        observer.duplicate();
        return { kind: 'duplicate' };
      }
      return applied.kind === 'applied'
        ? { kind: 'done', outcome: 'captured while cancel requested' }
        : 'conflict';
    }
    if (payment.state === 'canceled' && !payment.captured)
      return refundOrphan(event, result.transactionId, result);
    // Completed or failed by another delivery of this event that raced us: same key, so same capture.
    return skip(event, `payment already ${payment.state}`);
  }

  async function refundOrphan(
    event: PaymentEvent,
    transactionId: string,
    result: CaptureResult,
  ): Promise<ProcessOutcome> {
    const refund = await pg.refund(transactionId, result.pgIdempotencyKey);
    if (refund.kind === 'unknown') observer.unknownOutcome('refund');
    const step = cancelAfterRefund(refund);
    if (step.kind === 'retry') return step;
    return skip(event, 'refunded a capture that landed after the payment was canceled');
  }

  async function capture(
    event: PaymentEvent,
    payment: WorkerPayment,
    key: string,
  ): Promise<ProcessOutcome | 'conflict'> {
    const outcome = await pg.capture({
      paymentId: payment.id,
      orderId: payment.orderId,
      pgIdempotencyKey: key,
      amount: payment.amount,
      currency: payment.currency,
      method: payment.method,
      methodReference: payment.methodReference,
    });
    if (outcome.kind === 'unknown') observer.unknownOutcome('capture');
    const next = afterCapture(outcome, options.pgRetry);
    if (next.kind === 'retry') return next;
    if (next.kind === 'settle') return settle(event, payment, next.to, next.result);
    return inquireAndSettle(event, payment, key, false);
  }

  async function inquireAndSettle(
    event: PaymentEvent,
    payment: WorkerPayment,
    key: string,
    mayChargeAgain: boolean,
  ): Promise<ProcessOutcome | 'conflict'> {
    const inquiry = await pg.inquire(key);
    if (inquiry.kind === 'unknown') observer.unknownOutcome('inquiry');
    const next = afterInquiry(inquiry);
    if (next.kind === 'retry') return next;
    if (next.kind === 'settle') return settle(event, payment, next.to, next.result);
    // Not found right after our own unknown capture: charge again, but from the retry topic, with backoff.
    if (!mayChargeAgain)
      return { kind: 'retry', reason: 'pg has no record of the charge; charging again later' };
    return capture(event, payment, key);
  }

  async function cancel(
    event: PaymentEvent,
    payment: WorkerPayment,
    reason: string,
    pgResponse?: CaptureResult,
  ): Promise<ProcessOutcome | 'conflict'> {
    const applied = await store.transition({
      paymentId: payment.id,
      from: 'cancel_requested',
      to: 'canceled',
      version: payment.version,
      set: { captured: false },
      reason,
      pgResponse,
      processedEvent: processed(event),
      changedBy,
    });
    if (applied.kind === 'applied') {
      settledNow(applied.payment, 'canceled');
      return { kind: 'done', outcome: 'canceled' };
    }
    if (applied.kind === 'duplicate') {
      observer.duplicate();
      return { kind: 'duplicate' };
    }
    return 'conflict';
  }

  async function cancelStep(
    event: PaymentEvent,
    payment: WorkerPayment,
    step: CancelStep,
    key: string,
  ): Promise<ProcessOutcome | 'conflict'> {
    if (step.kind === 'retry') return step;
    if (step.kind === 'cancel')
      return cancel(event, payment, 'canceled before any live capture', step.result);
    const refund = await pg.refund(step.transactionId, key);
    if (refund.kind === 'unknown') observer.unknownOutcome('refund');
    const after = cancelAfterRefund(refund);
    if (after.kind === 'retry') return after;
    if (after.kind === 'refund') throw new Error('a refund answer cannot ask for another refund');
    return cancel(event, payment, 'refunded at the PG, then canceled', after.result);
  }

  async function execute(
    event: PaymentEvent,
    payment: WorkerPayment,
    plan: Plan,
  ): Promise<ProcessOutcome | 'conflict'> {
    switch (plan.kind) {
      case 'skip':
        return skip(event, plan.reason);
      case 'start-capture':
      case 'recharge': {
        // The recovery point: the key is committed before the PG hears of it.
        const started = await store.transition({
          paymentId: payment.id,
          from: payment.state,
          to: 'processing',
          version: payment.version,
          set: { pgIdempotencyKey: plan.key },
          reason:
            plan.kind === 'recharge' ? 'charging again under a new key (naive retry)' : 'charging at the PG',
          changedBy,
        });
        if (started.kind !== 'applied') return 'conflict';
        return capture(event, started.payment, plan.key);
      }
      case 'resolve-by-inquiry':
        return inquireAndSettle(event, payment, plan.key, true);
      case 'verify-no-live-capture': {
        // Closing the key (not just asking) also covers a capture still on its way.
        const voided = await pg.voidCapture(plan.key);
        if (voided.kind === 'unknown') observer.unknownOutcome('void');
        const step = cancelAfterVoid(voided);
        if (step.kind === 'retry') return step;
        if (step.kind === 'refund' && voided.kind === 'booked')
          return refundOrphan(event, step.transactionId, voided.result);
        return skip(event, 'payment already canceled, no live capture');
      }
      case 'refund-then-cancel':
        return cancelStep(event, payment, { kind: 'refund', transactionId: plan.transactionId }, plan.key);
      case 'void-then-cancel': {
        const voided = await pg.voidCapture(plan.key);
        if (voided.kind === 'unknown') observer.unknownOutcome('void');
        return cancelStep(event, payment, cancelAfterVoid(voided), plan.key);
      }
      case 'inquire-then-cancel': {
        const inquiry = await pg.inquire(plan.key);
        if (inquiry.kind === 'unknown') observer.unknownOutcome('inquiry');
        return cancelStep(event, payment, cancelAfterInquiry(inquiry), plan.key);
      }
      case 'cancel':
        return cancel(event, payment, 'canceled before any charge');
    }
  }

  return async (event) => {
    if (guardFirst) {
      // The original service's way: the guard commits on its own, before the work. If the work
      // then fails, every redelivery finds the guard and is dropped — the payment is stuck.
      const fresh = await store.recordProcessed({
        eventId: event.eventId,
        paymentId: event.paymentId,
        type: event.type,
      });
      if (!fresh) {
        observer.duplicate();
        return { kind: 'duplicate' };
      }
    }
    for (let round = 0; round < MAX_REPLANS; round++) {
      const loaded = await store.load(event.paymentId, event.eventId);
      if (!guardFirst && loaded.alreadyProcessed) {
        observer.duplicate();
        return { kind: 'duplicate' };
      }
      if (!loaded.payment) return { kind: 'retry', reason: 'payment not found' };
      // The guard row of this very event is already counted in guard-before-process mode.
      const applied = guardFirst ? loaded.processedEvents - 1 : loaded.processedEvents;
      const order = checkOrder(event.sequence, applied);
      if (order.kind === 'ahead') {
        observer.reorder();
        return { kind: 'retry', reason: `reorder: sequence ${event.sequence} before ${order.expected}` };
      }
      const plan = planFor(event, loaded.payment, options.pgRetry, options.cancel, shortcuts);
      const result = await execute(event, loaded.payment, plan);
      if (result !== 'conflict') return result;
    }
    return { kind: 'retry', reason: 'payment kept changing while being processed' };
  };
}
