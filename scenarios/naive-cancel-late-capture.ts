import { defineScenario } from './lib/define.ts';
import { CANCEL_IN_FLIGHT_LOAD, FAULT_AT, FAULT_WARMUP, SPLIT_PG_LATENCY } from './lib/profiles.ts';

export default defineScenario({
  name: 'naive-cancel-late-capture',
  description:
    'Naive: a cancel trusts a not-found inquiry while the capture is still on its way — canceled, yet charged',
  load: CANCEL_IN_FLIGHT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  strategy: { workerCancel: 'trust-not-found' },
  faults: [{ fault: { kind: 'pg', settings: SPLIT_PG_LATENCY }, atSeconds: FAULT_AT, durationSeconds: 30 }],
  drainDeadlineSeconds: 90,
  expect: { catch: ['mismatch'] },
});
