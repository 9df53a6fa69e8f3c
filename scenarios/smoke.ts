import { defineScenario } from './lib/define.ts';
import { steady } from './lib/profiles.ts';

export default defineScenario({
  name: 'smoke',
  description: 'Short steady load, no faults: every payment settles and every invariant holds',
  load: steady(10, 20),
  warmUpSeconds: 0,
  drainDeadlineSeconds: 30,
  expect: {
    slo: { createP95Ms: 1000, createErrorRate: 0.01, droppedIterationsRatio: 0.02, achievedRateRatio: 0.9 },
  },
});
