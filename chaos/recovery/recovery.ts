/**
 * Recovery time as LAB.md defines it: from the moment a fault is removed until every SLI is back
 * inside its steady-state band and stays there for several consecutive samples. Pure functions
 * over the sample arrays a Prometheus range query returned (step 1 s).
 *
 * The band: mean ± K·stddev of the warm-up samples, on the SLI's bad side only (a lag that drops
 * is never a problem), widened by floors. Floors exist because a calm warm-up has a stddev near
 * zero, and "one request took 3 ms longer" must not count as not recovered. They are absolute
 * (one percentage point of errors, 50 ms of latency, 1 s of outbox lag, 20 messages of consumer
 * lag) and relative (50 % above the warm-up mean; completion rate down to 70 % of it).
 */
import type { SliDefinition, SliId } from '../../dashboards/sli.ts';

export interface Sample {
  /** Epoch ms. */
  t: number;
  /** null: Prometheus had no value at this step (e.g. a quantile over no requests). */
  v: number | null;
}

export interface Band {
  mean: number;
  stddev: number;
  samples: number;
  /** Limit on the bad side: for bad='high' values ≤ limit are in band, for bad='low' values ≥ limit. */
  limit: number;
  bad: 'high' | 'low';
}

export const BAND_K = 3;
export const MIN_WARMUP_SAMPLES = 5;
export const DEFAULT_CONSECUTIVE = 5;

interface Floor {
  absolute: number;
  relative: number;
}

const FLOORS: Record<SliId, Floor> = {
  accept_error_rate: { absolute: 0.01, relative: 0.5 },
  accept_p95_latency: { absolute: 0.05, relative: 0.5 },
  outbox_lag: { absolute: 1, relative: 0.5 },
  consumer_lag: { absolute: 20, relative: 0.5 },
  completion_rate: { absolute: 0, relative: 0.3 },
};

export function steadyBand(sli: Pick<SliDefinition, 'id' | 'bad'>, warmUp: readonly Sample[]): Band | null {
  const values = warmUp.map((s) => s.v).filter((v): v is number => v !== null && Number.isFinite(v));
  if (values.length < MIN_WARMUP_SAMPLES) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const stddev = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  const floor = FLOORS[sli.id];
  const limit =
    sli.bad === 'high'
      ? Math.max(mean + BAND_K * stddev, mean * (1 + floor.relative), mean + floor.absolute)
      : Math.max(0, Math.min(mean - BAND_K * stddev, mean * (1 - floor.relative)));
  return { mean, stddev, samples: values.length, limit, bad: sli.bad };
}

export function inBand(band: Band, sample: Sample): boolean {
  if (sample.v === null || !Number.isFinite(sample.v)) return false;
  return band.bad === 'high' ? sample.v <= band.limit : sample.v >= band.limit;
}

/**
 * When an SLI stops saying anything, and what its later samples then mean:
 * - the request-path SLIs (accept error rate, accept p95) have no requests after the load ends;
 *   a streak already running then counts as kept ('continue-streak'), but a fault whose effect
 *   lasted until the load ended cannot be shown to have recovered (unknown, never a pass);
 * - the completion rate falls to zero once every payment is terminal; from then on there is no
 *   work left, which is what recovered means for it ('in-band'); before that it is judged;
 * - lags are judged to the end.
 */
export interface Observability {
  unobservableFrom: number | null;
  afterwards: 'continue-streak' | 'in-band';
}

export function observabilityOf(id: SliId, loadEnd: number, settledAt: number | null): Observability {
  switch (id) {
    case 'accept_error_rate':
    case 'accept_p95_latency':
      return { unobservableFrom: loadEnd, afterwards: 'continue-streak' };
    case 'completion_rate':
      return { unobservableFrom: settledAt, afterwards: 'in-band' };
    case 'outbox_lag':
    case 'consumer_lag':
      return { unobservableFrom: null, afterwards: 'in-band' };
  }
}

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
export function sliRecovery(
  sli: Pick<SliDefinition, 'id' | 'bad'>,
  band: Band | null,
  samples: readonly Sample[],
  w: RecoveryWindow,
): SliRecovery {
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
