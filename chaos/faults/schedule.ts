/**
 * The seeded fault schedule: each timed fault's start fixed from the run's seed (its jitter), in
 * timeline order. The engine plays exactly this; the same seed always gives the same schedule.
 */
import type { TimedFault } from './spec.ts';

/** mulberry32: a tiny, well-known 32-bit PRNG; the same seed always gives the same schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ScheduledFault extends TimedFault {
  /** Stable id within the run: f<index>. */
  id: string;
  /** Start after applying the seeded jitter. */
  startSeconds: number;
}

/** Fixes each fault's start from the seed, in timeline order. */
export function scheduleFaults(faults: readonly TimedFault[], seed: number): ScheduledFault[] {
  const random = seededRandom(seed);
  return faults
    .map((f, i) => {
      const jitter = f.jitterSeconds ?? 0;
      const shift = jitter === 0 ? 0 : Math.round((random() * 2 - 1) * jitter * 10) / 10;
      return { ...f, id: `f${i + 1}`, startSeconds: f.atSeconds + shift };
    })
    .sort((a, b) => a.startSeconds - b.startSeconds);
}
