import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_WARMUP, steady } from './lib/profiles.ts';

export default defineScenario({
  name: 'kafka-rolling-restart',
  description: 'Every broker is restarted in turn under load (controlled shutdown, ISR back before the next)',
  // Longer than the single-fault runs: three restarts, each waiting for the ISR, take a minute or more.
  load: steady(15, 130),
  warmUpSeconds: FAULT_WARMUP,
  brokers: 3,
  faults: [{ fault: { kind: 'rolling-restart' }, atSeconds: FAULT_AT, durationSeconds: 80 }],
  drainDeadlineSeconds: 120,
});
