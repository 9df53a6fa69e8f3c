import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'poison-message',
  description:
    'Five undecodable messages on the payment topic: each dead-lettered, the partition keeps flowing',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [{ fault: { kind: 'poison', count: 5 }, atSeconds: FAULT_AT, durationSeconds: 0 }],
  drainDeadlineSeconds: 90,
});
