/** report.md: the verdicts first, then the numbers behind them. */
import type { RampCpu } from '../collect/cpu-recorder.ts';
import type { RunReport } from './model.ts';
import type { CheckResult } from '../checker/result.ts';

function iso(ms: number | null): string {
  return ms === null ? 'n/a' : new Date(ms).toISOString();
}

function rel(r: RunReport, t: number | null): string {
  if (t === null || r.loadStart === null) return 'n/a';
  return `${((t - r.loadStart) / 1000).toFixed(1)} s`;
}

/** The capacity section's CPU part: who saturated first, and every process's cores over the ramp. */
function rampCpuLines(r: RunReport, cpu: RampCpu | null): string[] {
  if (!cpu) return ['CPU per process: not measured (no process ids from the runtime, or no /proc).', ''];
  const out: string[] = [];
  const s = cpu.firstSaturation;
  out.push(
    s
      ? `First process to saturate: **${s.process}** (${s.cores.toFixed(2)} cores between ${rel(r, s.from)} and ${rel(r, s.to)} of the load: ${s.why}). The lab's processes used ${s.labCores.toFixed(2)} of the machine's ${cpu.cpus} cores then, the machine was ${(s.machineBusy * 100).toFixed(0)} % busy${s.machineBusy * cpu.cpus > s.labCores * 1.25 ? " — much of it other work than the lab: the figure is the machine's limit more than the stack's" : ''}.`
      : `First process to saturate: none — no process ran out of CPU over the ramp (the machine was ${(cpu.machineBusy * 100).toFixed(0)} % busy on average): the limit was a wait (fsync, a lock, a round trip), not CPU.`,
  );
  out.push('');
  out.push(
    `CPU per process over the ramp (${cpu.windows} windows, ${cpu.cpus} CPUs; a Node service saturates near 1 core per instance):`,
  );
  out.push('');
  out.push('| process | average cores | peak cores |');
  out.push('|---|---|---|');
  const rows = Object.entries(cpu.averageCores).sort((a, b) => b[1] - a[1]);
  for (const [name, cores] of rows)
    out.push(`| ${cell(name)} | ${cores.toFixed(2)} | ${(cpu.peakCores[name] ?? 0).toFixed(2)} |`);
  out.push('');
  return out;
}

/** Table cells must not contain the column separator. */
function cell(text: string): string {
  return text.replace(/\|/g, '¦').replace(/\n/g, ' ');
}

function validity(c: CheckResult): string {
  return c.valid === true ? 'holds' : c.valid === false ? 'VIOLATED' : 'unknown';
}

export function verdictTable(r: RunReport): string {
  const rows = r.verdicts.map(
    (v) => `| ${v.pass ? 'PASS' : 'FAIL'} | ${cell(v.name)} | ${cell(v.expected)} | ${cell(v.actual)} |`,
  );
  return ['| | verdict | expected | actual |', '|---|---|---|---|', ...rows].join('\n');
}

/** The warning a run ends with when its final heal could not undo a fault; null when healed. */
export function leftFaultedWarning(r: RunReport): string | null {
  if (r.leftFaulted.length === 0) return null;
  return [
    `THE LAB IS LEFT FAULTED — the final heal could not undo: ${r.leftFaulted.join('; ')}.`,
    'The next `npm run scenario` heals links and the PG before it starts; bring processes back with',
    '`npm run lab -- up` (with the same `--brokers`) and check with `npm run lab -- status`.',
  ].join(' ');
}

export function renderMarkdown(r: RunReport): string {
  const s = r.scenario;
  const out: string[] = [];
  out.push(`# ${s.name} — ${r.passed ? 'PASSED' : 'FAILED'}`);
  out.push('');
  out.push(`${s.description}`);
  out.push('');
  const leftFaulted = leftFaultedWarning(r);
  if (leftFaulted !== null) {
    out.push(`> **${leftFaulted}**`);
    out.push('');
  }
  out.push(`- run id \`${r.runId}\`, seed **${r.seed}**, started ${iso(r.startedAt)}`);
  out.push(
    `- strategy: ${Object.entries(r.strategy)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}; instances: relay ${s.instances.relay}, worker ${s.instances.worker}`,
  );
  out.push(
    `- load: ${s.load.executor}, ${s.load.executor === 'constant-arrival-rate' ? `${s.load.rate}/s for ${s.load.durationSeconds} s` : `from ${s.load.startRate ?? 0}/s through ${(s.load.stages ?? []).map((st) => `${st.target}/s in ${st.durationSeconds} s`).join(', ')}`}, cancel ratio ${s.load.cancelRatio}; warm-up ${s.warmUpSeconds} s; drain deadline ${s.drainDeadlineSeconds} s`,
  );
  out.push('');
  out.push('## Verdicts');
  out.push('');
  out.push(verdictTable(r));
  out.push('');
  if (r.notes.length > 0) {
    out.push('## Notes');
    out.push('');
    for (const n of r.notes) out.push(`- ${n}`);
    out.push('');
  }
  out.push("## Load (k6, the client's view)");
  out.push('');
  if (r.k6 === null) out.push(`No k6 summary (k6 exit code ${r.k6ExitCode ?? 'n/a'}).`);
  else {
    const k = r.k6;
    const achieved = r.plannedIterations === 0 ? 0 : (k.iterations / r.plannedIterations) * 100;
    out.push(
      '| planned iterations | started | achieved | dropped | creates attempted | accepted (2xx) | create error rate | create p50 / p95 / p99 | cancels accepted / refused / errors | max VUs |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|---|');
    out.push(
      `| ${r.plannedIterations} | ${k.iterations} | ${achieved.toFixed(1)} % | **${k.droppedIterations}** | ${k.createsAttempted} | ${k.createsAccepted} | ${k.createErrorRate === null ? 'n/a' : (k.createErrorRate * 100).toFixed(2) + ' %'} | ${[k.createMedMs, k.createP95Ms, k.createP99Ms].map((v) => (v === null ? 'n/a' : `${v.toFixed(1)} ms`)).join(' / ')} | ${k.cancelsAccepted} / ${k.cancelsRefused} / ${k.cancelErrors} | ${k.maxVUs ?? 'n/a'} |`,
    );
    if (k.thresholdsCrossed.length > 0)
      out.push(`\nk6 thresholds crossed: ${k.thresholdsCrossed.join('; ')}`);
  }
  out.push('');
  if (r.capacity) {
    out.push('## Capacity');
    out.push('');
    const c = r.capacity;
    out.push(
      `Highest accepted rate sustained with accept p95 ≤ ${c.limits.maxP95Seconds} s, outbox lag ≤ ${c.limits.maxOutboxLagSeconds} s and consumer lag ≤ ${c.limits.maxConsumerLag}: **${c.sustainedRate === null ? 'n/a' : `${c.sustainedRate.toFixed(1)} payments/s`}**${c.firstBreach === null ? ' (bounds never broken: the ramp did not reach saturation)' : `; bounds first broken at ${rel(r, c.firstBreach)}`}.`,
    );
    out.push('');
    out.push(...rampCpuLines(r, c.cpu ?? null));
  }
  out.push('## Invariants (checker)');
  out.push('');
  out.push('| check | result | counts | first example | worst example |');
  out.push('|---|---|---|---|---|');
  for (const c of r.checks) {
    const counts = Object.entries(c.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    out.push(
      `| ${c.name} | ${cell(`${validity(c)}${c.note ? ` — ${c.note}` : ''}`)} | ${counts} | ${cell(c.first ? `${c.first.paymentId ?? ''} ${c.first.detail}` : '')} | ${cell(c.worst && c.worst !== c.first ? `${c.worst.paymentId ?? ''} ${c.worst.detail}` : '')} |`,
    );
  }
  out.push('');
  if (r.windows.length > 0) {
    out.push('### Problems per fault window');
    out.push('');
    const withProblems = r.checks.filter((x) => x.problemCount > 0);
    if (withProblems.length === 0) out.push('No check found a problem, inside or outside a fault window.');
    else {
      out.push(`| check | ${r.windows.map((w) => w.id).join(' | ')} | outside |`);
      out.push(`|---|${r.windows.map(() => '---').join('|')}|---|`);
      for (const c of withProblems) {
        out.push(
          `| ${c.name} | ${r.windows.map((w) => c.perWindow[w.id] ?? 0).join(' | ')} | ${c.perWindow.outside ?? 0} |`,
        );
      }
    }
    out.push('');
  }
  out.push('## Faults and recovery');
  out.push('');
  if (r.windows.length === 0) out.push('No faults in this scenario.');
  else {
    out.push('| fault | what | on at | off at | recovery | slowest SLI / reason |');
    out.push('|---|---|---|---|---|---|');
    for (const w of r.windows) {
      const rec = r.recoveries.find((x) => x.faultId === w.id);
      let what = 'n/a';
      let why = '';
      if (rec) {
        what =
          rec.recovery.status === 'recovered'
            ? `${rec.recovery.seconds?.toFixed(1)} s`
            : rec.recovery.status === 'unknown'
              ? 'unknown'
              : '**did not recover**';
        why = Object.entries(rec.recovery.perSli)
          .map(
            ([id, x]) =>
              `${id}: ${x.status === 'recovered' ? `${x.seconds.toFixed(1)} s` : x.status === 'unknown' ? `unknown (${x.reason})` : `not recovered (${x.reason})`}`,
          )
          .join('; ');
      }
      out.push(
        `| ${w.id} | ${cell(w.label)} | ${rel(r, w.start)} | ${rel(r, w.end)} | ${what} | ${cell(why)} |`,
      );
    }
  }
  out.push('');
  out.push('### Steady-state bands (from the warm-up)');
  out.push('');
  out.push('| SLI | mean | stddev | samples | limit (bad side) |');
  out.push('|---|---|---|---|---|');
  for (const [id, b] of Object.entries(r.bands)) {
    out.push(
      b
        ? `| ${id} | ${b.mean.toPrecision(3)} | ${b.stddev.toPrecision(3)} | ${b.samples} | ${b.bad === 'high' ? '≤' : '≥'} ${b.limit.toPrecision(3)} |`
        : `| ${id} | – | – | – | no band (too few warm-up samples) |`,
    );
  }
  out.push('');
  out.push(
    'Files: `scenario.json` (what ran), `timeline.jsonl` (fault starts/ends), `k6-summary.json`, `result.json` (verdicts, checks, recoveries, series), `report.html` (charts).',
  );
  out.push('');
  return out.join('\n');
}
