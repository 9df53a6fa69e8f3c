/** Relay tunables with their defaults; the strategy knobs come from config.ts. */
import { TUNING, type RelayAckMode, type RelayOrderMode } from '../config.ts';
import type { BackoffPolicy } from './backoff.ts';

export interface RelayOptions {
  /** Identifies this relay in lease tokens and logs, e.g. "relay-0". */
  relayId: string;
  ackMode: RelayAckMode;
  orderMode: RelayOrderMode;
  /** Rows claimed per round. Default TUNING.relay.batchSize (config.ts, where the why is). */
  batchSize: number;
  /** How long a claim is exclusive; must exceed publishTimeoutMs. Default 30 s. */
  leaseMs: number;
  /** A publish that has not been acknowledged by then counts as failed. Default 10 s. The Kafka
   *  publisher owns this deadline (renewing-producer.ts); the loop keeps no timer of its own. */
  publishTimeoutMs: number;
  /** Failed publishes before a row goes dead. Default 50: with the backoff below that is about
   *  8 minutes of broker outage, longer than any lab fault, so an outage delays rows but never
   *  parks them (dead rows need an operator: `ops outbox-requeue`). */
  maxAttempts: number;
  /** Backoff between failed publishes of one row. Default 500 ms doubling to 10 s: the cap bounds
   *  how long a failed row lingers after the broker is back, which is part of recovery time. */
  backoff: BackoffPolicy;
  /** Polling fallback when no NOTIFY arrives. Default 1 s. */
  pollIntervalMs: number;
  /** Sent rows are deleted after this long. Default 1 h. */
  retentionMs: number;
  /** How often retention runs. Default 60 s. */
  retentionSweepMs: number;
}

export const RELAY_DEFAULTS: Omit<RelayOptions, 'relayId' | 'ackMode' | 'orderMode'> = {
  batchSize: TUNING.relay.batchSize,
  leaseMs: 30_000,
  publishTimeoutMs: 10_000,
  maxAttempts: 50,
  backoff: { baseMs: 500, maxMs: 10_000 },
  pollIntervalMs: 1_000,
  retentionMs: 60 * 60_000,
  retentionSweepMs: 60_000,
};
