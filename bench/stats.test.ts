import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './stats.ts';

describe('summarize', () => {
  it('gives min, median and max of an odd count', () => {
    expect(summarize([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3, n: 3 });
  });
  it('averages the middle two of an even count', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4, n: 4 });
  });
  it('ignores samples that are not finite (a stage that could not measure)', () => {
    expect(summarize([Number.NaN, 5, Number.POSITIVE_INFINITY])).toEqual({ min: 5, median: 5, max: 5, n: 1 });
  });
  it('has nothing to say about no samples', () => {
    expect(summarize([])).toBeUndefined();
  });
});

describe('percentile', () => {
  it('is nearest-rank', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile([7], 95)).toBe(7);
  });
  it('is NaN over nothing', () => {
    expect(percentile([], 95)).toBeNaN();
  });
});
