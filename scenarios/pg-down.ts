import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'pg-down',
  description: 'The pg-mock link is down for 20 s: payments wait and settle once it is back',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    { fault: { kind: 'link', target: 'pg-mock', toxic: 'down' }, atSeconds: FAULT_AT, durationSeconds: 20 },
  ],
  drainDeadlineSeconds: 90,
});
