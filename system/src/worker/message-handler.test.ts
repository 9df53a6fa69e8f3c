import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { PaymentEvent } from '../domain/events.ts';
import { makeMessageHandler, type IncomingMessage } from './message-handler.ts';
import type { ProcessOutcome } from './process-event.ts';
import { HEADERS, headerString } from './retry-headers.ts';
import { samplePaymentId, sampleRequested } from './testing/sample-events.ts';

function setup(
  outcomes: (ProcessOutcome | Error)[],
  maxAttempts = 3,
  bug?: Error,
  poison: 'dead-letter' | 'drop' = 'dead-letter',
) {
  let clock = 1_000_000;
  const sent: { topic: string; message: Message }[] = [];
  const seen: PaymentEvent[] = [];
  const counts: Record<string, number> = {};
  const add = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  const handler = makeMessageHandler(
    {
      retryTopic: 'retry',
      deadLetterTopic: 'dlt',
      maxAttempts,
      backoff: { baseMs: 1000, maxMs: 8000 },
      poison,
    },
    {
      process: async (e) => {
        seen.push(e);
        if (bug) throw bug;
        const next = outcomes.shift() ?? { kind: 'done', outcome: 'completed' };
        if (next instanceof Error) throw next;
        return next;
      },
      send: async (topic, message) => {
        sent.push({ topic, message });
      },
      observer: {
        received: () => add('received'),
        processed: (_t, o) => add(`processed:${o}`),
        retried: (r) => add(`retried:${r}`),
        deadLettered: (r) => add(`dead:${r}`),
        dropped: (r) => add(`dropped:${r}`),
        infrastructureError: () => add('infra'),
        handlerError: () => add('bug'),
      },
      // A handler that retries in place forever would never return: stop it after 50 tries.
      isStopping: () => seen.length > 50,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    },
  );
  return { handler, sent, seen, counts, clock: () => clock };
}

const msg = (value: Buffer | null, headers: IncomingMessage['headers'] = {}): IncomingMessage => ({
  topic: 'main',
  partition: 2,
  offset: '41',
  key: Buffer.from(samplePaymentId),
  value,
  headers,
});
const beat = async () => {};

describe('message handler', () => {
  it('sends a poison message to the dead-letter topic at once, bytes untouched, error in headers', async () => {
    const s = setup([]);
    const bytes = Buffer.from('{"type":"payment.requested", "amount": "lots"');
    await s.handler(msg(bytes, { 'event-id': 'x' }), beat);
    expect(s.seen).toHaveLength(0);
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]?.topic).toBe('dlt');
    expect(s.sent[0]?.message.value).toBe(bytes);
    expect(headerString(s.sent[0]?.message.headers, HEADERS.deadReason)).toBe('invalid');
    expect(headerString(s.sent[0]?.message.headers, HEADERS.deadError)).toContain('not JSON');
    expect(headerString(s.sent[0]?.message.headers, HEADERS.originalOffset)).toBe('41');
  });

  it('sends a transient failure to the retry topic with attempt 1 and a not-before in the future', async () => {
    const s = setup([{ kind: 'retry', reason: 'pg rejected: 503', minDelayMs: 5000 }]);
    await s.handler(msg(Buffer.from(JSON.stringify(sampleRequested))), beat);
    expect(s.sent[0]?.topic).toBe('retry');
    const headers = s.sent[0]?.message.headers;
    expect(headerString(headers, HEADERS.attempt)).toBe('1');
    expect(Number(headerString(headers, HEADERS.notBefore))).toBe(s.clock() + 5000);
    expect(s.counts['retried:pg rejected']).toBe(1);
  });

  it('waits until the not-before time of a retried message', async () => {
    const s = setup([]);
    const start = s.clock();
    await s.handler(
      msg(Buffer.from(JSON.stringify(sampleRequested)), {
        [HEADERS.notBefore]: String(start + 4000),
        [HEADERS.attempt]: '1',
      }),
      beat,
    );
    expect(s.clock()).toBeGreaterThanOrEqual(start + 4000);
    expect(s.seen).toHaveLength(1);
  });

  it('dead-letters after the last attempt', async () => {
    const s = setup([{ kind: 'retry', reason: 'pg outcome unknown: timeout' }], 3);
    await s.handler(msg(Buffer.from(JSON.stringify(sampleRequested)), { [HEADERS.attempt]: '3' }), beat);
    expect(s.sent[0]?.topic).toBe('dlt');
    expect(headerString(s.sent[0]?.message.headers, HEADERS.deadReason)).toBe('retries-exhausted');
    expect(s.counts['dead:retries-exhausted']).toBe(1);
  });

  it('keeps retrying in place through an infrastructure error, without spending the retry budget', async () => {
    const linkDown = () =>
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25432'), { code: 'ECONNREFUSED' });
    const s = setup([linkDown(), linkDown(), { kind: 'done', outcome: 'completed' }]);
    await s.handler(msg(Buffer.from(JSON.stringify(sampleRequested))), beat);
    expect(s.counts.infra).toBe(2);
    expect(s.counts['processed:completed']).toBe(1);
    expect(s.sent).toHaveLength(0);
  });

  it('when processing throws a bug (not an infrastructure error), then the event spends one retry per failure, not the partition', async () => {
    const s = setup([], 3, new TypeError("Cannot read properties of undefined (reading 'state')"));
    await s.handler(msg(Buffer.from(JSON.stringify(sampleRequested))), beat);
    expect(s.seen).toHaveLength(1);
    expect(s.sent.map((m) => m.topic)).toEqual(['retry']);
    const headers = s.sent[0]?.message.headers;
    expect(headerString(headers, HEADERS.attempt)).toBe('1');
    expect(headerString(headers, HEADERS.retryReason)).toContain("reading 'state'");
  });

  it('when the bug is still there on the last attempt, then the event is dead-lettered with the error', async () => {
    const s = setup([], 3, new TypeError("Cannot read properties of undefined (reading 'state')"));
    await s.handler(msg(Buffer.from(JSON.stringify(sampleRequested)), { [HEADERS.attempt]: '3' }), beat);
    expect(s.sent.map((m) => m.topic)).toEqual(['dlt']);
    const headers = s.sent[0]?.message.headers;
    expect(headerString(headers, HEADERS.deadReason)).toBe('handler-error');
    expect(headerString(headers, HEADERS.deadError)).toContain(
      "TypeError: Cannot read properties of undefined (reading 'state')",
    );
    expect(s.counts['dead:handler-error']).toBe(1);
  });

  it('workerPoison=drop (naive): an invalid message and an event out of budget are committed and forgotten', async () => {
    const s = setup([{ kind: 'retry', reason: 'pg outcome unknown: timeout' }], 3, undefined, 'drop');
    await s.handler(msg(Buffer.from('not json')), beat);
    await s.handler(msg(Buffer.from(JSON.stringify(sampleRequested)), { [HEADERS.attempt]: '3' }), beat);
    expect(s.sent).toHaveLength(0);
    expect([s.counts['dropped:invalid'], s.counts['dropped:retries-exhausted']]).toEqual([1, 1]);
  });

  it('absorbs a duplicate without sending anything', async () => {
    const s = setup([{ kind: 'duplicate' }]);
    await s.handler(msg(Buffer.from(JSON.stringify(sampleRequested))), beat);
    expect(s.sent).toHaveLength(0);
    expect(s.counts['processed:duplicate']).toBe(1);
  });
});
