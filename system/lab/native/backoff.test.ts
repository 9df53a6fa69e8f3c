import { describe, expect, it } from 'vitest';
import { backoffDelay, waitUntil, WaitTimeoutError } from './backoff.ts';

function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, 100, 1000))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });
});

describe('waitUntil', () => {
  it('returns as soon as the probe says ready, backing off between attempts', async () => {
    const clock = fakeClock();
    let calls = 0;
    await waitUntil('svc', async () => ++calls === 4, {
      timeoutMs: 10_000,
      initialDelayMs: 100,
      maxDelayMs: 1000,
      ...clock,
    });
    expect(calls).toBe(4);
    expect(clock.slept).toEqual([100, 200, 400]);
  });

  it('counts a throwing probe as not ready and names the last error on timeout', async () => {
    const clock = fakeClock();
    const wait = waitUntil(
      'kafka',
      async () => {
        throw new Error('connection refused');
      },
      { timeoutMs: 3000, initialDelayMs: 100, maxDelayMs: 1000, ...clock },
    );
    await expect(wait).rejects.toThrow(WaitTimeoutError);
    await expect(wait).rejects.toThrow(/kafka was not ready after 3s \(last: connection refused\)/);
    // Never sleeps past the deadline.
    expect(clock.now()).toBe(3000);
  });
});
