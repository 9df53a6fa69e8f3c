/**
 * buildApp without services: only behaviour that never reaches PostgreSQL or Redis is tested
 * here (the pool and the Redis client are created but never connect). Everything that touches
 * them is in the *.int.test.ts files.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../observability/metrics-registry.ts';
import { hashApiKey } from '../secrets.ts';
import { buildApp } from './app.ts';
import { createRedisIdempotencyCache } from './idempotency-cache.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function offlineApp(overload?: { maxEventLoopDelayMs: number; sampleIntervalMs: number }) {
  const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
  const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false });
  const { app } = await buildApp({
    pool,
    cache: createRedisIdempotencyCache(redis),
    merchantKeys: new Map([[hashApiKey('sk_test_unit'), 'merchant-unit']]),
    hashApiKey,
    registry: createMetricsRegistry(),
    readiness: [],
    overload,
  });
  await app.ready();
  closers.push(async () => {
    await app.close();
    await pool.end();
    redis.disconnect();
  });
  return app;
}

describe('buildApp', () => {
  it('refuses merchant routes without a key before reading the body, and never echoes the key', async () => {
    const app = await offlineApp();
    const response = await app.inject({
      method: 'POST',
      url: '/payments',
      headers: { authorization: 'Bearer sk_test_wrong', 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.body).not.toContain('sk_test_wrong');
  });

  it('documents every merchant route with bearer security in the OpenAPI document', async () => {
    const app = await offlineApp();
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/payments'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/payments'].post.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'header', name: 'idempotency-key', required: true }),
      ]),
    );
    expect(Object.keys(doc.paths['/payments'].post.responses)).toEqual(
      expect.arrayContaining(['201', '409', '422']),
    );
    expect(doc.paths).not.toHaveProperty('/metrics');
  });

  it('sheds merchant routes with 503 + Retry-After when the event loop lags, while health and metrics still answer', async () => {
    const app = await offlineApp({ maxEventLoopDelayMs: 20, sampleIntervalMs: 10 });
    // Keep the event loop busy, as an overloaded API's would be, while the request is made.
    const busy = (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        // spin
      }
    };
    const blocker = setInterval(() => busy(40), 5);
    await new Promise((r) => setTimeout(r, 150));
    const shed = await app.inject({ method: 'GET', url: '/payments/6f1c2b8e-1d7a-4f00-9a55-2b1d4e0c9f11' });
    clearInterval(blocker);
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.json()).toMatchObject({ code: 5003, errors: [{ field: 'server' }] });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });
});
