/**
 * "A row marked sent that the broker never wrote" (issue 8, item 2), black-box: the robust relay
 * publishes a steady trickle of outbox rows while the SHARED kafka Toxiproxy link is black-holed
 * mid-send (timeout toxic: first the answers only — requests are written, never acknowledged — then
 * both directions), then restored. Afterwards the TOPIC itself is read from the earliest offset by
 * a fresh consumer, and every row the relay marked sent must be there with its key and bytes.
 *
 * The race behind the defect (a send the relay gave up on failing later inside the client and
 * rolling the producer's sequence back under the next send) needs the relay to give up before the
 * producer does, which a link fault alone does not arrange: this test passed on the defective code
 * too. The reproductions are abandoned-send.int.test.ts (real Kafka, the gap staged) and
 * relay-loop.test.ts / renewing-producer.test.ts (a sequence model). This one is the end-to-end
 * guard under a plain fault: DB and topic agree afterwards.
 * The link is restored in `finally`: the dev lab uses it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaLink } from './testing/kafka-link.ts';
import { startTestStack, type TestStack, waitFor } from '../worker/testing/stack.ts';
import { EVENT_ID_HEADER } from './kafka-publisher.ts';

const TOXICS = ['paylab-black-hole-test-down', 'paylab-black-hole-test-up'] as const;

let stack: TestStack;
const link = kafkaLink();
const relayLog: string[] = [];

beforeAll(async () => {
  await link.restore(TOXICS);
  // No worker: this test judges the relay by the topic alone.
  stack = await startTestStack('relay_black_hole');
  await stack.startRelay(
    {},
    {
      log: (line) => relayLog.push(line),
      // Short deadlines so the fault abandons several sends within a few seconds.
      options: { publishTimeoutMs: 1_500, leaseMs: 5_000, backoff: { baseMs: 100, maxMs: 1_000 } },
    },
  );
});

afterAll(async () => {
  await link.restore(TOXICS);
  await stack?.close();
});

async function blackHole(stream: 'downstream' | 'upstream', name: string): Promise<void> {
  const proxy = await link.proxy();
  await proxy.addToxic({ name, type: 'timeout', stream, toxicity: 1, attributes: { timeout: 0 } });
}

async function sentRows(): Promise<{ event_id: string; partition_key: string; payload: unknown }[]> {
  const { rows } = await stack.pool.query<{ event_id: string; partition_key: string; payload: unknown }>(
    "SELECT event_id, partition_key, payload FROM outbox WHERE status = 'sent'",
  );
  return rows;
}

describe('when the kafka link is black-holed mid-send and then restored', () => {
  it('then every row marked sent is on the topic, with its key and its bytes', async () => {
    let creating = true;
    let created = 0;
    const trickle = (async () => {
      while (creating) {
        await stack.createPayment();
        created++;
        await sleep(100);
      }
    })();
    try {
      await sleep(1_500);
      // Requests reach the broker and are written; the answers never come back.
      await blackHole('downstream', TOXICS[0]);
      await sleep(4_000);
      // Nothing gets through in either direction.
      await blackHole('upstream', TOXICS[1]);
      await sleep(3_000);
    } finally {
      await link.restore(TOXICS);
    }
    await sleep(2_000);
    creating = false;
    await trickle;

    await waitFor(
      'every outbox row to be marked sent',
      async () => ((await sentRows()).length === created ? true : undefined),
      60_000,
    );
    const rows = await sentRows();
    const onTopic = await stack.readTopic(stack.topics.events, rows.length, 20_000);
    const byEventId = new Map<string, { key: string | undefined; value: string | undefined }[]>();
    for (const m of onTopic) {
      const id = m.headers?.[EVENT_ID_HEADER]?.toString() ?? '';
      const list = byEventId.get(id) ?? [];
      list.push({ key: m.key?.toString(), value: m.value?.toString() });
      byEventId.set(id, list);
    }
    const missing = rows.filter((r) => !byEventId.has(r.event_id)).map((r) => r.event_id);
    expect(missing, 'rows marked sent that are not on the topic').toEqual([]);
    for (const r of rows) {
      for (const copy of byEventId.get(r.event_id) ?? []) {
        expect(copy.key).toBe(r.partition_key);
        expect(JSON.parse(copy.value ?? 'null')).toEqual(r.payload);
      }
    }
    // The fault really hit sends in flight: some were abandoned at their deadline, and the producer
    // that carried them was replaced.
    expect(created).toBeGreaterThan(50);
    expect(relayLog.some((l) => /relay: publish of .* not acknowledged within/.test(l))).toBe(true);
    expect(relayLog.some((l) => l.startsWith('relay: replacing the kafka producer'))).toBe(true);
  }, 180_000);
});
