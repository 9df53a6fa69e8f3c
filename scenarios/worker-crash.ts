import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'worker-crash',
  description: 'A worker is killed with SIGKILL mid-flight and restarted after 10 s: redelivered, absorbed',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    {
      fault: { kind: 'process', target: 'worker', instance: 0, action: 'kill' },
      atSeconds: FAULT_AT,
      durationSeconds: 10,
    },
  ],
  drainDeadlineSeconds: 90,
});
