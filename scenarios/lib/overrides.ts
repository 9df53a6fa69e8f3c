/**
 * Command-line overrides applied to a scenario without editing its file. A shorter or longer --duration scales the whole timeline (warm-up, fault starts and
 * windows) by the same factor, so the faults keep their place in the run.
 */
import { loadDurationSeconds, validateScenario, type Scenario } from './define.ts';

export interface Overrides {
  rate?: number;
  durationSeconds?: number;
  relays?: number;
  workers?: number;
  /** 1 or 3 (validated with the scenario: 3 is required by the broker fault kinds). */
  brokers?: number;
  drainDeadlineSeconds?: number;
}

export function applyOverrides(scenario: Scenario, o: Overrides): Scenario {
  const s: Scenario = structuredClone(scenario);
  if (o.rate !== undefined) {
    if (s.load.executor === 'constant-arrival-rate') s.load.rate = o.rate;
    else {
      // A ramp keeps its shape: every stage scales so the peak becomes the requested rate.
      const peak = Math.max(...(s.load.stages ?? []).map((st) => st.target), s.load.startRate ?? 0, 1);
      const k = o.rate / peak;
      s.load.startRate = Math.round((s.load.startRate ?? 0) * k * 100) / 100;
      s.load.stages = (s.load.stages ?? []).map((st) => ({
        ...st,
        target: Math.round(st.target * k * 100) / 100,
      }));
    }
    s.load.maxVUs = Math.max(s.load.maxVUs, Math.ceil(o.rate * 5));
    s.load.preAllocatedVUs = Math.min(s.load.maxVUs, Math.max(s.load.preAllocatedVUs, Math.ceil(o.rate / 2)));
  }
  if (o.durationSeconds !== undefined) {
    const before = loadDurationSeconds(s.load);
    const k = o.durationSeconds / before;
    if (s.load.executor === 'constant-arrival-rate') s.load.durationSeconds = o.durationSeconds;
    else {
      const stages = (s.load.stages ?? []).map((st) => ({
        ...st,
        durationSeconds: Math.max(1, Math.round(st.durationSeconds * k)),
      }));
      // Rounding must not move the end: the last stage absorbs the difference.
      const sum = stages.reduce((a, st) => a + st.durationSeconds, 0);
      const last = stages.at(-1);
      if (last) last.durationSeconds = Math.max(1, last.durationSeconds + o.durationSeconds - sum);
      s.load.stages = stages;
    }
    // The warm-up never shrinks below what a band needs (15 s), and no fault moves into it.
    s.warmUpSeconds = Math.max(Math.min(15, s.warmUpSeconds), Math.round(s.warmUpSeconds * k));
    s.faults = s.faults.map((f) => ({
      ...f,
      atSeconds: Math.max(s.warmUpSeconds + (f.jitterSeconds ?? 0), Math.round(f.atSeconds * k)),
      durationSeconds: Math.round(f.durationSeconds * k),
      ...(f.jitterSeconds === undefined ? {} : { jitterSeconds: Math.floor(f.jitterSeconds * k) }),
    }));
  }
  if (o.relays !== undefined) s.instances.relay = o.relays;
  if (o.workers !== undefined) s.instances.worker = o.workers;
  if (o.brokers !== undefined) s.brokers = o.brokers as Scenario['brokers'];
  if (o.drainDeadlineSeconds !== undefined) s.drainDeadlineSeconds = o.drainDeadlineSeconds;
  // Overrides go through the same validation as files: a fault pushed past the load's end is named.
  return validateScenario(s);
}

// The seeded schedule lives with the chaos engine that plays it (chaos must not import scenarios).
export { scheduleFaults, seededRandom, type ScheduledFault } from '../../chaos/faults/schedule.ts';
