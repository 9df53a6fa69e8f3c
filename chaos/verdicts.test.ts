import { describe, expect, it } from 'vitest';
import type { CheckResult } from './checker/result.ts';
import type { K6Numbers } from './collect/k6-output.ts';
import {
  DEFAULT_EXERCISED,
  type Expectations,
  type ExercisedMinimums,
  type JudgedScenario,
} from './expectations.ts';
import {
  allPass,
  checkVerdicts,
  exercisedVerdicts,
  faultsPlayedVerdicts,
  recoveryVerdicts,
  sloVerdicts,
} from './verdicts.ts';
import type { TimelineEvent } from './timeline.ts';

function result(name: CheckResult['name'], valid: CheckResult['valid']): CheckResult {
  return {
    name,
    title: name,
    valid,
    counts: {},
    problemCount: valid === false ? 3 : 0,
    examples: [],
    perWindow: {},
  };
}

/** A scenario as the verdicts read it, with a robust scenario's defaults (recovery required, the
 *  default exercised minimums, no SLO) and the load profiles' cancel ratio of 0.1. */
function judged(
  expect: Partial<Omit<Expectations, 'exercised'>> & { exercised?: Partial<ExercisedMinimums> } = {},
  cancelRatio = 0.1,
): JudgedScenario {
  return {
    expect: {
      hold: [],
      catch: [],
      slo: {},
      recovery: 'required',
      ...expect,
      exercised: { ...DEFAULT_EXERCISED, ...expect.exercised },
    },
    load: { cancelRatio },
  };
}

const naive = judged({ hold: ['double-charge'], catch: ['lost'], recovery: 'reported' });

describe('verdicts', () => {
  it('when a naive variant loses payments, then the violation counts as caught and the run passes', () => {
    const v = checkVerdicts(naive, [result('double-charge', true), result('lost', false)]);
    expect(allPass(v)).toBe(true);
  });
  it('when a naive variant loses nothing, then the run fails: the lab did not show what it promised', () => {
    const v = checkVerdicts(naive, [result('double-charge', true), result('lost', true)]);
    expect(allPass(v)).toBe(false);
    expect(v[1]?.actual).toContain('not caught');
  });
  it('when a required check is unknown, then it does not pass', () => {
    expect(allPass(checkVerdicts(naive, [result('double-charge', 'unknown'), result('lost', false)]))).toBe(
      false,
    );
  });
  it('when a fault did not recover and recovery is required, then the run fails', () => {
    const s = judged();
    const v = recoveryVerdicts(s, [
      {
        faultId: 'f1',
        label: 'x',
        start: 0,
        end: 1,
        recovery: { status: 'not-recovered', seconds: null, perSli: {} },
      },
    ]);
    expect(v[0]?.pass).toBe(false);
  });
  it('dropped iterations beyond the ratio fail the SLO, and are shown as a number', () => {
    const s = judged({ slo: { droppedIterationsRatio: 0.01 } });
    const k6 = { droppedIterations: 5, iterations: 95 } as K6Numbers;
    const [v] = sloVerdicts(s, k6, 100);
    expect(v).toMatchObject({ pass: false, actual: '5 (5 %)' });
  });
  it('without a k6 summary, SLO verdicts fail rather than pass', () => {
    const s = judged({ slo: { createP95Ms: 100 } });
    expect(sloVerdicts(s, null, 100)[0]?.pass).toBe(false);
  });
  it('no verdict at all is not a pass', () => {
    expect(allPass([])).toBe(false);
  });
});

/** k6's numbers for a run of `planned` iterations, answered as `status` says. */
function k6Run(status: Partial<K6Numbers['createStatus']>, extra: Partial<K6Numbers> = {}): K6Numbers {
  const createStatus = {
    '2xx': 0,
    '401': 0,
    '409': 0,
    '422': 0,
    '429': 0,
    '4xx': 0,
    '5xx': 0,
    none: 0,
    ...status,
  };
  const attempted = Object.values(createStatus).reduce((a, b) => a + b, 0);
  return {
    createsAttempted: attempted,
    createsAccepted: createStatus['2xx'],
    iterationsAccepted: createStatus['2xx'],
    createStatus,
    createErrorRate: 0,
    createP95Ms: 10,
    createP99Ms: 10,
    createMedMs: 5,
    iterations: attempted,
    droppedIterations: 0,
    cancelsAccepted: 10,
    cancelsRefused: 0,
    cancelErrors: 0,
    maxVUs: 5,
    testRunSeconds: 10,
    thresholdsCrossed: [],
    ...extra,
  };
}

describe('exercised minimums', () => {
  const smoke = judged();
  it('when every create was accepted and cancels were answered, then the run was exercised', () => {
    const v = exercisedVerdicts(smoke, k6Run({ '2xx': 100 }), 100);
    expect(v.map((x) => x.pass)).toEqual([true, true, true]);
  });
  it('when every create got 401, then the run FAILS and says the API refused the merchant key', () => {
    const v = exercisedVerdicts(smoke, k6Run({ '401': 100 }, { cancelsAccepted: 0 }), 100);
    expect(allPass(v)).toBe(false);
    const answers = v.find((x) => x.name === 'exercised: create answers');
    expect(answers?.pass).toBe(false);
    expect(answers?.actual).toMatch(/401 × 100/);
    expect(answers?.actual).toMatch(/merchant API key/);
    expect(v.find((x) => x.name === 'exercised: accepted')?.actual).toMatch(/0 of 100/);
  });
  it('when fewer than 80 % of the planned iterations were accepted, then it fails', () => {
    const v = exercisedVerdicts(smoke, k6Run({ '2xx': 79, '5xx': 21 }), 100);
    expect(v.find((x) => x.name === 'exercised: accepted')?.pass).toBe(false);
    expect(v.find((x) => x.name === 'exercised: create answers')?.pass).toBe(true);
  });
  it('when the scenario lowers the share, then that share is the bar', () => {
    const s = judged({ exercised: { acceptedShare: 0.5 } });
    expect(exercisedVerdicts(s, k6Run({ '2xx': 60, '5xx': 40 }), 100)[0]?.pass).toBe(true);
  });
  it('when an unexpected 4xx was answered to a create, then it fails, unless the scenario expects it', () => {
    expect(exercisedVerdicts(smoke, k6Run({ '2xx': 99, '409': 1 }), 100)[1]?.pass).toBe(false);
    const s = judged({ exercised: { allowedCreateStatuses: ['409'] } });
    expect(exercisedVerdicts(s, k6Run({ '2xx': 99, '409': 1 }), 100)[1]?.pass).toBe(true);
  });
  it('when some creates are not accounted for by any answer class, then it fails', () => {
    const k6 = k6Run({ '2xx': 100 });
    k6.createsAttempted = 103;
    expect(exercisedVerdicts(smoke, k6, 100)[1]).toMatchObject({
      pass: false,
      actual: expect.stringMatching(/3 .*unaccounted/),
    });
  });
  it('when the cancel ratio is above 0 but no cancel was answered, then it fails', () => {
    const v = exercisedVerdicts(smoke, k6Run({ '2xx': 100 }, { cancelsAccepted: 0, cancelsRefused: 0 }), 100);
    expect(v[2]).toMatchObject({ name: 'exercised: cancels', pass: false });
  });
  it('when there is no k6 summary, then nothing counts as exercised', () => {
    expect(exercisedVerdicts(smoke, null, 100).every((x) => !x.pass)).toBe(true);
  });
});

describe('faultsPlayedVerdicts', () => {
  const fault = { id: 'f1', label: 'kafka-1 kill' };
  const event = (type: TimelineEvent['event'], detail?: string): TimelineEvent => ({
    t: 0,
    time: '2026-11-30T00:00:00.000Z',
    event: type,
    faultId: fault.id,
    target: 'kafka-1',
    kind: 'process',
    label: fault.label,
    ...(detail === undefined ? {} : { detail }),
  });

  it('gives no verdict over a run without faults: nothing played is not a pass', () => {
    expect(faultsPlayedVerdicts([], [], [])).toEqual([]);
  });

  it('passes when the fault started and its own end removed it', () => {
    expect(faultsPlayedVerdicts([fault], [event('start'), event('end')], [])).toMatchObject([
      { name: 'faults played', pass: true, actual: '1 of 1 started and removed' },
    ]);
  });

  it('fails on a fault with no start in the timeline', () => {
    expect(faultsPlayedVerdicts([fault], [], [])).toMatchObject([
      { pass: false, actual: expect.stringContaining('never started') },
    ]);
  });

  it('fails on a fault started but never removed', () => {
    expect(faultsPlayedVerdicts([fault], [event('start')], [])).toMatchObject([
      { pass: false, actual: expect.stringContaining('never removed') },
    ]);
  });

  it('fails on a stop that failed, even when the heal removed the fault after it', () => {
    const [verdict] = faultsPlayedVerdicts(
      [fault],
      [event('start'), event('stop-failed', 'port in use'), event('heal')],
      [],
    );
    expect(verdict).toMatchObject({
      pass: false,
      actual: expect.stringContaining('removed only by the heal'),
    });
  });

  it('fails on a lab left faulted, even with no scheduled fault', () => {
    expect(faultsPlayedVerdicts([], [], ['kafka-1 down'])).toMatchObject([
      { pass: false, actual: expect.stringContaining('LAB LEFT FAULTED: kafka-1 down') },
    ]);
  });
});
