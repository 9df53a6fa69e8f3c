/**
 * The checker's own topic reader against real Kafka: it reads exactly what was published after
 * the marks, on all three topics, with the ids the checks need — nothing from before the run.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER } from '../../system/src/relay/kafka-publisher.ts';
import { HEADERS } from '../../system/src/worker/retry-headers.ts';
import { startTestStack, type TestStack } from '../../system/src/worker/testing/stack.ts';
import { readTopicsSince, topicMarks } from './topic-history.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('topic_history');
});
afterAll(async () => stack?.close());

describe('when the checker reads the topics back from the run start marks', () => {
  it('then it gets every message published after the marks and none from before, with ids decoded', async () => {
    const before = randomUUID();
    await stack.publishRaw(stack.topics.events, before, '{}', { [EVENT_ID_HEADER]: randomUUID() });
    const marks = await topicMarks(stack.config);

    const paymentId = randomUUID();
    const eventId = randomUUID();
    const headers = { [EVENT_ID_HEADER]: eventId, [EVENT_TYPE_HEADER]: 'payment.requested' };
    await stack.publishRaw(stack.topics.events, paymentId, JSON.stringify({ paymentId }), headers);
    await stack.publishRaw(stack.topics.events, paymentId, JSON.stringify({ paymentId }), headers);
    await stack.publishRaw(stack.topics.retry, paymentId, JSON.stringify({ paymentId }), {
      ...headers,
      [HEADERS.attempt]: '1',
    });
    await stack.publishRaw(stack.topics.deadLetter, 'poison-rtest-0', 'not json', {
      [HEADERS.deadReason]: 'invalid',
    });

    const read = await readTopicsSince(stack.config, marks, { readId: `t${Date.now()}`, timeoutMs: 30_000 });
    expect(read.some((m) => m.key === before)).toBe(false);
    expect(read.map((m) => [m.topic, m.paymentId, m.eventId])).toEqual([
      ['deadLetter', null, null],
      ['events', paymentId, eventId],
      ['events', paymentId, eventId],
      ['retry', paymentId, eventId],
    ]);
    const [events1, events2] = read.filter((m) => m.topic === 'events');
    expect(events1!.partition).toBe(events2!.partition);
    expect(events2!.offset).toBe(events1!.offset + 1);
    expect(read[0]).toMatchObject({ key: 'poison-rtest-0', deadReason: 'invalid' });
  });

  it('then a read with nothing new since the marks returns nothing', async () => {
    const marks = await topicMarks(stack.config);
    expect(
      await readTopicsSince(stack.config, marks, { readId: `e${Date.now()}`, timeoutMs: 5_000 }),
    ).toEqual([]);
  });
});
