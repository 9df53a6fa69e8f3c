/**
 * `npm run bench [-- --quick] [--reps N] [--clients a,b] [--baseline FILE] [--write-baseline] [--seed N]`
 *
 * Brings the lab up when it is not, runs every stage, writes reports/<time>-bench/bench.md and
 * bench.json, prints the targets. A run whose mode matches the baseline's (bench/baseline.json is
 * a quick one) is gated: it exits 1 when a ratio is more than 25 % worse than the baseline's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineFrom, compareToBaseline, readBaseline, type GateFinding } from './baseline.ts';
import { KAFKA_CLIENTS, type KafkaClientName } from '../system/src/config.ts';
import { silenceKafkajsTimerWarning } from '../system/src/kafkajs-timer-warning.ts';
import { openLab } from './lab.ts';
import { FULL_PLAN, QUICK_PLAN, STAGE_NAMES, type BenchPlan, type StageName } from './plan.ts';
import { renderTargetsTable, weakestStage } from './report.ts';
import { writeReport } from './report.ts';
import { runBench } from './run.ts';

export const DEFAULT_BASELINE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'baseline.json');

export interface BenchArgs {
  quick: boolean;
  reps?: number;
  baseline: string;
  writeBaseline: boolean;
  seed: number;
  stages?: StageName[];
  /** Kafka clients to measure besides the stack's (default: both in full mode, none in quick). */
  clients?: KafkaClientName[];
  /** Outbox rows the relay drains (per client), overriding the plan's. */
  backlog?: number;
  help: boolean;
}

export const BENCH_USAGE = `usage: npm run bench -- [--quick] [--reps N] [--stages a,b] [--clients a,b] [--seed N] [--baseline FILE] [--write-baseline]
                        (or: paylab bench …)
  --quick           1 repetition, small backlogs (≤ 3 min); gated against the baseline (exit 1 if a
                    ratio is more than 25 % worse)
  --reps N          repetitions (default 3; quick 1)
  --stages a,b      only these stages (never gated): ${STAGE_NAMES.join(', ')}
  --clients a,b     Kafka clients measured (raw producer/consumer, relay alone) besides the stack's
                    own (PAYLAB_KAFKA_CLIENT): ${KAFKA_CLIENTS.join(', ')}; default: all in a full
                    run, none in a quick one
  --backlog N       outbox rows the relay stage drains per client (default 100,000; quick 2,000)
  --seed N          seed of the load and the PG's randomness (default 42)
  --baseline FILE   the baseline to gate against (default bench/baseline.json)
  --write-baseline  record this run's ratios as the baseline`;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    quick: false,
    baseline: DEFAULT_BASELINE,
    writeBaseline: false,
    seed: 42,
    help: false,
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const whole = (text: string, flag: string, min: number): number => {
    if (!/^\d+$/.test(text) || Number(text) < min)
      throw new Error(`${flag} must be a whole number ≥ ${min}, got "${text}"`);
    return Number(text);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--quick':
        args.quick = true;
        break;
      case '--reps':
        args.reps = whole(value(i, arg), arg, 1);
        i++;
        break;
      case '--seed':
        args.seed = whole(value(i, arg), arg, 0);
        i++;
        break;
      case '--baseline':
        args.baseline = path.resolve(value(i, arg));
        i++;
        break;
      case '--stages': {
        const names = value(i, arg).split(',');
        const unknown = names.filter((n) => !(STAGE_NAMES as readonly string[]).includes(n));
        if (unknown.length > 0)
          throw new Error(`unknown stage(s) ${unknown.join(', ')}; stages: ${STAGE_NAMES.join(', ')}`);
        args.stages = names as StageName[];
        i++;
        break;
      }
      case '--clients': {
        const names = value(i, arg).split(',');
        const unknown = names.filter((n) => !(KAFKA_CLIENTS as readonly string[]).includes(n));
        if (unknown.length > 0)
          throw new Error(
            `unknown Kafka client(s) ${unknown.join(', ')}; clients: ${KAFKA_CLIENTS.join(', ')}`,
          );
        args.clients = names as KafkaClientName[];
        i++;
        break;
      }
      case '--backlog':
        args.backlog = whole(value(i, arg), arg, 100);
        i++;
        break;
      case '--write-baseline':
        args.writeBaseline = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new Error(
          `unknown argument "${arg}"; use --quick, --reps N, --stages a,b, --clients a,b, --backlog N, --seed N, --baseline FILE, --write-baseline`,
        );
    }
  }
  return args;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[:.]/g, '-').replace('Z', '');
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(BENCH_USAGE);
    return 0;
  }
  silenceKafkajsTimerWarning();
  const base = args.quick ? QUICK_PLAN : FULL_PLAN;
  const plan: BenchPlan = {
    ...base,
    repetitions: args.reps ?? base.repetitions,
    stages: args.stages ?? base.stages,
    kafkaClients: args.clients ?? base.kafkaClients,
    backlog: args.backlog ?? base.backlog,
  };
  const started = Date.now();
  const log = (line: string) => console.log(`[bench +${Math.round((Date.now() - started) / 1000)}s] ${line}`);
  const lab = openLab(log);
  const dir = path.join(lab.config.paths.reportsDir, `${stamp(new Date())}-bench`);
  const flags = [
    ...(args.quick ? ['--quick'] : []),
    ...(args.reps ? ['--reps', String(args.reps)] : []),
    ...(args.stages ? ['--stages', args.stages.join(',')] : []),
    ...(args.clients ? ['--clients', args.clients.join(',')] : []),
    ...(args.backlog ? ['--backlog', String(args.backlog)] : []),
  ];
  const command = `npm run bench${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`;
  try {
    log(`${plan.mode} bench, ${plan.repetitions} repetition(s); report in ${dir}`);
    log('bringing the lab up');
    await lab.runtime.up({ stack: true, onProgress: () => {} });
    const result = await runBench(lab, plan, dir, args.seed);

    let gate: GateFinding[] | undefined;
    if (fs.existsSync(args.baseline)) {
      const baseline = readBaseline(args.baseline);
      // A partial run (--stages) leaves targets unmeasured on purpose, another backlog changes what
      // the relay and worker stages measure: neither is gated.
      if (args.stages) log('a run of some stages only is not gated');
      else if (args.backlog) log('a run with its own --backlog is not gated');
      else if (baseline.mode === plan.mode) gate = compareToBaseline(result.targets, baseline);
      else log(`baseline ${args.baseline} is a ${baseline.mode} one; a ${plan.mode} run is not gated`);
    }
    writeReport(dir, result, gate, command);
    if (args.writeBaseline) {
      const written = baselineFrom(result.targets, plan.mode, `recorded by \`${command} --write-baseline\``);
      fs.writeFileSync(args.baseline, `${JSON.stringify(written, null, 2)}\n`);
      log(`baseline written to ${args.baseline}`);
    }

    console.log('');
    console.log(renderTargetsTable(result.targets));
    const weakest = weakestStage(result.targets);
    if (weakest) console.log(`\nstage furthest from its limit: ${weakest.name}`);
    for (const c of result.capacity)
      if (c.wall) console.log(`first process to saturate at capacity: ${c.wall.process}`);
    console.log(`\nreport: ${path.join(dir, 'bench.md')}`);
    if (result.errors.length > 0) console.log(`stages that failed: ${result.errors.length} (see the report)`);
    const regressed = (gate ?? []).filter((g) => g.regressed);
    if (regressed.length > 0) {
      console.log(
        `\nREGRESSED against the baseline (> 25 % worse): ${regressed.map((g) => `${g.name} ${g.value?.toFixed(3) ?? 'unmeasured'} vs ${g.baseline}`).join('; ')}`,
      );
      return 1;
    }
    return result.errors.length > 0 ? 1 : 0;
  } finally {
    await lab.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}
