import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'relay-crash',
  description: 'The relay is killed with SIGKILL and restarted after 10 s: outbox lag grows, nothing lost',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    {
      fault: { kind: 'process', target: 'relay', instance: 0, action: 'kill' },
      atSeconds: FAULT_AT,
      durationSeconds: 10,
    },
  ],
  drainDeadlineSeconds: 90,
});
