import { describe, expect, it } from 'vitest';
import { METRICS } from '../system/src/metric-names.ts';
import { isKnownMetric, metricNamesIn } from './known-metrics.ts';
import { SCALAR_QUERIES, ACTIVE_FAULTS_QUERY } from './queries.ts';
import { SLIS } from '../observability/slis/index.ts';

describe('metricNamesIn', () => {
  it('finds the selected metrics and nothing else', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (le, route) (rate(paylab_http_request_duration_seconds_bucket{route="/payments",status=~"5.."}[$__rate_interval])))',
      ),
    ).toEqual(['paylab_http_request_duration_seconds_bucket']);
    expect(
      metricNamesIn(
        '(sum(rate(a_total{x="y"}[10s])) or vector(0)) / clamp_min(sum(rate(b_total[10s])), 1e-9)',
      ),
    ).toEqual(['a_total', 'b_total']);
    expect(metricNamesIn('max by (target, kind) (paylab_fault_active) > 0')).toEqual(['paylab_fault_active']);
    expect(metricNamesIn('paylab:outbox_lag:seconds > 10')).toEqual(['paylab:outbox_lag:seconds']);
  });
});

describe('isKnownMetric', () => {
  it('knows lab metrics, histogram series of them, defaults and recorded SLIs; not typos', () => {
    expect(isKnownMetric(METRICS.outboxPublished)).toBe(true);
    expect(isKnownMetric(`${METRICS.httpRequestDuration}_bucket`)).toBe(true);
    expect(isKnownMetric('nodejs_heap_size_used_bytes')).toBe(true);
    expect(isKnownMetric('paylab:consumer_lag:messages')).toBe(true);
    expect(isKnownMetric('paylab_outbox_publishd_total')).toBe(false);
    expect(isKnownMetric(`${METRICS.outboxPublished}_bucket`)).toBe(false);
  });

  it('every live-view and SLI query selects only known metrics', () => {
    const exprs = [...SCALAR_QUERIES.map((q) => q.promql), ACTIVE_FAULTS_QUERY, ...SLIS.map((s) => s.promql)];
    for (const expr of exprs) {
      const names = metricNamesIn(expr);
      expect(names.length, expr).toBeGreaterThan(0);
      for (const name of names) expect(isKnownMetric(name), `${name} in ${expr}`).toBe(true);
    }
  });
});
