import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

/**
 * The PG is restarted (graceful stop, start) under load, as a deploy or a changed seed would do.
 * In-flight answers finish; captures booked before the restart stay in the ledger, so every
 * completed payment still has its capture and no inquiry answers "not found" for a real charge.
 */
export default defineScenario({
  name: 'pg-restart',
  description: 'PG restarted under load: its ledger survives — 0 mismatch, 0 double charge',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    {
      fault: { kind: 'process', target: 'pg-mock', action: 'restart' },
      atSeconds: FAULT_AT,
      durationSeconds: 0,
    },
  ],
  drainDeadlineSeconds: 90,
});
