/** Command-line flags of `npm run scenario`, validated: a wrong flag is named, never ignored. */
import type { Overrides } from '../lib/overrides.ts';

export interface CliArgs {
  name?: string;
  list: boolean;
  help: boolean;
  plain: boolean;
  seed?: number;
  /** Which stack to drive; unset: PAYLAB_RUNTIME, else the runtime `lab up` recorded, else native. */
  runtime?: 'native' | 'docker';
  overrides: Overrides;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: npm run scenario <name> [-- flags]
       npm run scenario -- --list

flags:
  --rate <n>        arrival rate per second (a ramp scales so its peak becomes n)
  --duration <s>    load duration in seconds (the fault timeline scales with it)
  --relays <n>      relay instances          --workers <n>   worker instances
  --brokers <1|3>   Kafka brokers (3: the KRaft cluster; scenarios with broker faults ask for it)
  --drain <s>       drain deadline after the load, in seconds
  --seed <n>        seed of the fault schedule and the PG's randomness (default: the scenario's
                    own seed if it has one, else PAYLAB_SEED or 42)
  --runtime <kind>  native or docker (default: the runtime \`lab up\` recorded, else native)
  --plain           plain progress lines even on a terminal
  --list            list the scenarios, one line each`;

const NUMERIC: Record<string, { key: keyof Overrides | 'seed'; min: number; max: number; integer: boolean }> =
  {
    '--rate': { key: 'rate', min: 1, max: 2000, integer: false },
    '--duration': { key: 'durationSeconds', min: 5, max: 3600, integer: true },
    '--relays': { key: 'relays', min: 1, max: 9, integer: true },
    '--workers': { key: 'workers', min: 1, max: 9, integer: true },
    '--brokers': { key: 'brokers', min: 1, max: 3, integer: true },
    '--drain': { key: 'drainDeadlineSeconds', min: 5, max: 3600, integer: true },
    '--seed': { key: 'seed', min: 0, max: 2 ** 31 - 1, integer: true },
  };

const BOOLEAN_FLAGS = ['--list', '--help', '--plain'];
const STRING_FLAGS = ['--runtime'];

/**
 * `npm run scenario smoke --rate=50` (no `--` before the flags) hands --rate to npm, which keeps it
 * as npm_config_rate and runs the scenario without it: a run at the default rate the user never
 * asked for. Such a flag is refused with the command to type instead.
 */
function refuseFlagsNpmAte(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): void {
  for (const flag of [...Object.keys(NUMERIC), ...BOOLEAN_FLAGS, ...STRING_FLAGS]) {
    const value = env[`npm_config_${flag.slice(2)}`];
    if (value === undefined) continue;
    const typed = value === 'true' || value === '' ? flag : `${flag}=${value}`;
    const name = argv.find((a) => !a.startsWith('-') && !/^\d/.test(a)) ?? '<name>';
    throw new UsageError(
      `npm took ${typed} as its own option, so the scenario would run without it: type npm run scenario ${name} -- ${typed}`,
    );
  }
}

export function parseArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): CliArgs {
  refuseFlagsNpmAte(argv, env);
  const args: CliArgs = { list: false, help: false, plain: false, overrides: {} };
  for (let i = 0; i < argv.length; i += 1) {
    const raw = argv[i]!;
    const [flag, inlineValue] =
      raw.startsWith('--') && raw.includes('=')
        ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)]
        : [raw, undefined];
    if (flag === '--list') args.list = true;
    else if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--plain') args.plain = true;
    else if (flag === '--runtime') {
      const value = inlineValue ?? argv[++i];
      if (value !== 'native' && value !== 'docker')
        throw new UsageError(
          `--runtime expects native or docker, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
        );
      args.runtime = value;
    } else if (flag in NUMERIC) {
      const spec = NUMERIC[flag]!;
      const value = inlineValue ?? argv[++i];
      const n = Number(value);
      if (
        value === undefined ||
        value.trim() === '' ||
        !Number.isFinite(n) ||
        n < spec.min ||
        n > spec.max ||
        (spec.integer && !Number.isInteger(n))
      ) {
        throw new UsageError(
          `${flag} expects ${spec.integer ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
        );
      }
      if (spec.key === 'seed') args.seed = n;
      else args.overrides[spec.key] = n;
    } else if (flag.startsWith('-')) throw new UsageError(`unknown flag ${flag}\n\n${USAGE}`);
    else if (args.name === undefined) args.name = flag;
    else throw new UsageError(`one scenario at a time: got "${args.name}" and "${flag}"`);
  }
  return args;
}
