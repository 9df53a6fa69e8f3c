/**
 * The runner's pure analysis over collected series: steady bands from the warm-up, recovery of
 * each recorded fault window for each SLI, the capacity number, and the chart queries.
 */
import { SLIS, SLI_WINDOW, type SliId } from '../../dashboards/sli.ts';
import { OUTBOX_PENDING_ROWS } from '../../dashboards/queries.ts';
import { METRICS } from '../../system/src/metric-names.ts';
import {
  combineRecoveries,
  observabilityOf,
  sliRecovery,
  steadyBand,
  type Band,
  type Sample,
  type SliRecovery,
} from '../../chaos/recovery/recovery.ts';
import type { Window } from '../../chaos/timeline.ts';
import type { FaultRecoveryRecord } from '../../chaos/verdicts.ts';
import type { CapacityResult } from '../../chaos/report/model.ts';
import type { CapacitySettings } from '../lib/define.ts';

/** The rate window must fill before a sample means anything. */
export const SLI_WINDOW_SECONDS = Number.parseInt(SLI_WINDOW, 10);

export function warmUpRange(loadStart: number, warmUpSeconds: number): { from: number; to: number } {
  return { from: loadStart + SLI_WINDOW_SECONDS * 1000, to: loadStart + warmUpSeconds * 1000 };
}

export function bandsFromWarmUp(
  series: Partial<Record<SliId, Sample[]>>,
  loadStart: number,
  warmUpSeconds: number,
): Partial<Record<SliId, Band | null>> {
  const { from, to } = warmUpRange(loadStart, warmUpSeconds);
  const bands: Partial<Record<SliId, Band | null>> = {};
  for (const sli of SLIS) {
    const samples = (series[sli.id] ?? []).filter((s) => s.t >= from && s.t <= to);
    bands[sli.id] = steadyBand(sli, samples);
  }
  return bands;
}

export function recoveriesOf(
  windows: readonly Window[],
  series: Partial<Record<SliId, Sample[]>>,
  bands: Partial<Record<SliId, Band | null>>,
  loadEnd: number,
  observedUntil: number,
  /** When every payment of the run was terminal; null if that never happened. */
  settledAt: number | null,
): FaultRecoveryRecord[] {
  return windows.map((w) => {
    if (w.end === null) {
      return {
        faultId: w.id,
        label: w.label,
        start: w.start,
        end: null,
        recovery: { status: 'unknown', seconds: null, perSli: {} },
      };
    }
    const perSli: Partial<Record<SliId, SliRecovery>> = {};
    for (const sli of SLIS) {
      perSli[sli.id] = sliRecovery(sli, bands[sli.id] ?? null, series[sli.id] ?? [], {
        faultEnd: w.end,
        deadline: observedUntil,
        observability: observabilityOf(sli.id, loadEnd, settledAt),
      });
    }
    return { faultId: w.id, label: w.label, start: w.start, end: w.end, recovery: combineRecoveries(perSli) };
  });
}

/**
 * Whether the drain may stop: every payment settled, the minimum observation time passed, and no
 * fault still outside its band. A fault that has not recovered YET is watched until the drain
 * deadline — stopping earlier would judge it on too few samples and print "did not recover before
 * the deadline" long before the deadline (a late-clearing backlog got a false FAIL that way).
 */
export function drainMayStop(
  now: number,
  settled: boolean,
  minUntil: number,
  recoveries: readonly Pick<FaultRecoveryRecord, 'recovery'>[],
): boolean {
  if (!settled || now < minUntil) return false;
  return recoveries.every((r) => r.recovery.status !== 'not-recovered');
}

export const CAPACITY_STREAK = 5;

/** The highest accepted rate held for CAPACITY_STREAK consecutive samples while every bound held. */
export function capacityOf(
  settings: CapacitySettings,
  accepted: readonly Sample[],
  p95: readonly Sample[],
  outboxLag: readonly Sample[],
  consumerLag: readonly Sample[],
  from: number,
  to: number,
): CapacityResult {
  const at = (s: readonly Sample[]) => new Map(s.map((x) => [x.t, x.v]));
  const [p, o, c] = [at(p95), at(outboxLag), at(consumerLag)];
  const points = accepted.filter((s) => s.t >= from && s.t <= to);
  let best: number | null = null;
  let firstBreach: number | null = null;
  let streak: number[] = [];
  for (const s of points) {
    const pv = p.get(s.t) ?? null;
    const ov = o.get(s.t) ?? null;
    const cv = c.get(s.t) ?? null;
    const ok =
      s.v !== null &&
      pv !== null &&
      pv <= settings.maxP95Seconds &&
      (ov ?? 0) <= settings.maxOutboxLagSeconds &&
      (cv ?? 0) <= settings.maxConsumerLag;
    if (!ok) {
      if (firstBreach === null && s.v !== null && s.v > 0) firstBreach = s.t;
      streak = [];
      continue;
    }
    streak.push(s.v ?? 0);
    if (streak.length > CAPACITY_STREAK) streak.shift();
    if (streak.length === CAPACITY_STREAK) {
      const held = Math.min(...streak);
      if (best === null || held > best) best = held;
    }
  }
  return { sustainedRate: best, limits: settings, firstBreach };
}

const create = `route="/payments",method="POST"`;

export interface ChartQuery {
  id: string;
  title: string;
  unit: string;
  series: { name: string; color: string; promql: string }[];
}

function sliQuery(id: SliId): string {
  const found = SLIS.find((s) => s.id === id);
  if (!found) throw new Error(`unknown SLI ${id}`);
  return found.promql;
}

export const CHART_QUERIES: readonly ChartQuery[] = [
  {
    id: 'throughput',
    title: 'throughput',
    unit: 'payments/s',
    series: [
      {
        name: 'accepted',
        color: '#1f77b4',
        promql: `sum(rate(${METRICS.paymentsAccepted}[${SLI_WINDOW}])) or vector(0)`,
      },
      { name: 'settled', color: '#2ca02c', promql: sliQuery('completion_rate') },
    ],
  },
  {
    id: 'latency',
    title: 'create latency (API)',
    unit: 'seconds',
    series: [
      { name: 'p95', color: '#ff7f0e', promql: sliQuery('accept_p95_latency') },
      {
        name: 'p99',
        color: '#d62728',
        promql: `histogram_quantile(0.99, sum by (le) (rate(${METRICS.httpRequestDuration}_bucket{${create}}[${SLI_WINDOW}])))`,
      },
    ],
  },
  {
    id: 'outbox',
    title: 'outbox lag (oldest unpublished row)',
    unit: 'seconds',
    series: [{ name: 'outbox lag', color: '#9467bd', promql: sliQuery('outbox_lag') }],
  },
  {
    id: 'outbox-rows',
    title: 'unpublished outbox rows',
    unit: 'rows',
    series: [{ name: 'pending rows', color: '#8c564b', promql: OUTBOX_PENDING_ROWS }],
  },
  {
    id: 'consumer',
    title: 'consumer lag',
    unit: 'messages',
    series: [{ name: 'consumer lag', color: '#17becf', promql: sliQuery('consumer_lag') }],
  },
  {
    id: 'errors',
    title: 'accept error rate',
    unit: 'ratio',
    series: [
      { name: '5xx + 429 + unanswered share', color: '#e377c2', promql: sliQuery('accept_error_rate') },
    ],
  },
];
