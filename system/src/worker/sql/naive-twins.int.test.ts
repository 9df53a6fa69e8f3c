/**
 * The two SQL-level naive twins against the real database: what a stale delivery or a
 * redelivery does to a payment under each mode. The robust statements refuse; the naive ones
 * write what the checker's terminal-stable and duplicate-effect checks look for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../testing/stack.ts';
import { loadPayment } from './load-payment.ts';
import { recordProcessedEvent } from './record-processed-event.ts';
import { ROBUST_TRANSITION, transitionPayment, type TransitionStrategy } from './transition-payment.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('naive_sql');
});
afterAll(async () => stack?.close());

const BLIND: TransitionStrategy = { transition: 'blind', dedup: 'processed-record' };
const NO_DEDUP: TransitionStrategy = { transition: 'conditional', dedup: 'none' };

/** A payment the worker settled: requested → processing → completed, its event recorded processed. */
async function completedPayment(): Promise<{ paymentId: string; eventId: string }> {
  const { paymentId, eventId } = await stack.createPayment();
  const started = await transitionPayment(stack.pool, {
    paymentId,
    from: 'requested',
    to: 'processing',
    version: 0,
    set: { pgIdempotencyKey: `pay_${paymentId}_1` },
    reason: 'charging at the PG',
    changedBy: 'worker:test',
  });
  if (started.kind !== 'applied') throw new Error(`staging failed: ${started.kind}`);
  const settled = await transitionPayment(stack.pool, {
    paymentId,
    from: 'processing',
    to: 'completed',
    version: started.payment.version,
    set: { captured: true, pgTransactionId: 'tx_test' },
    reason: 'captured at the PG',
    processedEvent: { eventId, paymentId, type: 'payment.requested' },
    changedBy: 'worker:test',
  });
  if (settled.kind !== 'applied') throw new Error(`staging failed: ${settled.kind}`);
  return { paymentId, eventId };
}

/** A delivery that loaded the payment while it was still requested, and acts only now. */
function staleStart(paymentId: string) {
  return {
    paymentId,
    from: 'requested' as const,
    to: 'processing' as const,
    version: 0,
    set: { pgIdempotencyKey: `pay_${paymentId}_1` },
    reason: 'charging at the PG',
    changedBy: 'worker:stale',
  };
}

async function history(paymentId: string): Promise<string[]> {
  const { rows } = await stack.pool.query<{ previous_state: string | null; new_state: string }>(
    'SELECT previous_state, new_state FROM payment_history WHERE payment_id = $1 ORDER BY id',
    [paymentId],
  );
  return rows.map((r) => `${r.previous_state ?? '∅'}→${r.new_state}`);
}

describe('workerTransition', () => {
  it('conditional: a stale start-capture on a completed payment is a conflict and changes nothing', async () => {
    const { paymentId } = await completedPayment();
    expect((await transitionPayment(stack.pool, staleStart(paymentId), ROBUST_TRANSITION)).kind).toBe(
      'conflict',
    );
    expect(await stack.state(paymentId)).toBe('completed');
  });

  it('blind: the same stale start-capture overwrites the terminal state, and history shows completed→processing', async () => {
    const { paymentId } = await completedPayment();
    const result = await transitionPayment(stack.pool, staleStart(paymentId), BLIND);
    expect(result.kind).toBe('applied');
    expect(await stack.state(paymentId)).toBe('processing');
    expect(await history(paymentId)).toEqual([
      '∅→requested',
      'requested→processing',
      'processing→completed',
      'completed→processing',
    ]);
  });
});

describe('workerDedup', () => {
  it('processed-record: a redelivered event is recognised by the load, the guard and the settle', async () => {
    const { paymentId, eventId } = await completedPayment();
    expect((await loadPayment(stack.pool, paymentId, eventId)).alreadyProcessed).toBe(true);
    const record = { eventId, paymentId, type: 'payment.requested' };
    expect(await recordProcessedEvent(stack.pool, record, 'worker:test')).toBe(false);
  });

  it('none: nothing recognises the redelivery, yet the record is still kept as a log', async () => {
    const { paymentId, eventId } = await completedPayment();
    expect((await loadPayment(stack.pool, paymentId, eventId, 'none')).alreadyProcessed).toBe(false);
    const record = { eventId, paymentId, type: 'payment.requested' };
    expect(await recordProcessedEvent(stack.pool, record, 'worker:test', 'none')).toBe(true);
    const { rows } = await stack.pool.query('SELECT 1 FROM processed_events WHERE event_id = $1', [eventId]);
    expect(rows).toHaveLength(1);
  });

  it('none: a settle carrying an already-processed event is applied again instead of being a duplicate', async () => {
    const { paymentId, eventId } = await completedPayment();
    const loaded = await loadPayment(stack.pool, paymentId, eventId, 'none');
    // The same event settling a payment that is in the state it expects (a cancel of a completed payment).
    const again = {
      paymentId,
      from: 'completed' as const,
      to: 'completed' as const,
      version: loaded.payment!.version,
      reason: 'captured at the PG',
      processedEvent: { eventId, paymentId, type: 'payment.requested' },
      changedBy: 'worker:again',
    };
    expect((await transitionPayment(stack.pool, again, ROBUST_TRANSITION)).kind).toBe('duplicate');
    expect((await transitionPayment(stack.pool, again, NO_DEDUP)).kind).toBe('applied');
  });
});
