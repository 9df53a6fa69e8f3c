import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'kafka-controller-failover',
  description: 'The active KRaft controller (a broker too) is killed -9 for 15 s: the quorum elects another',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  brokers: 3,
  faults: [
    { fault: { kind: 'controller-failover', action: 'kill' }, atSeconds: FAULT_AT, durationSeconds: 15 },
  ],
  drainDeadlineSeconds: 90,
});
