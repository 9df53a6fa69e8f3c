/**
 * Load profiles and expectation presets shared by the scenario files. Rates are modest on
 * purpose: the whole lab (DB, Kafka, the stack, k6) shares two cores, and a fault must be the
 * cause of what a run shows, not a saturated machine.
 */
import type { CheckName } from '../../chaos/checker/result.ts';
import type { LoadProfile } from './define.ts';

export function steady(
  rate: number,
  durationSeconds: number,
  options: Partial<LoadProfile> = {},
): LoadProfile {
  return {
    executor: 'constant-arrival-rate',
    rate,
    durationSeconds,
    preAllocatedVUs: Math.max(5, Math.ceil(rate / 2)),
    maxVUs: Math.max(50, rate * 5),
    cancelRatio: 0.1,
    requestTimeoutSeconds: 10,
    ...options,
  };
}

/** The load of the single-fault scenarios: 75 s at 15/s, a fault at 30 s leaves 25+ s to recover under load. */
export const FAULT_LOAD = steady(15, 75);
export const FAULT_AT = 30;
export const FAULT_WARMUP = 25;

/** What a naive variant's expected violation drags along with it (reported, not judged). */
export const CONSEQUENCES_OF_LOSS: CheckName[] = ['stuck'];
