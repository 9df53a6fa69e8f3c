/**
 * Faults as data: what a scenario's timeline names. Each kind lives in its own file under
 * ./kinds/ (validation, target, labels, drawing, start/stop); this module is the timeline's view
 * of them and re-exports what scenario files and tools import.
 */
export {
  FAULT_KIND_NAMES,
  faultHasWindow,
  faultKindLabel as faultKind,
  faultLabel,
  faultRestarts,
  faultTarget,
  type FaultSpec,
} from './kinds/registry.ts';
export { TOXIC_KINDS, type ToxicAttributes, type ToxicKind } from './kinds/link.ts';
export { PROCESS_ACTIONS, PROCESS_TARGETS, type ProcessAction, type ProcessTarget } from './kinds/process.ts';
export type { PgFaultSettings } from './kinds/pg.ts';
import type { FaultSpec } from './kinds/registry.ts';

export interface TimedFault {
  fault: FaultSpec;
  /** Seconds after the load started. */
  atSeconds: number;
  /** How long the fault stays on; 0 for instantaneous ones (restart, poison, redeliver). */
  durationSeconds: number;
  /** The start moves by up to ± this many seconds, drawn from the run's seed. */
  jitterSeconds?: number;
}

/** A timed fault placed on one run's clock. */
export interface ScheduledFault extends TimedFault {
  /** Stable id within the run: f<index>. */
  id: string;
  /** Start after applying the seeded jitter. */
  startSeconds: number;
}
