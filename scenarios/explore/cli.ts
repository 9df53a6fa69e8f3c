/**
 * `npm run explore`: parses flags, then plays seeded random fault schedules through the scenario
 * runner until an invariant breaks (then shrinks it and writes scenarios/found/…) or the runs or
 * budget are spent. Exit codes: 0 nothing violated, 1 a violation found, 2 usage error, 130
 * interrupted.
 */
import { loadConfig, ROBUST_STRATEGY } from '../../system/src/config.ts';
import { silenceKafkajsTimerWarning } from '../../system/src/kafkajs-timer-warning.ts';
import { createRuntime } from '../../system/lab/create-runtime.ts';
import { startLiveView } from '../../dashboards/terminal/live-view.tsx';
import { loadDurationSeconds } from '../lib/define.ts';
import { FOUND_DIR } from '../lib/catalogue.ts';
import { runScenario } from '../runner/run.ts';
import { EXPLORE_USAGE, ExploreUsageError, parseExploreArgs } from './args.ts';
import { explore } from './explore.ts';

async function main(argv: readonly string[]): Promise<number> {
  const args = parseExploreArgs(argv);
  if (args.help) {
    console.log(EXPLORE_USAGE);
    return 0;
  }
  silenceKafkajsTimerWarning();
  const config = loadConfig();
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write(`\n${sig}: finishing the current run (healing every fault), then stopping\n`);
      abort.abort();
    } else if (interrupts >= 3) process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const command = ['npm run explore --', ...argv].join(' ');
  const naive = Object.entries(args.strategy).some(
    ([k, v]) => ROBUST_STRATEGY[k as keyof typeof ROBUST_STRATEGY] !== v,
  );
  let outcome;
  try {
    outcome = await explore(
      {
        seed: args.seed,
        runs: args.runs,
        budgetMs: args.budgetMs,
        shrinkRuns: args.shrinkRuns,
        strategy: args.strategy,
        ...(args.faults ? { faults: args.faults } : {}),
        foundDir: FOUND_DIR,
        reportsDir: config.paths.reportsDir,
        command,
      },
      {
        async play(scenario, seed, title, schedule) {
          const view = startLiveView({
            prometheusUrl: `http://${config.services.prometheus.host}:${config.services.prometheus.port}`,
            title,
            totalSeconds: loadDurationSeconds(scenario.load),
            plain: args.plain,
            onQuit: () => abort.abort(),
          });
          for (const line of schedule) view.push({ type: 'message', text: `schedule: ${line}` });
          try {
            // Runs share one strategy: the robust one is put back once, at the end, not after each run.
            return await runScenario(scenario, {
              seed,
              view,
              signal: abort.signal,
              config,
              restoreStrategy: false,
            });
          } finally {
            await view.stop();
          }
        },
        progress: (line) => console.log(`explore: ${line}`),
        now: () => Date.now(),
        signal: abort.signal,
      },
    );
  } finally {
    // The lab is shared: a naive strategy must not outlive the exploration.
    if (naive) {
      console.log('explore: restoring the robust strategy');
      await createRuntime(undefined, config)
        .up({ stack: true, strategy: ROBUST_STRATEGY, instances: config.instances })
        .catch((error: unknown) =>
          console.error(`explore: could not restore the robust stack: ${String(error)}`),
        );
    }
  }
  const counts = ['held', 'violated', 'inconclusive'].map(
    (v) => `${outcome.runs.filter((r) => r.verdict === v).length} ${v}`,
  );
  console.log(
    `explore: ${outcome.runs.length} runs (${counts.join(', ')}) · report ${outcome.reportDir}/report.md`,
  );
  if (abort.signal.aborted) return 130;
  return outcome.found ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ExploreUsageError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
