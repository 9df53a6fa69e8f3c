/**
 * The event processor's races and knobs with a scripted PG and a small in-memory store that keeps
 * the same rules as the SQL (conditional on state and version; the processed-event record commits
 * with the change or not at all). The real SQL is exercised in the *.int.test.ts files.
 */
import { describe, expect, it } from 'vitest';
import type { CaptureRequest, CaptureResult } from '../../pg-mock/contract.ts';
import type { WorkerCancelMode, WorkerGuardMode, WorkerPgRetryMode } from '../config.ts';
import type {
  CaptureOutcome,
  InquiryOutcome,
  PgClient,
  RefundOutcome,
  VoidOutcome,
} from '../gateway/pg-client-types.ts';
import type { WorkerPayment } from './payment-record.ts';
import { makeEventProcessor, type WorkerStore } from './process-event.ts';
import type { TransitionInput } from './sql/transition-payment.ts';
import {
  sampleCancel as cancel,
  samplePaymentId as paymentId,
  sampleRequested as requested,
} from './testing/sample-events.ts';

function memoryStore(initial: Partial<WorkerPayment> = {}) {
  const payment: WorkerPayment = {
    id: paymentId,
    orderId: 'o-1',
    amount: 1000,
    currency: 'KRW',
    method: 'card',
    methodReference: 'tok',
    createdAt: new Date(0),
    state: 'requested',
    version: 0,
    captured: false,
    pgIdempotencyKey: null,
    pgTransactionId: null,
    ...initial,
  };
  const processed = new Set<string>();
  const transitions: string[] = [];
  const store: WorkerStore = {
    load: async (_id, eventId) => ({
      payment: { ...payment },
      alreadyProcessed: processed.has(eventId),
      processedEvents: processed.size,
    }),
    transition: async (input: TransitionInput) => {
      if (input.processedEvent && processed.has(input.processedEvent.eventId)) return { kind: 'duplicate' };
      if (payment.state !== input.from || payment.version !== input.version) return { kind: 'conflict' };
      if (input.processedEvent) processed.add(input.processedEvent.eventId);
      Object.assign(payment, { state: input.to, version: payment.version + 1 });
      const s = input.set ?? {};
      if (s.pgIdempotencyKey !== undefined) payment.pgIdempotencyKey = s.pgIdempotencyKey;
      if (s.pgTransactionId !== undefined) payment.pgTransactionId = s.pgTransactionId;
      if (s.captured !== undefined) payment.captured = s.captured;
      transitions.push(`${input.from}->${input.to}`);
      return { kind: 'applied', payment: { ...payment } };
    },
    recordProcessed: async (event) => {
      if (processed.has(event.eventId)) return false;
      processed.add(event.eventId);
      return true;
    },
  };
  return { store, payment, processed, transitions };
}

const result = (key: string, status: CaptureResult['status'] = 'captured'): CaptureResult => ({
  transactionId: `tx-${key}`,
  paymentId,
  pgIdempotencyKey: key,
  status,
  amount: 1000,
  currency: 'KRW',
});

/** A PG that answers from a script, and keeps a ledger of what it really booked. */
function scriptedPg(script: {
  capture?: ((req: CaptureRequest) => CaptureOutcome)[];
  inquire?: InquiryOutcome[];
  refund?: RefundOutcome[];
  void?: VoidOutcome[];
  beforeCaptureAnswer?: () => void;
}) {
  const calls: string[] = [];
  const pg: PgClient = {
    capture: async (req) => {
      calls.push(`capture ${req.pgIdempotencyKey}`);
      const answer = (
        script.capture?.shift() ??
        ((r: CaptureRequest) => ({ kind: 'captured', result: result(r.pgIdempotencyKey) }))
      )(req);
      script.beforeCaptureAnswer?.();
      return answer;
    },
    inquire: async (key) => {
      calls.push(`inquire ${key}`);
      return script.inquire?.shift() ?? { kind: 'not-found' };
    },
    refund: async (tx) => {
      calls.push(`refund ${tx}`);
      return script.refund?.shift() ?? { kind: 'refunded', result: result('k', 'refunded') };
    },
    voidCapture: async (key) => {
      calls.push(`void ${key}`);
      return script.void?.shift() ?? { kind: 'voided' };
    },
  };
  return { pg, calls };
}

function processor(
  store: WorkerStore,
  pg: PgClient,
  pgRetry: WorkerPgRetryMode = 'inquire-first',
  guard: WorkerGuardMode = 'processed-in-transaction',
  cancelMode: WorkerCancelMode = 'reconcile',
) {
  const counts: Record<string, number> = {};
  const add = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  const run = makeEventProcessor({ workerId: 'w', pgRetry, guard, cancel: cancelMode }, store, pg, {
    duplicate: () => add('duplicate'),
    reorder: () => add('reorder'),
    unknownOutcome: (op) => add(`unknown:${op}`),
    settled: (state) => add(`settled:${state}`),
  });
  return { run, counts };
}

const key1 = `pay_${paymentId}_1`;

describe('event processor', () => {
  it('when the capture times out, then it inquires with the same key and settles from the answer', async () => {
    const m = memoryStore();
    const { pg, calls } = scriptedPg({
      capture: [() => ({ kind: 'unknown', reason: 'timeout', detail: '' })],
      inquire: [{ kind: 'found', result: result(key1) }],
    });
    const { run, counts } = processor(m.store, pg);
    expect(await run(requested)).toEqual({ kind: 'done', outcome: 'completed' });
    expect(calls).toEqual([`capture ${key1}`, `inquire ${key1}`]);
    expect(counts['unknown:capture']).toBe(1);
    expect(m.payment).toMatchObject({ state: 'completed', captured: true, pgTransactionId: `tx-${key1}` });
  });

  it('naive: the same timeout is retried later, and the retry charges under a new key', async () => {
    const m = memoryStore();
    const { pg, calls } = scriptedPg({
      capture: [() => ({ kind: 'unknown', reason: 'timeout', detail: '' })],
    });
    const { run } = processor(m.store, pg, 'naive');
    expect((await run(requested)).kind).toBe('retry');
    expect(await run(requested)).toEqual({ kind: 'done', outcome: 'completed' });
    expect(calls).toEqual([`capture ${key1}`, `capture pay_${paymentId}_2`]);
  });

  it('a second delivery after completion is a counted duplicate with no PG call', async () => {
    const m = memoryStore();
    const { pg, calls } = scriptedPg({});
    const { run, counts } = processor(m.store, pg);
    await run(requested);
    expect(await run(requested)).toEqual({ kind: 'duplicate' });
    expect(calls).toHaveLength(1);
    expect(counts.duplicate).toBe(1);
  });

  it('when a cancel lands while the charge is in flight, then the capture is recorded for the cancel to refund', async () => {
    const m = memoryStore();
    const { pg } = scriptedPg({
      // The API's cancel commits while the PG is answering.
      beforeCaptureAnswer: () =>
        Object.assign(m.payment, { state: 'cancel_requested', version: m.payment.version + 1 }),
    });
    const { run } = processor(m.store, pg);
    expect(await run(requested)).toEqual({ kind: 'done', outcome: 'captured while cancel requested' });
    expect(m.payment).toMatchObject({
      state: 'cancel_requested',
      captured: true,
      pgTransactionId: `tx-${key1}`,
    });
    const after = scriptedPg({});
    const cancelRun = processor(m.store, after.pg).run;
    expect(await cancelRun(cancel)).toEqual({ kind: 'done', outcome: 'canceled' });
    expect(after.calls).toEqual([`refund tx-${key1}`]);
    expect(m.payment).toMatchObject({ state: 'canceled', captured: false });
  });

  it('when the cancel finished first and a late capture lands, then the orphan capture is refunded', async () => {
    const m = memoryStore();
    const { pg, calls } = scriptedPg({
      beforeCaptureAnswer: () =>
        Object.assign(m.payment, { state: 'canceled', version: m.payment.version + 2 }),
    });
    const { run } = processor(m.store, pg);
    expect((await run(requested)).kind).toBe('done');
    expect(calls).toEqual([`capture ${key1}`, `refund tx-${key1}`]);
  });

  it('reconcile: a cancel whose capture outcome is unknown voids the key, refunds what it booked, then cancels', async () => {
    const m = memoryStore({ state: 'cancel_requested', pgIdempotencyKey: key1, version: 3 });
    m.processed.add(requested.eventId);
    const { pg, calls } = scriptedPg({ void: [{ kind: 'booked', result: result(key1) }] });
    const { run } = processor(m.store, pg);
    expect(await run(cancel)).toEqual({ kind: 'done', outcome: 'canceled' });
    expect(calls).toEqual([`void ${key1}`, `refund tx-${key1}`]);
  });

  it('reconcile: when the void finds nothing booked, it cancels with no refund (the PG now refuses that key)', async () => {
    const m = memoryStore({ state: 'cancel_requested', pgIdempotencyKey: key1, version: 3 });
    m.processed.add(requested.eventId);
    const { pg, calls } = scriptedPg({});
    const { run } = processor(m.store, pg);
    expect(await run(cancel)).toEqual({ kind: 'done', outcome: 'canceled' });
    expect(calls).toEqual([`void ${key1}`]);
  });

  it('trust-not-found (naive): the cancel asks once and cancels on not-found, closing nothing', async () => {
    const m = memoryStore({ state: 'cancel_requested', pgIdempotencyKey: key1, version: 3 });
    m.processed.add(requested.eventId);
    const { pg, calls } = scriptedPg({ inquire: [{ kind: 'not-found' }] });
    const { run } = processor(m.store, pg, 'inquire-first', 'processed-in-transaction', 'trust-not-found');
    expect(await run(cancel)).toEqual({ kind: 'done', outcome: 'canceled' });
    expect(calls).toEqual([`inquire ${key1}`]);
  });

  it('a cancel that arrives before its request was applied is held back as a reorder', async () => {
    const m = memoryStore({ state: 'cancel_requested' });
    const { pg, calls } = scriptedPg({});
    const { run, counts } = processor(m.store, pg);
    expect(await run(cancel)).toMatchObject({ kind: 'retry', reason: expect.stringContaining('reorder') });
    expect(counts.reorder).toBe(1);
    expect(calls).toHaveLength(0);
    expect(await run(requested)).toMatchObject({ kind: 'done', outcome: expect.stringContaining('skipped') });
    expect(await run(cancel)).toEqual({ kind: 'done', outcome: 'canceled' });
    expect(calls).toHaveLength(0);
  });

  it('guard-before-process: after a transient failure the retry hits its own guard and the payment stays processing', async () => {
    const m = memoryStore();
    const { pg } = scriptedPg({ capture: [() => ({ kind: 'rejected', reason: '503', retryAfterMs: 1000 })] });
    const { run, counts } = processor(m.store, pg, 'inquire-first', 'guard-before-process');
    expect((await run(requested)).kind).toBe('retry');
    expect(await run(requested)).toEqual({ kind: 'duplicate' });
    expect(counts.duplicate).toBe(1);
    expect(m.payment.state).toBe('processing');
  });
});
