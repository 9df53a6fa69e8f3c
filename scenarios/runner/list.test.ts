import { describe, expect, it } from 'vitest';
import { defineScenario } from '../lib/define.ts';
import { steady } from '../lib/profiles.ts';
import { listLine } from './list.ts';

describe('scenario --list', () => {
  it('shows each scenario with its load duration and its longest run (load + drain deadline)', () => {
    const s = defineScenario({
      name: 'demo',
      description: 'a demo',
      load: steady(10, 75),
      warmUpSeconds: 20,
      drainDeadlineSeconds: 60,
    });
    expect(listLine(s)).toBe(`${'demo'.padEnd(27)} 1m15s load ≤ 2m15s  a demo`);
  });
});
