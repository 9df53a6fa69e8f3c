import { defineScenario } from './lib/define.ts';
import { CANCEL_IN_FLIGHT_LOAD, FAULT_AT, FAULT_WARMUP, SPLIT_PG_LATENCY } from './lib/profiles.ts';

export default defineScenario({
  name: 'cancel-during-capture',
  description:
    'Merchants cancel 1–4 s after create while half the PG calls outlast the deadline: no late capture stays live',
  load: CANCEL_IN_FLIGHT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [{ fault: { kind: 'pg', settings: SPLIT_PG_LATENCY }, atSeconds: FAULT_AT, durationSeconds: 30 }],
  drainDeadlineSeconds: 90,
});
