import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'redis-down',
  description:
    'Redis link down 20 s under replayed and racing keys: idempotency falls back to the DB, one payment per key',
  // Keys are reused throughout, so also while Redis is down: a fifth of the iterations replay a
  // recent key with the same body (often still in flight), a tenth send their create twice at once.
  load: { ...FAULT_LOAD, keyReuse: { replayShare: 0.2, raceShare: 0.1 } },
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    { fault: { kind: 'link', target: 'redis', toxic: 'down' }, atSeconds: FAULT_AT, durationSeconds: 20 },
  ],
  drainDeadlineSeconds: 90,
  // With Redis up, a request racing an in-flight one with its key gets 409 (key in progress).
  expect: { exercised: { allowedCreateStatuses: ['409'] } },
});
