/**
 * The relay on the second Kafka client (PAYLAB_KAFKA_CLIENT=platformatic, @platformatic/kafka)
 * against the real lab broker, read back with the other client (kafkajs), so neither client checks
 * itself:
 *
 * - every outbox row reaches the topic exactly once, each payment's events in outbox order, on the
 *   partition kafkajs (and the Java client) would pick for its key — a relay restarted with the
 *   other client must not move a payment to another partition (the library's own default
 *   partitioner hashes negative keys elsewhere);
 * - through lost answers and a cut link the client is replaced like the kafkajs one, and every row
 *   still arrives, in order (duplicates are allowed after a failure: the worker absorbs them).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_ID_HEADER } from './kafka-publisher.ts';
import { kafkaLink } from './testing/kafka-link.ts';
import { startTestStack, type TestStack, waitFor } from '../worker/testing/stack.ts';

const PARTITIONS = 6;
const TOXIC = 'paylab-platformatic-relay-test-no-answers';

let stack: TestStack;
const link = kafkaLink();
const relayLog: string[] = [];

interface TopicRecord {
  partition: number;
  offset: number;
  key: string;
  eventId: string;
}

/** Everything on the topic, read with kafkajs from the beginning in a fresh group. */
async function readAll(topic: string, atLeast: number): Promise<TopicRecord[]> {
  const consumer = stack.kafka.consumer({
    groupId: `paylab-test-reader-${randomUUID()}`,
    maxWaitTimeInMs: 200,
  });
  const records: TopicRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) =>
        void records.push({
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? '',
          eventId: message.headers?.[EVENT_ID_HEADER]?.toString() ?? '',
        }),
    });
    await waitFor(
      `${atLeast} records on ${topic}`,
      async () => (records.length >= atLeast ? true : undefined),
      30_000,
    );
    // A moment more, so an unexpected extra record is seen too.
    await sleep(1_000);
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Outbox rows in the order the API wrote them (per payment: the order its events must keep). */
async function outboxRows(): Promise<{ eventId: string; paymentId: string; status: string }[]> {
  const { rows } = await stack.pool.query<{ event_id: string; partition_key: string; status: string }>(
    'SELECT event_id, partition_key, status FROM outbox ORDER BY created_at, event_id',
  );
  return rows.map((r) => ({ eventId: r.event_id, paymentId: r.partition_key, status: r.status }));
}

async function allSent(): Promise<true | undefined> {
  const rows = await outboxRows();
  return rows.length > 0 && rows.every((r) => r.status === 'sent') ? true : undefined;
}

/** Creates `n` payments and cancels every other one: two events of one key behind each other. */
async function writePayments(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const { paymentId } = await stack.createPayment();
    if (i % 2 === 0) await stack.cancel(paymentId);
  }
}

/** Per payment, the event ids in topic order (first appearance: a duplicate after a failure does not reorder). */
function firstAppearanceByKey(records: readonly TopicRecord[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  const sorted = [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  for (const r of sorted) {
    const events = byKey.get(r.key) ?? [];
    if (!events.includes(r.eventId)) events.push(r.eventId);
    byKey.set(r.key, events);
  }
  return byKey;
}

function outboxOrderByKey(rows: readonly { eventId: string; paymentId: string }[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const r of rows) byKey.set(r.paymentId, [...(byKey.get(r.paymentId) ?? []), r.eventId]);
  return byKey;
}

beforeAll(async () => {
  await link.restore([TOXIC]);
  stack = await startTestStack('relay_platformatic', PARTITIONS);
});

afterAll(async () => {
  await link.restore([TOXIC]);
  await stack?.close();
});

describe('the relay on @platformatic/kafka (PAYLAB_KAFKA_CLIENT=platformatic)', () => {
  it('publishes every outbox row exactly once, in order per payment, on the partition kafkajs picks for its key', async () => {
    await writePayments(80);
    await stack.startRelay(
      {},
      { log: (line) => relayLog.push(line) },
      { PAYLAB_KAFKA_CLIENT: 'platformatic' },
    );
    expect(relayLog.some((l) => l.includes('client=platformatic'))).toBe(true);
    await waitFor('every outbox row marked sent', allSent, 60_000);

    const rows = await outboxRows();
    expect(rows).toHaveLength(120);
    const records = await readAll(stack.topics.events, rows.length);

    // Once each: no row missing, none twice, nothing else.
    expect(records.map((r) => r.eventId).sort()).toEqual(rows.map((r) => r.eventId).sort());
    // In outbox order per payment, on one partition per payment.
    expect(firstAppearanceByKey(records)).toEqual(outboxOrderByKey(rows));
    // The partition kafkajs' default (Java-compatible) partitioner picks for the key.
    const partitionMetadata: PartitionMetadata[] = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    const kafkajsPartition = Partitioners.DefaultPartitioner();
    const misplaced = records.filter(
      (r) =>
        r.partition !==
        kafkajsPartition({
          topic: stack.topics.events,
          partitionMetadata,
          message: { key: r.key, value: null },
        }),
    );
    expect(misplaced.map((r) => `${r.key}→${r.partition}`)).toEqual([]);
  }, 120_000);

  it('through lost answers and a link cut for 12 s, replaces its producer and still delivers every row in order', async () => {
    const before = new Set((await outboxRows()).map((r) => r.eventId));
    relayLog.length = 0;
    try {
      const proxy = await link.proxy();
      // Requests reach the broker, answers do not: batches written but never acknowledged.
      await proxy.addToxic({
        name: TOXIC,
        type: 'timeout',
        stream: 'downstream',
        toxicity: 1,
        attributes: { timeout: 0 },
      });
      await writePayments(10);
      await sleep(3_000);
      await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
      await writePayments(10);
      // Longer than the client's own retries (5, ~6 s) and the relay's 10 s send deadline: the
      // sends fail, not just wait.
      await sleep(12_000);
    } finally {
      await link.restore([TOXIC]);
    }
    await waitFor('every outbox row marked sent after the outage', allSent, 90_000);
    expect(
      relayLog.some((l) => l.includes('replacing the kafka producer')),
      relayLog.join('\n'),
    ).toBe(true);

    const rows = (await outboxRows()).filter((r) => !before.has(r.eventId));
    expect(rows).toHaveLength(30);
    const records = (await readAll(stack.topics.events, before.size + rows.length)).filter((r) =>
      rows.some((row) => row.eventId === r.eventId),
    );
    // At least once each (duplicates allowed after a failure), in outbox order per payment.
    expect(new Set(records.map((r) => r.eventId))).toEqual(new Set(rows.map((r) => r.eventId)));
    expect(firstAppearanceByKey(records)).toEqual(outboxOrderByKey(rows));
  }, 180_000);
});
