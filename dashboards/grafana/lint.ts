/**
 * Our own dashboard lint, standing in for grafana/dashboard-linter, which cannot be installed
 * here (the Go module proxy refuses every version of it). It checks the rules that matter for
 * the lab: each panel queries the provisioned datasource, selects only metrics something exports,
 * uses $__rate_interval for rates, has a unique id, a title and a description; and each dashboard
 * shades fault windows. Works on parsed JSON, so it lints the committed files as Grafana sees them.
 */
import { METRICS } from '../../system/src/metric-names.ts';
import { isKnownMetric, SAME_VALUE_GAUGES } from '../known-metrics.ts';
import { readPromql } from '../promql.ts';
import { FAULT_ANNOTATION_TAGS } from './annotations.ts';
import { DATASOURCE_UID, DATASOURCE_VARIABLE } from './src/kit.ts';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Panels query through the `$datasource` variable (whose default is the provisioned datasource). */
function usesProvisionedDatasource(value: unknown): boolean {
  return isObject(value) && value.uid === `\${${DATASOURCE_VARIABLE}}` && value.type === 'prometheus';
}

/** The `datasource` variable: type datasource, Prometheus only, defaulting to the provisioned uid. */
export function datasourceVariableProblems(dashboard: Json): string[] {
  const variables = list(isObject(dashboard.templating) ? dashboard.templating.list : undefined);
  const variable = variables.find((v) => isObject(v) && v.name === DATASOURCE_VARIABLE);
  if (!isObject(variable)) return [`no $${DATASOURCE_VARIABLE} variable`];
  const problems: string[] = [];
  if (variable.type !== 'datasource') problems.push(`$${DATASOURCE_VARIABLE} is not a datasource variable`);
  if (variable.query !== 'prometheus')
    problems.push(`$${DATASOURCE_VARIABLE} does not list Prometheus datasources`);
  const current = isObject(variable.current) ? variable.current : {};
  if (current.value !== DATASOURCE_UID)
    problems.push(`$${DATASOURCE_VARIABLE} does not default to ${DATASOURCE_UID}`);
  return problems;
}

/**
 * Problems in any PromQL the lab writes (panels, SLI files, rules), read with Prometheus' parser:
 * it must parse, select only metrics something exports, and never sum a gauge every process
 * exports with the same value (the summed-gauge bug: one outbox counted once per relay).
 */
export function lintQueryExpr(expr: string): string[] {
  if (!expr.trim()) return ['empty expr'];
  const reading = readPromql(expr);
  if (reading.error !== null) return [reading.error];
  const problems: string[] = [];
  if (reading.metrics.length === 0) problems.push(`selects no metric: ${expr}`);
  for (const name of reading.metrics) {
    if (!isKnownMetric(name)) problems.push(`metric ${name} is not exported by anything the lab runs`);
  }
  for (const s of reading.selections) {
    if (SAME_VALUE_GAUGES.has(s.metric) && s.aggregation === 'sum')
      problems.push(
        `${s.metric} is the same value from every process that exports it: sum counts it once per process; aggregate with max`,
      );
  }
  return problems;
}

/**
 * Problems in one Grafana panel query: those of lintQueryExpr, plus $__rate_interval for every
 * range (a fixed window is wrong at some zoom level), and a legend that names only labels the
 * query keeps (any other renders empty).
 */
export function lintTargetExpr(expr: string, legend = ''): string[] {
  const problems = lintQueryExpr(expr);
  const reading = readPromql(expr);
  if (reading.error !== null) return problems;
  problems.unshift(
    ...reading.ranges
      .filter((r) => r !== '$__rate_interval')
      .map((r) => `range [${r}] should be [$__rate_interval]`),
  );
  const kept = reading.resultLabels;
  if (kept !== null) {
    for (const [, label] of legend.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)) {
      if (label !== undefined && !kept.includes(label))
        problems.push(
          `legend {{${label}}}: ${kept.length ? `the query keeps only the labels ${kept.join(', ')}` : 'the query keeps no labels'}`,
        );
    }
  }
  return problems;
}

function lintPanel(panel: Json, where: string): string[] {
  const problems: string[] = [];
  if (!text(panel.title).trim()) problems.push(`${where}: no title`);
  if (!text(panel.description).trim()) problems.push(`${where}: no description`);
  if (!usesProvisionedDatasource(panel.datasource))
    problems.push(`${where}: datasource is not $${DATASOURCE_VARIABLE}`);
  const grid = isObject(panel.gridPos) ? panel.gridPos : {};
  const x = typeof grid.x === 'number' ? grid.x : -1;
  const w = typeof grid.w === 'number' ? grid.w : 0;
  if (x < 0 || w < 1 || x + w > 24) problems.push(`${where}: gridPos outside the 24-column grid`);
  const fieldConfig =
    isObject(panel.fieldConfig) && isObject(panel.fieldConfig.defaults) ? panel.fieldConfig.defaults : {};
  if (!text(fieldConfig.unit)) problems.push(`${where}: no unit`);
  const targets = list(panel.targets);
  if (targets.length === 0) problems.push(`${where}: no queries`);
  const refIds = new Set<string>();
  targets.forEach((target, i) => {
    const at = `${where} target ${i}`;
    if (!isObject(target)) return void problems.push(`${at}: not an object`);
    const refId = text(target.refId);
    if (!refId || refIds.has(refId)) problems.push(`${at}: missing or duplicate refId "${refId}"`);
    refIds.add(refId);
    if (!usesProvisionedDatasource(target.datasource))
      problems.push(`${at}: datasource is not $${DATASOURCE_VARIABLE}`);
    for (const p of lintTargetExpr(text(target.expr), text(target.legendFormat)))
      problems.push(`${at}: ${p}`);
  });
  return problems;
}

function lintAnnotations(dashboard: Json): string[] {
  const annotations = isObject(dashboard.annotations)
    ? list(dashboard.annotations.list).filter(isObject)
    : [];
  const problems: string[] = [];
  const gauge = annotations.find((a) => text(a.expr).includes(METRICS.faultActive));
  if (!gauge) problems.push(`no fault-window annotation on ${METRICS.faultActive}`);
  else if (!usesProvisionedDatasource(gauge.datasource))
    problems.push('fault-window annotation does not use the provisioned datasource');
  const tagged = annotations.find(
    (a) =>
      isObject(a.target) && FAULT_ANNOTATION_TAGS.every((tag) => list((a.target as Json).tags).includes(tag)),
  );
  if (!tagged)
    problems.push(
      `no annotation showing the chaos engine's fault annotations (tags ${FAULT_ANNOTATION_TAGS.join(', ')})`,
    );
  return problems;
}

/** Every problem found in one dashboard; empty means clean. */
export function lintDashboard(dashboard: unknown): string[] {
  if (!isObject(dashboard)) return ['dashboard is not a JSON object'];
  const name = text(dashboard.uid) || '(no uid)';
  const problems: string[] = [];
  if (!text(dashboard.uid)) problems.push('no uid');
  if (!text(dashboard.title)) problems.push('no title');
  if (!list(dashboard.tags).includes('paylab')) problems.push('not tagged paylab');
  problems.push(...lintAnnotations(dashboard));
  problems.push(...datasourceVariableProblems(dashboard));
  const ids = new Set<number>();
  for (const panel of list(dashboard.panels)) {
    if (!isObject(panel)) {
      problems.push('a panel is not an object');
      continue;
    }
    const id = panel.id;
    const where = `panel ${String(id)} "${text(panel.title)}"`;
    if (typeof id !== 'number' || ids.has(id)) problems.push(`${where}: missing or duplicate id`);
    else ids.add(id);
    if (panel.type === 'row') continue;
    problems.push(...lintPanel(panel, where));
  }
  return problems.map((p) => `${name}: ${p}`);
}

/** Every query a dashboard's panels run, with where it comes from (for the integration test). */
export function panelQueries(dashboard: unknown): { where: string; expr: string }[] {
  if (!isObject(dashboard)) return [];
  const out: { where: string; expr: string }[] = [];
  for (const panel of list(dashboard.panels).filter(isObject)) {
    for (const target of list(panel.targets).filter(isObject)) {
      out.push({
        where: `${text(dashboard.uid)} / ${text(panel.title)} / ${text(target.refId)}`,
        expr: text(target.expr),
      });
    }
  }
  return out;
}
