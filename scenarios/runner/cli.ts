/**
 * `npm run scenario <name>`: parses flags, loads and validates the scenario, runs it with the
 * live view, prints the verdict table, and exits 0 only when every verdict holds.
 * Exit codes: 0 passed, 1 a verdict failed, 2 usage or scenario error, 130 interrupted.
 */
import { loadConfig } from '../../system/src/config.ts';
import { silenceKafkajsTimerWarning } from '../../system/src/kafkajs-timer-warning.ts';
import { resolveRuntimeKind } from '../../system/lab/runtime-for.ts';
import { startLiveView } from '../../dashboards/terminal/live-view.tsx';
import { loadCatalogue, loadScenario, UnknownScenarioError } from '../lib/catalogue.ts';
import { ScenarioError, loadDurationSeconds } from '../lib/define.ts';
import { applyOverrides } from '../lib/overrides.ts';
import { leftFaultedWarning, verdictTable } from '../../chaos/report/markdown.ts';
import { parseArgs, USAGE, UsageError } from './args.ts';
import { listLine } from './list.ts';
import { runScenario } from './run.ts';

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.list) {
    for (const s of await loadCatalogue()) console.log(listLine(s));
    return 0;
  }
  if (args.name === undefined) throw new UsageError(USAGE);
  silenceKafkajsTimerWarning();
  const config = loadConfig();
  // The runner's createRuntime() reads PAYLAB_RUNTIME: --runtime, else PAYLAB_RUNTIME, else the
  // runtime `lab up` recorded (a compose stack is driven, not fought by a native one), else native.
  process.env.PAYLAB_RUNTIME = resolveRuntimeKind(args.runtime, config);
  const scenario = applyOverrides(await loadScenario(args.name), args.overrides);
  // A scenario may carry its seed (the explorer's finds do, so they replay the run that failed).
  const seed = args.seed ?? scenario.seed ?? config.seed;

  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write(
        `\n${sig}: stopping the load and healing every fault before exit (press again twice to force)\n`,
      );
      abort.abort();
    } else if (interrupts >= 3) {
      process.stderr.write('forced exit: faults may be left behind; the next run heals them at its start\n');
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const view = startLiveView({
    prometheusUrl: `http://${config.services.prometheus.host}:${config.services.prometheus.port}`,
    title: `scenario ${scenario.name}`,
    totalSeconds: loadDurationSeconds(scenario.load),
    plain: args.plain,
    onQuit: () => abort.abort(),
  });
  let outcome;
  try {
    outcome = await runScenario(scenario, { seed, view, signal: abort.signal, config });
  } finally {
    await view.stop();
  }
  const { report, runDir } = outcome;
  console.log('');
  console.log(`${scenario.name}: ${report.passed ? 'PASSED' : 'FAILED'} (seed ${seed})`);
  console.log(verdictTable(report));
  for (const n of report.notes) console.log(`note: ${n}`);
  console.log(`report: ${runDir}/report.md  ·  ${runDir}/report.html`);
  // Last, on stderr too: nothing after it can scroll it away.
  const leftFaulted = leftFaultedWarning(report);
  if (leftFaulted !== null) console.error(`\n!!! ${leftFaulted}`);
  if (abort.signal.aborted) return 130;
  return report.passed ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      error instanceof ScenarioError ||
      error instanceof UnknownScenarioError
    ) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
