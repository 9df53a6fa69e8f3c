/** One sampling round: every live query against Prometheus, in parallel. */
import { ACTIVE_FAULTS_QUERY, SCALAR_QUERIES, type ScalarId } from '../queries.ts';
import { queryInstant, type FetchLike } from '../prometheus-client.ts';

export interface ActiveFaultSample {
  target: string;
  kind: string;
}

export interface Sample {
  at: number;
  /** Missing: no series (no data yet) or NaN. */
  values: Partial<Record<ScalarId, number>>;
  faults: ActiveFaultSample[];
  /** First failure of the round, if any query failed. */
  error?: string;
}

export interface SampleOptions {
  fetchImpl?: FetchLike;
  signal?: AbortSignal;
  now?: () => number;
}

function errorText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

export async function sampleLab(prometheusUrl: string, options: SampleOptions = {}): Promise<Sample> {
  const now = options.now ?? Date.now;
  const query = (promql: string) =>
    queryInstant(prometheusUrl, promql, {
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  const [scalars, faults] = await Promise.all([
    Promise.allSettled(SCALAR_QUERIES.map((q) => query(q.promql))),
    Promise.allSettled([query(ACTIVE_FAULTS_QUERY)]),
  ]);
  const sample: Sample = { at: now(), values: {}, faults: [] };
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
  if (failures[0] !== undefined) sample.error = failures[0];
  return sample;
}

export type { ScalarId };
