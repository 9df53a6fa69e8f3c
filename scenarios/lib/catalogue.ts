/**
 * The catalogue: every scenarios/<name>.ts file, and every scenarios/found/<name>.ts the explorer
 * wrote. Loaded from the folders, so adding a scenario is adding one file; each default export is
 * validated and must carry its file's name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ScenarioError, validateScenario, type Scenario } from './define.ts';

export const SCENARIOS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where `npm run explore` writes the minimal failing schedules it found. */
export const FOUND_DIR = path.join(SCENARIOS_DIR, 'found');
export const CATALOGUE_DIRS: readonly string[] = [SCENARIOS_DIR, FOUND_DIR];

/** Each scenario name with its file; a name in two folders is refused (which one would run?). */
function scenarioFiles(dirs: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir)) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts') || f.endsWith('.d.ts')) continue;
      const name = f.slice(0, -'.ts'.length);
      const file = path.join(dir, f);
      const other = files.get(name);
      if (other !== undefined)
        throw new ScenarioError(`scenario "${name}" is defined twice: ${shown(other)} and ${shown(file)}`);
      files.set(name, file);
    }
  }
  return files;
}

function shown(file: string): string {
  return path.relative(path.dirname(SCENARIOS_DIR), file);
}

export function scenarioNames(dirs: readonly string[] = CATALOGUE_DIRS): string[] {
  return [...scenarioFiles(dirs).keys()].sort();
}

/** Edit distance (insertions, deletions, substitutions) between two names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1)
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** The known name a typo most likely meant: within a third of its length, or one it starts. */
export function closest(name: string, known: readonly string[]): string | undefined {
  const ranked = known
    .map((k) => ({ k, d: k.startsWith(name) && name.length >= 3 ? 0.5 : distance(name, k) }))
    .sort((x, y) => x.d - y.d);
  const best = ranked[0];
  return best && best.d <= Math.max(1, Math.floor(best.k.length / 3)) ? best.k : undefined;
}

export class UnknownScenarioError extends Error {
  override name = 'UnknownScenarioError';
}

export async function loadScenario(
  name: string,
  dirs: readonly string[] = CATALOGUE_DIRS,
): Promise<Scenario> {
  const files = scenarioFiles(dirs);
  const file = files.get(name);
  if (file === undefined) {
    const known = [...files.keys()].sort();
    const near = closest(name, known);
    throw new UnknownScenarioError(
      `unknown scenario "${name}".${near ? ` Did you mean "${near}"?` : ''} Known scenarios:\n  ${known.join('\n  ')}`,
    );
  }
  const mod: unknown = await import(pathToFileURL(file).href);
  const exported =
    typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>).default : undefined;
  if (exported === undefined)
    throw new ScenarioError(`${shown(file)}: expected a default export made with defineScenario()`);
  const scenario = validateScenario(exported);
  if (scenario.name !== name)
    throw new ScenarioError(
      `${shown(file)}: name is "${scenario.name}", expected "${name}" (the file's name)`,
    );
  return scenario;
}

export async function loadCatalogue(dirs: readonly string[] = CATALOGUE_DIRS): Promise<Scenario[]> {
  return Promise.all(scenarioNames(dirs).map((n) => loadScenario(n, dirs)));
}
