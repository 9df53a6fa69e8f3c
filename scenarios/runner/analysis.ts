/**
 * The runner's pure analysis over collected series: steady bands from the warm-up, recovery of
 * each recorded fault window for each SLI, the capacity number, and the chart queries.
 */
import { SLI_CHARTS, SLI_WINDOW_SECONDS, SLIS, type SliId } from '../../observability/slis/index.ts';
import type { ChartQuery } from '../../observability/slis/define.ts';
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
export { SLI_WINDOW_SECONDS };

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
      perSli[sli.id] = sliRecovery(bands[sli.id] ?? null, series[sli.id] ?? [], {
        faultEnd: w.end,
        deadline: observedUntil,
        observability: observabilityOf(sli, loadEnd, settledAt),
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

export type { ChartQuery };

/** report.html's charts: each SLI's own (observability/slis/), in the SLIs' order. */
export const CHART_QUERIES: readonly ChartQuery[] = SLI_CHARTS;
