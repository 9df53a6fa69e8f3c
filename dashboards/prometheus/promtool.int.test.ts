/**
 * The rules file as Prometheus itself reads it: `promtool check rules`, then `promtool test rules`
 * on synthetic series, so a recording rule that computes the wrong number or an alert that never
 * fires fails here. promtool ships with the lab's Prometheus, which the integration setup installs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { RULES_FILE } from '../generate.ts';
import { RULE_GROUPS, type AlertingRule } from './rules.ts';
import { sli, SLI_CHARTS as CHART_QUERIES } from '../../observability/slis/index.ts';

const run = promisify(execFile);
const PROMTOOL = process.env.PAYLAB_PROMTOOL ?? 'promtool';

function alertRule(name: string): AlertingRule {
  const rule = RULE_GROUPS.flatMap((g) => g.rules).find(
    (r): r is AlertingRule => 'alert' in r && r.alert === name,
  );
  if (!rule) throw new Error(`no alert ${name}`);
  return rule;
}

/** The annotations Prometheus will render for a value (only the two templates the rules use). */
function rendered(name: string, value: string, duration: string): Record<string, string> {
  const { summary, description } = alertRule(name).annotations;
  const fill = (s: string) =>
    s.replace('{{ $value | humanizeDuration }}', duration).replace('{{ $value }}', value);
  return { summary: fill(summary), description: fill(description) };
}

function firing(name: string, value: string, duration = '') {
  return { exp_labels: alertRule(name).labels, exp_annotations: rendered(name, value, duration) };
}

const create = 'route="/payments",method="POST"';

const unitTests = {
  rule_files: [RULES_FILE],
  evaluation_interval: '1s',
  tests: [
    {
      interval: '1s',
      input_series: [
        { series: `paylab_http_requests_total{${create},status="201"}`, values: '0+10x60' },
        { series: `paylab_http_requests_total{${create},status="503"}`, values: '0+1x60' },
        {
          series: `paylab_http_request_duration_seconds_bucket{${create},status="201",le="0.1"}`,
          values: '0+10x60',
        },
        {
          series: `paylab_http_request_duration_seconds_bucket{${create},status="201",le="+Inf"}`,
          values: '0+10x60',
        },
        { series: 'paylab_payments_settled_total{state="completed"}', values: '0+5x60' },
        // Lags climb, then stay flat from 30 s: an alert's $value is read at the group's last
        // evaluation, whose offset within the 5 s interval Prometheus derives from a hash of the
        // rules file's path — a clone in another folder must render the same annotation.
        { series: 'paylab_outbox_oldest_pending_age_seconds{instance="relay-0"}', values: '0+1x30 30x30' },
        { series: 'paylab_kafka_consumer_lag{topic="t",partition="0"}', values: '0+100x30 3000x30' },
        { series: 'paylab_kafka_consumer_lag{topic="t",partition="1"}', values: '0+100x30 3000x30' },
        { series: 'paylab_outbox_dead_rows{instance="relay-0"}', values: '0x20 2x40' },
        { series: 'paylab_pg_double_captures_total{instance="pg-mock"}', values: '0x30 1x30' },
      ],
      promql_expr_test: [
        {
          expr: 'paylab:accept_error_rate:ratio',
          eval_time: '30s',
          exp_samples: [{ labels: 'paylab:accept_error_rate:ratio', value: 1 / 11 }],
        },
        {
          expr: 'paylab:accept_latency:p95',
          eval_time: '30s',
          exp_samples: [{ labels: 'paylab:accept_latency:p95', value: 0.095 }],
        },
        {
          expr: 'paylab:completion_rate:per_second',
          eval_time: '30s',
          exp_samples: [{ labels: 'paylab:completion_rate:per_second', value: 5 }],
        },
        {
          expr: 'paylab:outbox_lag:seconds',
          eval_time: '30s',
          exp_samples: [{ labels: 'paylab:outbox_lag:seconds', value: 30 }],
        },
        {
          expr: 'paylab:consumer_lag:messages',
          eval_time: '30s',
          exp_samples: [{ labels: 'paylab:consumer_lag:messages', value: 6000 }],
        },
      ],
      alert_rule_test: [
        // Lag crosses 10 s at 11 s; with `for: 15s` on a 5 s group it is still pending at 20 s.
        { eval_time: '20s', alertname: 'PaylabOutboxLagHigh', exp_alerts: [] },
        {
          eval_time: '40s',
          alertname: 'PaylabOutboxLagHigh',
          exp_alerts: [firing('PaylabOutboxLagHigh', '30', '30s')],
        },
        { eval_time: '10s', alertname: 'PaylabConsumerLagHigh', exp_alerts: [] },
        {
          eval_time: '40s',
          alertname: 'PaylabConsumerLagHigh',
          exp_alerts: [firing('PaylabConsumerLagHigh', '6000')],
        },
        { eval_time: '15s', alertname: 'PaylabOutboxDeadRows', exp_alerts: [] },
        {
          eval_time: '25s',
          alertname: 'PaylabOutboxDeadRows',
          exp_alerts: [firing('PaylabOutboxDeadRows', '2')],
        },
        { eval_time: '25s', alertname: 'PaylabDoubleCharge', exp_alerts: [] },
        {
          eval_time: '35s',
          alertname: 'PaylabDoubleCharge',
          exp_alerts: [firing('PaylabDoubleCharge', '1')],
        },
      ],
    },
  ],
};

function chartQuery(chart: string, series: string): string {
  const found = CHART_QUERIES.find((c) => c.id === chart)?.series.find((s) => s.name === series);
  if (!found) throw new Error(`no chart series ${chart}/${series}`);
  return found.promql;
}

/** The queries the report and recovery read, evaluated by Prometheus itself on synthetic series. */
const queryTests = {
  rule_files: [],
  evaluation_interval: '1s',
  tests: [
    {
      // The api is down: it answers nothing (so its own counter says nothing), while k6 sees every
      // create refused (status 0). The accept error rate must see the outage from the client's side.
      interval: '1s',
      input_series: [
        { series: `paylab_http_requests_total{${create},status="201"}`, values: '0+10x20 200x40' },
        { series: 'k6_http_reqs_total{name="create",status="201"}', values: '0+10x20 200x40' },
        { series: 'k6_http_reqs_total{name="create",status="0"}', values: '0x20 0+10x40' },
        { series: 'k6_http_reqs_total{name="cancel",status="409"}', values: '0+5x60' },
      ],
      promql_expr_test: [
        {
          expr: sli('accept_error_rate').promql,
          eval_time: '15s',
          exp_samples: [{ labels: '{}', value: 0 }],
        },
        {
          expr: sli('accept_error_rate').promql,
          eval_time: '45s',
          exp_samples: [{ labels: '{}', value: 1 }],
        },
      ],
    },
    {
      // The API counts a 503 that k6 also sees: the worse of the two views, not their sum.
      interval: '1s',
      input_series: [
        { series: `paylab_http_requests_total{${create},status="201"}`, values: '0+9x60' },
        { series: `paylab_http_requests_total{${create},status="503"}`, values: '0+1x60' },
        { series: 'k6_http_reqs_total{name="create",status="201"}', values: '0+9x60' },
        { series: 'k6_http_reqs_total{name="create",status="503"}', values: '0+1x60' },
      ],
      promql_expr_test: [
        {
          expr: sli('accept_error_rate').promql,
          eval_time: '30s',
          exp_samples: [{ labels: '{}', value: 0.1 }],
        },
      ],
    },
    {
      // Every relay and worker exports the same table-wide count: the chart shows it once.
      interval: '1s',
      input_series: [
        { series: 'paylab_outbox_pending_rows{job="relay",instance="relay-0"}', values: '10x30' },
        { series: 'paylab_outbox_pending_rows{job="worker",instance="worker-0"}', values: '10x30' },
        { series: 'paylab_outbox_pending_rows{job="worker",instance="worker-1"}', values: '10x30' },
      ],
      promql_expr_test: [
        {
          expr: chartQuery('outbox-rows', 'pending rows'),
          eval_time: '20s',
          exp_samples: [{ labels: '{}', value: 10 }],
        },
      ],
    },
  ],
};

async function promtoolTest(file: string, content: object): Promise<{ ok: boolean; output: string }> {
  await writeFile(file, stringify(content));
  return run(PROMTOOL, ['test', 'rules', file]).then(
    (r) => ({ ok: true, output: r.stdout + r.stderr }),
    (e: { stdout?: string; stderr?: string }) => ({
      ok: false,
      output: `${e.stdout ?? ''}${e.stderr ?? ''}`,
    }),
  );
}

describe('Prometheus rules under promtool', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'paylab-promtool-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('promtool check rules accepts the rules file', async () => {
    const { stdout } = await run(PROMTOOL, ['check', 'rules', RULES_FILE]);
    expect(stdout).toMatch(/SUCCESS: 9 rules found/);
  });

  it('promtool test rules: recording rules compute the SLIs and alerts fire when they should', async () => {
    const result = await promtoolTest(path.join(dir, 'paylab.test.yml'), unitTests);
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.ok, result.output).toBe(true);
  });

  it('promtool evaluates the SLI and chart queries: client-side errors count, table-wide gauges count once', async () => {
    const result = await promtoolTest(path.join(dir, 'queries.test.yml'), queryTests);
    expect(result.ok, result.output).toBe(true);
  });
});
