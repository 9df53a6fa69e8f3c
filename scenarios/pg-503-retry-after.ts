import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'pg-503-retry-after',
  description: 'Half of PG calls get 503 with Retry-After 2 s for 20 s: honoured, nothing charged twice',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    {
      fault: { kind: 'pg', settings: { unavailableRate: 0.5, retryAfterSeconds: 2 } },
      atSeconds: FAULT_AT,
      durationSeconds: 20,
    },
  ],
  drainDeadlineSeconds: 90,
});
