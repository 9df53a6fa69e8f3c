import { defineScenario } from './lib/define.ts';
import { FAULT_WARMUP, steady } from './lib/profiles.ts';

export default defineScenario({
  name: 'naive-parallel-reorder',
  description:
    'Naive: the relay publishes a batch in parallel; with cancels in the mix, events are reordered',
  // Half the payments are canceled right away, so request and cancel often share a relay batch.
  load: steady(15, 75, { cancelRatio: 0.5 }),
  warmUpSeconds: FAULT_WARMUP,
  strategy: { relayOrder: 'parallel' },
  // Jitter on the Kafka link widens the race between two concurrent sends of one payment.
  faults: [
    {
      fault: { kind: 'link', target: 'kafka', toxic: 'latency', attributes: { latency: 30, jitter: 30 } },
      atSeconds: 30,
      durationSeconds: 30,
    },
  ],
  drainDeadlineSeconds: 60,
  expect: { catch: ['reorder'], tolerate: ['stuck', 'mismatch', 'terminal-stable', 'duplicate-effect'] },
});
