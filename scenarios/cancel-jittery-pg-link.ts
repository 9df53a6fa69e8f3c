import { defineScenario } from './lib/define.ts';
import { CANCEL_IN_FLIGHT_LOAD, FAULT_AT, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'cancel-jittery-pg-link',
  description:
    'Requests to the PG delayed 0.1–15.9 s each (link jitter) while merchants cancel mid-capture: no live capture',
  load: CANCEL_IN_FLIGHT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  faults: [
    {
      // Upstream: each request waits on the link, so a later inquiry or void can overtake a capture.
      fault: {
        kind: 'link',
        target: 'pg-mock',
        toxic: 'latency',
        attributes: { latency: 8000, jitter: 7900 },
        stream: 'upstream',
      },
      atSeconds: FAULT_AT,
      durationSeconds: 30,
    },
  ],
  drainDeadlineSeconds: 90,
});
