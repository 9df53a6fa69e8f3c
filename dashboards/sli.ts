/**
 * The service level indicators of the lab, defined once. The live terminal dashboard shows
 * them, the chaos engine computes recovery time from them (LAB.md: "recovery time of a fault"),
 * and the Prometheus recording rules record them — all from these PromQL expressions.
 */
import { METRICS } from '../system/src/metric-names.ts';

export const SLI_IDS = [
  'accept_error_rate',
  'accept_p95_latency',
  'outbox_lag',
  'consumer_lag',
  'completion_rate',
] as const;
export type SliId = (typeof SLI_IDS)[number];

export interface SliDefinition {
  id: SliId;
  title: string;
  unit: 'ratio' | 'seconds' | 'messages' | 'per_second';
  /** Which side of the steady-state band is "bad": a lag only hurts when it grows. */
  bad: 'high' | 'low';
  /** Instant-vector PromQL that yields a single series. */
  promql: string;
  /** Name of the recording rule that records this SLI. */
  record: string;
}

/** Rate window: short, because scrapes run every second and recovery is measured in seconds. */
export const SLI_WINDOW = '10s';

const create = `route="/payments",method="POST"`;

/** Share of create requests that failed, as the API counted them (5xx and 429). */
const apiErrorShare =
  `(sum(rate(${METRICS.httpRequests}{${create},status=~"5..|429"}[${SLI_WINDOW}])) or vector(0))` +
  ` / clamp_min(sum(rate(${METRICS.httpRequests}{${create}}[${SLI_WINDOW}])), 1e-9)`;

/** The same share as the load generator saw it: k6 also counts what never reached the API
 *  (status 0: refused, reset, timed out), which the API's own counter cannot. */
const clientErrorShare =
  `(sum(rate(k6_http_reqs_total{name="create",status=~"0|5..|429"}[${SLI_WINDOW}])) or vector(0))` +
  ` / clamp_min(sum(rate(k6_http_reqs_total{name="create"}[${SLI_WINDOW}])), 1e-9)`;

export const SLIS: readonly SliDefinition[] = [
  {
    id: 'accept_error_rate',
    title: 'accept error rate',
    unit: 'ratio',
    bad: 'high',
    // The worse of the two views: while the API is down it counts nothing, yet every create fails.
    promql:
      `max(label_replace(${apiErrorShare}, "view", "api", "", "")` +
      ` or label_replace(${clientErrorShare}, "view", "client", "", ""))`,
    record: 'paylab:accept_error_rate:ratio',
  },
  {
    id: 'accept_p95_latency',
    title: 'accept p95 latency',
    unit: 'seconds',
    bad: 'high',
    promql: `histogram_quantile(0.95, sum by (le) (rate(${METRICS.httpRequestDuration}_bucket{${create}}[${SLI_WINDOW}])))`,
    record: 'paylab:accept_latency:p95',
  },
  {
    id: 'outbox_lag',
    title: 'outbox lag (oldest unpublished)',
    unit: 'seconds',
    bad: 'high',
    promql: `max(${METRICS.outboxOldestPendingAge}) or vector(0)`,
    record: 'paylab:outbox_lag:seconds',
  },
  {
    id: 'consumer_lag',
    title: 'consumer lag',
    unit: 'messages',
    bad: 'high',
    // Every worker reports every partition (so a dead worker's lag stays visible): one value per partition, then the sum.
    promql: `sum(max by (topic, partition) (${METRICS.consumerLag})) or vector(0)`,
    record: 'paylab:consumer_lag:messages',
  },
  {
    id: 'completion_rate',
    title: 'payments reaching a terminal state',
    unit: 'per_second',
    bad: 'low',
    promql: `sum(rate(${METRICS.paymentsSettled}[${SLI_WINDOW}])) or vector(0)`,
    record: 'paylab:completion_rate:per_second',
  },
];

export function sli(id: SliId): SliDefinition {
  const found = SLIS.find((s) => s.id === id);
  if (!found) throw new Error(`unknown SLI ${id}`);
  return found;
}

/**
 * The steady-state band of an SLI is a limit on its bad side (chaos/recovery computes it from
 * the warm-up): a latency below its band, or a completion rate above it, is never a problem.
 */
export function withinLimit(definition: Pick<SliDefinition, 'bad'>, value: number, limit: number): boolean {
  return definition.bad === 'high' ? value <= limit : value >= limit;
}
