import { describe, expect, it } from 'vitest';
import { METRICS } from '../../system/src/metric-names.ts';
import { ACTIVE_FAULTS_QUERY, SCALAR_QUERIES } from '../queries.ts';
import { sli } from '../../observability/slis/index.ts';
import { sampleLab } from './sampler.ts';

function answer(result: unknown[]): Response {
  return new Response(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
}

describe('sampleLab', () => {
  it('when Prometheus answers, then each query lands under its id, NaN and empty become missing, faults are listed', async () => {
    const fetchImpl = async (url: string) => {
      const query = new URL(url).searchParams.get('query');
      if (query === METRICS.pgDoubleCaptures)
        return answer([
          { metric: { __name__: METRICS.pgDoubleCaptures, job: 'pg', instance: 'x' }, value: [1, '2'] },
        ]);
      if (query === ACTIVE_FAULTS_QUERY)
        return answer([{ metric: { target: 'db', kind: 'latency' }, value: [1, '1'] }]);
      if (query === sli('outbox_lag').promql) return answer([{ metric: {}, value: [1, '2.5'] }]);
      if (query === sli('accept_p95_latency').promql) return answer([{ metric: {}, value: [1, 'NaN'] }]);
      if (query === SCALAR_QUERIES.find((q) => q.id === 'latency_p99')?.promql)
        throw new Error('connection reset');
      return answer([]);
    };
    const sample = await sampleLab('http://prom', { fetchImpl, now: () => 42 });
    expect(sample.at).toBe(42);
    expect(sample.values).toEqual({ outbox_lag: 2.5 });
    expect(sample.counters).toEqual({
      double_captures: { 'instance=x,job=pg': 2 },
      duplicates_absorbed: {},
      isr_shrinks: {},
      isr_expands: {},
    });
    // The broker queries answered (with nothing: one broker not scraped yet), so no rows.
    expect(sample.kafka).toEqual({ brokers: [] });
    expect(sample.faults).toEqual([{ target: 'db', kind: 'latency' }]);
    expect(sample.error).toMatch(/not reachable/);
  });
});
