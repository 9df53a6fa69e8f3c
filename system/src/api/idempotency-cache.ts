/**
 * Redis as the fast path of idempotency: completed responses cached per merchant and key, and a
 * short "in progress" lock so a racing duplicate is answered 409 without touching the database.
 * It is only an accelerator: the database's unique key decides, so every method here may fail
 * (the caller falls back and counts it). After a failure the cache stays open-circuit for a
 * moment, so a dead or black-holed Redis costs one timeout, not one per request.
 */
import type { Redis } from 'ioredis';
import type { StoredIdempotencyRecord } from '../domain/idempotency.ts';

export interface IdempotencyCache {
  get(merchantId: string, key: string): Promise<StoredIdempotencyRecord | undefined>;
  put(merchantId: string, key: string, record: StoredIdempotencyRecord): Promise<void>;
  /** True when this caller now holds the in-progress lock for the key. */
  lock(merchantId: string, key: string): Promise<boolean>;
  unlock(merchantId: string, key: string): Promise<void>;
}

export class CacheUnavailable extends Error {
  override name = 'CacheUnavailable';
}

export interface RedisIdempotencyCacheOptions {
  /** How long a completed response is replayable from Redis; the database keeps it longer. */
  ttlSeconds?: number;
  /** Long enough for a create under a slow database, short enough that a crashed holder frees the key soon. */
  lockMs?: number;
  /** How long to skip Redis after it failed. */
  openCircuitMs?: number;
  now?: () => number;
}

function isRecord(value: unknown): value is StoredIdempotencyRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.requestHash === 'string' &&
    (v.state === 'completed' || v.state === 'in_progress') &&
    (typeof v.responseStatus === 'number' || v.responseStatus === null) &&
    (typeof v.responseBody === 'string' || v.responseBody === null)
  );
}

export function createRedisIdempotencyCache(
  redis: Redis,
  options: RedisIdempotencyCacheOptions = {},
): IdempotencyCache {
  const ttlSeconds = options.ttlSeconds ?? 24 * 60 * 60;
  const lockMs = options.lockMs ?? 5_000;
  const openCircuitMs = options.openCircuitMs ?? 1_000;
  const now = options.now ?? Date.now;
  let openUntil = 0;

  const recordKey = (m: string, k: string) => `paylab:idem:${m}:${k}`;
  const lockKey = (m: string, k: string) => `paylab:idem-lock:${m}:${k}`;

  async function guarded<T>(operation: () => Promise<T>): Promise<T> {
    if (now() < openUntil) throw new CacheUnavailable('redis circuit open after a recent failure');
    // Without the offline queue, ioredis rejects at once while disconnected; "ready" avoids even that.
    if (redis.status !== 'ready') {
      openUntil = now() + openCircuitMs;
      throw new CacheUnavailable(`redis is ${redis.status}`);
    }
    try {
      return await operation();
    } catch (error) {
      openUntil = now() + openCircuitMs;
      throw new CacheUnavailable('redis command failed', { cause: error });
    }
  }

  return {
    get: (m, k) =>
      guarded(async () => {
        const raw = await redis.get(recordKey(m, k));
        if (raw === null) return undefined;
        const parsed: unknown = JSON.parse(raw);
        // A value we cannot read is treated as absent: the database will answer.
        return isRecord(parsed) ? parsed : undefined;
      }),
    put: (m, k, record) =>
      guarded(async () => {
        await redis.set(recordKey(m, k), JSON.stringify(record), 'EX', ttlSeconds);
      }),
    lock: (m, k) => guarded(async () => (await redis.set(lockKey(m, k), '1', 'PX', lockMs, 'NX')) === 'OK'),
    unlock: (m, k) =>
      guarded(async () => {
        // If the lock expired and someone else took it, deleting it only lets a third request reach
        // the database, where the unique key still keeps it to one payment.
        await redis.del(lockKey(m, k));
      }),
  };
}
