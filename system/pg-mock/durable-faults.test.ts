import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_FAULTS } from './contract.ts';
import { loadStoredProfile, persistFaults } from './durable-faults.ts';
import { createFaultEngine } from './fault-engine.ts';

const dirs: string[] = [];
function file(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-faults-'));
  dirs.push(dir);
  return path.join(dir, 'pg-mock', 'faults.json');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('durable fault profile', () => {
  it('when faults and a run seed are set, then a restart under the same boot seed restores both', () => {
    const f = file();
    const engine = persistFaults(createFaultEngine(1), f, 1);
    const slow = { ...engine.profile(), seed: 42, latencyMs: { min: 300, max: 800, tailRate: 0, tailMs: 0 } };
    engine.setProfile(slow);
    expect(loadStoredProfile(f, 1)).toEqual(slow);
  });

  it('when the boot seed changed, then the stored profile is ignored (a deliberate new configuration)', () => {
    const f = file();
    persistFaults(createFaultEngine(1), f, 1).setProfile({ ...NO_FAULTS, seed: 42, errorRate: 0.5 });
    expect(loadStoredProfile(f, 2)).toBeUndefined();
  });

  it('when reset, then the stored profile has every fault off and keeps the seed', () => {
    const f = file();
    const engine = persistFaults(createFaultEngine(1), f, 1);
    engine.setProfile({ ...NO_FAULTS, seed: 42, errorRate: 0.5 });
    engine.reset();
    expect(loadStoredProfile(f, 1)).toEqual({ ...NO_FAULTS, seed: 42 });
  });

  it('when the file is missing or not a profile, then nothing is restored', () => {
    const f = file();
    expect(loadStoredProfile(f, 1)).toBeUndefined();
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, '{"bootSeed":1,"profile":{"errorRate":7}}');
    expect(loadStoredProfile(f, 1)).toBeUndefined();
  });
});
