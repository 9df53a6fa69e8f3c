import { describe, expect, it } from 'vitest';
import { DEFAULT_EXERCISED, type ReportedScenario } from '../expectations.ts';
import { ROBUST_STRATEGY } from '../../system/src/config.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import type { RunReport } from './model.ts';
import { lineChart } from './svg-chart.ts';

const T0 = 1_700_000_000_000;

function report(): RunReport {
  const scenario: ReportedScenario = {
    name: 'demo',
    description: 'a <demo> run',
    load: { executor: 'constant-arrival-rate', rate: 10, durationSeconds: 60, cancelRatio: 0.1 },
    instances: { relay: 1, worker: 2 },
    warmUpSeconds: 20,
    drainDeadlineSeconds: 30,
    expect: { hold: [], catch: [], slo: {}, recovery: 'required', exercised: DEFAULT_EXERCISED },
  };
  return {
    runId: 'r1',
    scenario,
    seed: 1,
    strategy: ROBUST_STRATEGY,
    startedAt: T0,
    loadStart: T0,
    loadEnd: T0 + 60_000,
    drainDeadline: T0 + 90_000,
    finishedAt: T0 + 70_000,
    plannedIterations: 600,
    k6: {
      createsAttempted: 600,
      createsAccepted: 600,
      iterationsAccepted: 600,
      createStatus: { '2xx': 600, '401': 0, '409': 0, '422': 0, '429': 0, '4xx': 0, '5xx': 0, none: 0 },
      createErrorRate: 0,
      createP95Ms: 20,
      createP99Ms: 40,
      createMedMs: 5,
      iterations: 600,
      droppedIterations: 7,
      cancelsAccepted: 50,
      cancelsRefused: 2,
      cancelErrors: 0,
      maxVUs: 50,
      testRunSeconds: 60,
      thresholdsCrossed: [],
    },
    k6ExitCode: 0,
    timeline: [],
    windows: [
      {
        id: 'f1',
        label: 'link down on kafka link',
        target: 'kafka',
        kind: 'link:down',
        start: T0 + 30_000,
        end: T0 + 40_000,
      },
    ],
    checks: [
      {
        name: 'lost',
        title: 'lost',
        valid: false,
        counts: { unprocessedEvents: 2 },
        problemCount: 2,
        examples: [],
        perWindow: { f1: 2, outside: 0 },
        first: { paymentId: 'p1', detail: 'never processed', severity: 1 },
      },
    ],
    bands: { consumer_lag: { mean: 1, stddev: 0.5, samples: 15, limit: 21, bad: 'high' }, outbox_lag: null },
    recoveries: [
      {
        faultId: 'f1',
        label: 'x',
        start: T0 + 30_000,
        end: T0 + 40_000,
        recovery: {
          status: 'recovered',
          seconds: 4,
          perSli: { consumer_lag: { status: 'recovered', seconds: 4, at: T0 + 44_000 } },
        },
      },
    ],
    capacity: null,
    verdicts: [{ name: 'lost', expected: 'holds', actual: 'violated (2)', pass: false }],
    passed: false,
    charts: [
      {
        id: 'lag',
        title: 'consumer lag',
        unit: 'messages',
        series: [
          {
            name: 'lag',
            color: '#1f77b4',
            samples: [
              { t: T0, v: 1 },
              { t: T0 + 1000, v: null },
              { t: T0 + 2000, v: 30 },
            ],
          },
        ],
      },
    ],
    notes: [],
    leftFaulted: [],
  };
}

describe('report', () => {
  it("the capacity section names the process that saturated first, when, and each process's CPU over the ramp", () => {
    const r = report();
    const md = renderMarkdown({
      ...r,
      capacity: {
        sustainedRate: 120,
        limits: { maxP95Seconds: 0.5, maxOutboxLagSeconds: 2, maxConsumerLag: 200 },
        firstBreach: T0 + 50_000,
        cpu: {
          averageCores: { worker: 0.7, db: 0.5, api: 0.4, k6: 0.3 },
          peakCores: { worker: 0.97, db: 0.8, api: 0.6, k6: 0.5 },
          machineBusy: 0.71,
          cpus: 2,
          windows: 24,
          firstSaturation: {
            process: 'worker',
            cores: 0.97,
            why: 'a single-threaded process at ≥ 85 % of a core',
            from: T0 + 40_000,
            to: T0 + 45_000,
            machineBusy: 0.88,
            labCores: 1.9,
          },
        },
      },
    });
    expect(md).toContain('First process to saturate: **worker** (0.97 cores');
    expect(md).toContain('between 40.0 s and 45.0 s');
    expect(md).toContain(
      "The lab's processes used 1.90 of the machine's 2 cores then, the machine was 88 % busy.",
    );
    expect(md).toContain('| worker | 0.70 | 0.97 |');
    const none = renderMarkdown({
      ...r,
      capacity: {
        sustainedRate: 120,
        limits: { maxP95Seconds: 0.5, maxOutboxLagSeconds: 2, maxConsumerLag: 200 },
        firstBreach: null,
        cpu: null,
      },
    });
    expect(none).toContain('CPU per process: not measured');
  });
  it('markdown leads with the verdicts and shows dropped iterations and per-window problems', () => {
    const md = renderMarkdown(report());
    expect(md.split('\n')[0]).toBe('# demo — FAILED');
    expect(md).toContain('| FAIL | lost | holds | violated (2) |');
    expect(md).toContain('**7**');
    expect(md).toContain('| lost | 2 | 0 |');
    expect(md).toContain('4.0 s');
  });
  it('a lab left faulted is said above everything else, with what is still on and how to bring it back', () => {
    expect(renderMarkdown(report())).not.toContain('LEFT FAULTED');
    const md = renderMarkdown({ ...report(), leftFaulted: ['kafka-2 not running'] });
    const warning = md.indexOf('THE LAB IS LEFT FAULTED');
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(md.indexOf('## Verdicts'));
    expect(md).toContain('kafka-2 not running');
    expect(md).toContain('npm run lab -- up');
  });

  it('html is self-contained: inline SVG with the fault window shaded, no external assets, escaped text', () => {
    const r = report();
    const html = renderHtml(r, renderMarkdown(r));
    expect(html).toContain('<svg');
    expect(html).toContain('fill="#f4a261"');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('a &lt;demo&gt; run');
  });
  it('text from scenario files and faults is escaped: a <script> in a label, a name or a note never runs', () => {
    const r = report();
    const evil = '<script>alert(1)</script>';
    const html = renderHtml(
      {
        ...r,
        scenario: { ...r.scenario, name: `demo${evil}` },
        windows: r.windows.map((w) => ({ ...w, label: `db latency ${evil}` })),
        notes: [`note ${evil} <img src=x onerror=alert(2)>`, '[click](javascript:alert(3))'],
      },
      renderMarkdown({
        ...r,
        scenario: { ...r.scenario, name: `demo${evil}` },
        windows: r.windows.map((w) => ({ ...w, label: `db latency ${evil}` })),
        notes: [`note ${evil} <img src=x onerror=alert(2)>`, '[click](javascript:alert(3))'],
      }),
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain('db latency &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('note &lt;script&gt;');
  });
  it('report.md is rendered as Markdown: lists are lists, a code span keeps its asterisks, failing cells are marked', () => {
    const r = report();
    const html = renderHtml(
      r,
      renderMarkdown({ ...r, notes: ['the knob `a**b**c` stays literal', 'second'] }),
    );
    expect(html).toMatch(
      /<ul>\s*<li>the knob <code>a\*\*b\*\*c<\/code> stays literal<\/li>\s*<li>second<\/li>/,
    );
    expect(html).toContain('<td class="bad">FAIL</td>');
    expect(html).toContain('<strong>7</strong>');
    // The page has its own h1 (with the verdict's colour): the Markdown's h1 is not repeated.
    expect(html.match(/<h1/g)).toHaveLength(1);
  });
  it('a chart breaks its line where samples are missing', () => {
    const svg = lineChart({
      title: 't',
      unit: 'u',
      series: [
        {
          name: 's',
          color: '#000',
          samples: [
            { t: 0, v: 1 },
            { t: 1000, v: null },
            { t: 2000, v: 2 },
          ],
        },
      ],
      windows: [],
      start: 0,
      end: 2000,
    });
    expect((svg.match(/M/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });
  it('when no check found a problem, the per-window section says so instead of printing a bare header', () => {
    const r = report();
    const md = renderMarkdown({
      ...r,
      checks: r.checks.map((c) => ({ ...c, problemCount: 0, perWindow: {} })),
    });
    const section = md.slice(
      md.indexOf('### Problems per fault window'),
      md.indexOf('## Faults and recovery'),
    );
    expect(section).toContain('No check found a problem');
    expect(section).not.toContain('| check |');
  });
  it('y-axis ticks are round numbers (0.01, 0.02 …), not quarters of the maximum (0.013, 0.038)', () => {
    const svg = lineChart({
      title: 't',
      unit: 'ratio',
      series: [
        {
          name: 's',
          color: '#000',
          samples: [
            { t: 0, v: 0.041 },
            { t: 1000, v: 0.002 },
          ],
        },
      ],
      windows: [],
      start: 0,
      end: 1000,
    });
    const ticks = [...svg.matchAll(/text-anchor="end"[^>]*>([^<]+)</g)].map((m) => m[1]);
    expect(ticks).toEqual(['0', '0.01', '0.02', '0.03', '0.04', '0.05']);
  });
  it('a series drawn on top of an identical one leaves it visible (each series its own dash)', () => {
    const samples = [
      { t: 0, v: 5 },
      { t: 1000, v: 5 },
    ];
    const svg = lineChart({
      title: 't',
      unit: 'u',
      series: [
        { name: 'accepted', color: '#1f77b4', samples },
        { name: 'settled', color: '#2ca02c', samples },
      ],
      windows: [],
      start: 0,
      end: 1000,
    });
    const paths = [...svg.matchAll(/<path [^>]*>/g)].map((m) => m[0]);
    expect(paths).toHaveLength(2);
    expect(paths[0]).not.toContain('stroke-dasharray');
    expect(paths[1]).toContain('stroke-dasharray');
    expect(Number(/stroke-width="([\d.]+)"/.exec(paths[0] ?? '')?.[1])).toBeGreaterThan(
      Number(/stroke-width="([\d.]+)"/.exec(paths[1] ?? '')?.[1]),
    );
  });
  it('a long series name stays inside the chart', () => {
    const svg = lineChart({
      title: 't',
      unit: 'ratio',
      series: [{ name: '5xx + 429 + unanswered share', color: '#000', samples: [{ t: 0, v: 1 }] }],
      windows: [],
      start: 0,
      end: 1000,
      width: 760,
    });
    const label = /<text x="([\d.]+)"[^>]*>5xx \+ 429/.exec(svg);
    expect(label).not.toBeNull();
    expect(Number(label?.[1]) + 6 * '5xx + 429 + unanswered share'.length).toBeLessThanOrEqual(760);
  });
});
