import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

/**
 * The leader of partition 0 keeps taking writes while its followers cannot fetch from it (its
 * replication proxy is down), then dies before they noticed (5 s < replica.lag.time.max.ms 8 s,
 * so they are still in the ISR and one of them is elected cleanly). With acks=1 the relay had
 * those records acknowledged by the leader alone: they are gone from the topic, and the relay
 * marked their outbox rows sent. With acks=all (the robust producer, min.insync.replicas=2) the
 * same sends were never acknowledged, so the relay sent them again to the new leader.
 */
export default defineScenario({
  name: 'naive-relay-acks-1',
  description:
    'Naive: acks=1 relay; partition 0 leader cut from its followers, then killed: acked records lost',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  brokers: 3,
  strategy: { relayProducer: 'acks-1' },
  faults: [
    {
      fault: { kind: 'broker', action: 'cut-replication', broker: { leaderOf: { partition: 0 } } },
      atSeconds: FAULT_AT,
      durationSeconds: 6,
    },
    {
      fault: { kind: 'broker', action: 'kill', broker: { leaderOf: { partition: 0 } } },
      atSeconds: FAULT_AT + 5,
      durationSeconds: 15,
    },
  ],
  drainDeadlineSeconds: 90,
  // A lost event leaves its payment non-terminal: stuck is the consequence, lost is the verdict.
  expect: { catch: ['lost'], tolerate: ['stuck'] },
});
