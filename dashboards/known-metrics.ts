/**
 * Every metric name a dashboard panel or rule may reference, by who exports it. The lab's own
 * metrics come from METRICS; the rest is a short explicit list, so a panel over a metric that
 * nothing exports fails a unit test instead of staying empty in Grafana.
 */
import { METRICS } from '../system/src/metric-names.ts';
import { readPromql } from './promql.ts';
import { SLIS } from '../observability/slis/index.ts';

/** prom-client's collectDefaultMetrics() names (no prefix), exported by api, relay, worker, pg-mock. */
export const NODE_DEFAULT_METRICS = [
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_heap_size_used_bytes',
  'nodejs_heap_size_total_bytes',
  'nodejs_gc_duration_seconds',
  'nodejs_active_handles_total',
] as const;

/** k6's Prometheus remote-write output with K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true. */
export const K6_METRICS = [
  'k6_http_reqs_total',
  'k6_http_req_duration_seconds',
  'k6_http_req_failed_rate',
  'k6_iterations_total',
  'k6_dropped_iterations_total',
  'k6_vus',
  'k6_vus_max',
] as const;

/** Synthesised by Prometheus for every scrape target. */
export const PROMETHEUS_SYNTHETIC_METRICS = ['up'] as const;

export const RECORDED_SLI_METRICS: readonly string[] = SLIS.map((s) => s.record);

export const LAB_METRICS: readonly string[] = Object.values(METRICS);

/**
 * Gauges every exporting process reports with the same value (a table-wide count, a topic's lag
 * per partition): summing them counts one number once per relay or worker. Aggregate with max.
 */
export const SAME_VALUE_GAUGES: ReadonlySet<string> = new Set([
  METRICS.outboxPendingRows,
  METRICS.outboxOldestPendingAge,
  METRICS.outboxDeadRowsCurrent,
  METRICS.consumerLag,
  // every KRaft controller reports the offline partitions of the one metadata log
  METRICS.kafkaOfflinePartitions,
]);

/** Classic histograms: only these have _bucket/_sum/_count series (k6's are native, no suffixes). */
export const CLASSIC_HISTOGRAMS: ReadonlySet<string> = new Set([
  METRICS.httpRequestDuration,
  METRICS.outboxPublishDuration,
  METRICS.outboxBatchSize,
  METRICS.workerProcessingDuration,
  METRICS.workerPgCallDuration,
  METRICS.paymentEndToEnd,
  METRICS.pgRequestDuration,
  'nodejs_gc_duration_seconds',
]);

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

const KNOWN = new Set<string>([
  ...LAB_METRICS,
  ...NODE_DEFAULT_METRICS,
  ...K6_METRICS,
  ...PROMETHEUS_SYNTHETIC_METRICS,
  ...RECORDED_SLI_METRICS,
]);

/** A name is known when it, or the histogram it is a series of, is in one of the lists above. */
export function isKnownMetric(name: string): boolean {
  if (KNOWN.has(name)) return true;
  const suffix = HISTOGRAM_SUFFIXES.find((s) => name.endsWith(s));
  return suffix !== undefined && CLASSIC_HISTOGRAMS.has(name.slice(0, -suffix.length));
}

/**
 * The metric names a PromQL expression selects, read from Prometheus' own grammar (promql.ts).
 * An expression that does not parse selects nothing; the lint reports the parse error.
 */
export function metricNamesIn(promql: string): string[] {
  return readPromql(promql).metrics;
}
