/** One sampling round: every live query against Prometheus, in parallel. */
import {
  ACTIVE_FAULTS_QUERY,
  BROKER_QUERIES,
  COUNTER_QUERIES,
  OFFLINE_PARTITIONS_QUERY,
  SCALAR_QUERIES,
  type CounterId,
  type ScalarId,
} from '../queries.ts';
import { prometheusClient, type FetchLike } from '../../observability/prometheus/client.ts';
import { joinBrokers, type BrokerQueryId, type BrokersSample } from './brokers.ts';

export interface ActiveFaultSample {
  target: string;
  kind: string;
}

export interface Sample {
  at: number;
  /** Missing: no series (no data yet) or NaN. */
  values: Partial<Record<ScalarId, number>>;
  /** Absent when the active-faults query failed: unknown is not "no faults". */
  faults?: ActiveFaultSample[];
  /** Per-series counter values, keyed by the series' labels; absent when the query failed. */
  counters?: Partial<Record<CounterId, Record<string, number>>>;
  /** Per-broker Kafka state; absent when a broker query failed. */
  kafka?: BrokersSample;
  /** First failure of the round, if any query failed. */
  error?: string;
}

/** Longest a live query may take before the round reports it as failed. */
export const SAMPLE_TIMEOUT_MS = 3000;

export interface SampleOptions {
  fetchImpl?: FetchLike;
  signal?: AbortSignal;
  now?: () => number;
}

function seriesKey(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${labels[k] ?? ''}`)
    .join(',');
}

function errorText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

export async function sampleLab(prometheusUrl: string, options: SampleOptions = {}): Promise<Sample> {
  const now = options.now ?? Date.now;
  // A sample a second: a query slower than that is stale by the time it answers.
  const client = prometheusClient(prometheusUrl, {
    timeoutMs: SAMPLE_TIMEOUT_MS,
    ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
  });
  const query = (promql: string) => client.instant(promql, options.signal ? { signal: options.signal } : {});
  const brokerIds = Object.keys(BROKER_QUERIES) as BrokerQueryId[];
  const [scalars, faults, counters, brokers] = await Promise.all([
    Promise.allSettled(SCALAR_QUERIES.map((q) => query(q.promql))),
    Promise.allSettled([query(ACTIVE_FAULTS_QUERY)]),
    Promise.allSettled(COUNTER_QUERIES.map((q) => query(q.promql))),
    Promise.allSettled([
      ...brokerIds.map((id) => query(BROKER_QUERIES[id])),
      query(OFFLINE_PARTITIONS_QUERY),
    ]),
  ]);
  const sample: Sample = { at: now(), values: {}, counters: {} };
  const failures: string[] = [];
  scalars.forEach((result, i) => {
    const id = SCALAR_QUERIES[i]?.id;
    if (id === undefined) return;
    if (result.status === 'rejected') {
      failures.push(errorText(result.reason));
      return;
    }
    const value = result.value[0]?.value;
    if (value !== undefined && Number.isFinite(value)) sample.values[id] = value;
  });
  const faultResult = faults[0];
  if (faultResult?.status === 'fulfilled') {
    sample.faults = faultResult.value.map((s) => ({
      target: s.labels.target ?? 'unknown',
      kind: s.labels.kind ?? 'unknown',
    }));
  } else if (faultResult) {
    failures.push(errorText(faultResult.reason));
  }
  counters.forEach((result, i) => {
    const id = COUNTER_QUERIES[i]?.id;
    if (id === undefined || sample.counters === undefined) return;
    if (result.status === 'rejected') {
      failures.push(errorText(result.reason));
      return;
    }
    const bySeries: Record<string, number> = {};
    for (const s of result.value) if (Number.isFinite(s.value)) bySeries[seriesKey(s.labels)] = s.value;
    sample.counters[id] = bySeries;
  });
  const brokerFailure = brokers.find((r) => r.status === 'rejected');
  if (brokerFailure) failures.push(errorText(brokerFailure.reason));
  else {
    const answers = brokers.map((r) => (r.status === 'fulfilled' ? r.value : []));
    sample.kafka = joinBrokers(
      Object.fromEntries(brokerIds.map((id, i) => [id, answers[i]])),
      answers[brokerIds.length],
    );
  }
  if (failures[0] !== undefined) sample.error = failures[0];
  return sample;
}

export type { CounterId, ScalarId };
