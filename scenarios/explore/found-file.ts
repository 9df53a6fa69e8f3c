/**
 * Writes a shrunk failing case as an ordinary scenario file, scenarios/found/<invariant>-<seed>.ts:
 * the same data toScenario() plays, with its seed, so `npm run scenario <name>` replays the run
 * that failed. Pure apart from the formatter; the file is formatted with the repo's Prettier
 * settings so it reads like a hand-written one.
 */
import prettier from 'prettier';
import type { CheckName } from '../../chaos/checker/result.ts';
import { faultLabel } from '../../chaos/faults/spec.ts';
import type { ExploreCase } from './schedule.ts';

export interface FoundOrigin {
  invariant: CheckName;
  /** The command line that found it. */
  command: string;
  runIndex: number;
  runsPlanned: number | null;
  shrinkRuns: number;
  faultsBefore: number;
  minimal: boolean;
  /** One concrete problem the checker reported (its first example). */
  example: string | undefined;
}

export function foundName(invariant: CheckName, seed: number): string {
  return `${invariant}-${seed}`;
}

/** One line, ≤ 110 characters (the catalogue's rule). */
export function foundDescription(c: ExploreCase, invariant: CheckName): string {
  const knobs = Object.entries(c.strategy)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const faults = c.faults.length === 1 ? faultLabel(c.faults[0]!.fault) : `${c.faults.length} faults`;
  const text = `Found by the explorer: ${invariant} under ${faults}${knobs ? `, ${knobs}` : ''}`;
  return text.length <= 110 ? text : `${text.slice(0, 109)}…`;
}

function comment(text: string): string {
  return text.replace(/\*\//g, '* /');
}

export async function renderFoundFile(
  c: ExploreCase,
  origin: FoundOrigin,
  scenarioFields: Record<string, unknown>,
): Promise<string> {
  const header = [
    '/**',
    ` * Found by \`${comment(origin.command)}\` (run ${origin.runIndex}${origin.runsPlanned === null ? '' : ` of ${origin.runsPlanned}`}, seed ${c.seed}):`,
    ` * ${origin.invariant} violated. Shrunk in ${origin.shrinkRuns} runs from ${origin.faultsBefore} faults to ${c.faults.length}${origin.minimal ? ' (no smaller case failed)' : ' (shrink budget spent; maybe not minimal)'}.`,
    ...(origin.example ? [` * First problem: ${comment(origin.example).slice(0, 300)}`] : []),
    ` * Replay: npm run scenario ${String(scenarioFields.name)}   (the seed below is used unless --seed is given)`,
    ' */',
  ].join('\n');
  const body = `${header}
import { defineScenario } from '../lib/define.ts';

export default defineScenario(${JSON.stringify(scenarioFields, null, 2)});
`;
  const options = (await prettier.resolveConfig(import.meta.filename)) ?? {};
  return prettier.format(body, { ...options, parser: 'typescript' });
}
