import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'naive-poison-dropped',
  description:
    'Naive: five undecodable messages are committed and forgotten instead of dead-lettered — evidence lost',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  strategy: { workerPoison: 'drop' },
  faults: [{ fault: { kind: 'poison', count: 5 }, atSeconds: FAULT_AT, durationSeconds: 0 }],
  drainDeadlineSeconds: 90,
  expect: { catch: ['dead-letter'] },
});
