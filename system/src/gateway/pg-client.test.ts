/**
 * The client's outcome mapping against a REAL pg-mock on a loopback port: every fault kind must
 * land in the right bucket, because the worker's safety (inquire before re-charging) rests on it.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureRequest } from '../../pg-mock/contract.ts';
import { buildPgMock, type PgMock } from '../../pg-mock/server.ts';
import {
  createHttpPgClient,
  mapInquiry,
  parseRetryAfter,
  type HttpPgClient,
  type PgCallRecord,
} from './pg-client.ts';

const TOKEN = 'pgadm_client_test_0123456789';
let pg: PgMock;
let baseUrl: string;
const clients: HttpPgClient[] = [];

function client(timeoutMs = 1000, onCall?: (r: PgCallRecord) => void): HttpPgClient {
  const c = createHttpPgClient({ baseUrl, timeoutMs, ...(onCall ? { onCall } : {}) });
  clients.push(c);
  return c;
}

let n = 0;
function captureRequest(orderId = 'order'): CaptureRequest {
  n += 1;
  return {
    paymentId: `pay-${n}`,
    orderId: `${orderId}-${n}`,
    pgIdempotencyKey: `pay-${n}:capture`,
    amount: 5000,
    currency: 'KRW',
    method: 'card',
    methodReference: 'tok_test',
  };
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  pg = buildPgMock({ seed: 42, adminToken: TOKEN });
  await pg.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(pg.app.server.address() as AddressInfo).port}`;
});
afterEach(() => {
  pg.faults.reset();
  while (clients.length) clients.pop()?.close();
});
afterAll(async () => {
  await pg.app.close();
});

describe('capture outcomes', () => {
  it('2xx → captured, and a retry with the same key returns the same transaction', async () => {
    const request = captureRequest();
    const first = await client().capture(request);
    const again = await client().capture(request);
    expect(first).toMatchObject({
      kind: 'captured',
      result: { status: 'captured', paymentId: request.paymentId },
    });
    expect(again).toEqual(first);
    expect(pg.ledger.entries({ paymentId: request.paymentId })).toHaveLength(1);
  });

  it('402 (FAIL) → declined, with the reason', async () => {
    const outcome = await client().capture(captureRequest('FAIL'));
    expect(outcome).toMatchObject({
      kind: 'declined',
      result: { status: 'declined', declineReason: 'simulated_failure' },
    });
  });

  it('503 (HTTP_503) → rejected with retryAfterMs, nothing booked', async () => {
    const request = captureRequest('HTTP_503');
    const outcome = await client().capture(request);
    expect(outcome).toEqual({ kind: 'rejected', reason: 'HTTP 503 unavailable', retryAfterMs: 1000 });
    expect(pg.ledger.byKey(request.pgIdempotencyKey)).toBeUndefined();
  });

  it('503 from the profile carries the configured Retry-After', async () => {
    pg.faults.setProfile({ ...pg.faults.profile(), unavailableRate: 1, retryAfterSeconds: 7 });
    const outcome = await client().capture(captureRequest());
    expect(outcome).toMatchObject({ kind: 'rejected', retryAfterMs: 7000 });
  });

  it('charge then time out (TIMEOUT) → unknown: timeout, and the ledger holds the capture', async () => {
    pg.faults.setProfile({ ...pg.faults.profile(), chargeThenTimeoutMs: 5000 });
    const request = captureRequest('TIMEOUT');
    const started = Date.now();
    const outcome = await client(300).capture(request);
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(pg.ledger.byKey(request.pgIdempotencyKey)?.status).toBe('captured');
    // …which is exactly what an inquiry is for.
    expect(await client().inquire(request.pgIdempotencyKey)).toMatchObject({
      kind: 'found',
      result: { status: 'captured' },
    });
  });

  it('charge then time out, held shorter than the client waits → the socket closes: unknown: connection-reset', async () => {
    pg.faults.setProfile({ ...pg.faults.profile(), chargeThenTimeoutRate: 1, chargeThenTimeoutMs: 100 });
    const request = captureRequest();
    const outcome = await client(3000).capture(request);
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'connection-reset' });
    expect(pg.ledger.byKey(request.pgIdempotencyKey)?.status).toBe('captured');
  });

  it('CONN_RESET → unknown: connection-reset, and the capture was booked', async () => {
    const request = captureRequest('CONN_RESET');
    const outcome = await client().capture(request);
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'connection-reset' });
    expect(outcome.kind === 'unknown' && outcome.detail).toMatch(/ECONNRESET|socket hang up/);
    expect(pg.ledger.byKey(request.pgIdempotencyKey)?.status).toBe('captured');
  });

  it('JSON_ERROR (200, malformed body) → unknown: bad-response, never captured on faith', async () => {
    const request = captureRequest('JSON_ERROR');
    expect(await client().capture(request)).toMatchObject({ kind: 'unknown', reason: 'bad-response' });
    expect(pg.ledger.byKey(request.pgIdempotencyKey)?.status).toBe('captured');
  });

  it('500 → unknown: server-error (the client cannot know it happened before booking)', async () => {
    pg.faults.setProfile({ ...pg.faults.profile(), errorRate: 1 });
    expect(await client().capture(captureRequest())).toMatchObject({
      kind: 'unknown',
      reason: 'server-error',
    });
  });

  it('latency past the deadline → unknown: timeout, and the PG books it late anyway', async () => {
    pg.faults.setProfile({
      ...pg.faults.profile(),
      latencyMs: { min: 400, max: 400, tailRate: 0, tailMs: 0 },
    });
    const request = captureRequest();
    expect(await client(100).capture(request)).toMatchObject({ kind: 'unknown', reason: 'timeout' });
    expect(pg.ledger.byKey(request.pgIdempotencyKey)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(pg.ledger.byKey(request.pgIdempotencyKey)?.status).toBe('captured');
  });

  it('400 (a card number instead of a token) → rejected, naming the error code', async () => {
    const outcome = await client().capture({ ...captureRequest(), methodReference: '4111111111111111' });
    expect(outcome).toEqual({ kind: 'rejected', reason: 'HTTP 400 bad_request' });
  });

  it('connection refused on a closed port → rejected (surely not done)', async () => {
    const refused = createHttpPgClient({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      timeoutMs: 1000,
    });
    clients.push(refused);
    const outcome = await refused.capture(captureRequest());
    expect(outcome.kind).toBe('rejected');
    expect(outcome.kind === 'rejected' && outcome.reason).toMatch(/unreachable: ECONNREFUSED/);
    expect(await refused.inquire('k')).toMatchObject({ kind: 'unknown', reason: 'unreachable' });
    expect(await refused.refund('tx', 'k')).toMatchObject({ kind: 'rejected' });
  });
});

describe('inquiry and refund outcomes', () => {
  it('inquiry: not-found for a never-seen key, found with the booking after a capture', async () => {
    const request = captureRequest();
    expect(await client().inquire(request.pgIdempotencyKey)).toEqual({ kind: 'not-found' });
    await client().capture(request);
    expect(await client().inquire(request.pgIdempotencyKey)).toMatchObject({
      kind: 'found',
      result: { status: 'captured' },
    });
  });

  it('inquiry finds keys that need escaping in a path: slashes, query marks, 200 non-ASCII characters', async () => {
    for (const key of ['a/b', 'a?b#c%2F', '결제'.repeat(100)]) {
      const request = { ...captureRequest(), pgIdempotencyKey: key };
      expect(await client().capture(request)).toMatchObject({ kind: 'captured' });
      expect(await client().inquire(key)).toMatchObject({ kind: 'found', result: { pgIdempotencyKey: key } });
    }
  });

  it('slow inquiry past the deadline → unknown: timeout', async () => {
    pg.faults.setProfile({ ...pg.faults.profile(), inquiryLatencyMs: 500 });
    expect(await client(100).inquire('any-key')).toMatchObject({ kind: 'unknown', reason: 'timeout' });
  });

  it('inquiry: 503 or 500 → unknown: server-error (never read as not-found)', async () => {
    pg.faults.setProfile({ ...pg.faults.profile(), unavailableRate: 1 });
    expect(await client().inquire('k')).toMatchObject({ kind: 'unknown', reason: 'server-error' });
  });

  it('a 404 that is not the PG saying "never seen" is unknown, not not-found', () => {
    const outcome = mapInquiry({
      kind: 'response',
      status: 404,
      headers: {},
      body: '{"code":"no_route","message":"x"}',
    });
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'bad-response' });
    const html = mapInquiry({ kind: 'response', status: 404, headers: {}, body: '<html>nginx</html>' });
    expect(html.kind).toBe('unknown');
  });

  it('refund: refunded, idempotent on repeat; unknown transaction → rejected', async () => {
    const request = captureRequest();
    const captured = await client().capture(request);
    if (captured.kind !== 'captured') throw new Error(`expected captured, got ${captured.kind}`);
    const { transactionId } = captured.result;
    const first = await client().refund(transactionId, request.pgIdempotencyKey);
    expect(first).toMatchObject({ kind: 'refunded', result: { status: 'refunded', transactionId } });
    expect(await client().refund(transactionId, request.pgIdempotencyKey)).toEqual(first);
    expect(await client().refund('tx_missing', 'k')).toEqual({
      kind: 'rejected',
      reason: 'HTTP 404 not_found',
    });
    expect(pg.ledger.summary().refunds).toBeGreaterThanOrEqual(1);
  });

  it('void: voided when nothing was booked (then the key answers not-found and a capture is rejected); booked when it was', async () => {
    const request = captureRequest();
    expect(await client().voidCapture(request.pgIdempotencyKey)).toEqual({ kind: 'voided' });
    expect(await client().inquire(request.pgIdempotencyKey)).toEqual({ kind: 'not-found' });
    expect(await client().capture(request)).toEqual({ kind: 'rejected', reason: 'HTTP 409 key_voided' });
    const other = captureRequest();
    const captured = await client().capture(other);
    expect(await client().voidCapture(other.pgIdempotencyKey)).toEqual({
      kind: 'booked',
      result: captured.kind === 'captured' ? captured.result : undefined,
    });
  });

  it('void under 503 → rejected with retryAfterMs; under 500 → unknown', async () => {
    pg.faults.setProfile({ ...pg.faults.profile(), unavailableRate: 1, retryAfterSeconds: 2 });
    expect(await client().voidCapture('k')).toMatchObject({ kind: 'rejected', retryAfterMs: 2000 });
    pg.faults.setProfile({ ...pg.faults.profile(), unavailableRate: 0, errorRate: 1 });
    expect(await client().voidCapture('k')).toMatchObject({ kind: 'unknown', reason: 'server-error' });
  });

  it('refund under 503 → rejected with retryAfterMs', async () => {
    pg.faults.setProfile({ ...pg.faults.profile(), unavailableRate: 1, retryAfterSeconds: 2 });
    expect(await client().refund('tx', 'k')).toMatchObject({ kind: 'rejected', retryAfterMs: 2000 });
  });
});

describe('outcomes agree with the ledger under mixed faults', () => {
  it('captured and declined are booked as said; rejected is never booked (300 captures, 20 at a time)', async () => {
    pg.faults.setProfile({
      ...pg.faults.profile(),
      declineRate: 0.15,
      errorRate: 0.1,
      unavailableRate: 0.1,
      chargeThenTimeoutRate: 0.1,
      chargeThenTimeoutMs: 50,
      latencyMs: { min: 0, max: 5, tailRate: 0.05, tailMs: 400 },
    });
    const c = client(250);
    const requests = Array.from({ length: 300 }, () => captureRequest());
    const outcomes: { request: CaptureRequest; outcome: Awaited<ReturnType<HttpPgClient['capture']>> }[] = [];
    for (let i = 0; i < requests.length; i += 20) {
      const batch = requests.slice(i, i + 20);
      outcomes.push(
        ...(await Promise.all(
          batch.map(async (request) => ({ request, outcome: await c.capture(request) })),
        )),
      );
    }
    // Late bookings (latency past the deadline) land after the client gave up; let them.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const kinds = new Set<string>();
    for (const { request, outcome } of outcomes) {
      kinds.add(outcome.kind);
      const booked = pg.ledger.byKey(request.pgIdempotencyKey);
      if (outcome.kind === 'captured' || outcome.kind === 'declined') {
        expect(booked?.transactionId).toBe(outcome.result.transactionId);
        expect(booked?.status).toBe(outcome.result.status);
      }
      if (outcome.kind === 'rejected') expect(booked).toBeUndefined();
    }
    expect(kinds).toEqual(new Set(['captured', 'declined', 'rejected', 'unknown']));
    expect(pg.ledger.summary().doubleCaptures).toBe(0);
  });
});

describe('call records for the worker metrics', () => {
  it('reports operation, outcome kind, status and duration of each call', async () => {
    const records: PgCallRecord[] = [];
    const c = client(1000, (r) => records.push(r));
    await c.capture(captureRequest());
    await c.inquire('never-seen');
    await c.capture(captureRequest('HTTP_503'));
    expect(records.map((r) => [r.operation, r.outcome, r.status])).toEqual([
      ['capture', 'captured', 200],
      ['inquiry', 'not-found', 404],
      ['capture', 'rejected', 503],
    ]);
    expect(records[2]?.reason).toBe('HTTP 503 unavailable');
    for (const r of records) expect(r.durationMs).toBeGreaterThan(0);
  });
});

describe('Retry-After parsing', () => {
  it('reads delta-seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
