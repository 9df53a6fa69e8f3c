/**
 * Redis is only the fast path of idempotency: with its link down or black-holed the API must stay
 * correct (the database decides), stay fast (no stalls), and count the fallback.
 *
 * The test faults its OWN Toxiproxy proxy in front of the lab's Redis, created here and removed
 * afterwards, so the shared redis link that other tests and the running api use is left alone.
 */
import { randomUUID } from 'node:crypto';
import { type Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { METRICS } from '../metric-names.ts';
import { counterValue, startTestApi, type TestApi, waitForRedis } from './testing/test-api.ts';

const PROXY_NAME = 'paylab-api-test-redis';

let api: TestApi;
let proxy: Proxy;
let baseUrl: string;
let toxiproxy: Toxiproxy;

function endpointOf(listen: string): { host: string; port: number } {
  const separator = listen.lastIndexOf(':');
  return { host: '127.0.0.1', port: Number(listen.slice(separator + 1)) };
}

beforeAll(async () => {
  const config = loadConfig();
  const { host, port } = config.services.toxiproxyApi;
  toxiproxy = new Toxiproxy(`http://${host}:${port}`);
  const stale = await toxiproxy.getAll();
  await stale[PROXY_NAME]?.remove();
  const upstream = config.links.redis.upstream;
  // Port 0: Toxiproxy picks a free port and reports it back.
  proxy = await toxiproxy.createProxy({
    name: PROXY_NAME,
    listen: '127.0.0.1:0',
    upstream: `${upstream.host}:${upstream.port}`,
  });
  api = await startTestApi('redis_outage', { redisEndpoint: endpointOf(proxy.listen) });
  baseUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await api?.close();
  await proxy?.remove();
});

function paymentBody(orderId = `order-${randomUUID().slice(0, 8)}`) {
  return {
    orderId,
    amount: 1_000,
    currency: 'USD',
    method: 'easy_pay',
    methodReference: 'wallet-ab12',
    items: [{ name: 'tea', quantity: 1, unitPrice: 1_000 }],
  };
}

async function post(body: unknown, key: string) {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/payments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${api.keys.a}`,
      'idempotency-key': key,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.text(), ms: performance.now() - started };
}

async function paymentsWithKey(key: string): Promise<number> {
  const { rows } = await api.pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM payments WHERE idempotency_key = $1',
    [key],
  );
  return Number(rows[0]?.n);
}

async function setEnabled(enabled: boolean): Promise<void> {
  proxy = await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
}

describe('when the redis link is down', () => {
  it('then creates, replays and mismatches stay correct through the database, and the fallback is counted', async () => {
    await setEnabled(false);
    try {
      const fallbackBefore = await counterValue(api.registry, METRICS.idempotencyRedisFallback);
      const key = randomUUID();
      const body = paymentBody();
      const first = await post(body, key);
      expect(first.status).toBe(201);
      const replay = await post(body, key);
      expect(replay.status).toBe(201);
      expect(replay.body).toBe(first.body);
      const mismatch = await post(paymentBody('another-order'), key);
      expect(mismatch.status).toBe(422);
      expect(await paymentsWithKey(key)).toBe(1);

      expect(await counterValue(api.registry, METRICS.idempotencyRedisFallback)).toBeGreaterThanOrEqual(
        fallbackBefore + 3,
      );
      expect(
        await counterValue(api.registry, METRICS.idempotencyReplays, { source: 'db' }),
      ).toBeGreaterThanOrEqual(1);
      for (const r of [first, replay, mismatch]) expect(r.ms).toBeLessThan(1_000);

      const ready = await api.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({
        data: { status: 'degraded', checks: { db: 'up', redis: 'down' } },
      });
    } finally {
      await setEnabled(true);
    }
  });

  it('then 20 racing requests with one key still make exactly one payment, and every one of them gets it', async () => {
    await setEnabled(false);
    try {
      const key = randomUUID();
      const body = paymentBody();
      const responses = await Promise.all(Array.from({ length: 20 }, () => post(body, key)));
      expect(await paymentsWithKey(key)).toBe(1);
      // Without Redis there is no in-progress lock: the losers wait on the database's unique key and replay.
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
      expect(new Set(responses.map((r) => r.body)).size).toBe(1);
    } finally {
      await setEnabled(true);
    }
  });
});

describe('when the redis link black-holes traffic', () => {
  it('then a create is answered within the Redis command timeout, not stalled, and later ones skip Redis for a moment', async () => {
    await waitForRedis(api.redis);
    const toxic = await proxy.addToxic({
      name: 'blackhole',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    });
    try {
      const fallbackBefore = await counterValue(api.registry, METRICS.idempotencyRedisFallback);
      const key = randomUUID();
      const first = await post(paymentBody(), key);
      expect(first.status).toBe(201);
      expect(first.ms).toBeLessThan(1_500);
      const second = await post(paymentBody(), randomUUID());
      expect(second.status).toBe(201);
      expect(second.ms).toBeLessThan(500);
      expect(await counterValue(api.registry, METRICS.idempotencyRedisFallback)).toBe(fallbackBefore + 2);
      expect(await paymentsWithKey(key)).toBe(1);
    } finally {
      await toxic.remove();
    }
  });
});

describe('when a Redis reply is lost after the command ran', () => {
  it('then the lock it left behind does not answer 409 for a payment the database already holds: the retry gets the replay', async () => {
    await waitForRedis(api.redis, 10_000);
    await new Promise((r) => setTimeout(r, 300)); // the circuit an earlier test opened closes
    // Replies slower than the client's 250 ms command timeout: the claim script runs in Redis and
    // takes the in-progress lock, but the API gives up on the answer and creates through the database.
    const toxic = await proxy.addToxic({
      name: 'slow-replies',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 600, jitter: 0 },
    });
    const key = randomUUID();
    const body = paymentBody();
    let first: Awaited<ReturnType<typeof post>>;
    try {
      first = await post(body, key);
      expect(first.status).toBe(201);
    } finally {
      await toxic.remove();
    }
    // The lock really is left behind in Redis (what made the retry answer 409)…
    await waitForRedis(api.redis, 10_000);
    await new Promise((r) => setTimeout(r, 700)); // the late replies drain; the 200 ms circuit closes
    expect(await api.redis.exists(`paylab:idem-lock:redis_outage-merchant-a:${key}`)).toBe(1);
    // …yet the retry is answered from the database's record, byte for byte.
    const retry = await post(body, key);
    expect(retry.status, retry.body).toBe(201);
    expect(retry.body).toBe(first.body);
    expect(await paymentsWithKey(key)).toBe(1);
  });
});

describe('when the redis link comes back', () => {
  it('then the API uses Redis again and stops counting fallbacks', async () => {
    await waitForRedis(api.redis, 10_000);
    // The circuit stays open briefly after the last failure.
    await new Promise((r) => setTimeout(r, 300));
    const before = await counterValue(api.registry, METRICS.idempotencyRedisFallback);
    const key = randomUUID();
    const body = paymentBody();
    await post(body, key);
    const replay = await post(body, key);
    expect(replay.status).toBe(201);
    expect(await counterValue(api.registry, METRICS.idempotencyRedisFallback)).toBe(before);
    expect(
      await counterValue(api.registry, METRICS.idempotencyReplays, { source: 'redis' }),
    ).toBeGreaterThanOrEqual(1);
  });
});
