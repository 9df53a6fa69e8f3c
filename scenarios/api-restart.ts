import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'api-restart',
  description: 'The API is restarted gracefully under load: in-flight creates finish or fail cleanly',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    { fault: { kind: 'process', target: 'api', action: 'restart' }, atSeconds: FAULT_AT, durationSeconds: 0 },
  ],
  drainDeadlineSeconds: 90,
});
