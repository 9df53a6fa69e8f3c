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
