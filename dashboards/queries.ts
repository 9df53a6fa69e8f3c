/**
 * Every PromQL query the live terminal view runs, in one place. The SLIs and the numbers shown
 * beside them (p50/p99, pending rows, accepted/completed/failed rates) come from their SLI files
 * (observability/slis/), which the recovery computation and the report use too, so what the view
 * shows and what the report says agree.
 */
import { METRICS } from '../system/src/metric-names.ts';
import { RELATED_QUERIES, SLIS, type RelatedId, type SliId } from '../observability/slis/index.ts';

export type ScalarId = SliId | RelatedId;

export interface ScalarQuery {
  id: ScalarId;
  /** Instant-vector PromQL that yields at most one series. */
  promql: string;
}

export const SCALAR_QUERIES: readonly ScalarQuery[] = [
  ...SLIS.map((s) => ({ id: s.id, promql: s.promql })),
  ...RELATED_QUERIES.map((q) => ({ id: q.id, promql: q.promql })),
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
