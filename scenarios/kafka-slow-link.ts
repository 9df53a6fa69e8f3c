import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'kafka-slow-link',
  description:
    'Kafka link with 200 ms ± 100 ms latency for 25 s: publish and consume slow down, then catch up',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    {
      fault: { kind: 'link', target: 'kafka', toxic: 'latency', attributes: { latency: 200, jitter: 100 } },
      atSeconds: FAULT_AT,
      durationSeconds: 25,
    },
  ],
  drainDeadlineSeconds: 90,
});
