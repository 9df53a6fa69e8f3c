/**
 * Issue 8, item 2, staged on the real Kafka: "a row marked sent that the broker never wrote".
 *
 * The defect needs the relay to give up on a send BEFORE the producer does. In production that gap
 * is the time a producer replacement takes (the relay's timer ran while the new producer
 * connected); a link fault cannot make a replacement slow without also delaying the produce, so
 * the gap is staged with the relay-service seam: the publish of row A starts 4 s after the relay
 * handed it over. Everything else is real — kafkajs, the broker, the shared kafka Toxiproxy link:
 *
 *   0 s  A handed to publish; 2 s the link's answers are black-holed (timeout toxic, downstream);
 *   4 s  A reaches the broker, is written, its answer is lost;
 *   8 s  the relay's deadline for A (if the relay keeps its own clock) — it moves on to row B;
 *  11 s  the link is restored;
 * ~14 s  A's request times out inside kafkajs, which rolls the producer's sequence back: a B queued
 *        behind A on that producer reuses A's sequence and is acknowledged as a duplicate.
 *
 * Afterwards the topic itself is read from the earliest offset: every row marked sent must be
 * there. One partition, one row per round, so A and B share a partition and a batch size.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaLink } from './testing/kafka-link.ts';
import { startTestStack, type TestStack, waitFor } from '../worker/testing/stack.ts';
import { EVENT_ID_HEADER } from './kafka-publisher.ts';

const TOXIC = 'paylab-abandoned-send-test';
const STAGED_GAP_MS = 4_000;

let stack: TestStack;
const link = kafkaLink();
let delayNextPublish = false;

beforeAll(async () => {
  await link.restore([TOXIC]);
  stack = await startTestStack('relay_abandoned_send', 1);
  await stack.startRelay(
    {},
    {
      options: { batchSize: 1, publishTimeoutMs: 8_000, leaseMs: 30_000 },
      ops: (real) => ({
        publish: async (rows) => {
          if (delayNextPublish) {
            delayNextPublish = false;
            await sleep(STAGED_GAP_MS);
          }
          await real.publish(rows);
        },
      }),
    },
  );
});

afterAll(async () => {
  await link.restore([TOXIC]);
  await stack?.close();
});

async function outboxStatus(eventId: string): Promise<string | undefined> {
  const { rows } = await stack.pool.query<{ status: string }>(
    'SELECT status FROM outbox WHERE event_id = $1',
    [eventId],
  );
  return rows[0]?.status;
}

describe('when the relay has moved on from a send the producer still holds and the link comes back', () => {
  it('then the next row is not acknowledged in its place: every row marked sent is on the topic', async () => {
    const warm = await stack.createPayment();
    await waitFor('the warm-up row to be sent', async () =>
      (await outboxStatus(warm.eventId)) === 'sent' ? true : undefined,
    );

    delayNextPublish = true;
    let a: { eventId: string };
    let b: { eventId: string };
    try {
      a = await stack.createPayment();
      await sleep(2_000);
      const proxy = await link.proxy();
      await proxy.addToxic({
        name: TOXIC,
        type: 'timeout',
        stream: 'downstream',
        toxicity: 1,
        attributes: { timeout: 0 },
      });
      await sleep(4_000);
      b = await stack.createPayment();
      await sleep(5_000);
    } finally {
      await link.restore([TOXIC]);
    }

    const labels = new Map([
      [warm.eventId, 'warm-up'],
      [a.eventId, 'A'],
      [b.eventId, 'B'],
    ]);
    const ids = [...labels.keys()];
    await waitFor(
      'every row to be marked sent',
      async () => {
        const statuses = await Promise.all(ids.map(outboxStatus));
        return statuses.every((s) => s === 'sent') ? true : undefined;
      },
      60_000,
    );
    const onTopic = new Set(
      (await stack.readTopic(stack.topics.events, ids.length)).map((m) =>
        m.headers?.[EVENT_ID_HEADER]?.toString(),
      ),
    );
    expect(
      ids.filter((id) => !onTopic.has(id)).map((id) => `${labels.get(id)} ${id}`),
      'rows marked sent that are not on the topic',
    ).toEqual([]);
  }, 120_000);
});
