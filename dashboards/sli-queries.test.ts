/**
 * Every query an SLI file declares (its SLI, its charts, the numbers shown beside it) is held to
 * the dashboard lint's PromQL rules, read with Prometheus' parser: it parses, selects only metrics
 * something exports, and never sums a gauge every process exports with the same value.
 */
import { describe, expect, it } from 'vitest';
import { SLIS } from '../observability/slis/index.ts';
import { lintQueryExpr } from './grafana/lint.ts';

describe('SLI files', () => {
  for (const s of SLIS) {
    it(`${s.id}: every query it declares passes the PromQL lint`, () => {
      const queries = [
        s.promql,
        ...s.charts.flatMap((c) => c.series.map((x) => x.promql)),
        ...s.related.map((r) => r.promql),
      ];
      for (const q of queries) expect(lintQueryExpr(q), q).toEqual([]);
    });
  }
});
