/**
 * The robust relay and worker against real PostgreSQL, Kafka and pg-mock (through Toxiproxy):
 * every payment ends in the state the PG's ledger agrees with, with exactly one capture, whatever
 * the PG or the delivery did. PG faults are the mock's per-key order-id triggers, so the shared
 * mock's fault profile is never changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../metric-names.ts';
import type { RelayService } from '../bin/relay-service.ts';
import type { WorkerService } from '../bin/worker-service.ts';
import { createHttpPgClient } from '../gateway/pg-client.ts';
import { EVENT_ID_HEADER } from '../relay/kafka-publisher.ts';
import { HEADERS, headerString } from './retry-headers.ts';
import { counterValue, startTestStack, type TestStack, waitFor } from './testing/stack.ts';

let stack: TestStack;
let worker: WorkerService;
let relay: RelayService;

beforeAll(async () => {
  stack = await startTestStack('flow');
  worker = await stack.startWorker();
  relay = await stack.startRelay();
});

afterAll(async () => {
  await stack?.close();
});

function pgBaseUrl(): string {
  const { host, port } = stack.config.links['pg-mock'].listen;
  return `http://${host}:${port}`;
}

const captures = (entries: { status: string }[]) => entries.filter((e) => e.status !== 'declined').length;

describe('when a payment is requested and the PG answers normally', () => {
  it('then it ends completed with one capture, recorded with its PG transaction id and history', async () => {
    const { paymentId } = await stack.createPayment();
    expect(await stack.waitForState(paymentId, ['completed', 'failed'])).toBe('completed');
    const ledger = await stack.ledger(paymentId);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ status: 'captured', pgIdempotencyKey: `pay_${paymentId}_1` });
    const { rows } = await stack.pool.query(
      'SELECT captured, pg_transaction_id, completed_at FROM payments WHERE id = $1',
      [paymentId],
    );
    expect(rows[0]).toMatchObject({ captured: true, pg_transaction_id: ledger[0]?.transactionId });
    const history = await stack.pool.query<{ new_state: string; pg_response: unknown }>(
      'SELECT new_state, pg_response FROM payment_history WHERE payment_id = $1 ORDER BY id',
      [paymentId],
    );
    expect(history.rows.map((r) => r.new_state)).toEqual(['requested', 'processing', 'completed']);
    expect(history.rows[2]?.pg_response).toMatchObject({ status: 'captured' });
    const outbox = await stack.pool.query('SELECT status FROM outbox WHERE aggregate_id = $1', [paymentId]);
    expect(outbox.rows).toEqual([{ status: 'sent' }]);
  });
});

describe('when the PG declines', () => {
  it('then the payment ends failed and is not retried', async () => {
    const { paymentId } = await stack.createPayment('order-FAIL-1');
    expect(await stack.waitForState(paymentId, ['completed', 'failed'])).toBe('failed');
    const ledger = await stack.ledger(paymentId);
    expect(ledger.map((e) => e.status)).toEqual(['declined']);
  });
});

describe('when the PG answers 503 (nothing charged)', () => {
  it('then the event goes through the retry topic and the payment completes with one capture', async () => {
    const retriesBefore = await counterValue(worker.metrics.registry, METRICS.workerRetries);
    const { paymentId } = await stack.createPayment('order-HTTP_503-1');
    expect(await stack.waitForState(paymentId, ['completed', 'failed'], 40_000)).toBe('completed');
    expect(await counterValue(worker.metrics.registry, METRICS.workerRetries)).toBeGreaterThan(retriesBefore);
    expect(captures(await stack.ledger(paymentId))).toBe(1);
  });
});

describe('when the PG books the charge but the answer is lost (charge then time out)', () => {
  it('then the worker asks the PG instead of charging again: completed, exactly one capture', async () => {
    const unknownBefore = await counterValue(worker.metrics.registry, METRICS.workerUnknownOutcomes, {
      operation: 'capture',
    });
    const { paymentId } = await stack.createPayment('order-TIMEOUT-1');
    expect(await stack.waitForState(paymentId, ['completed', 'failed'], 40_000)).toBe('completed');
    expect(
      await counterValue(worker.metrics.registry, METRICS.workerUnknownOutcomes, { operation: 'capture' }),
    ).toBe(unknownBefore + 1);
    const ledger = await stack.ledger(paymentId);
    expect(ledger.filter((e) => e.status === 'captured')).toHaveLength(1);
  });

  it('and a connection reset after the charge is resolved the same way', async () => {
    const { paymentId } = await stack.createPayment('order-CONN_RESET-1');
    expect(await stack.waitForState(paymentId, ['completed', 'failed'], 40_000)).toBe('completed');
    expect(captures(await stack.ledger(paymentId))).toBe(1);
  });
});

describe('when a worker crashed after recording its PG key (payment found in processing)', () => {
  async function crashAfterRecoveryPoint(): Promise<{ paymentId: string; key: string }> {
    // Relay stopped so the event waits while the crash is staged.
    await relay.stop();
    const { paymentId } = await stack.createPayment();
    const key = `pay_${paymentId}_1`;
    await stack.pool.query(
      `UPDATE payments SET state = 'processing', pg_idempotency_key = $2, version = version + 1 WHERE id = $1`,
      [paymentId, key],
    );
    return { paymentId, key };
  }

  it('and the PG had charged before the crash, then the redelivery settles from the inquiry without a new charge', async () => {
    const { paymentId, key } = await crashAfterRecoveryPoint();
    const pg = createHttpPgClient({ baseUrl: pgBaseUrl(), timeoutMs: 3_000 });
    const charged = await pg.capture({
      paymentId,
      orderId: 'crashed',
      pgIdempotencyKey: key,
      amount: 12_000,
      currency: 'KRW',
      method: 'card',
      methodReference: 'tok_visa_4242',
    });
    pg.close();
    expect(charged.kind).toBe('captured');
    relay = await stack.startRelay();
    expect(await stack.waitForState(paymentId, ['completed', 'failed'])).toBe('completed');
    const ledger = await stack.ledger(paymentId);
    expect(ledger).toHaveLength(1);
    const { rows } = await stack.pool.query('SELECT pg_transaction_id FROM payments WHERE id = $1', [
      paymentId,
    ]);
    expect(rows[0]?.pg_transaction_id).toBe(ledger[0]?.transactionId);
  });

  it('and the PG never heard of it, then the redelivery charges once, under the same key', async () => {
    const { paymentId, key } = await crashAfterRecoveryPoint();
    relay = await stack.startRelay();
    expect(await stack.waitForState(paymentId, ['completed', 'failed'])).toBe('completed');
    const ledger = await stack.ledger(paymentId);
    expect(ledger.map((e) => [e.status, e.pgIdempotencyKey])).toEqual([['captured', key]]);
  });
});

describe('when an event is delivered twice', () => {
  it('then the second delivery is absorbed: counted, no second capture, no state change', async () => {
    const { paymentId, eventId } = await stack.createPayment();
    await stack.waitForState(paymentId, ['completed']);
    const [original] = (await stack.readTopic(stack.topics.events, 1)).filter(
      (m) => headerString(m.headers, EVENT_ID_HEADER) === eventId,
    );
    expect(original?.value).toBeTruthy();
    const duplicatesBefore = await counterValue(worker.metrics.registry, METRICS.workerDuplicateDeliveries);
    await stack.publishRaw(stack.topics.events, paymentId, original?.value ?? '', {
      [EVENT_ID_HEADER]: eventId,
    });
    await waitFor('the duplicate to be counted', async () =>
      (await counterValue(worker.metrics.registry, METRICS.workerDuplicateDeliveries)) > duplicatesBefore
        ? true
        : undefined,
    );
    expect(captures(await stack.ledger(paymentId))).toBe(1);
    const history = await stack.pool.query(
      'SELECT count(*)::int AS n FROM payment_history WHERE payment_id = $1',
      [paymentId],
    );
    expect(history.rows[0]).toEqual({ n: 3 });
  });
});

describe('when a message is not a valid payment event', () => {
  it('then it goes to the dead-letter topic at once, bytes untouched, the error in headers', async () => {
    const bytes = Buffer.from('{"type":"payment.requested","amount":"a lot"}');
    await stack.publishRaw(stack.topics.events, 'poison-key', bytes);
    const [dead] = await stack.readTopic(stack.topics.deadLetter, 1);
    expect(dead?.value?.equals(bytes)).toBe(true);
    expect(dead?.key?.toString()).toBe('poison-key');
    expect(headerString(dead?.headers, HEADERS.deadReason)).toBe('invalid');
    expect(headerString(dead?.headers, HEADERS.deadError)).toMatch(/unknown field|must be/);
    expect(headerString(dead?.headers, HEADERS.originalTopic)).toBe(stack.topics.events);
  });
});

describe('when a payment is canceled', () => {
  it('then after its capture the worker refunds at the PG, then ends canceled', async () => {
    const { paymentId } = await stack.createPayment();
    await stack.waitForState(paymentId, ['completed']);
    await stack.cancel(paymentId);
    expect(await stack.waitForState(paymentId, ['canceled'])).toBe('canceled');
    const ledger = await stack.ledger(paymentId);
    expect(ledger.map((e) => e.status)).toEqual(['refunded']);
    const { rows } = await stack.pool.query('SELECT captured FROM payments WHERE id = $1', [paymentId]);
    expect(rows[0]).toEqual({ captured: false });
  });
});

describe('when the relay publishes but dies before marking the row sent', () => {
  it('then another relay publishes it again and the worker absorbs the duplicate: one capture', async () => {
    const leaseMs = 1_500;
    let marksAttempted = 0;
    // Only the crashing relay may see the row first.
    await relay.stop();
    // Every mark of this relay fails: the publish happened, the row stays pending under its lease.
    const crashing = await stack.startRelay(
      {},
      {
        options: { leaseMs, publishTimeoutMs: 1_000 },
        ops: () => ({
          markSent: async () => {
            marksAttempted++;
            throw new Error('relay killed between publish and mark');
          },
        }),
      },
    );
    const duplicatesBefore = await counterValue(worker.metrics.registry, METRICS.workerDuplicateDeliveries);
    const { paymentId } = await stack.createPayment();
    await waitFor('the doomed mark', async () => (marksAttempted > 0 ? true : undefined));
    await crashing.stop();
    const pending = await stack.pool.query('SELECT status, lease_owner FROM outbox WHERE aggregate_id = $1', [
      paymentId,
    ]);
    expect(pending.rows[0]?.status).toBe('pending');
    // A healthy relay reclaims the row once the lease has expired and publishes it again.
    relay = await stack.startRelay();
    await waitFor(
      'the duplicate delivery to be absorbed',
      async () =>
        (await counterValue(worker.metrics.registry, METRICS.workerDuplicateDeliveries)) > duplicatesBefore
          ? true
          : undefined,
      20_000,
    );
    expect(await stack.state(paymentId)).toBe('completed');
    expect(captures(await stack.ledger(paymentId))).toBe(1);
    const outbox = await stack.pool.query('SELECT status FROM outbox WHERE aggregate_id = $1', [paymentId]);
    expect(outbox.rows).toEqual([{ status: 'sent' }]);
  });
});
