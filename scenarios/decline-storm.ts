import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'decline-storm',
  description: 'PG declines 80 % of captures for 20 s: declines end failed, never retried, ledger agrees',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    { fault: { kind: 'pg', settings: { declineRate: 0.8 } }, atSeconds: FAULT_AT, durationSeconds: 20 },
  ],
  drainDeadlineSeconds: 90,
});
