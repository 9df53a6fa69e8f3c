/**
 * The relay's SQL against a real PostgreSQL (a database cloned for this file): what two relays
 * claiming at once see, per-key order, leases, backoff to dead, requeue, retention and the lag
 * numbers. Rows are written by the API's own outbox insert, so both sides agree on the table.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createPool, withTransaction } from '../db/pool.ts';
import { insertOutboxEvent } from '../db/insert-outbox-event.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing/test-database.ts';
import type { EventType, PaymentEvent } from '../domain/events.ts';
import { claimDueRows } from './sql/claim-due-rows.ts';
import { deleteSentRows } from './sql/delete-sent-rows.ts';
import { markFailed } from './sql/mark-failed.ts';
import { markSent } from './sql/mark-sent.ts';
import { OUTBOX_STATS_SQL, readOutboxStats } from './sql/outbox-stats.ts';
import { requeueDeadRows } from './sql/requeue-dead-rows.ts';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase(loadConfig(), 'relay_sql');
  pool = createPool({ connectionString: db.url, applicationName: 'paylab-test-relay-sql', max: 4 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});
beforeEach(async () => {
  await pool.query('DELETE FROM outbox');
});

async function addEvent(paymentId: string, type: EventType = 'payment.requested'): Promise<string> {
  const eventId = randomUUID();
  const base = { eventId, paymentId, merchantId: 'merchant-a', occurredAt: new Date().toISOString() };
  const event: PaymentEvent =
    type === 'payment.requested'
      ? { ...base, type, sequence: 1, amount: 100, currency: 'KRW', method: 'card', methodReference: 'tok' }
      : { ...base, type, sequence: 2, reason: 'test' };
  await withTransaction(pool, (tx) => insertOutboxEvent(tx, event));
  return eventId;
}

const claim = (owner: string, perKeyOrder = true, limit = 100, leaseMs = 30_000) =>
  claimDueRows(pool, { limit, leaseMs, leaseOwner: owner, perKeyOrder });

describe('claiming due rows', () => {
  it('when two relays claim at once, then no row is handed to both', async () => {
    for (let i = 0; i < 40; i++) await addEvent(randomUUID());
    const [a, b] = await Promise.all([claim('a', true, 25), claim('b', true, 25)]);
    const ids = [...a, ...b].map((r) => r.eventId);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });

  it('when the later event of a payment carries the earlier timestamp, then its sequence still decides: the request goes first', async () => {
    // Seen under apiCommit=answer-first: the cancel's transaction started 2 ms before the create's
    // write, so created_at ordered the cancel first and the relay published it before its request.
    const paymentId = randomUUID();
    const request = await addEvent(paymentId);
    const cancel = await addEvent(paymentId, 'payment.cancel_requested');
    await pool.query(`UPDATE outbox SET created_at = created_at - interval '1 second' WHERE event_id = $1`, [
      cancel,
    ]);
    const round1 = await claim('a');
    expect(round1.map((r) => r.eventId)).toEqual([request]);
    await markSent(pool, round1[0]?.leaseOwner ?? '', [request]);
    expect((await claim('b')).map((r) => r.eventId)).toEqual([cancel]);
  });

  it('when a payment has two pending events, then only the older one is claimable until it is sent', async () => {
    const paymentId = randomUUID();
    const first = await addEvent(paymentId);
    const second = await addEvent(paymentId, 'payment.cancel_requested');
    const round1 = await claim('a');
    expect(round1.map((r) => r.eventId)).toEqual([first]);
    // Even a second relay does not get the younger event while the older one is in flight.
    expect(await claim('b')).toEqual([]);
    await markSent(pool, round1[0]?.leaseOwner ?? '', [first]);
    expect((await claim('b')).map((r) => r.eventId)).toEqual([second]);
  });

  it('when the older event is backing off, then ordered claims wait for it but parallel claims do not', async () => {
    const paymentId = randomUUID();
    const first = await addEvent(paymentId);
    const second = await addEvent(paymentId, 'payment.cancel_requested');
    await pool.query(`UPDATE outbox SET next_attempt_at = now() + interval '1 hour' WHERE event_id = $1`, [
      first,
    ]);
    expect(await claim('ordered', true)).toEqual([]);
    expect((await claim('parallel', false)).map((r) => r.eventId)).toEqual([second]);
  });

  it('when a lease has expired, then another relay claims the row and the old owner’s mark matches nothing', async () => {
    const eventId = await addEvent(randomUUID());
    const [old] = await claim('old', true, 10, 50);
    await new Promise((r) => setTimeout(r, 120));
    const [fresh] = await claim('new');
    expect(fresh?.eventId).toBe(eventId);
    expect(await markSent(pool, old?.leaseOwner ?? '', [eventId])).toEqual([]);
    expect((await markSent(pool, 'new', [eventId])).map((r) => r.eventId)).toEqual([eventId]);
  });
});

describe('a dead row of a payment', () => {
  async function killRow(eventId: string): Promise<void> {
    const [row] = await claim('r');
    expect(row?.eventId).toBe(eventId);
    const result = await markFailed(pool, {
      eventId,
      leaseOwner: 'r',
      error: 'broker down',
      retryInMs: 0,
      maxAttempts: 1,
    });
    expect(result).toBe('dead');
  }

  it('when the older event went dead, then the younger one of that payment is not claimable, and the lag still shows it', async () => {
    const paymentId = randomUUID();
    const first = await addEvent(paymentId);
    await killRow(first);
    const second = await addEvent(paymentId, 'payment.cancel_requested');
    const other = await addEvent(randomUUID());
    // Another payment is unaffected; this payment's cancel waits behind its dead request.
    expect((await claim('ordered', true)).map((r) => r.eventId)).toEqual([other]);
    expect(await claim('ordered', true)).toEqual([]);
    await pool.query(`UPDATE outbox SET created_at = now() - interval '30 seconds' WHERE event_id = $1`, [
      second,
    ]);
    const stats = await readOutboxStats(pool);
    expect(stats).toMatchObject({ pendingRows: 2, deadRows: 1 });
    expect(stats.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(30);
    // The naive parallel claim ignores order, dead rows included.
    expect((await claim('parallel', false)).map((r) => r.eventId)).toEqual([second]);
  });

  it('when the dead row is requeued, then it is claimed first and the younger one only after it was sent', async () => {
    const paymentId = randomUUID();
    const first = await addEvent(paymentId);
    await killRow(first);
    const second = await addEvent(paymentId, 'payment.cancel_requested');
    expect(await claim('a')).toEqual([]);
    expect(await requeueDeadRows(pool, { eventIds: [first] })).toEqual([first]);
    const round1 = await claim('a');
    expect(round1.map((r) => r.eventId)).toEqual([first]);
    expect(await claim('b')).toEqual([]);
    await markSent(pool, 'a', [first]);
    expect((await claim('b')).map((r) => r.eventId)).toEqual([second]);
  });
});

describe('failed publishes', () => {
  it('then the row backs off, keeps the error, and goes dead at the last attempt; requeue revives it', async () => {
    const eventId = await addEvent(randomUUID());
    await claim('r');
    expect(
      await markFailed(pool, {
        eventId,
        leaseOwner: 'r',
        error: 'broker down',
        retryInMs: 60_000,
        maxAttempts: 2,
      }),
    ).toBe('retrying');
    const after = await pool.query(
      'SELECT attempts, last_error, lease_owner, next_attempt_at > now() AS later FROM outbox',
    );
    expect(after.rows[0]).toEqual({ attempts: 1, last_error: 'broker down', lease_owner: null, later: true });
    expect(await claim('r')).toEqual([]);

    await pool.query('UPDATE outbox SET next_attempt_at = now()');
    const [row] = await claim('r');
    expect(row?.attempts).toBe(1);
    expect(
      await markFailed(pool, {
        eventId,
        leaseOwner: 'r',
        error: 'still down',
        retryInMs: 10,
        maxAttempts: 2,
      }),
    ).toBe('dead');
    expect(await readOutboxStats(pool)).toMatchObject({ pendingRows: 0, deadRows: 1 });

    expect(await requeueDeadRows(pool)).toEqual([eventId]);
    expect((await claim('r')).map((r) => ({ id: r.eventId, attempts: r.attempts }))).toEqual([
      { id: eventId, attempts: 0 },
    ]);
  });

  it('a failure mark from a relay that lost its lease changes nothing', async () => {
    const eventId = await addEvent(randomUUID());
    await claim('owner');
    expect(
      await markFailed(pool, { eventId, leaseOwner: 'intruder', error: 'x', retryInMs: 1, maxAttempts: 1 }),
    ).toBe('lease-lost');
  });
});

describe('outbox lag and retention', () => {
  it('reports unpublished rows and the age of the oldest', async () => {
    await addEvent(randomUUID());
    await pool.query(`UPDATE outbox SET created_at = now() - interval '42 seconds'`);
    await addEvent(randomUUID());
    const stats = await readOutboxStats(pool);
    expect(stats.pendingRows).toBe(2);
    expect(stats.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(42);
    expect(stats.oldestPendingAgeSeconds).toBeLessThan(60);
  });

  it('reading the lag touches the unpublished rows only, not the sent ones kept for retention', async () => {
    // Every relay and worker reads the lag on every scrape (each second); sent rows stay an hour, so
    // at 100 payments/s the table holds ~360,000 of them. A scan of those per scrape was the DB's
    // biggest cost per payment in the bench (31 ms of DB CPU per payment at 30/s with 15,000 rows).
    await pool.query(
      `INSERT INTO outbox (event_id, aggregate_id, event_type, partition_key, payload, status, sent_at)
       SELECT gen_random_uuid(), gen_random_uuid(), 'payment.requested', 'k' || n, '{"sequence":1}', 'sent', now()
         FROM generate_series(1, 20000) n`,
    );
    await addEvent(randomUUID());
    await pool.query('ANALYZE outbox');
    const { rows } = await pool.query<{ 'QUERY PLAN': unknown }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${OUTBOX_STATS_SQL}`,
    );
    const plan = JSON.stringify(rows[0]?.['QUERY PLAN']);
    const blocks = (name: string) =>
      [...plan.matchAll(new RegExp(`"${name}":\\s*(\\d+)`, 'g'))].map((m) => Number(m[1]));
    // The top node's counts include its children's: a seq scan of 20,000 rows reads hundreds of pages.
    const touched = (blocks('Shared Hit Blocks')[0] ?? 0) + (blocks('Shared Read Blocks')[0] ?? 0);
    expect(touched, plan).toBeLessThan(50);
    expect(await readOutboxStats(pool)).toMatchObject({ pendingRows: 1, deadRows: 0 });
  });

  it('deletes sent rows only after the retention period', async () => {
    const old = await addEvent(randomUUID());
    const recent = await addEvent(randomUUID());
    await claim('r');
    await markSent(pool, 'r', [old, recent]);
    await pool.query(`UPDATE outbox SET sent_at = now() - interval '2 hours' WHERE event_id = $1`, [old]);
    expect(await deleteSentRows(pool, 60 * 60_000)).toBe(1);
    const left = await pool.query('SELECT event_id FROM outbox');
    expect(left.rows).toEqual([{ event_id: recent }]);
  });
});
