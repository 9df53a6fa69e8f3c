import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawCase, toScenario, type ExploreCase } from './schedule.ts';
import { shrink, shrinkCandidates, sizeOf, strictlySmaller } from './shrink.ts';

const seeds = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const label = (c: ExploreCase, i: number) => `f${i + 1} ${c.faults[i]?.fault.kind ?? '?'}`;

describe('the shrinker', () => {
  it('every candidate is strictly smaller than its case, and still a valid scenario', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const c = drawCase(seed, { strategy: {} });
        for (const candidate of shrinkCandidates(c, (i) => label(c, i))) {
          expect(strictlySmaller(candidate.case, c), candidate.step).toBe(true);
          expect(() => toScenario(candidate.case, 'shrunk', 'a shrunk run')).not.toThrow();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('when one fault alone causes the failure, then it shrinks to that fault alone', async () => {
    // Seed 3 draws several faults; the "lab" fails whenever a pg fault is in the schedule.
    const initial = { ...drawCase(3, { strategy: {} }) };
    initial.faults = [
      ...initial.faults,
      { fault: { kind: 'pg', settings: { chargeThenTimeoutRate: 0.3 } }, atSeconds: 20, durationSeconds: 8 },
    ];
    const fails = async (c: ExploreCase) => ({
      fails: c.faults.some((f) => f.fault.kind === 'pg'),
      detail: '',
    });
    const result = await shrink(initial, fails, { maxRuns: 100, label });
    expect(result.minimal).toBe(true);
    expect(result.case.faults.map((f) => f.fault.kind)).toEqual(['pg']);
    expect(result.case.faults[0]?.durationSeconds).toBe(1);
    expect(result.case.load.rate).toBe(2);
    expect(result.case.load.durationSeconds).toBeLessThan(initial.load.durationSeconds);
  });

  it('drops the faults with the fewest problems in their window first', () => {
    const c = drawCase(1, { strategy: {} });
    expect(c.faults.length).toBe(4);
    const drops = shrinkCandidates(c, (i) => `f${i + 1}`, [5, 0, 9, 1])
      .filter((x) => x.step.startsWith('drop'))
      .map((x) => x.step);
    expect(drops).toEqual(['drop f2', 'drop f4', 'drop f1', 'drop f3']);
  });

  it('simplifies a PG fault one setting at a time', () => {
    const c = drawCase(1, { strategy: {} });
    c.faults = [
      {
        fault: { kind: 'pg', settings: { errorRate: 0.2, declineRate: 0.1 } },
        atSeconds: 20,
        durationSeconds: 5,
      },
    ];
    const simpler = shrinkCandidates(c, () => 'f1').filter((x) => x.step.startsWith('simplify'));
    expect(simpler.map((x) => x.case.faults[0]?.fault)).toEqual([
      { kind: 'pg', settings: { declineRate: 0.1 } },
      { kind: 'pg', settings: { errorRate: 0.2 } },
    ]);
  });

  it('does not try a schedule without faults again once one held', async () => {
    const c = drawCase(3, { strategy: {} });
    c.faults = [
      {
        fault: { kind: 'pg', settings: { errorRate: 0.2, declineRate: 0.1 } },
        atSeconds: 20,
        durationSeconds: 8,
      },
    ];
    const tried: number[] = [];
    await shrink(
      c,
      async (candidate) => {
        tried.push(candidate.faults.length);
        return { fails: candidate.faults.length > 0, detail: '' };
      },
      { maxRuns: 100, label },
    );
    expect(tried.filter((n) => n === 0)).toHaveLength(1);
  });

  it('tries a step that did not reproduce again only after the untried ones', async () => {
    const c = drawCase(3, { strategy: {} });
    c.faults = [
      { fault: { kind: 'poison', count: 5 }, atSeconds: 20, durationSeconds: 0 },
      { fault: { kind: 'poison', count: 7 }, atSeconds: 25, durationSeconds: 0 },
    ];
    c.load.rate = 16;
    const steps: string[] = [];
    // The failure needs both faults; any load reproduces it.
    await shrink(
      c,
      async (candidate, step) => {
        steps.push(step);
        return { fails: candidate.faults.length === 2, detail: '' };
      },
      { maxRuns: 4, label: (_, i) => `f${i + 1}` },
    );
    expect(steps).toEqual(['drop f1', 'drop f2', 'rate 16 → 8/s', 'rate 8 → 4/s']);
  });

  it('never spends more runs than its budget, and says the result may not be minimal', async () => {
    let runs = 0;
    const result = await shrink(
      drawCase(11, { strategy: {} }),
      async () => {
        runs += 1;
        return { fails: true, detail: '' };
      },
      { maxRuns: 3, label },
    );
    expect(runs).toBe(3);
    expect(result.runs).toBe(3);
    expect(result.minimal).toBe(false);
  });

  it('whatever the lab answers, the kept case only gets smaller and the search ends', async () => {
    await fc.assert(
      fc.asyncProperty(
        seeds,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        async (seed, answers) => {
          const initial = drawCase(seed, { strategy: {} });
          let i = 0;
          const kept: ExploreCase[] = [initial];
          const result = await shrink(
            initial,
            async (c) => {
              const fails = answers[i++ % answers.length] ?? false;
              if (fails) kept.push(c);
              return { fails, detail: '' };
            },
            { maxRuns: 1000, label },
          );
          for (let k = 1; k < kept.length; k += 1) expect(strictlySmaller(kept[k]!, kept[k - 1]!)).toBe(true);
          expect(result.case).toEqual(kept.at(-1));
          expect(sizeOf(result.case).length).toBe(8);
        },
      ),
      { numRuns: 100 },
    );
  });
});
