/**
 * The stack's state between commands: the strategy knobs and instance counts of the last `up`
 * (.lab/run/stack.json). status reads it to know which instances should exist; a later `up` with
 * keepRunning keeps it; starting relay-2 by hand records the third relay so Prometheus scrapes it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LabConfig, StrategyKnobs } from '../../src/config.ts';

export interface StackState {
  strategy: StrategyKnobs;
  instances: { relay: number; worker: number };
}

function stackStateFile(config: LabConfig): string {
  return path.join(config.paths.runDir, 'stack.json');
}

/** The last `up`'s choices, completed with the config's defaults (none recorded yet: the defaults). */
export function readStackState(config: LabConfig): StackState {
  try {
    const parsed = JSON.parse(fs.readFileSync(stackStateFile(config), 'utf8')) as Partial<StackState>;
    return {
      strategy: { ...config.strategy, ...parsed.strategy },
      instances: { ...config.instances, ...parsed.instances },
    };
  } catch {
    return { strategy: config.strategy, instances: config.instances };
  }
}

export function writeStackState(config: LabConfig, state: StackState): void {
  fs.mkdirSync(config.paths.runDir, { recursive: true });
  fs.writeFileSync(stackStateFile(config), `${JSON.stringify(state, null, 2)}\n`);
}
