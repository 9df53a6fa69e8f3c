import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.ts';

const policy = { baseMs: 100, maxMs: 10_000 };

describe('backoffDelayMs', () => {
  it('doubles the delay with each attempt when jitter is at its maximum', () => {
    const high = () => 0.999999;
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, policy, high))).toEqual([100, 200, 400, 800]);
  });

  it('never goes below half of the un-jittered delay', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(200);
  });

  it('is capped by maxMs however many attempts were made', () => {
    expect(backoffDelayMs(50, policy, () => 0.999999)).toBe(10_000);
    expect(backoffDelayMs(5000, policy, () => 0)).toBe(5_000);
  });

  it('spreads retries of rows that failed together', () => {
    let seed = 1;
    const lcg = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelayMs(4, policy, lcg)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('rejects attempt numbers that are not positive whole numbers', () => {
    expect(() => backoffDelayMs(0, policy)).toThrow(RangeError);
    expect(() => backoffDelayMs(1.5, policy)).toThrow(RangeError);
  });
});
