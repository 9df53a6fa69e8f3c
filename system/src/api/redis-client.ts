/**
 * The API's Redis client, tuned to fail fast: no offline queue (a command while disconnected is
 * rejected at once instead of waiting for a reconnect), no per-command retries, and short connect
 * and command timeouts, so a faulted redis link costs milliseconds and the database takes over.
 */
import { Redis } from 'ioredis';
import type { Endpoint } from '../config.ts';

export function createRedisClient(endpoint: Endpoint, onError: (error: Error) => void): Redis {
  const redis = new Redis({
    host: endpoint.host,
    port: endpoint.port,
    connectionName: 'paylab-api',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    commandTimeout: 250,
    // Keep trying to come back, but never hammer a dead link.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  redis.on('error', onError);
  return redis;
}
