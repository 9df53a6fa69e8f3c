/**
 * Found by `npm run explore -- --runs 12 --seed 1 --plain` (run 4 of 12, seed 4):
 * dead-letter violated. Shrunk in 12 runs from 4 faults to 2 (shrink budget spent; maybe not minimal).
 * First problem: 11 of 27 injected poison messages never reached the dead-letter topic (16 were read on the payment-events topic)
 * Cause: the chaos injector reused poison keys 0..n for each injection, so a second poison fault in
 * one run collided with the first and the dead-letter check counted 16 of 27 (a lab defect, fixed in
 * chaos/faults/clients.ts; this scenario passes since). Edited by hand: 409 allowed (a replayed key
 * can meet its first request still in progress — the explorer allows it since).
 * Replay: npm run scenario dead-letter-4   (the seed below is used unless --seed is given)
 */
import { defineScenario } from '../lib/define.ts';

export default defineScenario({
  name: 'dead-letter-4',
  description: 'Found by the explorer: dead-letter under 2 faults',
  seed: 4,
  load: {
    executor: 'constant-arrival-rate',
    rate: 2,
    durationSeconds: 30,
    preAllocatedVUs: 5,
    maxVUs: 50,
    cancelRatio: 0.1,
    requestTimeoutSeconds: 10,
    cancelAfterSeconds: {
      min: 0,
      max: 1,
    },
    keyReuse: {
      replayShare: 0.15,
      raceShare: 0,
    },
  },
  warmUpSeconds: 15,
  strategy: {},
  faults: [
    {
      fault: {
        kind: 'poison',
        count: 16,
      },
      atSeconds: 20,
      durationSeconds: 0,
    },
    {
      fault: {
        kind: 'poison',
        count: 11,
      },
      atSeconds: 26,
      durationSeconds: 0,
    },
  ],
  drainDeadlineSeconds: 25,
  expect: {
    recovery: 'reported',
    slo: {},
    exercised: {
      acceptedShare: 0.3,
      allowedCreateStatuses: ['409'],
    },
  },
});
