import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'db-restart',
  description: 'PostgreSQL restarted under load: requests fail briefly, no accepted payment lost',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    { fault: { kind: 'process', target: 'db', action: 'restart' }, atSeconds: FAULT_AT, durationSeconds: 0 },
  ],
  drainDeadlineSeconds: 90,
});
