import { describe, expect, it } from 'vitest';
import { foreignRestarts } from './run.ts';

describe('foreign restarts', () => {
  it('names a service whose pid changed without a fault, and ignores the ones the timeline touched', () => {
    const before = new Map<string, number | undefined>([
      ['api-0', 10],
      ['worker-0', 20],
      ['pg-mock-0', 30],
      ['relay-0', undefined],
    ]);
    const after = new Map<string, number | undefined>([
      ['api-0', 10],
      ['worker-0', 21],
      ['pg-mock-0', 31],
      ['relay-0', 40],
    ]);
    expect(foreignRestarts(before, after, new Set(['worker-0']))).toEqual(['pg-mock-0 (pid 30 → 31)']);
  });
  it('a service that stopped is a disturbance too', () => {
    expect(foreignRestarts(new Map([['db-0', 5]]), new Map([['db-0', undefined]]), new Set())).toEqual([
      'db-0 (pid 5 → not running)',
    ]);
  });
});
