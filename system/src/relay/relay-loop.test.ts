import { describe, expect, it } from 'vitest';
import type { RelayAckMode, RelayOrderMode } from '../config.ts';
import { makeKafkaPublisher } from './kafka-publisher.ts';
import type { ClaimedRow } from './outbox-row.ts';
import { makeRelay, type RelayObserver, type RelayOperations } from './relay-loop.ts';
import { RELAY_DEFAULTS } from './relay-options.ts';
import { renewingProducer } from './renewing-producer.ts';
import type { MarkFailedInput } from './sql/mark-failed.ts';
import { sequencedBroker } from './testing/sequenced-broker.ts';

function row(eventId: string, attempts = 0): ClaimedRow {
  return {
    eventId,
    eventType: 'payment.requested',
    partitionKey: `key-${eventId}`,
    payload: { eventId },
    attempts,
    createdAt: new Date(0),
    leaseOwner: 'set-by-claim',
  };
}

interface Harness {
  ops: RelayOperations;
  counts: Record<string, number>;
  log: string[];
  failed: MarkFailedInput[];
  releasePublish: () => void;
}

function harness(
  rows: ClaimedRow[],
  publishBehaviour: 'ok' | 'fail' | 'hold',
  markedIds?: string[],
): Harness {
  const log: string[] = [];
  const failed: MarkFailedInput[] = [];
  let release: () => void = () => {};
  const ops: RelayOperations = {
    claim: async ({ leaseOwner }) => rows.map((r) => ({ ...r, leaseOwner })),
    publish: async (batch) => {
      log.push(`publish:${batch.map((r) => r.eventId).join(',')}`);
      if (publishBehaviour === 'fail') throw new Error('broker unreachable');
      if (publishBehaviour === 'hold') await new Promise<void>((r) => (release = r));
      log.push(`acked:${batch.map((r) => r.eventId).join(',')}`);
    },
    markSent: async (_owner, ids) => {
      log.push(`mark:${ids.join(',')}`);
      const matched = markedIds ?? ids;
      return matched.map((eventId) => ({ eventId, createdAt: new Date(0) }));
    },
    markFailed: async (input) => {
      failed.push(input);
      return input.maxAttempts <= 1 ? 'dead' : 'retrying';
    },
    deleteSent: async () => 0,
  };
  return { ops, counts: {}, log, failed, releasePublish: () => release() };
}

function observer(counts: Record<string, number>): RelayObserver {
  const add = (k: string, n: number) => (counts[k] = (counts[k] ?? 0) + n);
  return {
    batchClaimed: (n) => add('claimed', n),
    published: (n) => add('published', n),
    publishFailed: (n) => add('failed', n),
    publishLatency: () => add('latency', 1),
    leaseLost: (n) => add('leaseLost', n),
    deadRows: (n) => add('dead', n),
    loopError: () => add('loopError', 1),
  };
}

function relayWith(h: Harness, ackMode: RelayAckMode, orderMode: RelayOrderMode, maxAttempts = 10) {
  return makeRelay(
    { ...RELAY_DEFAULTS, relayId: 'relay-t', ackMode, orderMode, maxAttempts },
    h.ops,
    observer(h.counts),
  );
}

describe('relay round, ack mode', () => {
  it('marks rows sent only after the broker acknowledged them', async () => {
    const h = harness([row('a'), row('b')], 'ok');
    await relayWith(h, 'ack', 'ordered').runOnce();
    expect(h.log).toEqual(['publish:a,b', 'acked:a,b', 'mark:a,b']);
    expect(h.counts.published).toBe(2);
  });

  it('when the publish fails, does not mark and schedules a retry with backoff', async () => {
    const h = harness([row('a', 2)], 'fail');
    await relayWith(h, 'ack', 'ordered').runOnce();
    expect(h.log.some((l) => l.startsWith('mark:'))).toBe(false);
    expect(h.failed).toHaveLength(1);
    expect(h.failed[0]?.error).toContain('broker unreachable');
    // attempt 3 with base 500 ms: between 1000 and 2000 ms
    expect(h.failed[0]?.retryInMs).toBeGreaterThanOrEqual(1000);
    expect(h.failed[0]?.retryInMs).toBeLessThanOrEqual(2000);
    expect(h.counts.failed).toBe(1);
  });

  it('counts rows moved to dead after the last attempt', async () => {
    const h = harness([row('a', 0)], 'fail');
    await relayWith(h, 'ack', 'ordered', 1).runOnce();
    expect(h.counts.dead).toBe(1);
  });

  it('counts a mark that matched no row as a lost lease', async () => {
    const h = harness([row('a'), row('b')], 'ok', ['a']);
    await relayWith(h, 'ack', 'ordered').runOnce();
    expect(h.counts.leaseLost).toBe(1);
  });

  it('claims with the lease token it then marks with', async () => {
    const h = harness([row('a')], 'ok');
    const owners: string[] = [];
    const claim = h.ops.claim;
    h.ops.claim = async (o) => {
      owners.push(o.leaseOwner);
      expect(o.perKeyOrder).toBe(true);
      return claim(o);
    };
    const markSent = h.ops.markSent;
    h.ops.markSent = async (owner, ids) => {
      owners.push(owner);
      return markSent(owner, ids);
    };
    await relayWith(h, 'ack', 'ordered').runOnce();
    expect(owners[0]).toMatch(/^relay-t\//);
    expect(owners[1]).toBe(owners[0]);
  });
});

describe('relay round, naive knobs', () => {
  it('fire-and-forget marks rows sent before the broker answered', async () => {
    const h = harness([row('a')], 'hold');
    const relay = relayWith(h, 'fire-and-forget', 'ordered');
    await relay.runOnce();
    expect(h.log).toEqual(['publish:a', 'mark:a']);
    h.releasePublish();
    await relay.stop();
    expect(h.log).toEqual(['publish:a', 'mark:a', 'acked:a']);
  });

  it('fire-and-forget loses the event when the send fails: marked, never retried', async () => {
    const h = harness([row('a')], 'fail');
    const relay = relayWith(h, 'fire-and-forget', 'ordered');
    await relay.runOnce();
    await relay.stop();
    expect(h.log).toContain('mark:a');
    expect(h.failed).toHaveLength(0);
    expect(h.counts.failed).toBe(1);
  });

  it('parallel claims without the per-key guard and publishes each row on its own', async () => {
    const h = harness([row('a'), row('b')], 'ok');
    let perKeyOrder: boolean | undefined;
    const claim = h.ops.claim;
    h.ops.claim = async (o) => {
      perKeyOrder = o.perKeyOrder;
      return claim(o);
    };
    await relayWith(h, 'ack', 'parallel').runOnce();
    expect(perKeyOrder).toBe(false);
    expect(h.log.filter((l) => l.startsWith('publish:'))).toEqual(['publish:a', 'publish:b']);
  });
});

/** An outbox in memory: rows claimable while pending and not leased, marks conditional on the lease. */
function memoryOutbox(ids: string[]) {
  const rows = new Map(ids.map((id) => [id, { row: row(id), status: 'pending', owner: '' }]));
  const sent: string[] = [];
  const queue = [...ids];
  const ops: Omit<RelayOperations, 'publish'> = {
    // One row per round, in the order given, so the test decides what each round publishes.
    claim: async ({ leaseOwner }) => {
      const id = queue.shift();
      const entry = id === undefined ? undefined : rows.get(id);
      if (!entry) return [];
      entry.owner = leaseOwner;
      return [{ ...entry.row, leaseOwner }];
    },
    markSent: async (owner, eventIds) => {
      const marked = eventIds.filter((id) => rows.get(id)?.owner === owner);
      for (const id of marked) {
        const entry = rows.get(id);
        if (entry) entry.status = 'sent';
        sent.push(id);
      }
      return marked.map((eventId) => ({ eventId, createdAt: new Date(0) }));
    },
    markFailed: async ({ eventId }) => {
      const entry = rows.get(eventId);
      if (entry) entry.owner = '';
      return 'retrying';
    },
    deleteSent: async () => 0,
  };
  return { ops, sent };
}

describe('relay round against the sequence model of the idempotent producer', () => {
  it('when a send is abandoned, the next row never goes out on the producer that still carries it', async () => {
    const broker = sequencedBroker();
    const producer = renewingProducer(broker.createProducer, () => {});
    await producer.connect();
    const outbox = memoryOutbox(['x', 'a', 'b']);
    const publishTimeoutMs = 100;
    const relay = makeRelay(
      { ...RELAY_DEFAULTS, relayId: 'relay-t', ackMode: 'ack', orderMode: 'ordered', publishTimeoutMs },
      { ...outbox.ops, publish: makeKafkaPublisher(producer, 't', publishTimeoutMs) },
      observer({}),
    );
    // Round 1: the broker is unreachable; the producer is now suspect and will be replaced.
    broker.link = 'refused';
    await relay.runOnce();
    // Round 2: replacing the producer takes 60 ms (a slow link), then "a" is written and its
    // answer is lost. The relay gives up on "a" at its deadline.
    broker.connectDelayMs = 60;
    broker.link = 'answers-lost';
    await relay.runOnce();
    // Round 3 starts at once with "b"; the link comes back and the lost request of "a" fails in the
    // client soon after (its own timeout), which rolls the sequence of its producer back.
    const round3 = relay.runOnce();
    await new Promise((r) => setTimeout(r, 30));
    broker.link = 'up';
    broker.failHeldRequests();
    await round3;
    // Every row the relay marked sent is really in the broker's log.
    expect(outbox.sent).toEqual(['b']);
    expect(broker.log.filter((v) => outbox.sent.some((id) => v.includes(`"${id}"`)))).toHaveLength(1);
  });
});
