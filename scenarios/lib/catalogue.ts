/**
 * The catalogue: every scenarios/<name>.ts file. Loaded from the folder, so adding a scenario is
 * adding one file; each default export is validated and must carry its file's name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ScenarioError, validateScenario, type Scenario } from './define.ts';

export const SCENARIOS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function scenarioNames(dir = SCENARIOS_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
}

export class UnknownScenarioError extends Error {
  override name = 'UnknownScenarioError';
}

export async function loadScenario(name: string, dir = SCENARIOS_DIR): Promise<Scenario> {
  const known = scenarioNames(dir);
  if (!known.includes(name)) {
    throw new UnknownScenarioError(`unknown scenario "${name}". Known scenarios:\n  ${known.join('\n  ')}`);
  }
  const mod: unknown = await import(pathToFileURL(path.join(dir, `${name}.ts`)).href);
  const exported =
    typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>).default : undefined;
  if (exported === undefined)
    throw new ScenarioError(`scenarios/${name}.ts: expected a default export made with defineScenario()`);
  const scenario = validateScenario(exported);
  if (scenario.name !== name)
    throw new ScenarioError(
      `scenarios/${name}.ts: name is "${scenario.name}", expected "${name}" (the file's name)`,
    );
  return scenario;
}

export async function loadCatalogue(dir = SCENARIOS_DIR): Promise<Scenario[]> {
  return Promise.all(scenarioNames(dir).map((n) => loadScenario(n, dir)));
}
