import { describe, expect, it } from 'vitest';
import { defineScenario } from '../scenarios/lib/define.ts';
import { steady } from '../scenarios/lib/profiles.ts';
import type { CheckResult } from './checker/result.ts';
import type { K6Numbers } from './collect/k6-output.ts';
import { allPass, checkVerdicts, recoveryVerdicts, sloVerdicts } from './verdicts.ts';

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

const naive = defineScenario({
  name: 'n',
  description: 'd',
  load: steady(10, 60),
  warmUpSeconds: 20,
  drainDeadlineSeconds: 30,
  expect: { hold: ['double-charge'], catch: ['lost'] },
});

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
    const s = defineScenario({
      name: 'r',
      description: 'd',
      load: steady(10, 60),
      warmUpSeconds: 20,
      drainDeadlineSeconds: 30,
    });
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
    const s = defineScenario({
      name: 's',
      description: 'd',
      load: steady(10, 10),
      warmUpSeconds: 0,
      drainDeadlineSeconds: 30,
      expect: { slo: { droppedIterationsRatio: 0.01 } },
    });
    const k6 = { droppedIterations: 5, iterations: 95 } as K6Numbers;
    const [v] = sloVerdicts(s, k6, 100);
    expect(v).toMatchObject({ pass: false, actual: '5 (5 %)' });
  });
  it('without a k6 summary, SLO verdicts fail rather than pass', () => {
    const s = defineScenario({
      name: 's',
      description: 'd',
      load: steady(10, 10),
      warmUpSeconds: 0,
      drainDeadlineSeconds: 30,
      expect: { slo: { createP95Ms: 100 } },
    });
    expect(sloVerdicts(s, null, 100)[0]?.pass).toBe(false);
  });
  it('no verdict at all is not a pass', () => {
    expect(allPass([])).toBe(false);
  });
});
