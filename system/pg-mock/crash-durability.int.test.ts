/**
 * The PG never forgets: a capture the PG answered survives a kill -9 of pg-mock. After the
 * restart, the inquiry by key finds it (so a worker never charges again), a retry with the key
 * replays it (no second capture), and the admin ledger — what the checker reads — still lists it.
 * Runs against the lab's real pg-mock process, killed and started through NativeRuntime.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { loadSecrets } from '../src/secrets.ts';
import { NativeRuntime } from '../lab/native/runtime.ts';
import type { CaptureResult, LedgerEntry, LedgerSummary } from './contract.ts';

const config = loadConfig();
const runtime = new NativeRuntime(config);
const native =
  process.env.PAYLAB_TEST_RUNTIME === 'native' ||
  !(await import('../lab/docker/runtime.ts').then((m) => m.dockerEngineAnswers()));
const base = `http://${config.services.pgMock.host}:${config.services.pgMock.port}`;
const admin = { authorization: `Bearer ${loadSecrets(config).pgMockAdminToken}` };

async function capture(paymentId: string, key: string): Promise<{ status: number; body: CaptureResult }> {
  const res = await fetch(`${base}/v1/captures`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      paymentId,
      orderId: `order-${paymentId}`,
      pgIdempotencyKey: key,
      amount: 4200,
      currency: 'KRW',
      method: 'card',
      methodReference: 'tok_durable',
    }),
  });
  return { status: res.status, body: (await res.json()) as CaptureResult };
}

async function getJson<T>(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as T };
}

const pgMockState = async (): Promise<string | undefined> =>
  (await runtime.status()).find((s) => s.service === 'pg-mock')?.state;

describe.runIf(native)('pg-mock ledger across a crash', () => {
  afterAll(async () => {
    if ((await pgMockState()) !== 'running') await runtime.start({ service: 'pg-mock' });
  });

  it('when pg-mock is killed with SIGKILL after a capture, then the restarted PG still knows the capture', async () => {
    const paymentId = randomUUID();
    const key = `pay_${paymentId}_1`;
    const first = await capture(paymentId, key);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('captured');
    const capturesBefore = (await getJson<LedgerSummary>('/admin/ledger/summary', admin)).body.captures;

    const before = (await runtime.status()).find((s) => s.service === 'pg-mock')?.pid;
    await runtime.kill({ service: 'pg-mock' });
    expect(await pgMockState()).toBe('stopped');
    await runtime.start({ service: 'pg-mock' });
    const after = (await runtime.status()).find((s) => s.service === 'pg-mock');
    expect(after?.state).toBe('running');
    expect(after?.pid).not.toBe(before);

    const inquiry = await getJson<CaptureResult>(`/v1/captures/${encodeURIComponent(key)}`);
    expect(inquiry.status).toBe(200);
    expect(inquiry.body).toMatchObject({ transactionId: first.body.transactionId, status: 'captured' });

    const retry = await capture(paymentId, key);
    expect(retry.status).toBe(200);
    expect(retry.body.transactionId).toBe(first.body.transactionId);

    const ledger = await getJson<LedgerEntry[]>(`/admin/ledger?paymentId=${paymentId}`, admin);
    expect(ledger.body.map((e) => [e.transactionId, e.status])).toEqual([
      [first.body.transactionId, 'captured'],
    ]);
    const summary = (await getJson<LedgerSummary>('/admin/ledger/summary', admin)).body;
    expect(summary.captures).toBe(capturesBefore);
    expect(summary.paymentsWithMultipleCaptures.some((p) => p.paymentId === paymentId)).toBe(false);
  });
});
