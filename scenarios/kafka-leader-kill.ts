import { defineScenario } from './lib/define.ts';
import { FAULT_LOAD, FAULT_WARMUP, LEADER_LOSS_FAULTS } from './lib/profiles.ts';

/** naive-relay-acks-1's schedule with the robust producer: see LEADER_LOSS_FAULTS. */
export default defineScenario({
  name: 'kafka-leader-kill',
  description:
    'Partition 0 leader cut from its followers, then killed -9: a follower takes over, nothing lost',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  brokers: 3,
  faults: LEADER_LOSS_FAULTS,
  drainDeadlineSeconds: 90,
});
