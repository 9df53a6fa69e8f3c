import { defineScenario } from './lib/define.ts';

export default defineScenario({
  name: 'capacity',
  description: 'Ramping arrival rate: the highest rate sustained with bounded latency and lag, as a number',
  load: {
    executor: 'ramping-arrival-rate',
    startRate: 5,
    // A 120/s peak never saturated the lab on two cores (100 payments/s sustained with p95 16 ms),
    // so the ramp climbs to 300/s; past saturation k6 drops iterations, and that is reported.
    stages: [
      { target: 40, durationSeconds: 20 },
      { target: 100, durationSeconds: 30 },
      { target: 200, durationSeconds: 40 },
      { target: 300, durationSeconds: 30 },
    ],
    preAllocatedVUs: 20,
    maxVUs: 600,
    cancelRatio: 0.1,
    requestTimeoutSeconds: 10,
  },
  warmUpSeconds: 20,
  drainDeadlineSeconds: 120,
  capacity: { maxP95Seconds: 0.5, maxOutboxLagSeconds: 2, maxConsumerLag: 200 },
  // Past saturation k6 drops iterations and latency grows: that is the measurement, not a failure.
  expect: { slo: {}, recovery: 'reported' },
});
