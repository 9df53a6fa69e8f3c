/**
 * The exploration loop: run i plays the case drawn from seed S+i-1 (so every run is addressable by
 * its own seed), judges it with the scenario runner's checker, and on the first violated invariant
 * shrinks the case and writes it as scenarios/found/<invariant>-<seed>.ts. The runner is passed in
 * (`play`), so the loop is tested without a lab and the CLI wires the real one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isCheckName, type CheckName } from '../../chaos/checker/result.ts';
import type { RunReport } from '../../chaos/report/model.ts';
import { faultLabel, type TimedFault } from '../../chaos/faults/spec.ts';
import type { Scenario } from '../lib/define.ts';
import { foundDescription, foundName, renderFoundFile } from './found-file.ts';
import { drawCase, toScenario, toScenarioInput, type DrawOptions, type ExploreCase } from './schedule.ts';
import { shrink, type ShrinkResult } from './shrink.ts';

export interface ExploreSettings extends DrawOptions {
  seed: number;
  /** Stop after this many runs… */
  runs: number | null;
  /** …or start no new run once this much time has passed (ms). */
  budgetMs: number | null;
  /** Most runs the shrinker may play. */
  shrinkRuns: number;
  /** Where found scenarios are written (scenarios/found). */
  foundDir: string;
  /** Where the exploration's own report folder goes (reports/). */
  reportsDir: string;
  /** The command line, for the found file's header. */
  command: string;
}

export interface PlayResult {
  report: RunReport;
  runDir: string;
}

export interface ExploreDeps {
  /** Plays one run; `schedule` is the case in words, for the live view. */
  play(scenario: Scenario, seed: number, title: string, schedule: readonly string[]): Promise<PlayResult>;
  progress(line: string): void;
  now(): number;
  signal: AbortSignal;
}

export type RunVerdict = 'held' | 'violated' | 'inconclusive';

export interface PlayedRun {
  phase: 'explore' | 'shrink' | 'replay';
  index: number;
  seed: number;
  /** The shrink step that made this case, for shrink runs. */
  step?: string;
  case: ExploreCase;
  verdict: RunVerdict;
  violations: CheckName[];
  /** Per violated invariant, its problems in each fault's window (index i: fault i), for the shrinker. */
  blame: Partial<Record<CheckName, number[]>>;
  /** Verdicts that failed besides invariants (exercised, lab undisturbed…), and run notes. */
  why: string[];
  runDir: string;
  seconds: number;
}

export interface Found {
  invariant: CheckName;
  file: string;
  name: string;
  shrink: ShrinkResult;
  original: ExploreCase;
}

export interface ExploreOutcome {
  runs: PlayedRun[];
  found: Found | null;
  reportDir: string;
}

/** Reads a run's report: which invariants it held, which it broke, and whether it counts. */
export function judge(
  scenario: Scenario,
  report: RunReport,
): Pick<PlayedRun, 'verdict' | 'violations' | 'why'> {
  const violations = report.checks
    .filter((c) => c.valid === false && scenario.expect.hold.includes(c.name))
    .map((c) => c.name);
  const byName = new Map(report.checks.map((c) => [c.name, c]));
  const why = [
    // Verdicts other than the invariants (exercised, lab undisturbed, load ran…).
    ...report.verdicts.filter((v) => !v.pass && !isCheckName(v.name)).map((v) => `${v.name}: ${v.actual}`),
    ...scenario.expect.hold
      .filter((name) => byName.get(name)?.valid !== true && byName.get(name)?.valid !== false)
      .map(
        (name) => `${name} unknown${byName.get(name)?.note ? `: ${byName.get(name)?.note}` : ' (not run)'}`,
      ),
  ];
  if (violations.length > 0) return { verdict: 'violated', violations, why };
  // A run that did not exercise the stack, or could not judge a check, found nothing either way.
  return { verdict: why.length === 0 ? 'held' : 'inconclusive', violations, why };
}

/** The runner ids fault windows f1, f2… in the order of the scenario's faults (no jitter here). */
function blameOf(report: RunReport, c: ExploreCase): Partial<Record<CheckName, number[]>> {
  const out: Partial<Record<CheckName, number[]>> = {};
  for (const check of report.checks)
    if (check.valid === false) out[check.name] = c.faults.map((_, i) => check.perWindow[`f${i + 1}`] ?? 0);
  return out;
}

export function describeFault(f: TimedFault, id: string): string {
  const window =
    f.durationSeconds > 0 ? `${f.atSeconds}–${f.atSeconds + f.durationSeconds} s` : `at ${f.atSeconds} s`;
  return `${id} ${window}: ${faultLabel(f.fault)}`;
}

export function describeCase(c: ExploreCase): string[] {
  const l = c.load;
  const cancels =
    l.cancelRatio > 0
      ? `${Math.round(l.cancelRatio * 100)} % canceled${l.cancelAfterMaxSeconds > 0 ? ` 0–${l.cancelAfterMaxSeconds} s after` : ''}`
      : 'no cancels';
  const reuse = l.keyReuse
    ? `, keys replayed ${Math.round(l.keyReuse.replayShare * 100)} % / raced ${Math.round(l.keyReuse.raceShare * 100)} %`
    : '';
  return [
    `load ${l.rate}/s for ${l.durationSeconds} s, ${cancels}${reuse}`,
    ...c.faults.map((f, i) => describeFault(f, `f${i + 1}`)),
  ];
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-').replace('Z', '');
}

export async function explore(settings: ExploreSettings, deps: ExploreDeps): Promise<ExploreOutcome> {
  const startedAt = deps.now();
  const reportDir = path.join(settings.reportsDir, `${stamp(startedAt)}-explore`);
  fs.mkdirSync(reportDir, { recursive: true });
  const runs: PlayedRun[] = [];
  let found: Found | null = null;
  const violationsSoFar = () => runs.filter((r) => r.verdict === 'violated').length;
  const planned = settings.runs;

  async function play(
    c: ExploreCase,
    phase: PlayedRun['phase'],
    title: string,
    step?: string,
  ): Promise<PlayedRun> {
    const name = `explore-${c.seed}${phase === 'explore' ? '' : `-${phase}`}`;
    const scenario = toScenario(c, name, `explore run, seed ${c.seed}`);
    const t0 = deps.now();
    const { report, runDir } = await deps.play(scenario, c.seed, title, describeCase(c));
    const run: PlayedRun = {
      phase,
      index: runs.length + 1,
      seed: c.seed,
      ...(step === undefined ? {} : { step }),
      case: c,
      ...judge(scenario, report),
      blame: blameOf(report, c),
      runDir,
      seconds: Math.round((deps.now() - t0) / 100) / 10,
    };
    runs.push(run);
    writeReport(reportDir, settings, runs, found);
    return run;
  }

  for (let i = 1; ; i += 1) {
    if (deps.signal.aborted) break;
    if (planned !== null && i > planned) break;
    if (settings.budgetMs !== null && deps.now() - startedAt >= settings.budgetMs) break;
    const c = drawCase(settings.seed + i - 1, settings);
    const of = planned === null ? '' : ` of ${planned}`;
    deps.progress(`run ${i}${of} · seed ${c.seed} · violations so far ${violationsSoFar()}`);
    for (const line of describeCase(c)) deps.progress(`  ${line}`);
    const run = await play(
      c,
      'explore',
      `explore run ${i}${of} · seed ${c.seed} · ${violationsSoFar()} violations`,
    );
    deps.progress(
      `run ${i}${of}: ${run.verdict}${run.violations.length ? ` (${run.violations.join(', ')})` : ''}${run.why.length && run.verdict !== 'violated' ? ` — ${run.why[0]}` : ''} · ${run.seconds} s · ${run.runDir}`,
    );
    const invariant = run.violations[0];
    if (invariant === undefined) continue;

    deps.progress(
      `shrinking: ${invariant} with ${c.faults.length} faults, at most ${settings.shrinkRuns} runs`,
    );
    const result = await shrink(
      c,
      async (candidate, step) => {
        deps.progress(`  shrink: ${step}`);
        const r = await play(candidate, 'shrink', `shrink ${invariant} · ${step}`, step);
        const fails = r.violations.includes(invariant);
        deps.progress(
          `    ${fails ? `still ${invariant}: kept` : `${r.verdict}: not kept`} · ${r.seconds} s`,
        );
        return {
          fails,
          detail: fails ? invariant : r.violations.join(', ') || r.verdict,
          ...(fails ? { blame: r.blame[invariant] ?? [] } : {}),
        };
      },
      {
        maxRuns: settings.shrinkRuns,
        label: (cur, k) => describeFault(cur.faults[k]!, `f${k + 1}`),
        blame: run.blame[invariant] ?? [],
        signal: deps.signal,
      },
    );
    const name = foundName(invariant, result.case.seed);
    const input = toScenarioInput(result.case, name, foundDescription(result.case, invariant));
    const lastFailing = [...runs]
      .reverse()
      .find((r) => r.violations.includes(invariant) && r.case === result.case);
    const example = lastFailing === undefined ? undefined : exampleOf(lastFailing, runs);
    const text = await renderFoundFile(
      result.case,
      {
        invariant,
        command: settings.command,
        runIndex: i,
        runsPlanned: planned,
        shrinkRuns: result.runs,
        faultsBefore: c.faults.length,
        minimal: result.minimal,
        example,
      },
      input as unknown as Record<string, unknown>,
    );
    fs.mkdirSync(settings.foundDir, { recursive: true });
    const file = path.join(settings.foundDir, `${name}.ts`);
    fs.writeFileSync(file, text);
    found = { invariant, file, name, shrink: result, original: c };
    deps.progress(
      `found ${invariant}: shrunk to ${result.case.faults.length} fault(s) in ${result.runs} runs → ${file}`,
    );
    for (const line of describeCase(result.case)) deps.progress(`  ${line}`);
    deps.progress(`replay: npm run scenario ${name}`);
    break;
  }
  writeReport(reportDir, settings, runs, found);
  return { runs, found, reportDir };
}

/** Problem examples live in each run's result.json; the first one names a concrete payment. */
function exampleOf(run: PlayedRun, _runs: readonly PlayedRun[]): string | undefined {
  try {
    const report = JSON.parse(fs.readFileSync(path.join(run.runDir, 'result.json'), 'utf8')) as RunReport;
    const check = report.checks.find((c) => c.name === run.violations[0]);
    return check?.first?.detail;
  } catch {
    return undefined;
  }
}

function writeReport(
  dir: string,
  settings: ExploreSettings,
  runs: readonly PlayedRun[],
  found: Found | null,
): void {
  const json = {
    command: settings.command,
    seed: settings.seed,
    runs: settings.runs,
    budgetMs: settings.budgetMs,
    strategy: settings.strategy,
    faults: settings.faults ? Object.fromEntries(settings.faults) : 'all',
    played: runs,
    found: found && {
      invariant: found.invariant,
      file: found.file,
      name: found.name,
      shrinkRuns: found.shrink.runs,
      minimal: found.shrink.minimal,
      original: found.original,
      shrunk: found.shrink.case,
      steps: found.shrink.steps,
    },
  };
  fs.writeFileSync(path.join(dir, 'explore.json'), `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'report.md'), renderExploreMarkdown(settings, runs, found));
}

export function renderExploreMarkdown(
  settings: ExploreSettings,
  runs: readonly PlayedRun[],
  found: Found | null,
): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `# Exploration, seed ${settings.seed}`,
    '',
    `Command: \`${settings.command}\``,
    '',
    `Strategy: ${
      Object.entries(settings.strategy)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ') || 'robust'
    }` +
      ` · faults: ${settings.faults ? [...settings.faults].map(([k, t]) => `${k}:${t.join('/')}`).join(', ') : 'every kind'}`,
    '',
    '| # | phase | seed | schedule | verdict | violated | notes | report |',
    '|---|---|---|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.index} | ${r.phase}${r.step ? `: ${cell(r.step)}` : ''} | ${r.seed} | ${describeCase(r.case).map(cell).join('<br>')} | ${r.verdict} | ${r.violations.join(', ') || '—'} | ${cell(r.why.slice(0, 3).join('; ')) || '—'} | ${path.basename(r.runDir)} |`,
    ),
    '',
  ];
  if (found) {
    lines.push(
      `## Found: ${found.invariant}`,
      '',
      `Shrunk in ${found.shrink.runs} runs from ${found.original.faults.length} faults to ${found.shrink.case.faults.length}` +
        `${found.shrink.minimal ? ' (no smaller candidate failed)' : ' (the shrink budget ran out)'}.`,
      '',
      ...describeCase(found.shrink.case).map((l) => `- ${l}`),
      '',
      `Scenario file: \`${found.file}\` — replay with \`npm run scenario ${found.name}\`.`,
      '',
      '| shrink step | kept | run said |',
      '|---|---|---|',
      ...found.shrink.steps.map((s) => `| ${cell(s.step)} | ${s.kept ? 'yes' : 'no'} | ${cell(s.detail)} |`),
      '',
    );
  } else lines.push(`No invariant violated in ${runs.length} runs.`, '');
  return lines.join('\n');
}
