/**
 * The workerTransition and workerDedup naive twins against the real database (and, for the
 * worker-level tests, the real pg-mock): first what one statement does under each mode, then what
 * the worker does when the fault that makes the shortcut bite happens. The robust values refuse;
 * the naive ones write what the checker's terminal-stable and duplicate-effect checks look for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrategyKnobs } from '../../config.ts';
import type { PaymentEvent } from '../../domain/events.ts';
import { createHttpPgClient, type HttpPgClient } from '../../gateway/pg-client.ts';
import type { PgClient } from '../../gateway/pg-client-types.ts';
import { makeEventProcessor, type WorkerStore } from '../process-event.ts';
import { startTestStack, type TestStack } from '../testing/stack.ts';
import { parsePaymentEvent } from '../validate-event.ts';
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

/**
 * The same twins through the worker's event processor (real DB, real pg-mock through its link):
 * not what one statement does, but what the worker does with it when the fault that makes the
 * shortcut bite happens — a redelivery for workerDedup, a cancel landing during the capture for
 * workerTransition.
 */
describe('the worker with each twin', () => {
  let pg: HttpPgClient;
  beforeAll(() => {
    const { host, port } = stack.config.links['pg-mock'].listen;
    pg = createHttpPgClient({ baseUrl: `http://${host}:${port}`, timeoutMs: 3_000 });
  });
  afterAll(() => pg?.close());

  function processor(knobs: Pick<StrategyKnobs, 'workerDedup' | 'workerTransition'>, client: PgClient = pg) {
    const strategy = { transition: knobs.workerTransition, dedup: knobs.workerDedup };
    const store: WorkerStore = {
      load: (paymentId, eventId) => loadPayment(stack.pool, paymentId, eventId, knobs.workerDedup),
      transition: (input) => transitionPayment(stack.pool, input, strategy),
      recordProcessed: (event) => recordProcessedEvent(stack.pool, event, 'worker:test', knobs.workerDedup),
    };
    return makeEventProcessor(
      {
        workerId: 'test',
        pgRetry: 'inquire-first',
        guard: 'processed-in-transaction',
        cancel: 'reconcile',
        dedup: knobs.workerDedup,
        transition: knobs.workerTransition,
      },
      store,
      client,
      { duplicate() {}, reorder() {}, unknownOutcome() {}, settled() {} },
    );
  }

  async function outboxEvent(paymentId: string, type: PaymentEvent['type']): Promise<PaymentEvent> {
    const { rows } = await stack.pool.query<{ payload: unknown }>(
      'SELECT payload FROM outbox WHERE aggregate_id = $1 AND event_type = $2',
      [paymentId, type],
    );
    const parsed = parsePaymentEvent(Buffer.from(JSON.stringify(rows[0]?.payload)));
    if (!parsed.ok) throw new Error(`the ${type} event of ${paymentId} is unreadable: ${parsed.error}`);
    return parsed.event;
  }

  /** Transitions applied more than once (what duplicate-effect counts) and exits from a terminal
   *  state other than a completed payment's cancel request (what terminal-stable counts). */
  async function verdicts(paymentId: string) {
    const rows = await history(paymentId);
    const changes = rows.filter((r) => r.split('→')[0] !== r.split('→')[1]);
    const repeated = [...new Set(changes.filter((r, i) => changes.indexOf(r) !== i))];
    const leftTerminal = rows.filter(
      (r) =>
        ['completed', 'failed', 'canceled'].includes(r.split('→')[0]!) && r !== 'completed→cancel_requested',
    );
    const live = (await stack.ledger(paymentId)).filter((e) => e.status === 'captured');
    return { state: await stack.state(paymentId), repeated, leftTerminal, liveCaptures: live.length };
  }

  /** Settled once, then its payment.requested event delivered again (a redelivery). */
  async function settledThenRedelivered(knobs: Pick<StrategyKnobs, 'workerDedup' | 'workerTransition'>) {
    const { paymentId } = await stack.createPayment();
    const process = processor(knobs);
    const requested = await outboxEvent(paymentId, 'payment.requested');
    const first = await process(requested);
    if (first.kind !== 'done' || first.outcome !== 'completed')
      throw new Error(`staging: first delivery ended ${JSON.stringify(first)}`);
    const again = await process(requested);
    return { again, ...(await verdicts(paymentId)) };
  }

  it('workerDedup=processed-record: a redelivered requested event is absorbed; nothing applied twice', async () => {
    const result = await settledThenRedelivered({
      workerDedup: 'processed-record',
      workerTransition: 'conditional',
    });
    expect(result).toMatchObject({
      again: { kind: 'duplicate' },
      state: 'completed',
      repeated: [],
      leftTerminal: [],
      liveCaptures: 1,
    });
  });

  it('workerDedup=none: the redelivery is handled from scratch — the settle is applied twice (one capture at the PG)', async () => {
    const result = await settledThenRedelivered({ workerDedup: 'none', workerTransition: 'conditional' });
    expect(result).toMatchObject({
      again: { kind: 'done', outcome: 'completed' },
      state: 'completed',
      repeated: ['processing→completed'],
      leftTerminal: ['completed→processing'],
      // The PG's own idempotency per key keeps it to one charge: the effect is the DB's.
      liveCaptures: 1,
    });
  });

  /** The merchant cancels while the worker's capture is at the PG; the PG then answers "captured". */
  async function cancelDuringCapture(knobs: Pick<StrategyKnobs, 'workerDedup' | 'workerTransition'>) {
    const { paymentId } = await stack.createPayment();
    let reached = () => {};
    const captureReached = new Promise<void>((resolve) => (reached = resolve));
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated: PgClient = {
      ...pg,
      capture: async (...args) => {
        reached();
        await gate;
        return pg.capture(...args);
      },
    };
    const process = processor(knobs, gated);
    const requested = await outboxEvent(paymentId, 'payment.requested');
    const first = process(requested);
    await captureReached;
    await stack.cancel(paymentId);
    release();
    const outcomes = [await first];
    const cancel = await outboxEvent(paymentId, 'payment.cancel_requested');
    // Whatever asks to be retried comes back, as the retry topic would bring it.
    for (const event of [requested, cancel]) {
      let outcome = await process(event);
      for (let round = 0; outcome.kind === 'retry' && round < 5; round++) outcome = await process(event);
      outcomes.push(outcome);
    }
    return { outcomes, history: await history(paymentId), ...(await verdicts(paymentId)) };
  }

  it('workerTransition=conditional: a cancel during the capture is honoured — canceled, refunded, no terminal left', async () => {
    const result = await cancelDuringCapture({
      workerDedup: 'processed-record',
      workerTransition: 'conditional',
    });
    expect(result, JSON.stringify(result.outcomes)).toMatchObject({
      state: 'canceled',
      repeated: [],
      leftTerminal: [],
      liveCaptures: 0,
    });
  });

  it('workerTransition=blind: the late capture result overwrites the cancel request, the cancel then overwrites completed', async () => {
    const result = await cancelDuringCapture({ workerDedup: 'processed-record', workerTransition: 'blind' });
    expect(result, JSON.stringify(result.outcomes)).toMatchObject({
      state: 'canceled',
      leftTerminal: ['completed→canceled'],
      liveCaptures: 0,
    });
    expect(result.history).toContain('cancel_requested→completed');
  });
});
