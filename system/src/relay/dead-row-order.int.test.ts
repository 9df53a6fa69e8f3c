/**
 * Issue 8, item 4: a dead outbox row holds back the later events of its payment. A payment's
 * `payment.requested` row goes dead (its publishes fail until the attempts run out) while its
 * `payment.cancel_requested` row is written behind it. The cancel must not reach the topic while
 * the request is unpublished; after `ops outbox-requeue` (the real CLI) both come out in sequence
 * and the worker settles the payment as canceled. Relay and worker run in-process on the real lab.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../config.ts';
import { startTestStack, type TestStack, waitFor } from '../worker/testing/stack.ts';
import { EVENT_ID_HEADER } from './kafka-publisher.ts';

const run = promisify(execFile);

let stack: TestStack;
/** Event ids whose publish fails (a broker that refuses exactly these rows). */
const refused = new Set<string>();

beforeAll(async () => {
  stack = await startTestStack('relay_dead_row_order');
  await stack.startWorker();
  await stack.startRelay(
    {},
    {
      options: { maxAttempts: 2, backoff: { baseMs: 50, maxMs: 100 } },
      ops: (real) => ({
        publish: async (rows) => {
          const blocked = rows.filter((r) => refused.has(r.eventId));
          if (blocked.length > 0)
            throw new Error(`test: broker refuses ${blocked.map((r) => r.eventId).join(',')}`);
          await real.publish(rows);
        },
      }),
    },
  );
});
afterAll(async () => stack?.close());

async function outboxStatus(eventId: string): Promise<string | undefined> {
  const { rows } = await stack.pool.query<{ status: string }>(
    'SELECT status FROM outbox WHERE event_id = $1',
    [eventId],
  );
  return rows[0]?.status;
}

describe('when the request event of a payment went dead and its cancel was written behind it', () => {
  it('then the cancel waits, and after outbox-requeue both are published in sequence and the payment is canceled', async () => {
    const { paymentId, eventId: requested } = await stack.createPayment();
    refused.add(requested);
    await waitFor('the request row to go dead', async () =>
      (await outboxStatus(requested)) === 'dead' ? true : undefined,
    );
    const cancel = await stack.cancel(paymentId);
    // An unrelated payment keeps flowing while this one waits.
    const other = await stack.createPayment();
    expect(await stack.waitForState(other.paymentId, ['completed', 'failed'])).toBe('completed');
    await sleep(1_000);
    expect(await outboxStatus(cancel), 'the cancel must wait behind the dead request').toBe('pending');
    expect(await stack.state(paymentId)).toBe('cancel_requested');

    refused.delete(requested);
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'system/src/bin/ops.ts', 'outbox-requeue', '--event', requested],
      { cwd: REPO_ROOT, env: { ...process.env, PAYLAB_DB_NAME: stack.config.db.database } },
    );
    expect(stdout).toContain('requeued 1 dead outbox row(s)');

    expect(await stack.waitForState(paymentId, ['canceled', 'completed', 'failed'], 60_000)).toBe('canceled');
    const messages = (await stack.readTopic(stack.topics.events, 3)).filter(
      (m) => m.key?.toString() === paymentId,
    );
    const order = messages
      .sort((a, b) => Number(a.offset) - Number(b.offset))
      .map((m) => m.headers?.[EVENT_ID_HEADER]?.toString());
    expect(order).toEqual([requested, cancel]);
  }, 120_000);
});
