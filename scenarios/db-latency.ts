import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'db-latency',
  description: 'DB link with 100 ms ± 50 ms latency for 20 s: accept latency grows, then returns to its band',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    {
      fault: { kind: 'link', target: 'db', toxic: 'latency', attributes: { latency: 100, jitter: 50 } },
      atSeconds: FAULT_AT,
      durationSeconds: 20,
    },
  ],
  drainDeadlineSeconds: 90,
});
