import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GRAFANA_JSON_DIR } from '../generate.ts';
import { DASHBOARD_SPECS } from './src/index.ts';
import { lintDashboard, lintTargetExpr, panelQueries } from './lint.ts';

async function committed(file: string): Promise<unknown> {
  return JSON.parse(await readFile(path.join(GRAFANA_JSON_DIR, file), 'utf8')) as unknown;
}

describe('dashboard lint', () => {
  for (const { file } of DASHBOARD_SPECS) {
    it(`${file} is clean`, async () => {
      const dashboard = await committed(file);
      expect(lintDashboard(dashboard)).toEqual([]);
      expect(panelQueries(dashboard).length).toBeGreaterThan(0);
    });
  }

  it('panel ids are unique across the whole set, so links between dashboards stay unambiguous per dashboard', async () => {
    const uids = await Promise.all(
      DASHBOARD_SPECS.map(async ({ file }) => (await committed(file)) as { uid: string }),
    );
    expect(new Set(uids.map((d) => d.uid)).size).toBe(DASHBOARD_SPECS.length);
  });

  it('catches the mistakes it exists for', async () => {
    const dashboard = (await committed('outbox.json')) as {
      annotations: { list: unknown[] };
      panels: Record<string, unknown>[];
      templating?: { list: unknown[] };
    };
    const broken = structuredClone(dashboard);
    broken.annotations.list = [];
    broken.templating = { list: [] };
    const [row, first, second] = broken.panels;
    if (!row || !first || !second) throw new Error('outbox dashboard lost its panels');
    second.id = first.id;
    first.title = '';
    first.datasource = { type: 'prometheus', uid: 'someone-elses' };
    first.targets = [
      {
        refId: 'A',
        datasource: { type: 'prometheus', uid: 'paylab-prometheus' },
        expr: 'rate(paylab_outbox_publishd_total[5m])',
      },
    ];
    const problems = lintDashboard(broken).join('\n');
    expect(problems).toMatch(/no fault-window annotation/);
    expect(problems).toMatch(/fault annotations \(tags paylab, fault\)/);
    expect(problems).toMatch(/duplicate id/);
    expect(problems).toMatch(/no title/);
    expect(problems).toMatch(/datasource is not \$datasource/);
    expect(problems).toMatch(/no \$datasource variable/);
    expect(problems).toMatch(/metric paylab_outbox_publishd_total is not exported/);
    expect(problems).toMatch(/range \[5m\] should be \[\$__rate_interval\]/);
  });
});

describe('PromQL read by the Prometheus parser, not by regular expressions', () => {
  const requests = 'paylab_http_requests_total';

  it('an offset is not a metric (the regex scanner read "1h" as a metric named h)', () => {
    expect(lintTargetExpr(`sum(rate(${requests}[$__rate_interval] offset 1h))`)).toEqual([]);
  });

  it('brackets inside a label value are not a range (the regex saw [id] as a range)', () => {
    expect(lintTargetExpr(`sum(rate(${requests}{route="/payments/[id]"}[$__rate_interval]))`)).toEqual([]);
  });

  it('a metric selected by __name__ is checked like any other (the regex saw no metric at all)', () => {
    expect(lintTargetExpr('rate({__name__="paylab_outbox_publishd_total"}[$__rate_interval])')).toEqual([
      'metric paylab_outbox_publishd_total is not exported by anything the lab runs',
    ]);
  });

  it('an expression Prometheus cannot parse is a problem, with where it breaks', () => {
    const problems = lintTargetExpr(`sum(rate(${requests}[$__rate_interval])`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/does not parse/);
  });

  it('a subquery range is a range too', () => {
    expect(lintTargetExpr(`max_over_time(rate(${requests}[$__rate_interval])[5m:])`)).toEqual([
      'range [5m] should be [$__rate_interval]',
    ]);
  });

  it('a legend naming a label the aggregation drops is a problem (it would render empty)', () => {
    const expr = `sum by (route) (rate(${requests}[$__rate_interval]))`;
    expect(lintTargetExpr(expr, '{{route}}')).toEqual([]);
    expect(lintTargetExpr(expr, '{{route}} {{status}}')).toEqual([
      'legend {{status}}: the query keeps only the labels route',
    ]);
    // histogram_quantile drops le but keeps the rest of the grouping.
    const p95 = `histogram_quantile(0.95, sum by (le, type) (rate(paylab_worker_processing_duration_seconds_bucket[$__rate_interval])))`;
    expect(lintTargetExpr(p95, 'p95 {{type}}')).toEqual([]);
    expect(lintTargetExpr(p95, 'p95 {{le}}')).toEqual([
      'legend {{le}}: the query keeps only the labels type',
    ]);
  });
});

describe('gauges every process exports with the same value', () => {
  it('are never summed (that counts one table-wide number once per relay and worker)', () => {
    expect(lintTargetExpr('sum(paylab_outbox_pending_rows)')).toEqual([
      'paylab_outbox_pending_rows is the same value from every process that exports it: sum counts it once per process; aggregate with max',
    ]);
    expect(lintTargetExpr('max(paylab_outbox_pending_rows)')).toEqual([]);
    // Consumer lag: every worker reports every partition; max per partition first, then the sum is right.
    expect(lintTargetExpr('sum(max by (topic, partition) (paylab_kafka_consumer_lag))')).toEqual([]);
    expect(lintTargetExpr('sum by (topic) (paylab_kafka_consumer_lag)')).toHaveLength(1);
  });
});
