/** `npm run scenario -- --list`: one line per scenario — name, how long it takes at most, what it shows. */
import { loadDurationSeconds, type Scenario } from '../lib/define.ts';

/** Load plus the drain deadline: the longest a run of it takes once the lab is up. */
export function maxRunSeconds(s: Scenario): number {
  return loadDurationSeconds(s.load) + s.drainDeadlineSeconds;
}

function minutes(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  return m === 0 ? `${rest}s` : `${m}m${String(rest).padStart(2, '0')}s`;
}

export function listLine(s: Scenario): string {
  const load = `${minutes(loadDurationSeconds(s.load))} load`;
  return `${s.name.padEnd(27)} ${load.padEnd(10)} ≤ ${minutes(maxRunSeconds(s)).padEnd(6)} ${s.description}`;
}
