import { describe, expect, it } from 'vitest';
import { wallOf } from './cpu-groups.ts';
import type { CpuUsage } from './proc-cpu.ts';

const usage = (seconds: Record<string, number>, busy: number): CpuUsage => ({
  seconds,
  wallSeconds: 10,
  machineBusySeconds: busy * 20,
  machineCapacitySeconds: 20,
});

describe('wallOf', () => {
  it('names a single-threaded process near one core even on an idle machine', () => {
    expect(wallOf(usage({ api: 9.2, db: 3, worker: 4 }, 0.5))).toMatchObject({ process: 'api' });
  });
  it('judges a process with several instances per instance', () => {
    expect(wallOf(usage({ worker: 12, db: 3 }, 0.8), { worker: 2 })).toBeUndefined();
    expect(wallOf(usage({ relay: 9, db: 3 }, 0.8), { relay: 1 })).toMatchObject({ process: 'relay' });
  });
  it('names the biggest consumer of a busy machine', () => {
    expect(wallOf(usage({ api: 4, db: 7, kafka: 3 }, 0.95))).toMatchObject({ process: 'db' });
  });
  it('names nothing when no CPU ran out (the wall is a wait)', () => {
    expect(wallOf(usage({ api: 4, db: 5 }, 0.6))).toBeUndefined();
  });
});
