/**
 * The seeded fault schedule: each timed fault's start fixed from the run's seed (its jitter), in
 * timeline order. The engine plays exactly this; the same seed always gives the same schedule.
 */
import { seededRandom } from './kinds/random.ts';
import type { ScheduledFault, TimedFault } from './spec.ts';

export { seededRandom };
export type { ScheduledFault };

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
