/**
 * Every Grafana panel query and every recording rule, run against the lab's real Prometheus after
 * real traffic: a panel whose metric nothing exports, or a query that never returns data, fails.
 *
 * Traffic: a short burst of create/cancel requests straight at the API (enough for every request
 * path metric), and for the k6 dashboard the data of a k6 run within the last hour — if there is
 * none and the scenario runner exists, this test runs `npm run scenario -- smoke` first.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { startLabMetrics } from '../chaos/lab-metrics.ts';
import { loadConfig } from '../system/src/config.ts';
import { METRICS } from '../system/src/metric-names.ts';
import { loadSecrets } from '../system/src/secrets.ts';
import { createBody } from '../scenarios/k6/lib/payment-requests.ts';
import { GRAFANA_JSON_DIR } from './generate.ts';
import { DASHBOARD_SPECS } from './grafana/src/index.ts';
import { panelQueries } from './grafana/lint.ts';
import { metricNamesIn } from './known-metrics.ts';
import { prometheusClient, prometheusUrl } from '../observability/prometheus/client.ts';
import { SLIS } from '../observability/slis/index.ts';

const config = loadConfig();
const PROM = prometheusUrl(config);
const API = `http://${config.services.api.host}:${config.services.api.port}`;
/** What $__rate_interval stands for here: long enough to span the traffic burst. */
const RATE_INTERVAL = '1m';

/**
 * Counters with labels exist only once their event happened (a retry, a dead letter, a fault).
 * A healthy run may legitimately not produce them; for these we require that a scrape target
 * declares the metric, or that it has data within the last hour — not that it has data now.
 */
const EVENT_ONLY = new Set<string>([
  METRICS.workerRetries,
  METRICS.workerDeadLetters,
  METRICS.outboxPublishFailures,
  METRICS.workerUnknownOutcomes,
  METRICS.idempotencyConflicts,
  METRICS.faultActive,
]);

function baseName(metric: string): string {
  return metric.replace(/_(bucket|sum|count)$/, '');
}

async function sendTraffic(seconds: number, perSecond: number): Promise<{ accepted: number; sent: number }> {
  const apiKey = loadSecrets(config).merchants[0]?.apiKey;
  if (!apiKey) throw new Error('no merchant API key in the lab secrets');
  const runId = `dash${Date.now().toString(16)}`;
  let accepted = 0;
  let sent = 0;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  for (let s = 0; s < seconds; s += 1) {
    const tick = Date.now();
    await Promise.all(
      Array.from({ length: perSecond }, async (_, k) => {
        const i = s * perSecond + k;
        sent += 1;
        const res = await fetch(`${API}/payments`, {
          method: 'POST',
          headers: { ...headers, 'idempotency-key': `${runId}-${i}` },
          body: JSON.stringify(createBody(runId, config.seed, i)),
        }).catch(() => undefined);
        if (!res?.ok) return;
        accepted += 1;
        const body = (await res.json()) as { data?: { id?: string }; id?: string };
        const id = body.data?.id ?? body.id;
        // Some cancels, so the cancel path's metrics exist too.
        if (id && i % 5 === 0) {
          await fetch(`${API}/payments/${id}/cancel`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ reason: 'dashboard test' }),
          }).catch(() => undefined);
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - tick))));
  }
  return { accepted, sent };
}

/** time: seconds since the epoch (as Prometheus' own timestamps), or now. */
async function hasData(expr: string, time?: number): Promise<boolean> {
  const samples = await prometheusClient(PROM).instant(expr, time === undefined ? {} : { at: time * 1000 });
  return samples.length > 0;
}

async function declaredByATarget(metric: string): Promise<boolean> {
  const res = await fetch(`${PROM}/api/v1/metadata?metric=${encodeURIComponent(metric)}`);
  const body = (await res.json()) as { status?: string; data?: Record<string, unknown> };
  return body.status === 'success' && body.data !== undefined && metric in body.data;
}

async function lastK6SampleTime(): Promise<number | undefined> {
  const [sample] = await prometheusClient(PROM).instant('max(max_over_time(timestamp(k6_vus)[1h:1s]))');
  return sample && Number.isFinite(sample.value) ? sample.value : undefined;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}

/**
 * The fault gauge only has series while the scenario runner is running. When no run left any in
 * the last hour, start the runner's real exporter (chaos/lab-metrics.ts) with one probe series at
 * 0 — exported and scraped like a real one, but no fault window anywhere — until Prometheus has it.
 */
async function ensureFaultGaugeScraped(): Promise<void> {
  if (await hasData(`last_over_time(${METRICS.faultActive}[1h])`)) return;
  const exporter = await startLabMetrics(config).catch(() => undefined); // in use: a run is exporting it
  if (!exporter) return;
  try {
    exporter.set('dashboards-test', 'probe', false);
    await waitFor(() => hasData(METRICS.faultActive), 15_000);
  } finally {
    await exporter.close();
  }
}

async function committedDashboard(file: string): Promise<unknown> {
  return JSON.parse(await readFile(path.join(GRAFANA_JSON_DIR, file), 'utf8')) as unknown;
}

/** Event-only metrics may lack data if some target declares them or they had data within the hour. */
async function excused(names: string[]): Promise<boolean> {
  if (names.length === 0) return false;
  const each = await Promise.all(
    names.map(
      async (n) =>
        EVENT_ONLY.has(n) && ((await declaredByATarget(n)) || (await hasData(`last_over_time(${n}[1h])`))),
    ),
  );
  return each.every(Boolean);
}

async function problemsOf(file: string, time?: number): Promise<string[]> {
  const problems: string[] = [];
  for (const { where, expr } of panelQueries(await committedDashboard(file))) {
    const concrete = expr.replaceAll('$__rate_interval', RATE_INTERVAL);
    if (await hasData(concrete, time)) continue;
    if (await excused(metricNamesIn(concrete).map(baseName))) continue;
    // A process restarting (another run, a rebalance) empties a gauge for a few seconds: wait a bit.
    if (time === undefined && (await waitFor(() => hasData(concrete), 20_000))) continue;
    problems.push(`${where}: no data for ${concrete}`);
  }
  return problems;
}

describe('dashboards against the real Prometheus', () => {
  let k6Time: number | undefined;

  beforeAll(async () => {
    expect(
      await waitFor(() => fetch(`${PROM}/-/ready`).then((r) => r.ok), 30_000),
      `Prometheus at ${PROM} is not up`,
    ).toBe(true);
    const traffic = await sendTraffic(15, 10);
    expect(traffic.accepted, `the API at ${API} accepted none of ${traffic.sent} payments`).toBeGreaterThan(
      0,
    );
    // Recording rules evaluate every second; give the scrapes and the worker time to settle.
    await waitFor(async () => (await Promise.all(SLIS.map((s) => hasData(s.record)))).every(Boolean), 30_000);

    await ensureFaultGaugeScraped();
    k6Time = await lastK6SampleTime();
    const scripts = (
      JSON.parse(await readFile(path.join(config.paths.repoRoot, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    if (k6Time === undefined && scripts.scenario !== undefined) {
      await promisify(execFile)('npm', ['run', '-s', 'scenario', '--', 'smoke'], {
        cwd: config.paths.repoRoot,
        timeout: 8 * 60_000,
        env: { ...process.env, CI: '1' },
      }).catch(() => undefined); // a failed verdict still leaves k6 data behind; the check below decides
      k6Time = await lastK6SampleTime();
    }
  }, 10 * 60_000);

  it('every recording rule has data', async () => {
    const empty: string[] = [];
    for (const s of SLIS) if (!(await hasData(s.record))) empty.push(s.record);
    expect(empty).toEqual([]);
  });

  for (const { file } of DASHBOARD_SPECS.filter((d) => d.file !== 'k6.json')) {
    it(`${file}: every panel query returns data`, async () => {
      expect(await problemsOf(file)).toEqual([]);
    });
  }

  it('k6.json: every panel query returns data at the time of the last k6 run', async () => {
    expect(
      k6Time,
      'no k6 remote-write data in the last hour: run `npm run scenario -- smoke` first',
    ).toBeDefined();
    expect(await problemsOf('k6.json', k6Time)).toEqual([]);
  });
});
