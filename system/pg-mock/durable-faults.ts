/**
 * The PG's fault profile survives a restart of the pg-mock process, like its ledger: a scenario
 * that kills the PG while "latency 300–800 ms" is on expects the restarted PG to still be slow
 * (the timeline says so) and to keep deciding faults from the run's seed, not the boot seed.
 *
 * The file remembers the boot seed (PAYLAB_SEED) it was written under: starting with another boot
 * seed is a deliberate change of configuration, so the stored profile is then ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NO_FAULTS, type FaultProfile } from './contract.ts';
import type { FaultEngine } from './fault-engine.ts';
import { applyFaultPatch } from './validation.ts';

interface Stored {
  bootSeed: number;
  profile: FaultProfile;
}

/** The stored profile, if one was written under this boot seed and still validates. */
export function loadStoredProfile(file: string, bootSeed: number): FaultProfile | undefined {
  let stored: Partial<Stored>;
  try {
    stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Stored>;
  } catch {
    return undefined;
  }
  if (stored.bootSeed !== bootSeed || typeof stored.profile !== 'object' || stored.profile === null)
    return undefined;
  const checked = applyFaultPatch(
    { ...NO_FAULTS, latencyMs: { ...NO_FAULTS.latencyMs }, seed: bootSeed },
    stored.profile,
  );
  return checked.ok ? checked.value : undefined;
}

/** Written to a temporary file and renamed over the old one: a crash leaves the old or the new. */
function store(file: string, bootSeed: number, profile: FaultProfile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ bootSeed, profile } satisfies Stored)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** The same engine, with every profile change written to `file` before it takes effect. */
export function persistFaults(engine: FaultEngine, file: string, bootSeed: number): FaultEngine {
  return {
    ...engine,
    setProfile(next) {
      store(file, bootSeed, next);
      engine.setProfile(next);
    },
    reset() {
      engine.reset();
      store(file, bootSeed, engine.profile());
    },
  };
}
