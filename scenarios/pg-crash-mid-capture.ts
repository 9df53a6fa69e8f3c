import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

/**
 * The PG process dies (SIGKILL) while captures are in flight: PG latency keeps requests inside it,
 * and charge-then-time-out holds booked-but-unanswered captures open at the moment of the kill.
 * The worker sees resets and refused connections (unknown outcomes), asks by key once the PG is
 * back, and must find every capture the PG booked before it died — its ledger is durable.
 * Before the durable ledger, every payment completed before the kill lost its capture (mismatch).
 */
export default defineScenario({
  name: 'pg-crash-mid-capture',
  description:
    'PG killed with SIGKILL mid-capture (slow PG, answers lost) for 5 s: 0 mismatch, 0 double charge',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    {
      fault: {
        kind: 'pg',
        settings: {
          latencyMs: { min: 200, max: 600, tailRate: 0.05, tailMs: 2000 },
          chargeThenTimeoutRate: 0.2,
          chargeThenTimeoutMs: 3000,
        },
      },
      atSeconds: FAULT_AT - 3,
      durationSeconds: 20,
    },
    {
      fault: { kind: 'process', target: 'pg-mock', action: 'kill' },
      atSeconds: FAULT_AT,
      durationSeconds: 5,
    },
  ],
  drainDeadlineSeconds: 90,
});
