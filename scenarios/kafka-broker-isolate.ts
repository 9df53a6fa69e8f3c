import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'kafka-broker-isolate',
  description:
    'Broker 2 is cut from clients and followers for 15 s but stays registered: its partitions stall',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  brokers: 3,
  faults: [
    { fault: { kind: 'broker', action: 'isolate', broker: 2 }, atSeconds: FAULT_AT, durationSeconds: 15 },
  ],
  drainDeadlineSeconds: 90,
});
