/**
 * Issue 11: the worker settles a Kafka batch with set-based SQL, not one round trip per event —
 * and each statement still means, row by row, what the single-row statement meant.
 *
 * The first test counts the transactions committed in the test stack's database while only the
 * worker works (read from pg_stat_database), so it fails on a worker that spends three statements
 * per payment, whatever its code looks like.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, loadConfig } from '../config.ts';
import { METRICS } from '../metric-names.ts';
import { loadPayments, recordProcessedEvents, transitionPayments } from './sql/batch-statements.ts';
import type { TransitionInput } from './sql/transition-payment.ts';
import { counterValue, startTestStack, type TestStack, waitFor } from './testing/stack.ts';

let stack: TestStack;
let statsReader: pg.Client;
let testDatabase: string;

beforeAll(async () => {
  stack = await startTestStack('batched');
  const { rows } = await stack.pool.query<{ name: string }>('SELECT current_database() AS name');
  testDatabase = rows[0]!.name;
  statsReader = new pg.Client({ connectionString: databaseUrl(loadConfig()) });
  await statsReader.connect();
});

afterAll(async () => {
  await statsReader?.end().catch(() => {});
  await stack?.close();
});

/**
 * Transactions committed in the test database so far, read over a connection to ANOTHER database
 * (pg_stat_database is cluster-wide), so reading does not move the count.
 */
async function commits(): Promise<number> {
  const { rows } = await statsReader.query<{ n: string }>(
    'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1',
    [testDatabase],
  );
  return Number(rows[0]?.n ?? 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The count once every backend has flushed: a backend flushes its counts at exit, and an idle one
 * within PostgreSQL's idle stats interval (10 s) — so wait past it, then until it holds still.
 */
async function flushedCommits(idleMs: number): Promise<number> {
  await sleep(idleMs);
  let last = await commits();
  for (let i = 0; i < 20; i++) {
    await sleep(1_000);
    const now = await commits();
    if (now === last) return now;
    last = now;
  }
  return last;
}

describe('a backlog of payment events', () => {
  it('is settled with far fewer DB transactions than payments (set-based, not 3 per event)', async () => {
    const payments = 300;
    const ids: string[] = [];
    for (let i = 0; i < payments; i++) ids.push((await stack.createPayment()).paymentId);
    const relay = await stack.startRelay();
    await waitFor('the relay to publish the backlog', async () => {
      const { rows } = await stack.pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM outbox WHERE status <> 'sent'",
      );
      return rows[0]?.n === '0' ? true : undefined;
    });
    await relay.stop();

    // Our own pool's commits (creates, the wait above) flush within the idle interval.
    const before = await flushedCommits(11_000);
    const worker = await stack.startWorker();
    // Progress from the worker's own counter, so the wait itself does not commit in the DB.
    await waitFor(
      `${payments} payments settled`,
      async () =>
        (await counterValue(worker.metrics.registry, METRICS.paymentsSettled)) >= payments ? true : undefined,
      60_000,
    );
    await worker.stop(); // its backends exit and flush their counts
    const spent = (await flushedCommits(500)) - before;

    const { rows } = await stack.pool.query<{ state: string; n: string }>(
      'SELECT state, count(*) AS n FROM payments WHERE id = ANY($1::uuid[]) GROUP BY state',
      [ids],
    );
    expect(rows).toEqual([{ state: 'completed', n: String(payments) }]);
    const history = await stack.pool.query<{ path: string; n: string }>(
      `SELECT path, count(*) AS n FROM (
         SELECT string_agg(new_state, '>' ORDER BY id) AS path FROM payment_history
          WHERE payment_id = ANY($1::uuid[]) GROUP BY payment_id) h GROUP BY path`,
      [ids],
    );
    expect(history.rows).toEqual([{ path: 'requested>processing>completed', n: String(payments) }]);
    const processed = await stack.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM processed_events WHERE payment_id = ANY($1::uuid[])',
      [ids],
    );
    expect(processed.rows[0]?.n).toBe(String(payments));
    // One payment costs a load, a start and a settle: 3 transactions each when done one by one
    // (471 for 150 payments before issue 11). Set-based, a statement carries many events; the
    // rest of the count is the worker's start-up migration check and autovacuum/analyze, which
    // commit in this database too (30–60 of them).
    expect(spent, `${spent} transactions for ${payments} payments`).toBeLessThan(payments / 2);
  });
});

describe('the set-based statements, row by row', () => {
  async function requested(): Promise<{ paymentId: string; eventId: string }> {
    return stack.createPayment();
  }

  function start(paymentId: string, version = 0): TransitionInput {
    return {
      paymentId,
      from: 'requested',
      to: 'processing',
      version,
      set: { pgIdempotencyKey: `pay_${paymentId}_1` },
      reason: 'charging at the PG',
      changedBy: 'worker:test',
    };
  }

  it('loadPayments answers each request in order, a missing payment as absent', async () => {
    const a = await requested();
    const b = await requested();
    const loaded = await loadPayments(stack.pool, [b, { paymentId: randomUUID(), eventId: randomUUID() }, a]);
    expect(loaded.map((l) => l.payment?.id)).toEqual([b.paymentId, undefined, a.paymentId]);
    expect(loaded.map((l) => l.alreadyProcessed)).toEqual([false, false, false]);
  });

  it('transitionPayments applies, refuses a stale version and absorbs a processed event — each on its own row', async () => {
    const fresh = await requested();
    const stale = await requested();
    const done = await requested();
    // `done`'s event is already processed (an earlier delivery settled it).
    await recordProcessedEvents(
      stack.pool,
      [{ eventId: done.eventId, paymentId: done.paymentId, type: 'payment.requested' }],
      'worker:test',
    );
    const results = await transitionPayments(stack.pool, [
      start(fresh.paymentId),
      start(stale.paymentId, 7),
      {
        ...start(done.paymentId),
        processedEvent: { eventId: done.eventId, paymentId: done.paymentId, type: 'payment.requested' },
      },
    ]);
    expect(results.map((r) => r.kind)).toEqual(['applied', 'conflict', 'duplicate']);
    expect(results[0]).toMatchObject({
      payment: {
        id: fresh.paymentId,
        state: 'processing',
        version: 1,
        pgIdempotencyKey: `pay_${fresh.paymentId}_1`,
      },
    });
    expect(await stack.state(stale.paymentId)).toBe('requested');
    expect(await stack.state(done.paymentId)).toBe('requested');
    const history = await stack.pool.query<{ payment_id: string; previous_state: string; new_state: string }>(
      `SELECT payment_id, previous_state, new_state FROM payment_history
        WHERE payment_id = ANY($1::uuid[]) AND previous_state IS NOT NULL`,
      [[fresh.paymentId, stale.paymentId, done.paymentId]],
    );
    expect(history.rows).toEqual([
      { payment_id: fresh.paymentId, previous_state: 'requested', new_state: 'processing' },
    ]);
  });

  it('a settle records its processed event with the change, and a second settle of that event is a duplicate', async () => {
    const p = await requested();
    const [started] = await transitionPayments(stack.pool, [start(p.paymentId)]);
    if (started?.kind !== 'applied') throw new Error(`staging: ${started?.kind}`);
    const settle: TransitionInput = {
      paymentId: p.paymentId,
      from: 'processing',
      to: 'completed',
      version: started.payment.version,
      set: { captured: true, pgTransactionId: 'tx_batched' },
      reason: 'captured at the PG',
      pgResponse: { status: 'captured' },
      processedEvent: { eventId: p.eventId, paymentId: p.paymentId, type: 'payment.requested' },
      changedBy: 'worker:test',
    };
    expect((await transitionPayments(stack.pool, [settle]))[0]?.kind).toBe('applied');
    expect((await transitionPayments(stack.pool, [settle]))[0]?.kind).toBe('duplicate');
    const { rows } = await stack.pool.query(
      'SELECT state, captured, pg_transaction_id, completed_at IS NOT NULL AS done FROM payments WHERE id = $1',
      [p.paymentId],
    );
    expect(rows[0]).toEqual({
      state: 'completed',
      captured: true,
      pg_transaction_id: 'tx_batched',
      done: true,
    });
    const processed = await stack.pool.query(
      'SELECT processed_by FROM processed_events WHERE event_id = $1',
      [p.eventId],
    );
    expect(processed.rows).toEqual([{ processed_by: 'worker:test' }]);
  });

  it('refuses two changes of one payment in one statement (the second would silently not apply)', async () => {
    const p = await requested();
    await expect(transitionPayments(stack.pool, [start(p.paymentId), start(p.paymentId)])).rejects.toThrow(
      /appears twice/,
    );
    expect(await stack.state(p.paymentId)).toBe('requested');
  });

  it('recordProcessedEvents says which records are new', async () => {
    const a = await requested();
    const b = await requested();
    const rec = (p: { paymentId: string; eventId: string }) => ({ ...p, type: 'payment.requested' });
    expect(await recordProcessedEvents(stack.pool, [rec(a)], 'worker:test')).toEqual([true]);
    expect(await recordProcessedEvents(stack.pool, [rec(b), rec(a)], 'worker:test')).toEqual([true, false]);
    // The naive workerDedup=none never treats the record as a guard.
    expect(await recordProcessedEvents(stack.pool, [rec(a)], 'worker:test', 'none')).toEqual([true]);
  });
});
