import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'pg-timeout-after-charge',
  description: 'PG books 20 % of captures then loses the answer: inquiry-first must not charge twice',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    {
      fault: { kind: 'pg', settings: { chargeThenTimeoutRate: 0.2, chargeThenTimeoutMs: 3000 } },
      atSeconds: FAULT_AT,
      durationSeconds: 20,
    },
  ],
  drainDeadlineSeconds: 90,
});
