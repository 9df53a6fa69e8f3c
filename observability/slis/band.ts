/**
 * The steady-state band of an SLI and what its samples mean after the load (LAB.md: "recovery
 * time of a fault"). Pure functions of an SLI's definition and its samples, shared by the
 * runner's recovery computation (chaos/recovery) and the live view's own estimate, so both call
 * the same thing "in band".
 *
 * The band: mean ± K·stddev of the warm-up samples, on the SLI's bad side only (a lag that drops
 * is never a problem), widened by the SLI's floor.
 */
import type { SliDefinition } from './define.ts';

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
/** In-band samples in a row before an SLI counts as recovered. */
export const DEFAULT_CONSECUTIVE = 5;

export function steadyBand(
  sli: Pick<SliDefinition, 'bad' | 'floor'>,
  warmUp: readonly Sample[],
): Band | null {
  const values = warmUp.map((s) => s.v).filter((v): v is number => v !== null && Number.isFinite(v));
  if (values.length < MIN_WARMUP_SAMPLES) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const stddev = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  const { floor } = sli;
  const limit =
    sli.bad === 'high'
      ? Math.max(mean + BAND_K * stddev, mean * (1 + floor.relative), mean + floor.absolute)
      : Math.max(0, Math.min(mean - BAND_K * stddev, mean * (1 - floor.relative), mean - floor.absolute));
  return { mean, stddev, samples: values.length, limit, bad: sli.bad };
}

/** Whether a value is inside a limit on the SLI's bad side (a latency below its band is never a problem). */
export function withinLimit(sli: Pick<SliDefinition, 'bad'>, value: number, limit: number): boolean {
  return sli.bad === 'high' ? value <= limit : value >= limit;
}

export function inBand(band: Band, sample: Sample): boolean {
  if (sample.v === null || !Number.isFinite(sample.v)) return false;
  return withinLimit(band, sample.v, band.limit);
}

/** When an SLI stops saying anything, and what its later samples then mean (its `afterLoad` rule, in times). */
export interface Observability {
  unobservableFrom: number | null;
  afterwards: 'continue-streak' | 'in-band';
}

export function observabilityOf(
  sli: Pick<SliDefinition, 'afterLoad'>,
  loadEnd: number,
  /** When every payment of the run was terminal; null if that never happened. */
  settledAt: number | null,
): Observability {
  switch (sli.afterLoad) {
    case 'request-path':
      return { unobservableFrom: loadEnd, afterwards: 'continue-streak' };
    case 'zero-once-settled':
      return { unobservableFrom: settledAt, afterwards: 'in-band' };
    case 'judged':
      return { unobservableFrom: null, afterwards: 'in-band' };
  }
}

/** Whether the live view may still judge the SLI once the load has ended (it does not know settledAt). */
export function judgedAfterLoad(sli: Pick<SliDefinition, 'afterLoad'>): boolean {
  return sli.afterLoad === 'judged';
}
