/**
 * The robust relay through a Kafka outage on the SHARED kafka Toxiproxy link (the broker
 * advertises that address, so a private proxy would only cover bootstrap): produce answers are
 * lost first (batches the broker wrote but never acknowledged), then the link is cut, then it
 * returns. Before the fix the idempotent producer's rolled-back sequence numbers were rejected
 * with OUT_OF_ORDER_SEQUENCE_NUMBER forever; now the producer is replaced after a failed send and
 * every row is published and delivered. The link is restored in `finally`: the dev lab uses it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaLink } from './testing/kafka-link.ts';
import { startTestStack, type TestStack, waitFor } from '../worker/testing/stack.ts';

const TOXIC = 'paylab-relay-outage-test-no-answers';

let stack: TestStack;
const link = kafkaLink();
const relayLog: string[] = [];

beforeAll(async () => {
  await link.restore([TOXIC]);
  stack = await startTestStack('relay_kafka_outage');
  await stack.startWorker();
  await stack.startRelay({}, { log: (line) => relayLog.push(line) });
});

afterAll(async () => {
  await link.restore([TOXIC]);
  await stack?.close();
});

async function createPayments(n: number, spreadMs: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push((await stack.createPayment()).paymentId);
    await sleep(spreadMs);
  }
  return ids;
}

describe('when the kafka link loses answers and then goes down for ~15 s while outbox rows are pending', () => {
  it('then once it is back every row is marked sent, published and delivered', async () => {
    // Warm up: the producer has advanced its sequence numbers before the fault.
    const warm = await createPayments(5, 50);
    for (const id of warm) expect(await stack.waitForState(id, ['completed', 'failed'])).toBe('completed');

    const during: string[] = [];
    try {
      const proxy = await link.proxy();
      // Requests reach the broker, answers do not: written but unacknowledged batches.
      await proxy.addToxic({
        name: TOXIC,
        type: 'timeout',
        stream: 'downstream',
        toxicity: 1,
        attributes: { timeout: 0 },
      });
      during.push(...(await createPayments(10, 200)));
      await sleep(3_000);
      // Then the link is cut (open connections close, the lost answers never come).
      await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
      during.push(...(await createPayments(5, 200)));
      await sleep(10_000);
      const pending = await stack.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM outbox WHERE status <> 'sent'",
      );
      expect(pending.rows[0]?.n).toBeGreaterThan(0);
    } finally {
      await link.restore([TOXIC]);
    }
    // More rows after the outage: new batches whose sizes differ from the unacknowledged ones.
    const after = await createPayments(5, 100);

    const all = [...warm, ...during, ...after];
    for (const id of all)
      expect(await stack.waitForState(id, ['completed', 'failed'], 90_000)).toBe('completed');
    const outbox = await stack.pool.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM outbox GROUP BY status',
    );
    expect(outbox.rows).toEqual([{ status: 'sent', n: all.length }]);
    const onTopic = await stack.readTopic(stack.topics.events, all.length);
    expect(new Set(onTopic.map((m) => m.key?.toString()))).toEqual(new Set(all));
    // The failed sends during the outage had the producer replaced.
    expect(relayLog.some((l) => l.startsWith('relay: replacing the kafka producer'))).toBe(true);
    expect(relayLog.filter((l) => l.includes('out of order sequence')).length).toBeLessThanOrEqual(1);
    await waitFor('the relay to stop failing', async () => {
      const before = relayLog.length;
      await sleep(2_000);
      return relayLog.slice(before).some((l) => l.includes('publish of')) ? undefined : true;
    });
  }, 240_000);
});
