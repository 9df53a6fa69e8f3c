import { describe, expect, it } from 'vitest';
import { keyReuseOf, REPLAY_WINDOW } from './payment-requests.ts';

describe('key reuse', () => {
  const reuse = { replayShare: 0.3, raceShare: 0.1 };
  const plan = Array.from({ length: 2000 }, (_, i) => keyReuseOf(reuse, 42, i));

  it('when no reuse is configured, then every iteration uses its own key', () => {
    expect(keyReuseOf(undefined, 42, 5)).toEqual({ kind: 'fresh' });
  });
  it('when shares are set, then about those shares replay and race, fixed by the seed', () => {
    const share = (kind: string) => plan.filter((r) => r.kind === kind).length / plan.length;
    expect(share('replay')).toBeGreaterThan(0.25);
    expect(share('replay')).toBeLessThan(0.35);
    expect(share('race')).toBeGreaterThan(0.07);
    expect(share('race')).toBeLessThan(0.13);
    expect(Array.from({ length: 2000 }, (_, i) => keyReuseOf(reuse, 42, i))).toEqual(plan);
  });
  it('when an iteration replays, then it names an earlier iteration that used its own key', () => {
    plan.forEach((r, i) => {
      if (r.kind !== 'replay') return;
      expect(r.of).toBeLessThan(i);
      expect(plan[r.of]?.kind).not.toBe('replay');
      expect(i - r.of).toBeLessThanOrEqual(REPLAY_WINDOW * 4);
    });
  });
});
