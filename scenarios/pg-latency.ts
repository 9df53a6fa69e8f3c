import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'pg-latency',
  description: 'PG answers slowly (0.3–0.8 s, 5 % tail of 3 s) for 20 s: settling slows, nothing is lost',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    {
      fault: { kind: 'pg', settings: { latencyMs: { min: 300, max: 800, tailRate: 0.05, tailMs: 3000 } } },
      atSeconds: FAULT_AT,
      durationSeconds: 20,
    },
  ],
  drainDeadlineSeconds: 90,
});
