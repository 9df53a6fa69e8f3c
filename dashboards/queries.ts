/**
 * Every PromQL query the live terminal view runs, in one place. The SLIs and the numbers shown
 * beside them (p50/p99, pending rows, accepted/completed/failed rates) come from their SLI files
 * (observability/slis/), which the recovery computation and the report use too, so what the view
 * shows and what the report says agree.
 */
import { METRICS, SCRAPE_JOBS } from '../system/src/metric-names.ts';
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

export const COUNTER_IDS = ['duplicates_absorbed', 'double_captures', 'isr_shrinks', 'isr_expands'] as const;
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
  // Per broker (each leader counts its own partitions' ISR changes).
  { id: 'isr_shrinks', promql: METRICS.kafkaIsrShrinks },
  { id: 'isr_expands', promql: METRICS.kafkaIsrExpands },
];

/**
 * Each broker's own state, from the JMX exporter agent in its JVM; one series per broker
 * (label `broker`). `up` names every broker Prometheus scrapes, so a down broker still has a row.
 */
export const BROKER_QUERIES = {
  up: `max by (broker) (up{job="${SCRAPE_JOBS.kafka}"})`,
  leaders: `max by (broker) (${METRICS.kafkaLeaderCount})`,
  underReplicated: `max by (broker) (${METRICS.kafkaUnderReplicated})`,
  activeController: `max by (broker) (${METRICS.kafkaActiveController})`,
} as const;

/** Partitions with no leader: every controller reports the same number, so max, not sum. */
export const OFFLINE_PARTITIONS_QUERY = `max(${METRICS.kafkaOfflinePartitions})`;

/** One series per active fault, labelled {target, kind}. */
export const ACTIVE_FAULTS_QUERY = `${METRICS.faultActive} > 0`;
