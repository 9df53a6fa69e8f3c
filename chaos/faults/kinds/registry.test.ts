import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FaultSpecError } from './check.ts';
import { seededRandom } from './random.ts';
import {
  FAULT_KIND_NAMES,
  FAULT_KINDS,
  exercisedByFaults,
  faultKindLabel,
  faultFieldCount,
  faultLabel,
  faultSimpler,
  faultTarget,
  parseFault,
  type FaultSpec,
} from './registry.ts';

const WINDOW = { durationSeconds: 10, durationPath: 'faults[0].durationSeconds' };

describe('the fault registry', () => {
  it('names every kind once', () => {
    expect(new Set(FAULT_KIND_NAMES).size).toBe(FAULT_KINDS.length);
  });

  it.each(FAULT_KINDS.map((k) => [k.kind, k] as const))(
    'kind %s: whatever it draws on any of its targets, its own validation accepts, labelled on that target',
    (_, kind) => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 0xffffffff }),
          fc.constantFrom(...kind.targets),
          (seed, target) => {
            const spec = kind.draw(seededRandom(seed), target) as FaultSpec;
            const parsed = parseFault(JSON.parse(JSON.stringify(spec)), 'f', WINDOW);
            expect(parsed).toEqual(spec);
            expect(faultTarget(spec).startsWith(target)).toBe(true);
            expect(faultKindLabel(spec)).toMatch(/^[a-z-]+:[\w+-]+$/);
            expect(faultLabel(spec).length).toBeGreaterThan(0);
            for (const simpler of faultSimpler(spec)) {
              expect(parseFault(JSON.parse(JSON.stringify(simpler)), 'f', WINDOW)).toEqual(simpler);
              expect(faultFieldCount(simpler)).toBeLessThan(faultFieldCount(spec));
            }
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it('the same seed draws the same fault', () => {
    for (const kind of FAULT_KINDS) {
      const target = kind.targets[0] ?? '';
      expect(kind.draw(seededRandom(5), target)).toEqual(kind.draw(seededRandom(5), target));
    }
  });

  it('draws stay inside bounds a 60 s run survives', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const r = seededRandom(seed);
        const link = FAULT_KINDS[0].draw(r, 'db');
        if (link.toxic === 'latency') expect(link.attributes).toMatchObject({ latency: expect.any(Number) });
        const attrs = Object.values(link.attributes ?? {}) as number[];
        for (const v of attrs) expect(v).toBeLessThanOrEqual(65_536);
        const pg = FAULT_KINDS[2].draw(r, 'pg-mock');
        for (const [k, v] of Object.entries(pg.settings))
          if (k.endsWith('Rate')) expect(v).toBeLessThanOrEqual(0.8);
      }),
    );
  });

  it('when a kind is unknown, then the message lists the registered ones', () => {
    expect(() => parseFault({ kind: 'meteor' }, 'faults[0].fault', WINDOW)).toThrow(
      new FaultSpecError(
        'faults[0].fault.kind: expected one of link, process, pg, poison, redeliver, broker, controller-failover, rolling-restart, got "meteor"',
      ),
    );
  });

  it('when a link or PG fault has no window, then the duration is named', () => {
    const instant = { durationSeconds: 0, durationPath: 'faults[1].durationSeconds' };
    expect(() => parseFault({ kind: 'link', target: 'db', toxic: 'down' }, 'x', instant)).toThrow(
      'faults[1].durationSeconds: expected more than 0 for a link fault',
    );
    expect(() => parseFault({ kind: 'pg', settings: { errorRate: 0.5 } }, 'x', instant)).toThrow(
      'faults[1].durationSeconds: expected more than 0 for a PG fault',
    );
  });

  it('a check only some kind exercises is marked exercised only when such a fault is present', () => {
    expect(exercisedByFaults([])).toEqual({ 'duplicate-delivery': false });
    expect(exercisedByFaults([{ kind: 'redeliver', count: 3 }])).toEqual({ 'duplicate-delivery': true });
  });
});
