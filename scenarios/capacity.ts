import { defineScenario } from './lib/define.ts';

export default defineScenario({
  name: 'capacity',
  description: 'Ramping arrival rate: the highest rate sustained with bounded latency and lag, as a number',
  load: {
    executor: 'ramping-arrival-rate',
    startRate: 5,
    stages: [
      { target: 20, durationSeconds: 20 },
      { target: 40, durationSeconds: 30 },
      { target: 80, durationSeconds: 40 },
      { target: 120, durationSeconds: 30 },
    ],
    preAllocatedVUs: 20,
    maxVUs: 300,
    cancelRatio: 0.1,
    requestTimeoutSeconds: 10,
  },
  warmUpSeconds: 20,
  drainDeadlineSeconds: 120,
  capacity: { maxP95Seconds: 0.5, maxOutboxLagSeconds: 2, maxConsumerLag: 200 },
  // Past saturation k6 drops iterations and latency grows: that is the measurement, not a failure.
  expect: { slo: {}, recovery: 'reported' },
});
