import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

/**
 * Naive: the worker keeps no processed-event record as a guard, so it cannot tell a redelivered
 * event from a new one and handles it from scratch: fifty already-settled payments go back to
 * processing, are captured again under their key (the PG's own idempotency answers with what it
 * booked: no second charge) and settled a second time: duplicate-effect sees the settle applied
 * twice. Reopening a settled payment is this knob's own fallout too (completed → processing), so
 * terminal-stable is tolerated. duplicate-delivery holds and must: a duplicate delivery is allowed
 * (LAB.md), and the checker counts it absorbed when the DB holds the event's one processed record,
 * which this twin still writes (as a log) — the harm is the effect, judged by duplicate-effect.
 */
export default defineScenario({
  name: 'naive-no-dedup',
  description:
    'Naive: no processed-event guard; 50 redelivered events are handled from scratch, settled twice',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  strategy: { workerDedup: 'none' },
  faults: [{ fault: { kind: 'redeliver', count: 50 }, atSeconds: FAULT_AT, durationSeconds: 0 }],
  drainDeadlineSeconds: 90,
  expect: { catch: ['duplicate-effect'], tolerate: ['terminal-stable'] },
});
