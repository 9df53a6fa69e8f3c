/**
 * An exception in the worker's handler that is not an infrastructure failure (a bug, data the code
 * cannot handle) gets the event's bounded budget, then the dead-letter topic with its reason — and
 * the partition keeps flowing meanwhile. Real DB, Kafka and pg-mock; the bug is staged by wrapping
 * one store operation for one payment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS, headerString } from './retry-headers.ts';
import { startTestStack, type TestStack } from './testing/stack.ts';

let stack: TestStack;
const buggy = new Set<string>();

beforeAll(async () => {
  // One partition: the buggy payment and the healthy one share it, so a blocked partition would show.
  stack = await startTestStack('handler_budget', 1);
  await stack.startWorker(
    {},
    {
      tunables: { maxAttempts: 2, backoff: { baseMs: 100, maxMs: 200 } },
      store: (real) => ({
        load: async (paymentId, eventId) => {
          if (buggy.has(paymentId))
            throw new TypeError("Cannot read properties of undefined (reading 'state')");
          return real.load(paymentId, eventId);
        },
      }),
    },
  );
  await stack.startRelay();
});

afterAll(async () => stack?.close());

describe('when processing one payment throws the same bug every time', () => {
  it('then its event is dead-lettered as handler-error after its budget, and a later payment on the partition completes', async () => {
    const sick = await stack.createPayment();
    buggy.add(sick.paymentId);
    const healthy = await stack.createPayment();
    expect(await stack.waitForState(healthy.paymentId, ['completed', 'failed'], 30_000)).toBe('completed');

    const dead = await stack.readTopic(stack.topics.deadLetter, 1, 30_000);
    expect(dead).toHaveLength(1);
    const headers = dead[0]?.headers;
    expect(dead[0]?.key?.toString()).toBe(sick.paymentId);
    expect(headerString(headers, HEADERS.deadReason)).toBe('handler-error');
    expect(headerString(headers, HEADERS.deadError)).toContain(
      'TypeError: Cannot read properties of undefined',
    );
    expect(headerString(headers, HEADERS.attempt)).toBe('2');
    expect(await stack.state(sick.paymentId)).toBe('requested');
  });
});
