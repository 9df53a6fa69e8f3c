import { describe, expect, it } from 'vitest';
import { bestApiLevel } from './api-alone.ts';

describe('bestApiLevel', () => {
  it('takes the highest accepted rate among levels within the p95 limit and without failures', () => {
    const levels = [
      { connections: 2, acceptedPerSec: 100, p95Ms: 30, failed: 0 },
      { connections: 4, acceptedPerSec: 180, p95Ms: 60, failed: 0 },
      { connections: 8, acceptedPerSec: 260, p95Ms: 99, failed: 3 },
      { connections: 16, acceptedPerSec: 300, p95Ms: 140, failed: 0 },
    ];
    expect(bestApiLevel(levels)?.connections).toBe(4);
  });
  it('has no answer when every level is over the limit', () => {
    expect(bestApiLevel([{ connections: 2, acceptedPerSec: 10, p95Ms: 101, failed: 0 }])).toBeUndefined();
  });
});
