import { describe, expect, it } from 'vitest';
import { coalesce } from './coalescer.ts';

/** A run that records the items of each call and answers each item doubled, after a turn. */
function recorder(fail?: (items: number[]) => unknown) {
  const runs: number[][] = [];
  return {
    runs,
    run: async (items: number[]) => {
      runs.push(items);
      await new Promise((r) => setImmediate(r));
      const error = fail?.(items);
      if (error) throw error;
      return items.map((i) => i * 2);
    },
  };
}

describe('coalesce', () => {
  it('carries the calls made in one turn in one run, and answers each caller its own result', async () => {
    const r = recorder();
    const call = coalesce({ run: r.run, maxItems: 64, maxInFlight: 1 });
    const results = await Promise.all([1, 2, 3, 4].map((i) => call(i)));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(r.runs).toEqual([[1, 2, 3, 4]]);
  });

  it('queues calls made while a run is in flight into the next run (no more than maxInFlight at once)', async () => {
    const r = recorder();
    const call = coalesce({ run: r.run, maxItems: 64, maxInFlight: 1 });
    const first = call(1);
    await new Promise((resolve) => setImmediate(resolve)); // the first run is now in flight
    const later = [2, 3, 4].map((i) => call(i));
    expect(await Promise.all([first, ...later])).toEqual([2, 4, 6, 8]);
    expect(r.runs).toEqual([[1], [2, 3, 4]]);
  });

  it('splits at maxItems', async () => {
    const r = recorder();
    const call = coalesce({ run: r.run, maxItems: 2, maxInFlight: 4 });
    await Promise.all([1, 2, 3, 4, 5].map((i) => call(i)));
    expect(r.runs).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('never puts two items of one key in one run; the later one follows, in order', async () => {
    const r = recorder();
    const call = coalesce({ run: r.run, keyOf: (i) => String(i % 10), maxItems: 64, maxInFlight: 1 });
    expect(await Promise.all([1, 11, 2, 21].map((i) => call(i)))).toEqual([2, 22, 4, 42]);
    expect(r.runs).toEqual([[1, 2], [11], [21]]);
  });

  it('an error that isolate accepts re-runs each item alone: only the bad item fails', async () => {
    const r = recorder((items) => (items.includes(3) ? new Error('bad item 3') : undefined));
    const call = coalesce({ run: r.run, maxItems: 64, maxInFlight: 1, isolate: () => true });
    const settled = await Promise.allSettled([1, 2, 3, 4].map((i) => call(i)));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : 'failed'))).toEqual([2, 4, 'failed', 8]);
    expect(r.runs[0]).toEqual([1, 2, 3, 4]);
    expect(r.runs.slice(1).sort()).toEqual([[1], [2], [3], [4]]);
  });

  it('an error isolate refuses (an outage) fails every caller of the run, without re-running', async () => {
    const outage = new Error('connection refused');
    const r = recorder(() => outage);
    const call = coalesce({ run: r.run, maxItems: 64, maxInFlight: 1, isolate: () => false });
    const settled = await Promise.allSettled([1, 2].map((i) => call(i)));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(r.runs).toEqual([[1, 2]]);
  });
});
