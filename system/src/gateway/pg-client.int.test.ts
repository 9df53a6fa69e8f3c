/**
 * The PG client through the lab's Toxiproxy `pg-mock` link: link faults that HTTP cannot fake must
 * still land in the right outcome bucket. Runs against the lab's own pg-mock when it is up (checked
 * through the admin API, faults reset afterwards); otherwise starts one in-process on the lab's port
 * so the proxy's upstream answers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureRequest, LedgerEntry } from '../../pg-mock/contract.ts';
import { buildPgMock, type PgMock } from '../../pg-mock/server.ts';
import { loadConfig } from '../config.ts';
import { loadSecrets } from '../secrets.ts';
import { createHttpPgClient, type HttpPgClient } from './pg-client.ts';

const config = loadConfig();
const secrets = loadSecrets(config);
const link = config.links['pg-mock'];
const toxiproxy = `http://${config.services.toxiproxyApi.host}:${config.services.toxiproxyApi.port}`;
const pgDirect = `http://${config.services.pgMock.host}:${config.services.pgMock.port}`;
const viaProxy = `http://${link.listen.host}:${link.listen.port}`;
const runId = randomUUID().slice(0, 8);
const TOXIC_PREFIX = `itest-pg-client-${runId}`;

let inProcess: PgMock | undefined;
const clients: HttpPgClient[] = [];
const addedToxics: string[] = [];

async function toxiproxyCall(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${toxiproxy}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(5000),
  });
}

async function addToxic(
  type: string,
  attributes: Record<string, number>,
  stream = 'downstream',
): Promise<void> {
  const name = `${TOXIC_PREFIX}-${type}-${addedToxics.length}`;
  const response = await toxiproxyCall('POST', `/proxies/${link.proxy}/toxics`, {
    name,
    type,
    stream,
    toxicity: 1,
    attributes,
  });
  if (!response.ok)
    throw new Error(`adding toxic ${type} failed: ${response.status} ${await response.text()}`);
  addedToxics.push(name);
}

async function setProxyEnabled(enabled: boolean): Promise<void> {
  const response = await toxiproxyCall('POST', `/proxies/${link.proxy}`, { enabled });
  if (!response.ok) throw new Error(`setting proxy enabled=${enabled} failed: ${response.status}`);
}

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${pgDirect}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${secrets.pgMockAdminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(5000),
  });
}

async function ledgerOf(paymentId: string): Promise<LedgerEntry[]> {
  const response = await admin('GET', `/admin/ledger?paymentId=${encodeURIComponent(paymentId)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as LedgerEntry[];
}

function client(timeoutMs: number): HttpPgClient {
  const c = createHttpPgClient({ baseUrl: viaProxy, timeoutMs });
  clients.push(c);
  return c;
}

let n = 0;
function captureRequest(): CaptureRequest {
  n += 1;
  const paymentId = `itest-${runId}-${n}`;
  return {
    paymentId,
    orderId: `order-${paymentId}`,
    pgIdempotencyKey: `${paymentId}:capture:1`,
    amount: 1200,
    currency: 'KRW',
    method: 'card',
    methodReference: 'tok_itest',
  };
}

async function isUp(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  if (!(await isUp(`${toxiproxy}/version`))) {
    throw new Error(`Toxiproxy is not answering at ${toxiproxy}; start the lab with \`npm run lab -- up\``);
  }
  const proxy = await toxiproxyCall('GET', `/proxies/${link.proxy}`);
  if (!proxy.ok)
    throw new Error(`Toxiproxy has no proxy "${link.proxy}"; the lab runtime registers it on up`);
  if (!(await isUp(`${pgDirect}/health`))) {
    inProcess = buildPgMock({ seed: config.seed, adminToken: secrets.pgMockAdminToken });
    await inProcess.app.listen({ host: config.services.pgMock.host, port: config.services.pgMock.port });
  }
  expect((await admin('GET', '/admin/faults')).status).toBe(200);
});

afterEach(async () => {
  while (clients.length) clients.pop()?.close();
  for (const name of addedToxics.splice(0))
    await toxiproxyCall('DELETE', `/proxies/${link.proxy}/toxics/${name}`);
  await setProxyEnabled(true);
  await admin('POST', '/admin/faults/reset');
});

afterAll(async () => {
  await inProcess?.app.close();
});

describe('PG client through the Toxiproxy pg-mock link', () => {
  it('when the link is healthy, then a capture is captured once', async () => {
    const request = captureRequest();
    expect(await client(2000).capture(request)).toMatchObject({ kind: 'captured' });
    expect(await ledgerOf(request.paymentId)).toHaveLength(1);
  });

  it('when answers are black-holed (timeout toxic), then the outcome is unknown and the PG did book it', async () => {
    await addToxic('timeout', { timeout: 0 });
    const request = captureRequest();
    const outcome = await client(500).capture(request);
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'timeout' });
    expect((await ledgerOf(request.paymentId)).map((e) => e.status)).toEqual(['captured']);
    for (const name of addedToxics.splice(0))
      await toxiproxyCall('DELETE', `/proxies/${link.proxy}/toxics/${name}`);
    expect(await client(2000).inquire(request.pgIdempotencyKey)).toMatchObject({
      kind: 'found',
      result: { status: 'captured' },
    });
  });

  it('when the link is slower than the deadline (latency toxic), then unknown: timeout', async () => {
    await addToxic('latency', { latency: 800, jitter: 0 });
    expect(await client(300).capture(captureRequest())).toMatchObject({ kind: 'unknown', reason: 'timeout' });
  });

  it('when the proxy is disabled, then the capture is rejected and nothing is booked', async () => {
    await setProxyEnabled(false);
    const request = captureRequest();
    const outcome = await client(1000).capture(request);
    expect(outcome.kind).toBe('rejected');
    expect(outcome.kind === 'rejected' && outcome.reason).toMatch(/ECONNREFUSED/);
    expect(await client(1000).inquire(request.pgIdempotencyKey)).toMatchObject({
      kind: 'unknown',
      reason: 'unreachable',
    });
    expect(await ledgerOf(request.paymentId)).toEqual([]);
  });

  it('when the connection is reset (reset_peer toxic), then unknown: connection-reset', async () => {
    await addToxic('reset_peer', { timeout: 0 });
    const outcome = await client(2000).capture(captureRequest());
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'connection-reset' });
  });

  it('when the PG sheds load (admin: unavailableRate 1), then rejected with Retry-After through the proxy', async () => {
    const put = await admin('PUT', '/admin/faults', { unavailableRate: 1, retryAfterSeconds: 2 });
    expect(put.status).toBe(200);
    expect(await client(2000).capture(captureRequest())).toEqual({
      kind: 'rejected',
      reason: 'HTTP 503 unavailable',
      retryAfterMs: 2000,
    });
  });
});
