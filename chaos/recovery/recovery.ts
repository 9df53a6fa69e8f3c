/**
 * Recovery time as LAB.md defines it: from the moment a fault is removed until every SLI is back
 * inside its steady-state band and stays there for several consecutive samples. Pure functions
 * over the sample arrays a Prometheus range query returned (step 1 s).
 *
 * What the band is (mean ± 3·stddev of the warm-up on the SLI's bad side, widened by the SLI's
 * floor) and what an SLI's samples mean after the load (its after-load rule) belong to the SLI:
 * observability/slis/ (band.ts, and one file per SLI). This module judges fault windows with them.
 */
import {
  DEFAULT_CONSECUTIVE,
  inBand,
  MIN_WARMUP_SAMPLES,
  type Band,
  type Observability,
  type Sample,
} from '../../observability/slis/band.ts';
import type { SliId } from '../../observability/slis/index.ts';

export type { Band, Observability, Sample };
export { DEFAULT_CONSECUTIVE, observabilityOf, steadyBand } from '../../observability/slis/band.ts';

export type SliRecovery =
  | { status: 'recovered'; seconds: number; at: number }
  | { status: 'not-recovered'; lastOutOfBand: number | null; reason: string }
  | { status: 'unknown'; reason: string };

export interface RecoveryWindow {
  faultEnd: number;
  deadline: number;
  observability: Observability;
  consecutive?: number;
}

/** Finds the first run of `consecutive` in-band samples at or after the fault's end. */
export function sliRecovery(band: Band | null, samples: readonly Sample[], w: RecoveryWindow): SliRecovery {
  if (band === null)
    return {
      status: 'unknown',
      reason: `fewer than ${MIN_WARMUP_SAMPLES} warm-up samples: no steady state to return to`,
    };
  const need = w.consecutive ?? DEFAULT_CONSECUTIVE;
  const after = samples.filter((s) => s.t >= w.faultEnd && s.t <= w.deadline).sort((a, b) => a.t - b.t);
  if (after.length === 0) return { status: 'unknown', reason: 'no samples after the fault ended' };
  const { unobservableFrom, afterwards } = w.observability;
  let streakStart: Sample | null = null;
  let streak = 0;
  let lastOut: number | null = null;
  for (const s of after) {
    const observable = unobservableFrom === null || s.t < unobservableFrom;
    if (!observable && afterwards === 'continue-streak') {
      // Nothing more can be seen: a streak in progress is taken as kept, otherwise we cannot tell.
      if (streakStart)
        return {
          status: 'recovered',
          seconds: Math.max(0, (streakStart.t - w.faultEnd) / 1000),
          at: streakStart.t,
        };
      return {
        status: 'unknown',
        reason: `still outside the band when it stopped being observable at ${new Date(unobservableFrom ?? s.t).toISOString()} (the load ended)`,
      };
    }
    if (!observable || inBand(band, s)) {
      if (streak === 0) streakStart = s;
      streak += 1;
      if (streak >= need && streakStart) {
        return {
          status: 'recovered',
          seconds: Math.max(0, (streakStart.t - w.faultEnd) / 1000),
          at: streakStart.t,
        };
      }
    } else {
      streak = 0;
      streakStart = null;
      lastOut = s.t;
    }
  }
  return {
    status: 'not-recovered',
    lastOutOfBand: lastOut,
    reason:
      lastOut === null
        ? `only ${after.length} samples before the deadline, fewer than ${need}`
        : `still outside the band at ${new Date(lastOut).toISOString()}`,
  };
}

export interface FaultRecovery {
  status: 'recovered' | 'not-recovered' | 'unknown';
  /** Seconds until the slowest SLI was back in band; null unless recovered. */
  seconds: number | null;
  perSli: Partial<Record<SliId, SliRecovery>>;
}

/** A fault has recovered when every SLI has; one that did not recover outweighs one unknown. */
export function combineRecoveries(perSli: Partial<Record<SliId, SliRecovery>>): FaultRecovery {
  const all = Object.values(perSli);
  if (all.some((r) => r.status === 'not-recovered'))
    return { status: 'not-recovered', seconds: null, perSli };
  if (all.length === 0 || all.some((r) => r.status === 'unknown'))
    return { status: 'unknown', seconds: null, perSli };
  const seconds = Math.max(...all.map((r) => (r.status === 'recovered' ? r.seconds : 0)));
  return { status: 'recovered', seconds, perSli };
}
