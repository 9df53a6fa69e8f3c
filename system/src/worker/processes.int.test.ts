/**
 * The process contract the lab runtime relies on: `node system/src/bin/relay.ts` and `worker.ts`
 * (Node strips the types itself, as the lab launches them), PAYLAB_INSTANCE=<i>, answer GET /health
 * (200 once connected) and GET /metrics, move a payment end to end, and exit 0 soon after SIGTERM.
 * Run as real child processes on this file's own database, topics, consumer group and metrics ports.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, REPO_ROOT } from '../config.ts';
import { METRICS } from '../metric-names.ts';
import { startTestStack, type TestStack, waitFor } from './testing/stack.ts';

let stack: TestStack;
const children: ChildProcess[] = [];
// Inside this lab's own port set (it follows PAYLAB_PORT_OFFSET) but away from its relay and worker
// instances (base + instance), so neither this lab nor a neighbour at another offset is disturbed.
const TEST_INSTANCE_GAP = 25;
const RELAY_PORT_BASE = loadConfig().services.relayMetricsBase + TEST_INSTANCE_GAP;
const WORKER_PORT_BASE = loadConfig().services.workerMetricsBase + TEST_INSTANCE_GAP;

function start(bin: 'relay' | 'worker', instance: number): ChildProcess {
  const env = {
    ...process.env,
    PAYLAB_INSTANCE: String(instance),
    PAYLAB_DB_NAME: stack.config.db.database,
    PAYLAB_TOPIC_PAYMENT_EVENTS: stack.topics.events,
    PAYLAB_TOPIC_RETRY: stack.topics.retry,
    PAYLAB_TOPIC_DEAD_LETTER: stack.topics.deadLetter,
    PAYLAB_KAFKA_GROUP: stack.config.kafka.consumerGroup,
    PAYLAB_RELAY_METRICS_PORT: String(RELAY_PORT_BASE),
    PAYLAB_WORKER_METRICS_PORT: String(WORKER_PORT_BASE),
  };
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'system', 'src', 'bin', `${bin}.ts`)], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

async function httpStatus(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url)).status;
  } catch {
    return undefined;
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

beforeAll(async () => {
  stack = await startTestStack('processes');
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await stack?.close();
});

describe('the relay and worker processes', () => {
  it('become healthy, settle a payment, export their metrics, and stop cleanly on SIGTERM', async () => {
    const relay = start('relay', 1);
    const worker = start('worker', 1);
    const relayUrl = `http://127.0.0.1:${RELAY_PORT_BASE + 1}`;
    const workerUrl = `http://127.0.0.1:${WORKER_PORT_BASE + 1}`;
    await waitFor(
      'relay /health 200',
      async () => ((await httpStatus(`${relayUrl}/health`)) === 200 ? true : undefined),
      60_000,
    );
    await waitFor(
      'worker /health 200',
      async () => ((await httpStatus(`${workerUrl}/health`)) === 200 ? true : undefined),
      60_000,
    );

    const { paymentId } = await stack.createPayment();
    expect(await stack.waitForState(paymentId, ['completed', 'failed'])).toBe('completed');

    const relayMetrics = await (await fetch(`${relayUrl}/metrics`)).text();
    expect(relayMetrics).toMatch(new RegExp(`^${METRICS.outboxPublished}\\{mode="ack,ordered"\\} 1$`, 'm'));
    expect(relayMetrics).toMatch(new RegExp(`^${METRICS.outboxPendingRows} 0$`, 'm'));
    expect(relayMetrics).toContain('nodejs_eventloop_lag_seconds');
    const workerMetrics = await (await fetch(`${workerUrl}/metrics`)).text();
    expect(workerMetrics).toMatch(new RegExp(`^${METRICS.paymentsSettled}\\{state="completed"\\} 1$`, 'm'));
    // The outbox lag is exported by workers too, so it survives a relay crash.
    expect(workerMetrics).toMatch(new RegExp(`^${METRICS.outboxPendingRows} 0$`, 'm'));
    await waitFor('consumer lag series', async () =>
      (await (await fetch(`${workerUrl}/metrics`)).text()).includes(`${METRICS.consumerLag}{`)
        ? true
        : undefined,
    );

    const stoppedAt = Date.now();
    relay.kill('SIGTERM');
    worker.kill('SIGTERM');
    expect(await exited(relay)).toBe(0);
    expect(await exited(worker)).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
  });
});
