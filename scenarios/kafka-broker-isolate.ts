import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'kafka-broker-isolate',
  description:
    'Partition 0 leader cut from clients and followers for 15 s, still registered: its partitions stall',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  brokers: 3,
  faults: [
    // By leadership, not by id: a broker restarted by an earlier run may lead nothing (no automatic
    // preferred-leader election in the lab), and cutting it off would show nothing.
    {
      fault: { kind: 'broker', action: 'isolate', broker: { leaderOf: { partition: 0 } } },
      atSeconds: FAULT_AT,
      durationSeconds: 15,
    },
  ],
  drainDeadlineSeconds: 90,
});
