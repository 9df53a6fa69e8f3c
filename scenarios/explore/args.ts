/** Command-line flags of `npm run explore`, validated: a wrong flag or value is named, never ignored. */
import { KNOB_NAMES, KNOBS, type KnobName, type StrategyKnobs } from '../../system/src/config.ts';
import { FilterError, parseFaultFilter, type FaultFilter } from './schedule.ts';

export interface ExploreArgs {
  help: boolean;
  plain: boolean;
  seed: number;
  runs: number | null;
  budgetMs: number | null;
  shrinkRuns: number;
  strategy: Partial<StrategyKnobs>;
  faults?: FaultFilter;
}

export class ExploreUsageError extends Error {
  override name = 'ExploreUsageError';
}

export const DEFAULT_RUNS = 10;
/** Each shrink run is a lab run (about a minute): twelve is enough to drop three faults and halve
 *  a window or two, and bounds the shrink at ~12 minutes. */
export const DEFAULT_SHRINK_RUNS = 12;

export const EXPLORE_USAGE = `usage: npm run explore -- [--runs N | --budget 30m] [--seed S] [--set knob=value ...]
                        [--faults pg,link:kafka,process:worker] [--shrink-runs N] [--plain]

Each run draws 1–4 faults from the fault registry and a load (rate, cancels, key reuse) from its
seed (run i uses seed S+i-1), plays it like \`npm run scenario\`, and checks every invariant. On the
first violation it shrinks the schedule and writes scenarios/found/<invariant>-<seed>.ts.

flags:
  --runs <n>          runs to play (default ${DEFAULT_RUNS})
  --budget <time>     instead of --runs: start runs until this much time has passed (90s, 30m, 2h)
  --seed <n>          seed of the first run (default 1)
  --set <knob=value>  a strategy knob for every run, e.g. workerPgRetry=naive (repeatable)
                      knobs: ${KNOB_NAMES.join(', ')}
  --faults <list>     fault kinds (and targets) to draw from: kind or kind:target, comma-separated
  --shrink-runs <n>   most runs the shrinker may play (default ${DEFAULT_SHRINK_RUNS})
  --plain             plain progress lines even on a terminal`;

function whole(flag: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new ExploreUsageError(
      `${flag} expects a whole number from ${min} to ${max}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
    );
  return n;
}

/** 90s, 30m, 2h, or plain seconds. */
export function parseDuration(flag: string, value: string | undefined): number {
  const m = value === undefined ? null : /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(value.trim());
  const amount = m ? Number(m[1]) : NaN;
  const ms = amount * { s: 1000, m: 60_000, h: 3_600_000 }[(m?.[2] ?? 's') as 's' | 'm' | 'h'];
  if (!m || !(ms >= 1000) || ms > 7 * 24 * 3_600_000)
    throw new ExploreUsageError(
      `${flag} expects a duration like 90s, 30m or 2h, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
    );
  return ms;
}

function knob(value: string | undefined): [KnobName, string] {
  const [name, mode] = (value ?? '').split('=');
  if (!name || mode === undefined)
    throw new ExploreUsageError(`--set expects knob=value, got ${JSON.stringify(value ?? '')}`);
  if (!(KNOB_NAMES as readonly string[]).includes(name))
    throw new ExploreUsageError(`--set: unknown knob "${name}" (knobs: ${KNOB_NAMES.join(', ')})`);
  const modes: readonly string[] = KNOBS[name as KnobName].modes;
  if (!modes.includes(mode))
    throw new ExploreUsageError(`--set ${name}: expected one of ${modes.join(', ')}, got "${mode}"`);
  return [name as KnobName, mode];
}

const FLAGS = ['--runs', '--budget', '--seed', '--set', '--faults', '--shrink-runs', '--plain', '--help'];

/** `npm run explore --runs 3` (no `--`) hands --runs to npm, which keeps it as npm_config_runs and
 *  runs the default exploration instead: refused, with the command to type. */
function refuseFlagsNpmAte(env: Readonly<Record<string, string | undefined>>): void {
  for (const flag of FLAGS) {
    const value = env[`npm_config_${flag.slice(2).replace(/-/g, '_')}`];
    if (value === undefined) continue;
    const typed = value === 'true' || value === '' ? flag : `${flag}=${value}`;
    throw new ExploreUsageError(
      `npm took ${typed} as its own option, so the exploration would run without it: type npm run explore -- ${typed}`,
    );
  }
}

export function parseExploreArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): ExploreArgs {
  refuseFlagsNpmAte(env);
  const args: ExploreArgs = {
    help: false,
    plain: false,
    seed: 1,
    runs: null,
    budgetMs: null,
    shrinkRuns: DEFAULT_SHRINK_RUNS,
    strategy: {},
  };
  const strategy: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const raw = argv[i]!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = () => (eq > 0 ? raw.slice(eq + 1) : argv[++i]);
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--plain') args.plain = true;
    else if (flag === '--runs') args.runs = whole(flag, value(), 1, 10_000);
    else if (flag === '--budget') args.budgetMs = parseDuration(flag, value());
    else if (flag === '--seed') args.seed = whole(flag, value(), 0, 2 ** 31 - 1);
    else if (flag === '--shrink-runs') args.shrinkRuns = whole(flag, value(), 0, 1000);
    else if (flag === '--set') {
      const [k, v] = knob(value());
      strategy[k] = v;
    } else if (flag === '--faults') {
      try {
        args.faults = parseFaultFilter(value() ?? '');
      } catch (error) {
        if (error instanceof FilterError) throw new ExploreUsageError(error.message);
        throw error;
      }
    } else throw new ExploreUsageError(`unknown flag ${raw}\n\n${EXPLORE_USAGE}`);
  }
  if (args.runs !== null && args.budgetMs !== null)
    throw new ExploreUsageError('--runs and --budget: give one of them (runs stop at whichever you name)');
  if (args.runs === null && args.budgetMs === null) args.runs = DEFAULT_RUNS;
  args.strategy = strategy as Partial<StrategyKnobs>;
  return args;
}
