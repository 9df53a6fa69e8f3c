import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'pg-5xx-burst',
  description: 'Half of PG calls fail with 500 for 15 s: retried through the retry topic to completion',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [{ fault: { kind: 'pg', settings: { errorRate: 0.5 } }, atSeconds: FAULT_AT, durationSeconds: 15 }],
  drainDeadlineSeconds: 90,
});
