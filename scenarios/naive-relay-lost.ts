import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'naive-relay-lost',
  description: 'Naive: fire-and-forget relay marks rows sent while Kafka is down — payments are lost',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  strategy: { relayAck: 'fire-and-forget' },
  faults: [
    { fault: { kind: 'link', target: 'kafka', toxic: 'down' }, atSeconds: FAULT_AT, durationSeconds: 15 },
  ],
  drainDeadlineSeconds: 60,
  // A lost event leaves its payment non-terminal: stuck is the consequence, lost is the verdict.
  expect: { catch: ['lost'], tolerate: ['stuck'] },
});
