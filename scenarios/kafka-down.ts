import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'kafka-down',
  description: 'The Kafka link is down for 20 s: the outbox holds events, nothing lost, lag drains after',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    { fault: { kind: 'link', target: 'kafka', toxic: 'down' }, atSeconds: FAULT_AT, durationSeconds: 20 },
  ],
  drainDeadlineSeconds: 90,
});
