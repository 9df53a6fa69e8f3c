import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'naive-guard-stuck',
  description:
    'Naive: the idempotency guard commits before processing; transient PG errors leave payments stuck',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  strategy: { workerGuard: 'guard-before-process' },
  faults: [{ fault: { kind: 'pg', settings: { errorRate: 0.5 } }, atSeconds: FAULT_AT, durationSeconds: 15 }],
  drainDeadlineSeconds: 60,
  // A retried event meets its own guard and is dropped as a "duplicate": the payment never settles.
  expect: { catch: ['stuck'], tolerate: ['dead-letter', 'duplicate-delivery'] },
});
