/**
 * The relay's main loop: claim due rows, publish them, mark them. It receives its database and
 * Kafka operations as plain functions, so tests and fault experiments can swap any of them.
 *
 * Default (ack + ordered): a row is marked sent only after the broker acknowledged it, and the
 * claim never hands out two rows of one key. The knobs switch to the naive behaviours on purpose.
 */
import { randomUUID } from 'node:crypto';
import { backoffDelayMs } from './backoff.ts';
import type { ClaimedRow } from './outbox-row.ts';
import type { RelayOptions } from './relay-options.ts';
import type { ClaimOptions } from './sql/claim-due-rows.ts';
import type { MarkedRow } from './sql/mark-sent.ts';
import type { MarkFailedInput, MarkFailedResult } from './sql/mark-failed.ts';
import { createWakeup, type Wakeup } from './wakeup.ts';

export interface RelayOperations {
  claim(options: ClaimOptions): Promise<ClaimedRow[]>;
  /**
   * Resolves once the broker acknowledged every row (acks from all in-sync replicas). It owns the
   * send's deadline and must settle by it: the loop never abandons a publish on a timer of its own,
   * because a send given up on by the loop while the producer still holds it can fail later and
   * corrupt the producer's sequence for the next rows (see renewing-producer.ts).
   */
  publish(rows: readonly ClaimedRow[]): Promise<void>;
  markSent(leaseOwner: string, eventIds: readonly string[]): Promise<MarkedRow[]>;
  markFailed(input: MarkFailedInput): Promise<MarkFailedResult>;
  deleteSent(retentionMs: number): Promise<number>;
}

export interface RelayObserver {
  batchClaimed(size: number): void;
  published(count: number): void;
  publishFailed(count: number, error: Error): void;
  /** created_at → broker acknowledgement (or → mark, in fire-and-forget mode). */
  publishLatency(seconds: number): void;
  leaseLost(count: number): void;
  deadRows(count: number): void;
  loopError(error: Error): void;
}

export interface Relay {
  /** One claim → publish → mark round; returns how many rows it claimed. */
  runOnce(): Promise<number>;
  /** Runs rounds until stop(); NOTIFY handlers call wake(). */
  start(): Promise<void>;
  wake(): void;
  /** Finishes the round in flight (publishes and marks), then resolves. */
  stop(): Promise<void>;
}

export function coerceError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

export function makeRelay(
  options: RelayOptions,
  ops: RelayOperations,
  observer: RelayObserver,
  now: () => number = Date.now,
): Relay {
  const wakeup: Wakeup = createWakeup();
  const unacknowledged = new Set<Promise<unknown>>();
  let stopping = false;
  let running: Promise<void> | undefined;
  let lastRetentionSweep = 0;

  function latencyOf(rows: readonly { createdAt: Date }[]): void {
    for (const row of rows) observer.publishLatency(Math.max(0, (now() - row.createdAt.getTime()) / 1000));
  }

  async function markAcknowledged(leaseOwner: string, rows: readonly ClaimedRow[]): Promise<void> {
    if (rows.length === 0) return;
    const marked = await ops.markSent(
      leaseOwner,
      rows.map((r) => r.eventId),
    );
    observer.published(rows.length);
    if (marked.length < rows.length) observer.leaseLost(rows.length - marked.length);
  }

  async function recordFailure(rows: readonly ClaimedRow[], error: Error): Promise<void> {
    observer.publishFailed(rows.length, error);
    let dead = 0;
    let lost = 0;
    for (const row of rows) {
      const result = await ops.markFailed({
        eventId: row.eventId,
        leaseOwner: row.leaseOwner,
        error: error.message,
        retryInMs: backoffDelayMs(row.attempts + 1, options.backoff),
        maxAttempts: options.maxAttempts,
      });
      if (result === 'dead') dead++;
      if (result === 'lease-lost') lost++;
    }
    if (dead > 0) observer.deadRows(dead);
    if (lost > 0) observer.leaseLost(lost);
  }

  async function publishAcknowledged(leaseOwner: string, rows: ClaimedRow[]): Promise<void> {
    if (options.orderMode === 'ordered') {
      // The claim returned at most one row per key, so one send keeps per-key order.
      try {
        await ops.publish(rows);
      } catch (error) {
        await recordFailure(rows, coerceError(error));
        return;
      }
      latencyOf(rows);
      await markAcknowledged(leaseOwner, rows);
      return;
    }
    // parallel: every row in its own send, all at once. Two rows of one payment race each other, and
    // if the older one fails the younger one is still marked sent — the reorder this knob shows.
    const results = await Promise.allSettled(rows.map((row) => ops.publish([row]).then(() => row)));
    const acked: ClaimedRow[] = [];
    for (const [i, result] of results.entries()) {
      const row = rows[i];
      if (!row) continue;
      if (result.status === 'fulfilled') acked.push(row);
      else await recordFailure([row], coerceError(result.reason));
    }
    latencyOf(acked);
    await markAcknowledged(leaseOwner, acked);
  }

  async function publishFireAndForget(leaseOwner: string, rows: ClaimedRow[]): Promise<void> {
    // The original service's bug, on purpose: the rows are marked sent before the broker answers,
    // so a failed send is only a log line and a counter — the event is gone.
    const groups = options.orderMode === 'ordered' ? [rows] : rows.map((row) => [row]);
    for (const group of groups) {
      const tracked = ops.publish(group).catch((error: unknown) => {
        observer.publishFailed(group.length, coerceError(error));
      });
      unacknowledged.add(tracked);
      void tracked.finally(() => unacknowledged.delete(tracked));
    }
    latencyOf(rows);
    await markAcknowledged(leaseOwner, rows);
  }

  async function runOnce(): Promise<number> {
    const leaseOwner = `${options.relayId}/${randomUUID()}`;
    const rows = await ops.claim({
      limit: options.batchSize,
      leaseMs: options.leaseMs,
      leaseOwner,
      perKeyOrder: options.orderMode === 'ordered',
    });
    observer.batchClaimed(rows.length);
    if (rows.length > 0) {
      if (options.ackMode === 'ack') await publishAcknowledged(leaseOwner, rows);
      else await publishFireAndForget(leaseOwner, rows);
    }
    if (now() - lastRetentionSweep >= options.retentionSweepMs) {
      lastRetentionSweep = now();
      await ops.deleteSent(options.retentionMs);
    }
    return rows.length;
  }

  async function loop(): Promise<void> {
    let consecutiveErrors = 0;
    while (!stopping) {
      let claimed: number;
      try {
        claimed = await runOnce();
        consecutiveErrors = 0;
      } catch (error) {
        consecutiveErrors++;
        observer.loopError(coerceError(error));
        // The DB link is down or slow: back off instead of spinning, but keep trying.
        await wakeup.wait(backoffDelayMs(Math.min(consecutiveErrors, 8), { baseMs: 200, maxMs: 5_000 }));
        continue;
      }
      if (claimed < options.batchSize) await wakeup.wait(options.pollIntervalMs);
    }
  }

  return {
    runOnce,
    start() {
      running ??= loop();
      return running;
    },
    wake: () => wakeup.wake(),
    async stop() {
      stopping = true;
      wakeup.wake();
      await running;
      await Promise.allSettled([...unacknowledged]);
    },
  };
}
