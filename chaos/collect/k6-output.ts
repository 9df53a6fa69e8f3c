/**
 * Reading what k6 left behind: the accepted payment ids from its console output file, and the
 * numbers the report and SLO verdicts need from its handleSummary JSON.
 */
import type { AcceptedPayment } from '../checker/history.ts';
import { CREATE_STATUS_CLASSES, createStatusMetric, type CreateStatusClass } from './create-status.ts';

const ACCEPTED = /paylab-accepted ([0-9a-f-]{36}) (\S+) (\d{13})/;

export function parseAccepted(consoleText: string): AcceptedPayment[] {
  const out: AcceptedPayment[] = [];
  for (const line of consoleText.split('\n')) {
    const m = ACCEPTED.exec(line);
    if (m) out.push({ paymentId: m[1]!, idempotencyKey: m[2]!, at: Number(m[3]) });
  }
  return out;
}

export interface K6Numbers {
  createsAttempted: number;
  createsAccepted: number;
  /** Iterations whose create (or one of its racing copies) got a 2xx; null when k6 did not count it. */
  iterationsAccepted: number | null;
  /** Create answers per status class. */
  createStatus: Record<CreateStatusClass, number>;
  createErrorRate: number | null;
  createP95Ms: number | null;
  createP99Ms: number | null;
  createMedMs: number | null;
  iterations: number;
  droppedIterations: number;
  cancelsAccepted: number;
  cancelsRefused: number;
  cancelErrors: number;
  maxVUs: number | null;
  /** Seconds the test ran, from k6's own state. */
  testRunSeconds: number | null;
  thresholdsCrossed: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function metric(metrics: Record<string, unknown>, name: string, field: string): number | null {
  const m = metrics[name];
  if (!isRecord(m) || !isRecord(m.values)) return null;
  const v = m.values[field];
  return typeof v === 'number' ? v : null;
}

export class K6SummaryError extends Error {
  override name = 'K6SummaryError';
}

export function readK6Summary(summary: unknown): K6Numbers {
  if (!isRecord(summary) || !isRecord(summary.metrics))
    throw new K6SummaryError('the k6 summary has no metrics object');
  const m = summary.metrics;
  const crossed: string[] = [];
  for (const [name, value] of Object.entries(m)) {
    if (!isRecord(value) || !isRecord(value.thresholds)) continue;
    for (const [expr, t] of Object.entries(value.thresholds))
      if (isRecord(t) && t.ok === false) crossed.push(`${name}: ${expr}`);
  }
  const state = isRecord(summary.state) ? summary.state : {};
  return {
    createsAttempted: metric(m, 'paylab_creates_attempted', 'count') ?? 0,
    createsAccepted: metric(m, 'paylab_creates_accepted', 'count') ?? 0,
    iterationsAccepted: metric(m, 'paylab_iterations_accepted', 'count'),
    createStatus: Object.fromEntries(
      CREATE_STATUS_CLASSES.map((c) => [c, metric(m, createStatusMetric(c), 'count') ?? 0]),
    ) as Record<CreateStatusClass, number>,
    createErrorRate: metric(m, 'paylab_create_errors', 'rate'),
    createP95Ms: metric(m, 'paylab_create_duration', 'p(95)'),
    createP99Ms: metric(m, 'paylab_create_duration', 'p(99)'),
    createMedMs: metric(m, 'paylab_create_duration', 'med'),
    iterations: metric(m, 'iterations', 'count') ?? 0,
    droppedIterations: metric(m, 'dropped_iterations', 'count') ?? 0,
    cancelsAccepted: metric(m, 'paylab_cancels_accepted', 'count') ?? 0,
    cancelsRefused: metric(m, 'paylab_cancels_refused', 'count') ?? 0,
    cancelErrors: metric(m, 'paylab_cancel_errors', 'count') ?? 0,
    maxVUs: metric(m, 'vus_max', 'max') ?? metric(m, 'vus_max', 'value'),
    testRunSeconds: typeof state.testRunDurationMs === 'number' ? state.testRunDurationMs / 1000 : null,
    thresholdsCrossed: crossed,
  };
}
