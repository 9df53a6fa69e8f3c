import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

/**
 * Naive: the worker keeps no processed-event guard, so fifty redelivered events are not recognised
 * as redeliveries — the duplicate-delivery verdict catches it. What it does NOT produce in this
 * worker is a duplicate effect: plans are made from the payment's state (a settled payment's
 * redelivered event is a skip) and every state change is conditional, so duplicate-effect must
 * still hold here; the processed-event guard is one layer of three (system/src/worker/README.md).
 */
export default defineScenario({
  name: 'naive-no-dedup',
  description:
    'Naive: no processed-event guard; 50 redelivered events go unrecognised (no effect thanks to state)',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  strategy: { workerDedup: 'none' },
  faults: [{ fault: { kind: 'redeliver', count: 50 }, atSeconds: FAULT_AT, durationSeconds: 0 }],
  drainDeadlineSeconds: 90,
  expect: { catch: ['duplicate-delivery'] },
});
