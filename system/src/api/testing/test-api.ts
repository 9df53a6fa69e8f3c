/**
 * Builds the real payment API for integration tests: a fresh cloned database, the lab's Redis
 * (through a Toxiproxy link), and merchants with throwaway keys. Nothing is mocked.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { type Endpoint, loadConfig, type StrategyKnobs } from '../../config.ts';
import { createPool } from '../../db/pool.ts';
import { createTestDatabase, type TestDatabase } from '../../db/testing/test-database.ts';
import { createMetricsRegistry } from '../../observability/metrics-registry.ts';
import { hashApiKey } from '../../secrets.ts';
import { buildApp } from '../app.ts';
import { buildMerchantKeyTable } from '../auth.ts';
import { createRedisIdempotencyCache, type IdempotencyCache } from '../idempotency-cache.ts';
import { createRedisClient } from '../redis-client.ts';

export interface TestApi {
  app: FastifyInstance;
  pool: pg.Pool;
  redis: Redis;
  registry: Registry;
  db: TestDatabase;
  /** Bearer API keys of two merchants, to test that neither sees the other's payments. */
  keys: { a: string; b: string };
  close(): Promise<void>;
}

export async function waitForRedis(redis: Redis, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (redis.status !== 'ready') {
    if (Date.now() - started > timeoutMs)
      throw new Error(`redis not ready after ${timeoutMs} ms (status ${redis.status})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startTestApi(
  label: string,
  options: {
    redisEndpoint?: Endpoint;
    /** Reach the test database through another link (a test's own Toxiproxy proxy). */
    dbEndpoint?: Endpoint;
    cache?: (redis: Redis) => IdempotencyCache;
    /** The apiCommit strategy knob; commit-first (robust) by default. */
    commit?: StrategyKnobs['apiCommit'];
  } = {},
): Promise<TestApi> {
  const config = loadConfig();
  const db = await createTestDatabase(config, label);
  const url = new URL(db.url);
  if (options.dbEndpoint) {
    url.hostname = options.dbEndpoint.host;
    url.port = String(options.dbEndpoint.port);
  }
  const pool = createPool({
    connectionString: url.toString(),
    applicationName: `paylab-test-${label}`,
    max: 30,
    onIdleError: () => {},
  });
  const redis = createRedisClient(options.redisEndpoint ?? config.links.redis.listen, () => {});
  await waitForRedis(redis);
  const keys = {
    a: `sk_test_${randomBytes(12).toString('hex')}`,
    b: `sk_test_${randomBytes(12).toString('hex')}`,
  };
  const registry = createMetricsRegistry();
  const { app } = await buildApp({
    pool,
    cache: options.cache ? options.cache(redis) : createRedisIdempotencyCache(redis, { openCircuitMs: 200 }),
    merchantKeys: buildMerchantKeyTable(
      [
        { merchantId: `${label}-merchant-a`, apiKey: keys.a },
        { merchantId: `${label}-merchant-b`, apiKey: keys.b },
      ],
      hashApiKey,
    ),
    hashApiKey,
    registry,
    commit: options.commit,
    // These tests share a busy machine with the whole lab: a second of event-loop lag while vitest
    // compiles must not shed their requests with 503. Shedding itself is tested in app.test.ts.
    overload: { maxEventLoopDelayMs: 10_000 },
    readiness: [
      { name: 'db', required: true, check: async () => void (await pool.query('SELECT 1')) },
      { name: 'redis', required: false, check: async () => void (await redis.ping()) },
    ],
  });
  await app.ready();
  return {
    app,
    pool,
    redis,
    registry,
    db,
    keys,
    async close() {
      await app.close();
      await pool.end();
      redis.disconnect();
      await db.drop();
    },
  };
}

export { counterValue } from '../../testing/counter-value.ts';
