/**
 * Redis as the fast path of idempotency: completed responses cached per merchant and key, and a
 * short "in progress" lock so a racing duplicate is answered 409 without touching the database.
 * It is only an accelerator: the database's unique key decides, so every method here may fail
 * (the caller falls back and counts it). After a failure the cache stays open-circuit for a
 * moment, so a dead or black-holed Redis costs one timeout, not one per request.
 */
import type { Redis } from 'ioredis';
import type { StoredIdempotencyRecord } from '../domain/idempotency.ts';

/** What Redis knows about a key, learned in one atomic round trip. */
export type CacheClaim =
  /** A completed answer is cached: decide from it. */
  | { kind: 'cached'; record: StoredIdempotencyRecord }
  /** Nothing cached and this caller now holds the in-progress lock. */
  | { kind: 'locked' }
  /** Nothing cached and another request holds the lock: it is in progress. */
  | { kind: 'busy' }
  /** A cached value we cannot read, and no lock taken: the database decides. */
  | { kind: 'unreadable' };

export interface IdempotencyCache {
  claim(merchantId: string, key: string): Promise<CacheClaim>;
  /** Caches the completed answer (when given) and releases the lock (when held), in one round trip. */
  settle(
    merchantId: string,
    key: string,
    settlement: { record?: StoredIdempotencyRecord; unlock: boolean },
  ): Promise<void>;
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

/**
 * Atomically: a cached answer if there is one, else try to take the in-progress lock. Atomic, so
 * an answer cached between "look" and "lock" cannot be missed.
 */
const CLAIM_SCRIPT = `
local cached = redis.call('GET', KEYS[1])
if cached then return {'cached', cached} end
if redis.call('SET', KEYS[2], '1', 'PX', ARGV[1], 'NX') then return {'locked'} end
return {'busy'}
`;

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
  // Short on purpose: ~1 KB per payment at hundreds of creates a second would fill a lab machine's
  // Redis within hours; an older replay still comes from the database, only slower.
  const ttlSeconds = options.ttlSeconds ?? 10 * 60;
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
    claim: (m, k) =>
      guarded(async () => {
        const reply = await redis.eval(CLAIM_SCRIPT, 2, recordKey(m, k), lockKey(m, k), String(lockMs));
        if (!Array.isArray(reply) || typeof reply[0] !== 'string') throw new Error('unexpected claim reply');
        if (reply[0] === 'locked') return { kind: 'locked' };
        if (reply[0] === 'busy') return { kind: 'busy' };
        const parsed: unknown = typeof reply[1] === 'string' ? JSON.parse(reply[1]) : undefined;
        return isRecord(parsed) ? { kind: 'cached', record: parsed } : { kind: 'unreadable' };
      }),
    settle: (m, k, { record, unlock }) =>
      guarded(async () => {
        const pipeline = redis.pipeline();
        if (record) pipeline.set(recordKey(m, k), JSON.stringify(record), 'EX', ttlSeconds);
        // If the lock expired and someone else took it, deleting it only lets a third request reach
        // the database, where the unique key still keeps it to one payment.
        if (unlock) pipeline.del(lockKey(m, k));
        const results = await pipeline.exec();
        const failed = results?.find(([error]) => error !== null);
        if (failed?.[0]) throw failed[0];
      }),
  };
}
