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
  // While Kafka is down every publish fails and backs off; the parallel claim does not hold a
  // payment's cancel back behind its backing-off request, so after the link returns the cancel
  // (fewer failed attempts, shorter backoff) is often published first.
  faults: [
    { fault: { kind: 'link', target: 'kafka', toxic: 'down' }, atSeconds: 28, durationSeconds: 12 },
    { fault: { kind: 'link', target: 'kafka', toxic: 'down' }, atSeconds: 50, durationSeconds: 12 },
  ],
  drainDeadlineSeconds: 60,
  // The checker reads publication order from the topic's offsets, so it also sees a cancel that
  // overtook its request inside one parallel batch (both rows share sent_at). Parallel publishing
  // breaks order and nothing else: the worker defers an early cancel, so every other check holds.
  expect: { catch: ['reorder'] },
});
