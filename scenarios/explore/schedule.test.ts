import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultHasWindow } from '../../chaos/faults/spec.ts';
import { DEFAULT_BOUNDS, drawCase, FilterError, parseFaultFilter, toScenario } from './schedule.ts';

const seeds = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('the schedule generator', () => {
  it('the same seed draws the same case; another seed, almost always another', () => {
    expect(drawCase(7, { strategy: {} })).toEqual(drawCase(7, { strategy: {} }));
    const distinct = new Set(
      [1, 2, 3, 4, 5, 6, 7, 8].map((s) => JSON.stringify(drawCase(s, { strategy: {} }))),
    );
    expect(distinct.size).toBe(8);
  });

  it('every drawn case stays inside its bounds and is a valid scenario', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const c = drawCase(seed, { strategy: { workerPgRetry: 'naive' } });
        const b = DEFAULT_BOUNDS;
        expect(c.faults.length).toBeGreaterThanOrEqual(b.minFaults);
        expect(c.faults.length).toBeLessThanOrEqual(b.maxFaults);
        expect(c.load.rate).toBeGreaterThanOrEqual(b.minRate);
        expect(c.load.rate).toBeLessThanOrEqual(b.maxRate);
        for (const f of c.faults) {
          expect(f.atSeconds).toBeGreaterThanOrEqual(c.warmUpSeconds);
          expect(f.atSeconds + f.durationSeconds).toBeLessThanOrEqual(c.load.durationSeconds);
          if (faultHasWindow(f.fault)) {
            expect(f.durationSeconds).toBeGreaterThanOrEqual(b.minWindowSeconds);
            expect(f.durationSeconds).toBeLessThanOrEqual(b.maxWindowSeconds);
          } else expect(f.durationSeconds).toBe(0);
        }
        // The run: load, then drain, stays within a minute.
        expect(c.load.durationSeconds + c.drainDeadlineSeconds).toBeLessThanOrEqual(60);
        const s = toScenario(c, `run-${seed}`, 'a drawn run');
        expect(s.seed).toBe(seed);
        expect(s.strategy).toEqual({ workerPgRetry: 'naive' });
        expect(s.expect.hold).toContain('double-charge');
      }),
      { numRuns: 300 },
    );
  });

  it('a filter limits kinds and targets to the ones named', () => {
    const filter = parseFaultFilter('pg,link:kafka,process:worker');
    fc.assert(
      fc.property(seeds, (seed) => {
        for (const { fault } of drawCase(seed, { strategy: {}, faults: filter }).faults) {
          if (fault.kind === 'link') expect(fault.target).toBe('kafka');
          else if (fault.kind === 'process') expect(fault.target).toBe('worker');
          else expect(fault.kind).toBe('pg');
        }
      }),
    );
  });

  it('when a filter names an unknown kind or target, then it says which and what is known', () => {
    expect(() => parseFaultFilter('meteor')).toThrow(
      new FilterError('--faults: unknown fault kind "meteor" (known: link, process, pg, poison, redeliver)'),
    );
    expect(() => parseFaultFilter('link:mysql')).toThrow('--faults: link has no target "mysql" (known: db,');
    expect(() => parseFaultFilter(',')).toThrow('name at least one fault kind');
  });
});
