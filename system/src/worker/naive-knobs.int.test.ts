/**
 * Every naive strategy knob, switched on against the real services, must produce the failure it
 * exists to demonstrate — otherwise a scenario could not show it and the checker could not catch
 * it. Each knob gets its own stack (database, topics, consumer group).
 */
import { type Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerService } from '../bin/worker-service.ts';
import { loadConfig } from '../config.ts';
import { METRICS } from '../metric-names.ts';
import { counterValue, startTestStack, type TestStack, waitFor } from './testing/stack.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('workerPgRetry = naive, when the PG books a charge and the answer is lost', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('naive_retry');
    await stack.startWorker({ workerPgRetry: 'naive' });
    await stack.startRelay();
  });
  afterAll(async () => stack?.close());

  it('then the blind retry under a new key charges the customer twice', async () => {
    // The TIMEOUT trigger hits the first request of every key, and naive makes a new key per retry,
    // so each retry books one more capture; two are enough to show the double charge.
    const { paymentId } = await stack.createPayment('order-TIMEOUT-naive');
    const captured = await waitFor(
      'a second capture',
      async () => {
        const entries = (await stack.ledger(paymentId)).filter((e) => e.status === 'captured');
        return entries.length >= 2 ? entries : undefined;
      },
      40_000,
    );
    expect(captured.slice(0, 2).map((e) => e.pgIdempotencyKey)).toEqual([
      `pay_${paymentId}_1`,
      `pay_${paymentId}_2`,
    ]);
    expect(await stack.state(paymentId)).not.toBe('failed');
  });
});

describe('workerGuard = guard-before-process, when the first PG call fails transiently', () => {
  let stack: TestStack;
  let worker: WorkerService;
  beforeAll(async () => {
    stack = await startTestStack('naive_guard');
    worker = await stack.startWorker({ workerGuard: 'guard-before-process' });
    await stack.startRelay();
  });
  afterAll(async () => stack?.close());

  it('then the retry finds its own guard, is dropped as a duplicate, and the payment is stuck', async () => {
    const { paymentId } = await stack.createPayment('order-HTTP_503-guard');
    // The robust worker completes this in about a second (worker-flow.int.test.ts); give it plenty.
    await sleep(6_000);
    expect(await stack.state(paymentId)).toBe('processing');
    expect(
      await counterValue(worker.metrics.registry, METRICS.workerDuplicateDeliveries),
    ).toBeGreaterThanOrEqual(1);
    expect((await stack.ledger(paymentId)).filter((e) => e.status === 'captured')).toHaveLength(0);
  });
});

/**
 * Two events of one payment are pending and the older one is backing off after a failed publish
 * (staged by setting its next attempt into the future, exactly what mark-failed would have done).
 */
async function stageCancelBehindBackingOffRequest(stack: TestStack): Promise<string> {
  const { paymentId } = await stack.createPayment();
  await stack.cancel(paymentId);
  await stack.pool.query(
    `UPDATE outbox SET attempts = 1, last_error = 'staged: first publish timed out',
            next_attempt_at = now() + interval '2 seconds'
      WHERE aggregate_id = $1 AND event_type = 'payment.requested'`,
    [paymentId],
  );
  return paymentId;
}

describe('relayOrder = parallel, when a cancel is pending behind a request that is backing off', () => {
  let stack: TestStack;
  let worker: WorkerService;
  beforeAll(async () => {
    stack = await startTestStack('naive_parallel');
    worker = await stack.startWorker();
  });
  afterAll(async () => stack?.close());

  it('then the cancel overtakes the request on the topic: the worker sees a reorder (and holds the cancel back)', async () => {
    const paymentId = await stageCancelBehindBackingOffRequest(stack);
    await stack.startRelay({ relayOrder: 'parallel' });
    expect(await stack.waitForState(paymentId, ['canceled'], 40_000)).toBe('canceled');
    expect(await counterValue(worker.metrics.registry, METRICS.workerReorders)).toBeGreaterThanOrEqual(1);
    const onTopic = await stack.readTopic(stack.topics.events, 2);
    const types = onTopic.map((m) => JSON.parse(m.value?.toString() ?? '{}').type as string);
    expect(types).toEqual(['payment.cancel_requested', 'payment.requested']);
  });
});

describe('relayOrder = ordered (the robust default), same staging', () => {
  let stack: TestStack;
  let worker: WorkerService;
  beforeAll(async () => {
    stack = await startTestStack('ordered');
    worker = await stack.startWorker();
  });
  afterAll(async () => stack?.close());

  it('then the cancel waits for the request: no reorder, events on the topic in order', async () => {
    const paymentId = await stageCancelBehindBackingOffRequest(stack);
    await stack.startRelay();
    expect(await stack.waitForState(paymentId, ['canceled'], 40_000)).toBe('canceled');
    expect(await counterValue(worker.metrics.registry, METRICS.workerReorders)).toBe(0);
    const onTopic = await stack.readTopic(stack.topics.events, 2);
    const types = onTopic.map((m) => JSON.parse(m.value?.toString() ?? '{}').type as string);
    expect(types).toEqual(['payment.requested', 'payment.cancel_requested']);
  });
});

describe('relayAck = fire-and-forget, when the relay cannot reach Kafka', () => {
  const PROXY_NAME = 'paylab-relay-test-kafka';
  let stack: TestStack;
  let proxy: Proxy;
  beforeAll(async () => {
    const { host, port } = loadConfig().services.toxiproxyApi;
    const toxiproxy = new Toxiproxy(`http://${host}:${port}`);
    await (await toxiproxy.getAll())[PROXY_NAME]?.remove();
    const upstream = loadConfig().links.kafka.upstream;
    // The relay's own link to Kafka, so the shared kafka proxy other tests and the lab use stays up.
    proxy = await toxiproxy.createProxy({
      name: PROXY_NAME,
      listen: '127.0.0.1:0',
      upstream: `${upstream.host}:${upstream.port}`,
    });
    proxy = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    stack = await startTestStack('naive_ff');
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.close();
    await proxy?.remove();
  });

  it('then outbox rows are marked sent although no event ever reached the topic: the payment is lost', async () => {
    const port = proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1);
    const relay = await stack.startRelay(
      { relayAck: 'fire-and-forget' },
      {},
      { PAYLAB_KAFKA_PROXY_PORT: port },
    );
    const { paymentId } = await stack.createPayment();
    await sleep(5_000);
    const outbox = await stack.pool.query('SELECT status, sent_at FROM outbox WHERE aggregate_id = $1', [
      paymentId,
    ]);
    expect(outbox.rows[0]?.status).toBe('sent');
    expect(await stack.readTopic(stack.topics.events, 1, 2_000)).toHaveLength(0);
    expect(await stack.state(paymentId)).toBe('requested');
    await relay.stop();
  });

  it('while the ack relay (the default) on the same unreachable link marks nothing, and delivers everything once Kafka is reachable', async () => {
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    const port = proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1);
    const { paymentId } = await stack.createPayment();
    const starting = stack.startRelay({ relayAck: 'ack' }, {}, { PAYLAB_KAFKA_PROXY_PORT: port });
    await sleep(3_000);
    const outbox = await stack.pool.query('SELECT status FROM outbox WHERE aggregate_id = $1', [paymentId]);
    expect(outbox.rows[0]?.status).toBe('pending');
    proxy = await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    const relay = await starting;
    expect(await stack.waitForState(paymentId, ['completed', 'failed'], 30_000)).toBe('completed');
    await relay.stop();
  });
});
