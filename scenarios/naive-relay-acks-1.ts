import { defineScenario } from './lib/define.ts';
import { FAULT_LOAD, FAULT_WARMUP, LEADER_LOSS_FAULTS } from './lib/profiles.ts';

/** kafka-leader-kill's schedule with the acks=1 producer: see LEADER_LOSS_FAULTS. */
export default defineScenario({
  name: 'naive-relay-acks-1',
  description:
    'Naive: acks=1 relay; partition 0 leader cut from its followers, then killed: acked records lost',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  brokers: 3,
  strategy: { relayProducer: 'acks-1' },
  faults: LEADER_LOSS_FAULTS,
  drainDeadlineSeconds: 90,
  // A lost event leaves its payment non-terminal: stuck is the consequence, lost is the verdict.
  expect: { catch: ['lost'], tolerate: ['stuck'] },
});
