import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'redis-down',
  description:
    'The Redis link is down for 20 s: idempotency falls back to the DB, still exactly one payment per key',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    { fault: { kind: 'link', target: 'redis', toxic: 'down' }, atSeconds: FAULT_AT, durationSeconds: 20 },
  ],
  drainDeadlineSeconds: 90,
});
