import { describe, expect, it } from 'vitest';
import { parseAccepted, readK6Summary } from './k6-output.ts';
import { parseRangeResponse } from '../../observability/prometheus/client.ts';
import { counterGrowth, onGrid } from './prometheus-range.ts';

describe('k6 output', () => {
  it('reads accepted ids from k6 console lines, whatever the log decoration', () => {
    const text = [
      'time="2026-01-01T00:00:00Z" level=info msg="paylab-accepted 0b9a7c1e-1111-4222-8333-944445555666 r1-0 1767225600000" source=console',
      'some other line',
      'paylab-accepted 0b9a7c1e-1111-4222-8333-944445555667 r1-1 1767225600100',
    ].join('\n');
    expect(parseAccepted(text)).toEqual([
      { paymentId: '0b9a7c1e-1111-4222-8333-944445555666', idempotencyKey: 'r1-0', at: 1767225600000 },
      { paymentId: '0b9a7c1e-1111-4222-8333-944445555667', idempotencyKey: 'r1-1', at: 1767225600100 },
    ]);
  });
  it('reads counts, percentiles, drops and crossed thresholds from the summary', () => {
    const n = readK6Summary({
      state: { testRunDurationMs: 20_000 },
      metrics: {
        paylab_creates_attempted: { values: { count: 200 } },
        paylab_creates_accepted: { values: { count: 198 } },
        paylab_create_duration: { values: { 'p(95)': 40, 'p(99)': 90, med: 10 } },
        dropped_iterations: { values: { count: 3 }, thresholds: { 'count<=2': { ok: false } } },
        iterations: { values: { count: 200 } },
        paylab_create_status_2xx: { values: { count: 198 } },
        paylab_create_status_401: { values: { count: 2 } },
        paylab_iterations_accepted: { values: { count: 197 } },
      },
    });
    expect(n).toMatchObject({
      createsAttempted: 200,
      createsAccepted: 198,
      createP95Ms: 40,
      droppedIterations: 3,
      testRunSeconds: 20,
      thresholdsCrossed: ['dropped_iterations: count<=2'],
      iterationsAccepted: 197,
    });
    expect(n.createStatus).toEqual({
      '2xx': 198,
      '401': 2,
      '409': 0,
      '422': 0,
      '429': 0,
      '4xx': 0,
      '5xx': 0,
      none: 0,
    });
  });
  it('refuses a summary without metrics', () => {
    expect(() => readK6Summary({})).toThrow(/no metrics/);
  });
});

describe('Prometheus range answers', () => {
  it('puts samples on the step grid and marks missing steps and NaN as null', () => {
    const body = {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [10, '1'],
              [12, 'NaN'],
            ],
          },
        ],
      },
    };
    expect(onGrid(parseRangeResponse(body), 10_000, 13_000, 1000)).toEqual([
      { t: 10_000, v: 1 },
      { t: 11_000, v: null },
      { t: 12_000, v: null },
      { t: 13_000, v: null },
    ]);
  });
  it('refuses several series for a query meant to yield one', () => {
    const body = {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          { metric: {}, values: [] },
          { metric: {}, values: [] },
        ],
      },
    };
    expect(() => onGrid(parseRangeResponse(body), 0, 0, 1000)).toThrow(/one series/);
  });
});

describe('counter growth', () => {
  const from = 100_000;
  it('counts a labelled series that first appears inside the window from zero', () => {
    expect(
      counterGrowth(
        [
          {
            labels: {},
            samples: [
              { t: from + 10_000, v: 3 },
              { t: from + 11_000, v: 5 },
            ],
          },
        ],
        from,
      ),
    ).toBe(5);
  });
  it('counts only the growth of a series that existed before the window, across a restart', () => {
    const samples = [
      { t: from, v: 10 },
      { t: from + 1000, v: 12 },
      { t: from + 2000, v: 1 },
      { t: from + 3000, v: 4 },
    ];
    expect(counterGrowth([{ labels: {}, samples }], from)).toBe(2 + 1 + 3);
  });
});
