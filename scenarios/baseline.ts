import { defineScenario } from './lib/define.ts';
import { steady } from './lib/profiles.ts';

export default defineScenario({
  name: 'baseline',
  description: 'Steady load for a minute, no faults: the numbers every fault scenario is compared with',
  load: steady(20, 60),
  warmUpSeconds: 0,
  drainDeadlineSeconds: 60,
  expect: {
    slo: { createP95Ms: 500, createErrorRate: 0.01, droppedIterationsRatio: 0.01, achievedRateRatio: 0.95 },
  },
});
