import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'kafka-leader-kill',
  description:
    'The leader of partition 0 (looked up at fault time) is killed -9 for 15 s: a follower takes over',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  brokers: 3,
  faults: [
    {
      fault: { kind: 'broker', action: 'kill', broker: { leaderOf: { partition: 0 } } },
      atSeconds: FAULT_AT,
      durationSeconds: 15,
    },
  ],
  drainDeadlineSeconds: 90,
});
