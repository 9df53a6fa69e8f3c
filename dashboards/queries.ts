/**
 * Every PromQL query the live terminal view runs, in one place. The five SLIs come verbatim from
 * sli.ts (the chaos engine's recovery computation uses the same definitions), so what the view
 * shows and what the report says agree. The rest are display-only numbers around them.
 */
import { METRICS } from '../system/src/metric-names.ts';
import { SLI_IDS, SLI_WINDOW, SLIS, type SliId } from './sli.ts';

const createPayment = `route="/payments",method="POST"`;

function ratePerSecond(metric: string, selector = ''): string {
  return `sum(rate(${metric}${selector ? `{${selector}}` : ''}[${SLI_WINDOW}])) or vector(0)`;
}

function acceptLatencyQuantile(q: number): string {
  return `histogram_quantile(${q}, sum by (le) (rate(${METRICS.httpRequestDuration}_bucket{${createPayment}}[${SLI_WINDOW}])))`;
}

/** Every relay and worker exports the same table-wide count: max, never sum (that counts it N times). */
export const OUTBOX_PENDING_ROWS = `max(${METRICS.outboxPendingRows}) or vector(0)`;

export const EXTRA_SCALAR_IDS = [
  'accepted_rate',
  'completed_rate',
  'failed_rate',
  'latency_p50',
  'latency_p99',
  'outbox_pending',
] as const;
export type ExtraScalarId = (typeof EXTRA_SCALAR_IDS)[number];

export type ScalarId = SliId | ExtraScalarId;
export const SCALAR_IDS: readonly ScalarId[] = [...SLI_IDS, ...EXTRA_SCALAR_IDS];

export interface ScalarQuery {
  id: ScalarId;
  /** Instant-vector PromQL that yields at most one series. */
  promql: string;
}

const EXTRA_QUERIES: readonly ScalarQuery[] = [
  { id: 'accepted_rate', promql: ratePerSecond(METRICS.paymentsAccepted) },
  { id: 'completed_rate', promql: ratePerSecond(METRICS.paymentsSettled, 'state="completed"') },
  { id: 'failed_rate', promql: ratePerSecond(METRICS.paymentsSettled, 'state="failed"') },
  { id: 'latency_p50', promql: acceptLatencyQuantile(0.5) },
  { id: 'latency_p99', promql: acceptLatencyQuantile(0.99) },
  { id: 'outbox_pending', promql: OUTBOX_PENDING_ROWS },
];

export const SCALAR_QUERIES: readonly ScalarQuery[] = [
  ...SLIS.map((s) => ({ id: s.id, promql: s.promql })),
  ...EXTRA_QUERIES,
];

export const COUNTER_IDS = ['duplicates_absorbed', 'double_captures'] as const;
export type CounterId = (typeof COUNTER_IDS)[number];

/**
 * Counters the view shows as "since the view started". They are read per series, not summed:
 * the reducer adds up each series' increase itself, so a restarted process (its counter back at
 * 0) neither hides new events nor replays old ones, and a counter left high by an earlier run
 * does not show up as this run's double charge.
 */
export const COUNTER_QUERIES: readonly { id: CounterId; promql: string }[] = [
  { id: 'duplicates_absorbed', promql: METRICS.workerDuplicateDeliveries },
  { id: 'double_captures', promql: METRICS.pgDoubleCaptures },
];

/** One series per active fault, labelled {target, kind}. */
export const ACTIVE_FAULTS_QUERY = `${METRICS.faultActive} > 0`;
