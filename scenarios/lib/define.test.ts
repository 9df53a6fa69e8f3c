import { describe, expect, it } from 'vitest';
import { KNOB_NAMES, KNOBS, ROBUST_STRATEGY } from '../../system/src/config.ts';
import { CHECK_NAMES, type CheckName } from '../../chaos/checker/result.ts';
import { defineScenario, plannedIterations, validateScenario, type ScenarioInput } from './define.ts';
import { loadCatalogue, loadScenario, scenarioNames } from './catalogue.ts';
import { applyOverrides, scheduleFaults } from './overrides.ts';
import { steady } from './profiles.ts';

const base: ScenarioInput = {
  name: 'example',
  description: 'an example',
  load: steady(10, 60),
  warmUpSeconds: 20,
  faults: [{ fault: { kind: 'link', target: 'kafka', toxic: 'down' }, atSeconds: 30, durationSeconds: 10 }],
  drainDeadlineSeconds: 30,
};

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('scenario validation', () => {
  it('when a scenario is valid, then defaults fill the expectations', () => {
    const s = defineScenario(base);
    expect(s.instances).toEqual({ relay: 1, worker: 2 });
    expect(s.expect.hold).toContain('double-charge');
    expect(s.expect.recovery).toBe('required');
  });
  it('when a load sets cancelAfterSeconds, then it is kept as given (the k6 script reads it)', () => {
    const s = defineScenario({ ...base, load: steady(10, 60, { cancelAfterSeconds: { min: 1, max: 4 } }) });
    expect(s.load.cancelAfterSeconds).toEqual({ min: 1, max: 4 });
  });
  it('when a naive variant catches a check, then it is not also required to hold and recovery is only reported', () => {
    const s = defineScenario({ ...base, expect: { catch: ['lost'], tolerate: ['stuck'] } });
    expect(s.expect.hold).not.toContain('lost');
    expect(s.expect.hold).not.toContain('stuck');
    expect(s.expect.recovery).toBe('reported');
  });
  it('when nothing is said about minimums, then 80 % accepted and no client error are required', () => {
    expect(defineScenario(base).expect.exercised).toEqual({ acceptedShare: 0.8, allowedCreateStatuses: [] });
  });
  it('when a check can only be exercised by what a scenario does, then it is held only there', () => {
    const plain = defineScenario({ ...base, load: steady(10, 60, { cancelRatio: 0 }) });
    expect(plain.expect.hold).not.toContain('one-per-key');
    expect(plain.expect.hold).not.toContain('reorder');
    expect(plain.expect.hold).not.toContain('duplicate-delivery');
    const reusing = defineScenario({
      ...base,
      load: steady(10, 60, { keyReuse: { replayShare: 0.2, raceShare: 0 } }),
    });
    expect(reusing.expect.hold).toContain('one-per-key');
    expect(reusing.expect.hold).toContain('reorder');
  });
  it.each([
    [
      { load: steady(10, 60, { keyReuse: { replayShare: 0.8, raceShare: 0.3 } }) },
      'load.keyReuse.raceShare: expected a number from 0 to 0.2',
    ],
    [
      { expect: { exercised: { allowedCreateStatuses: ['500'] } } },
      'expect.exercised.allowedCreateStatuses[0]: expected one of 401, 409, 422, 4xx, got "500"',
    ],
    [
      { expect: { exercised: { acceptedShare: 2 } } },
      'expect.exercised.acceptedShare: expected a number from 0 to 1, got 2',
    ],
    [{ load: { ...steady(10, 60), rate: -1 } }, 'load.rate: expected a number from 1 to 2000, got -1'],
    [
      { load: steady(10, 60, { cancelAfterSeconds: { min: 5, max: 2 } }) },
      'load.cancelAfterSeconds.max: expected a number from 5 to 60, got 2',
    ],
    [
      { load: { ...steady(10, 60), cancelAfterSeconds: { min: 1, max: 2, mean: 1.5 } } },
      'load.cancelAfterSeconds.mean: expected no such field (allowed: min, max)',
    ],
    [
      { load: { ...steady(10, 60), executor: 'shared-iterations' } },
      'load.executor: expected one of constant-arrival-rate, ramping-arrival-rate',
    ],
    [
      {
        faults: [
          { fault: { kind: 'link', target: 'mysql', toxic: 'down' }, atSeconds: 30, durationSeconds: 5 },
        ],
      },
      'faults[0].fault.target: expected one of db, kafka, redis, pg-mock',
    ],
    [
      {
        faults: [{ fault: { kind: 'link', target: 'db', toxic: 'down' }, atSeconds: 10, durationSeconds: 5 }],
      },
      'faults[0].atSeconds: expected a start after the warm-up (20 s)',
    ],
    [
      {
        faults: [
          { fault: { kind: 'link', target: 'db', toxic: 'down' }, atSeconds: 50, durationSeconds: 20 },
        ],
      },
      'faults[0].durationSeconds: expected a window that ends before the load does (60 s)',
    ],
    [
      {
        faults: [{ fault: { kind: 'pg', settings: { declineRate: 2 } }, atSeconds: 30, durationSeconds: 5 }],
      },
      // The PG's settings are checked by pg-mock's own rules, in its words.
      'faults[0].fault.settings.declineRate: must be between 0 and 1, got 2',
    ],
    [
      {
        faults: [{ fault: { kind: 'pg', settings: { declinRate: 0.5 } }, atSeconds: 30, durationSeconds: 5 }],
      },
      'faults[0].fault.settings.declinRate: unknown field',
    ],
    [
      {
        faults: [
          {
            fault: { kind: 'pg', settings: { latencyMs: { min: 900, max: 100 } } },
            atSeconds: 30,
            durationSeconds: 5,
          },
        ],
      },
      'faults[0].fault.settings.latencyMs.min: must not exceed latencyMs.max (100)',
    ],
    [
      {
        faults: [
          {
            fault: { kind: 'link', target: 'db', toxic: 'latency', attributes: { delay: 100 } },
            atSeconds: 30,
            durationSeconds: 5,
          },
        ],
      },
      'faults[0].fault.attributes.delay: expected no such field (allowed: latency, jitter)',
    ],
    [
      { faults: [{ fault: { kind: 'meteor' }, atSeconds: 30, durationSeconds: 5 }] },
      'faults[0].fault.kind: expected one of link, process, pg, poison, redeliver',
    ],
    [{ description: 'two\nlines' }, 'description: expected one line'],
    [{ expect: { catch: ['lots'] } }, 'expect.catch[0]: expected one of accepted-created'],
    [{ strategy: { relayAck: 'maybe' } }, 'strategy.relayAck: expected one of ack, fire-and-forget'],
    [{ colour: 'blue' }, 'scenario.colour: expected no such field'],
  ])('when the file has %j, then the message names the field', (patch, expected) => {
    const text = message(() => defineScenario({ ...base, ...(patch as Partial<ScenarioInput>) }));
    expect(text).toContain('scenario example: ');
    expect(text).toContain(expected);
  });
  it('when a non-object is validated, then it says so', () => {
    expect(message(() => validateScenario(42))).toContain('scenario: expected an object');
  });
});

describe('catalogue', () => {
  it('every scenario file loads, validates and has a one-line description', async () => {
    const all = await loadCatalogue();
    expect(all.map((s) => s.name)).toEqual(scenarioNames());
    for (const name of [
      'smoke',
      'baseline',
      'capacity',
      'naive-relay-lost',
      'naive-retry-double-charge',
      'naive-guard-stuck',
      'naive-parallel-reorder',
    ]) {
      expect(all.map((s) => s.name)).toContain(name);
    }
  });
  it('every naive variant sets a naive knob and expects its violation to be caught', async () => {
    const naive = (await loadCatalogue()).filter((s) => s.name.startsWith('naive-'));
    for (const s of naive) {
      expect(s.expect.catch.length, s.name).toBeGreaterThan(0);
      const naiveKnobs = KNOB_NAMES.filter(
        (k) => s.strategy[k] !== undefined && s.strategy[k] !== ROBUST_STRATEGY[k],
      );
      expect(naiveKnobs.length, s.name).toBeGreaterThan(0);
    }
  });
  it('every naive knob value has a scenario, and every invariant a naive twin that catches it (LAB.md)', async () => {
    const naive = (await loadCatalogue()).filter((s) => s.name.startsWith('naive-'));
    const played = new Set(naive.flatMap((s) => KNOB_NAMES.map((k) => `${k}=${String(s.strategy[k])}`)));
    const unplayed = KNOB_NAMES.flatMap((k) => KNOBS[k].modes.slice(1).map((m) => `${k}=${m}`)).filter(
      (v) => !played.has(v),
    );
    expect(unplayed).toEqual([]);
    const caught = new Set(naive.flatMap((s) => s.expect.catch));
    // Every check is an invariant a naive twin must break, except the ones that judge the lab's own
    // exercise (one-per-key: reused keys; duplicate-delivery: forced redeliveries) and dead-outbox.
    const notInvariants: readonly CheckName[] = ['one-per-key', 'duplicate-delivery', 'dead-outbox'];
    const invariants = CHECK_NAMES.filter((c) => !notInvariants.includes(c));
    expect(invariants.filter((c) => !caught.has(c))).toEqual([]);
  });
  it('when the name is unknown, then the error lists the known ones', async () => {
    await expect(loadScenario('smok')).rejects.toThrow(
      /unknown scenario "smok"\. Did you mean "smoke"\?[\s\S]*smoke/,
    );
    await expect(loadScenario('kafka-dwon')).rejects.toThrow('Did you mean "kafka-down"?');
    await expect(loadScenario('zzzzzz')).rejects.not.toThrow('Did you mean');
  });
  it('smoke stays short enough for CI and the README', async () => {
    const smoke = await loadScenario('smoke');
    expect(smoke.load.durationSeconds).toBeLessThanOrEqual(30);
  });
});

describe('overrides and the seeded schedule', () => {
  it('when the duration is shortened, then the fault timeline scales with it', () => {
    const s = applyOverrides(defineScenario(base), { durationSeconds: 45, rate: 5, workers: 3 });
    expect(s.load.durationSeconds).toBe(45);
    expect(s.warmUpSeconds).toBe(15);
    expect(s.faults[0]).toMatchObject({ atSeconds: 23, durationSeconds: 8 });
    expect(s.load.rate).toBe(5);
    expect(s.instances.worker).toBe(3);
  });
  it('when a ramp gets a rate override, then its peak becomes that rate', async () => {
    const s = applyOverrides(await loadScenario('capacity'), { rate: 60, durationSeconds: 60 });
    expect(Math.max(...(s.load.stages ?? []).map((st) => st.target))).toBe(60);
    expect((s.load.stages ?? []).reduce((a, st) => a + st.durationSeconds, 0)).toBe(60);
  });
  it('when an override breaks the scenario, then validation says which field', () => {
    expect(message(() => applyOverrides(defineScenario(base), { workers: 0 }))).toContain('instances.worker');
  });
  it('the same seed gives the same schedule; jitter stays within its bound', () => {
    const faults = [
      { fault: { kind: 'poison', count: 1 } as const, atSeconds: 30, durationSeconds: 0, jitterSeconds: 5 },
    ];
    const a = scheduleFaults(faults, 7);
    expect(scheduleFaults(faults, 7)).toEqual(a);
    expect(Math.abs(a[0]!.startSeconds - 30)).toBeLessThanOrEqual(5);
  });
  it('planned iterations of a ramp are the area under its rate curve', () => {
    expect(
      plannedIterations({
        ...steady(1, 1),
        executor: 'ramping-arrival-rate',
        rate: undefined,
        durationSeconds: undefined,
        startRate: 0,
        stages: [{ target: 10, durationSeconds: 10 }],
      }),
    ).toBe(50);
  });
});
