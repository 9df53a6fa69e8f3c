import { defineScenario } from './lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from './lib/profiles.ts';

export default defineScenario({
  name: 'naive-answer-first',
  description:
    'Naive: the API answers 201 before its create commits; with the db link down, accepted payments vanish',
  load: FAULT_LOAD,
  warmUpSeconds: FAULT_WARMUP,
  strategy: { apiCommit: 'answer-first' },
  // Every create in the window is answered 201 while its write fails behind the answer: at 15/s
  // that is ~180 accepted payments the DB never holds. The robust API answers 503 instead.
  faults: [
    { fault: { kind: 'link', target: 'db', toxic: 'down' }, atSeconds: FAULT_AT, durationSeconds: 12 },
  ],
  drainDeadlineSeconds: 60,
  // An accepted payment absent from the DB is also what "lost" reports first; nothing else follows
  // from the knob (an absent payment has no event, no PG call and cannot be stuck).
  expect: { catch: ['accepted-created'], tolerate: ['lost'] },
});
