/**
 * The payment API process: the only place that wires config, secrets, pool, Redis and the app.
 * Listens on loopback at config.services.api; migrates the database first when it is behind;
 * on SIGTERM stops accepting, finishes in-flight requests, closes its connections and exits 0.
 */
import { databaseUrl, loadConfig } from '../config.ts';
import { hashApiKey, loadSecrets } from '../secrets.ts';
import { buildApp } from '../api/app.ts';
import { buildMerchantKeyTable } from '../api/auth.ts';
import { createRedisIdempotencyCache } from '../api/idempotency-cache.ts';
import { createRedisClient } from '../api/redis-client.ts';
import { isTransientDbError } from '../db/db-errors.ts';
import { migrate } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { createMetricsRegistry } from '../observability/metrics-registry.ts';

const SHUTDOWN_GRACE_MS = 10_000;
const MIGRATE_DEADLINE_MS = 60_000;

/**
 * A restart during a db fault must not crash-loop: wait for the database (through its link) for a
 * while, and give up only when it stays away; a failing migration itself is fatal at once.
 */
async function migrateWhenReachable(connectionString: string): Promise<string[]> {
  const deadline = Date.now() + MIGRATE_DEADLINE_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate(connectionString, (line) => console.log(line));
    } catch (error) {
      if (!isTransientDbError(error) || Date.now() > deadline) throw error;
      const message = error instanceof Error ? error.message : String(error);
      console.warn(`api: database not reachable yet (${message}); retrying`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 2_000)));
    }
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const secrets = loadSecrets(config);
  const connectionString = databaseUrl(config);

  const applied = await migrateWhenReachable(connectionString);
  if (applied.length > 0) console.log(`api: migrated the database to ${applied.at(-1)}`);

  const pool = createPool({
    connectionString,
    applicationName: 'paylab-api',
    max: config.tuning.dbPool.api,
    onIdleError: (error) => console.warn(`api: idle db client failed: ${error.message}`),
  });

  // A dead Redis emits an error per reconnect attempt; one line per state change is enough.
  let redisDown = false;
  const redis = createRedisClient(config.links.redis.listen, (error) => {
    if (!redisDown)
      console.warn(`api: redis unavailable (${error.message}); idempotency falls back to the database`);
    redisDown = true;
  });
  redis.on('ready', () => {
    if (redisDown) console.log('api: redis is back');
    redisDown = false;
  });

  const { app } = await buildApp({
    pool,
    cache: createRedisIdempotencyCache(redis),
    merchantKeys: buildMerchantKeyTable(secrets.merchants, hashApiKey),
    hashApiKey,
    registry: createMetricsRegistry(),
    commit: config.strategy.apiCommit,
    readiness: [
      { name: 'db', required: true, check: async () => void (await pool.query('SELECT 1')) },
      { name: 'redis', required: false, check: async () => void (await redis.ping()) },
    ],
    logger: { level: 'info' },
  });

  const { host, port } = config.services.api;
  await app.listen({ host, port });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`api: ${signal} received, draining`);
    const force = setTimeout(() => {
      app.log.error('api: shutdown grace period passed, exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    try {
      await app.close();
      await pool.end();
      redis.disconnect();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'api: shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('api: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
