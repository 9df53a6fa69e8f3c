/** bench.md and bench.json: every target met or missed by how much, every figure, and the wall. */
import fs from 'node:fs';
import path from 'node:path';
import type { GateFinding } from './baseline.ts';
import { renderClientComparison } from './kafka-clients.ts';
import type { BenchResult } from './run.ts';
import type { TargetResult } from './targets.ts';

function num(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(digits);
}

export function verdict(t: TargetResult): string {
  if (t.value === null) return 'not measured';
  if (t.met) return 'met';
  const how = t.better === 'higher' ? 'below' : 'above';
  return `missed: ${(t.missBy * 100).toFixed(0)} % ${how} the target`;
}

/** The stage furthest from its limit (lowest share of its target), as the stage-level wall. */
export function weakestStage(targets: readonly TargetResult[]): TargetResult | undefined {
  const share = (t: TargetResult) =>
    t.value === null ? 0 : t.better === 'higher' ? t.value / t.target : t.target / t.value;
  return [...targets]
    .filter((t) => ['api-vs-create-limit', 'relay-vs-limit', 'workers-vs-limit'].includes(t.name))
    .sort((a, b) => share(a) - share(b))[0];
}

export function renderTargetsTable(targets: readonly TargetResult[]): string {
  const rows = targets.map(
    (t) =>
      `| ${t.name} | ${num(t.value)}${t.unit === 'ms' ? ' ms' : ''} | ${t.better === 'higher' ? '≥' : '≤'} ${t.target}${t.unit === 'ms' ? ' ms' : ''} | ${verdict(t)} |`,
  );
  return ['| target | value | target | verdict |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function renderMarkdown(
  result: BenchResult,
  gate: GateFinding[] | undefined,
  command: string,
): string {
  const lines: string[] = [];
  lines.push(`# paylab bench (${result.mode})`, '');
  lines.push(
    `${result.startedAt} → ${result.finishedAt}; ${result.plan.repetitions} repetition(s); ${result.machine.cpus} CPUs, ` +
      `load average at start ${result.machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}; Node ${result.machine.node}.`,
    '',
    `Reproduce: \`${command}\`. Every target is a ratio of two figures from this run (medians over the repetitions); ` +
      'absolute figures on a shared machine are noise, ratios move less.',
    '',
    '## Targets',
    '',
    renderTargetsTable(result.targets),
    '',
  );
  for (const r of result.ratios) lines.push(`- ${r.name}: ${num(r.value)} — ${r.description}`);
  for (const t of result.targets) lines.push(`- ${t.name}: ${t.description}`);
  lines.push('');

  lines.push('## The wall', '');
  const weakest = weakestStage(result.targets);
  if (weakest)
    lines.push(
      `- Stage furthest from its limit: **${weakest.name}** (${num(weakest.value)} of ≥ ${weakest.target}).`,
    );
  const walls = result.capacity.map((c) => c.wall).filter((w) => w !== null);
  if (walls.length > 0)
    for (const w of walls)
      lines.push(
        `- At capacity the first process to saturate: **${w.process}** (${num(w.cores)} cores; ${w.why}).`,
      );
  else
    lines.push(
      '- At capacity no process ran out of CPU: the limit was a wait (fsync, a lock, a round trip) or the search stopped first.',
    );
  lines.push('');

  lines.push(...renderClientComparison(result.kafkaClients));

  if (gate) {
    lines.push('## Against the baseline', '');
    lines.push('| ratio | baseline | now | now / baseline | |', '| --- | --- | --- | --- | --- |');
    for (const g of gate)
      lines.push(
        `| ${g.name} | ${num(g.baseline)} | ${num(g.value)} | ${num(g.relative)} | ${g.regressed ? '**REGRESSED** (> 25 % worse)' : 'ok'} |`,
      );
    lines.push('');
  }

  lines.push(
    '## Figures (min / median / max)',
    '',
    '| figure | min | median | max | n |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const [name, s] of Object.entries(result.figures).sort(([a], [b]) => a.localeCompare(b)))
    lines.push(`| ${name} | ${num(s.min)} | ${num(s.median)} | ${num(s.max)} | ${s.n} |`);
  lines.push('');

  lines.push('## Capacity steps', '');
  result.capacity.forEach((c, i) => {
    lines.push(
      `Repetition ${i + 1}: capacity ${num(c.capacityPerSec)}/s, lab overhead ${num(c.labOverheadShare * 100)} % of the machine.`,
      '',
    );
    lines.push(
      '| rate | accepted/s | p95 ms | outbox lag s | consumer lag | busy | held | top CPU (cores) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const s of c.steps) {
      const wall =
        s.cpu &&
        Object.entries(s.cpu)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3);
      const seconds = result.plan.capacity.stepSeconds;
      lines.push(
        `| ${s.rate} | ${num(s.acceptedPerSec)} | ${num(s.p95Ms)} | ${num(s.maxOutboxLagSeconds)} | ${s.consumerLag} | ${num(s.machineBusyShare * 100)} % | ${s.held ? 'yes' : 'no'} | ${(wall ?? []).map(([n, v]) => `${n} ${num(v / seconds)}`).join(', ')} |`,
      );
    }
    lines.push('');
  });

  if (result.errors.length > 0) {
    lines.push('## Stages that failed', '');
    for (const e of result.errors) lines.push(`- ${e}`);
    lines.push('');
  }
  return lines.join('\n');
}

export function writeReport(
  dir: string,
  result: BenchResult,
  gate: GateFinding[] | undefined,
  command: string,
): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'bench.json'),
    `${JSON.stringify({ ...result, gate: gate ?? null }, null, 2)}\n`,
  );
  fs.writeFileSync(path.join(dir, 'bench.md'), renderMarkdown(result, gate, command));
}
