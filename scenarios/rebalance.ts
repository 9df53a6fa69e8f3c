import { defineScenario } from './lib/define.ts';
import { FAULT_WARMUP, steady } from './lib/profiles.ts';

export default defineScenario({
  name: 'rebalance',
  description:
    'Three workers; two leave and rejoin the group under load: rebalances without loss or duplicates',
  load: steady(15, 90),
  warmUpSeconds: FAULT_WARMUP,
  instances: { worker: 3 },
  faults: [
    {
      fault: { kind: 'process', target: 'worker', instance: 2, action: 'stop' },
      atSeconds: 30,
      durationSeconds: 20,
    },
    {
      fault: { kind: 'process', target: 'worker', instance: 1, action: 'stop' },
      atSeconds: 40,
      durationSeconds: 15,
    },
  ],
  drainDeadlineSeconds: 90,
});
