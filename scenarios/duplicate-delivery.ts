import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'duplicate-delivery',
  description: 'Fifty processed events are published again: every duplicate absorbed, no second effect',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [{ fault: { kind: 'redeliver', count: 50 }, atSeconds: FAULT_AT, durationSeconds: 0 }],
  drainDeadlineSeconds: 90,
});
