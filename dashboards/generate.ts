/**
 * `npm run dashboards:generate`: writes the Grafana dashboards (dashboards/grafana/*.json) and the
 * Prometheus rules (dashboards/prometheus/rules/paylab.yml) from their TypeScript sources.
 * A unit test fails when the committed files differ from what this writes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAllDashboards, dashboardJson } from './grafana/src/index.ts';
import { rulesYaml } from './prometheus/rules.ts';

const DASHBOARDS_DIR = path.dirname(fileURLToPath(import.meta.url));
export const GRAFANA_JSON_DIR = path.join(DASHBOARDS_DIR, 'grafana');
export const RULES_FILE = path.join(DASHBOARDS_DIR, 'prometheus', 'rules', 'paylab.yml');

/** Every generated file: absolute path → content. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const { file, dashboard } of buildAllDashboards())
    files.set(path.join(GRAFANA_JSON_DIR, file), dashboardJson(dashboard));
  files.set(RULES_FILE, rulesYaml());
  return files;
}

async function main(): Promise<void> {
  for (const [file, content] of generatedFiles()) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
