/**
 * The relay's Prometheus metrics. The outbox-lag gauges are computed by SQL when Prometheus
 * scrapes, so they are true even while the relay's loop is stuck (which is when they matter).
 */
import client from 'prom-client';
import { METRICS } from '../metric-names.ts';
import type { RelayObserver } from './relay-loop.ts';
import type { OutboxStats } from './sql/outbox-stats.ts';

export interface RelayMetrics {
  registry: client.Registry;
  observer: RelayObserver;
}

export function createRelayMetrics(
  mode: string,
  readStats: () => Promise<OutboxStats>,
  log: (line: string) => void,
): RelayMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  const published = new client.Counter({
    name: METRICS.outboxPublished,
    help: 'Outbox rows published and marked sent',
    labelNames: ['mode'],
    registers: [registry],
  });
  const failures = new client.Counter({
    name: METRICS.outboxPublishFailures,
    help: 'Outbox rows whose publish failed',
    labelNames: ['mode'],
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: METRICS.outboxPublishDuration,
    help: 'Outbox commit (created_at) to broker acknowledgement, seconds',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const batch = new client.Histogram({
    name: METRICS.outboxBatchSize,
    help: 'Rows claimed per relay round',
    buckets: [0, 1, 2, 5, 10, 25, 50, 100, 250, 500],
    registers: [registry],
  });
  const leaseLost = new client.Counter({
    name: METRICS.outboxLeaseLost,
    help: 'Marks that matched no row because the lease had moved to another relay',
    registers: [registry],
  });
  const dead = new client.Counter({
    name: METRICS.outboxDeadRows,
    help: 'Outbox rows moved to dead after their last attempt',
    registers: [registry],
  });

  registerOutboxGauges(registry, readStats, log);

  return {
    registry,
    observer: {
      batchClaimed: (size) => batch.observe(size),
      published: (count) => published.inc({ mode }, count),
      publishFailed: (count, error) => {
        failures.inc({ mode }, count);
        log(`relay: publish of ${count} row(s) failed: ${error.message}`);
      },
      publishLatency: (seconds) => duration.observe(seconds),
      leaseLost: (count) => {
        leaseLost.inc(count);
        log(`relay: ${count} mark(s) matched no row: the lease moved to another relay`);
      },
      deadRows: (count) => {
        dead.inc(count);
        log(`relay: ${count} row(s) moved to dead; requeue with: npm run ops -- outbox-requeue`);
      },
      loopError: (error) => log(`relay: round failed: ${error.message}`),
    },
  };
}

/**
 * The outbox-lag gauges, read by SQL at scrape time. Relays export them, and so do workers, so the
 * lag stays visible when every relay is down (a crashed relay is exactly when it grows). Every
 * exporter reports the same table-wide numbers: aggregate with max, never sum.
 */
export function registerOutboxGauges(
  registry: client.Registry,
  readStats: () => Promise<OutboxStats>,
  log: (line: string) => void,
): void {
  // One SQL read per scrape serves all three gauges; the first collect refreshes it.
  let statsRead: Promise<OutboxStats | undefined> | undefined;
  function stats(): Promise<OutboxStats | undefined> {
    statsRead ??= readStats()
      .catch((error: unknown) => {
        log(`metrics: outbox stats unavailable: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      })
      .finally(() => setTimeout(() => (statsRead = undefined), 250));
    return statsRead;
  }
  new client.Gauge({
    name: METRICS.outboxPendingRows,
    help: 'Outbox rows not yet published',
    registers: [registry],
    async collect() {
      const s = await stats();
      if (s) this.set(s.pendingRows);
    },
  });
  new client.Gauge({
    name: METRICS.outboxOldestPendingAge,
    help: 'Age of the oldest unpublished outbox row, seconds',
    registers: [registry],
    async collect() {
      const s = await stats();
      if (s) this.set(s.oldestPendingAgeSeconds);
    },
  });
  new client.Gauge({
    name: METRICS.outboxDeadRowsCurrent,
    help: 'Outbox rows in status dead now',
    registers: [registry],
    async collect() {
      const s = await stats();
      if (s) this.set(s.deadRows);
    },
  });
}
