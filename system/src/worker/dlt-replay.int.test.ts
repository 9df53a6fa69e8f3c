/**
 * `ops dlt-replay` against real Kafka: a dead-lettered event goes back to the payment-events topic
 * with its original key, bytes and headers, the worker settles it, and a second replay run finds
 * nothing new (progress is the replay group's committed offset).
 */
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_ID_HEADER } from '../relay/kafka-publisher.ts';
import { replayDeadLetters } from './dlt-replay.ts';
import { HEADERS } from './retry-headers.ts';
import { startTestStack, type TestStack } from './testing/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  // No relay: the test itself decides what reaches Kafka.
  stack = await startTestStack('dlt_replay');
  await stack.startWorker();
});
afterAll(async () => stack?.close());

describe('when a dead-lettered event is replayed', () => {
  it('then the worker settles the payment, and the poison message next to it stays parked', async () => {
    const { paymentId, eventId } = await stack.createPayment();
    const { rows } = await stack.pool.query<{ payload: unknown }>(
      'SELECT payload FROM outbox WHERE event_id = $1',
      [eventId],
    );
    const bytes = JSON.stringify(rows[0]?.payload);
    await stack.publishRaw(stack.topics.deadLetter, paymentId, bytes, {
      [EVENT_ID_HEADER]: eventId,
      [HEADERS.deadReason]: 'retries-exhausted',
      [HEADERS.deadError]: 'pg outcome unknown: timeout',
      [HEADERS.attempt]: '8',
    });
    await stack.publishRaw(stack.topics.deadLetter, 'poison', 'not json', {
      [HEADERS.deadReason]: 'invalid',
    });

    const producer = stack.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const options = {
      deadLetterTopic: stack.topics.deadLetter,
      targetTopic: stack.topics.events,
      groupId: `${stack.config.kafka.consumerGroup}-dlt-replay`,
      includeInvalid: false,
      dryRun: false,
      timeoutMs: 20_000,
    };
    try {
      expect(await replayDeadLetters(stack.kafka, producer, options)).toEqual({
        replayed: 1,
        skippedInvalid: 1,
        timedOut: false,
      });
      expect(await stack.waitForState(paymentId, ['completed', 'failed'])).toBe('completed');
      const [replayed] = await stack.readTopic(stack.topics.events, 1);
      expect(replayed?.key?.toString()).toBe(paymentId);
      expect(replayed?.headers?.[HEADERS.attempt]).toBeUndefined();
      expect(replayed?.headers?.[EVENT_ID_HEADER]?.toString()).toBe(eventId);
      expect(await replayDeadLetters(stack.kafka, producer, options)).toEqual({
        replayed: 0,
        skippedInvalid: 0,
        timedOut: false,
      });
    } finally {
      await producer.disconnect();
    }
  });
});

describe('when dead letters arrive after dlt-replay took its snapshot', () => {
  it('then exactly the snapshot is replayed and committed, and the late ones wait for the next run', async () => {
    // Topics of this test alone: no worker reads them, so the target shows exactly what was replayed.
    // Two dead-letter partitions: one finishes its snapshot while the other is still being read.
    const deadLetterTopic = `${stack.topics.deadLetter}.snapshot`;
    const targetTopic = `${stack.topics.events}.snapshot-target`;
    const groupId = `${stack.config.kafka.consumerGroup}-dlt-replay-snapshot`;
    const admin = stack.kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: deadLetterTopic, numPartitions: 2, replicationFactor: 1 },
        { topic: targetTopic, numPartitions: 1, replicationFactor: 1 },
      ],
    });
    const producer = stack.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const deadLetter = (partition: number, name: string) =>
      producer.send({
        topic: deadLetterTopic,
        acks: -1,
        messages: [
          { partition, key: name, value: name, headers: { [HEADERS.deadReason]: 'retries-exhausted' } },
        ],
      });
    const committed = async () => {
      const [topic] = await admin.fetchOffsets({ groupId, topics: [deadLetterTopic] });
      return [...(topic?.partitions ?? [])].sort((a, b) => a.partition - b.partition).map((p) => p.offset);
    };
    const replayedValues = async (atLeast: number) =>
      (await stack.readTopic(targetTopic, atLeast)).map((m) => m.value?.toString()).sort();

    const options = {
      deadLetterTopic,
      targetTopic,
      groupId,
      includeInvalid: false,
      dryRun: false,
      timeoutMs: 20_000,
    };
    try {
      await deadLetter(0, 'p0-a');
      await deadLetter(1, 'p1-a');
      const first = await replayDeadLetters(stack.kafka, producer, {
        ...options,
        // One more on each partition, between the snapshot and the first read.
        afterSnapshot: async () => {
          await deadLetter(0, 'p0-late');
          await deadLetter(1, 'p1-late');
        },
      });
      expect(first).toEqual({ replayed: 2, skippedInvalid: 0, timedOut: false });
      expect(await committed()).toEqual(['1', '1']);
      expect(await replayedValues(2)).toEqual(['p0-a', 'p1-a']);

      const second = await replayDeadLetters(stack.kafka, producer, options);
      expect(second).toEqual({ replayed: 2, skippedInvalid: 0, timedOut: false });
      expect(await committed()).toEqual(['2', '2']);
      expect(await replayedValues(4)).toEqual(['p0-a', 'p0-late', 'p1-a', 'p1-late']);
    } finally {
      await producer.disconnect();
      await admin.deleteTopics({ topics: [deadLetterTopic, targetTopic] }).catch(() => {});
      await admin.disconnect();
    }
  });
});
