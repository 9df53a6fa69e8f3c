/**
 * The database is the truth, so without it the API cannot accept payments — but it must say so
 * quickly and plainly (503 / 5003 with Retry-After, never a 500 or a hang), and recover by itself
 * when the link returns. The test faults its OWN Toxiproxy proxy in front of the lab's PostgreSQL,
 * leaving the shared db link alone.
 */
import { randomUUID } from 'node:crypto';
import { type Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { startTestApi, type TestApi } from './testing/test-api.ts';

const PROXY_NAME = 'paylab-api-test-db';

let api: TestApi;
let proxy: Proxy;

beforeAll(async () => {
  const config = loadConfig();
  const { host, port } = config.services.toxiproxyApi;
  const toxiproxy = new Toxiproxy(`http://${host}:${port}`);
  await (await toxiproxy.getAll())[PROXY_NAME]?.remove();
  const upstream = config.links.db.upstream;
  proxy = await toxiproxy.createProxy({
    name: PROXY_NAME,
    listen: '127.0.0.1:0',
    upstream: `${upstream.host}:${upstream.port}`,
  });
  const listenPort = Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1));
  api = await startTestApi('db_outage', { dbEndpoint: { host: '127.0.0.1', port: listenPort } });
});

afterAll(async () => {
  await api?.close();
  await proxy?.remove();
});

function create(key: string) {
  return api.app.inject({
    method: 'POST',
    url: '/payments',
    headers: { authorization: `Bearer ${api.keys.a}`, 'idempotency-key': key },
    payload: {
      orderId: `order-${key.slice(0, 8)}`,
      amount: 500,
      currency: 'EUR',
      method: 'card',
      methodReference: 'tok_mc_4444',
      items: [{ name: 'pen', quantity: 5, unitPrice: 100 }],
    },
  });
}

async function setEnabled(enabled: boolean): Promise<void> {
  proxy = await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
}

describe('when the db link is down', () => {
  it('then creates and reads answer 503 / 5003 with Retry-After within the connect timeout, readiness fails, and nothing is half-written', async () => {
    await setEnabled(false);
    const key = randomUUID();
    try {
      const started = performance.now();
      const response = await create(key);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json()).toMatchObject({
        code: 5003,
        errors: [{ field: 'database', reason: 'unavailable' }],
      });

      const read = await api.app.inject({
        method: 'GET',
        url: `/payments/${randomUUID()}`,
        headers: { authorization: `Bearer ${api.keys.a}` },
      });
      expect(read.statusCode).toBe(503);

      const ready = await api.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ code: 5003, errors: [{ field: 'db', value: 'down' }] });
    } finally {
      await setEnabled(true);
    }

    // The refused create left no trace, so retrying the same key creates the payment once.
    const retried = await create(key);
    expect(retried.statusCode).toBe(201);
    const { rows } = await api.pool.query(
      'SELECT count(*)::int AS n FROM payments WHERE idempotency_key = $1',
      [key],
    );
    expect(rows[0].n).toBe(1);
  });
});

describe('when the db link is slow', () => {
  it('then a create still commits everything once, slower by about one link round trip', async () => {
    const toxic = await proxy.addToxic({
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 200, jitter: 0 },
    });
    try {
      const key = randomUUID();
      const started = performance.now();
      const response = await create(key);
      const elapsed = performance.now() - started;
      expect(response.statusCode).toBe(201);
      // One statement per create: one delayed answer (plus at most a fresh connection's handshake).
      expect(elapsed).toBeGreaterThanOrEqual(200);
      expect(elapsed).toBeLessThan(1_500);
      const replay = await create(key);
      expect(replay.body).toBe(response.body);
    } finally {
      await toxic.remove();
    }
  });
});

describe('when the db link black-holes the answers', () => {
  it('then the create gives up with 503 at the query timeout, and a retry with the same key yields exactly one payment', async () => {
    // Make sure a pooled connection exists, so the statement itself (not the connect) meets the fault.
    await api.pool.query('SELECT 1');
    const toxic = await proxy.addToxic({
      name: 'blackhole',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    });
    const key = randomUUID();
    let first;
    try {
      const started = performance.now();
      first = await create(key);
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      await toxic.remove();
    }
    expect(first.statusCode).toBe(503);
    expect(first.json()).toMatchObject({ code: 5003 });

    // The statement may well have committed with only its answer lost: the key makes the retry safe.
    const retried = await create(key);
    expect(retried.statusCode).toBe(201);
    // Here it did: the retry is a replay of the payment whose answer the black hole swallowed.
    expect(retried.headers['idempotent-replayed']).toBe('true');
    const { rows } = await api.pool.query(
      'SELECT count(*)::int AS n FROM payments WHERE idempotency_key = $1',
      [key],
    );
    expect(rows[0].n).toBe(1);
  });
});
