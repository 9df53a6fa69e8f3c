import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'naive-retry-double-charge',
  description: 'Naive: the worker retries a capture that timed out without asking the PG — double charges',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  strategy: { workerPgRetry: 'naive' },
  faults: [
    {
      fault: { kind: 'pg', settings: { chargeThenTimeoutRate: 0.3, chargeThenTimeoutMs: 3000 } },
      atSeconds: FAULT_AT,
      durationSeconds: 20,
    },
  ],
  drainDeadlineSeconds: 60,
  expect: { catch: ['double-charge'], tolerate: ['mismatch'] },
});
