import { defineScenario } from './lib/define.ts';
import { CANCEL_IN_FLIGHT_LOAD, FAULT_AT, FAULT_WARMUP } from './lib/profiles.ts';

/**
 * The PG answers every call in 0.8–2 s — slow, but inside the worker's 3 s deadline — while
 * merchants cancel 1–4 s after create: many cancels land while the capture is at the PG.
 * Robust (cancel-during-capture shows it): the settle finds cancel_requested and does not apply;
 * the cancel refunds the capture. Naive (no state precondition): the capture's result overwrites
 * the cancel request (cancel_requested → completed: cancel-honoured catches the dropped cancel), then
 * the cancel event, applied to whatever the payment is in, refunds and overwrites completed → canceled —
 * terminal-stable catches that.
 */
export const SLOW_PG_WITHIN_DEADLINE = { latencyMs: { min: 800, max: 2000, tailRate: 0, tailMs: 0 } };

export default defineScenario({
  name: 'naive-blind-transition',
  description:
    'Naive: state changes match by id only; a capture answered after a cancel overwrites it, then is canceled',
  load: CANCEL_IN_FLIGHT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  strategy: { workerTransition: 'blind' },
  faults: [
    { fault: { kind: 'pg', settings: SLOW_PG_WITHIN_DEADLINE }, atSeconds: FAULT_AT, durationSeconds: 30 },
  ],
  drainDeadlineSeconds: 90,
  expect: { catch: ['terminal-stable', 'cancel-honoured'] },
});
