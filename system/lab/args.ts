/** Parsing the lab CLI's arguments: pure, so every error message is unit-tested. */

export type LabCommand =
  | {
      command: 'up';
      infraOnly: boolean;
      runtime?: 'native' | 'docker';
      relays?: number;
      workers?: number;
      brokers?: 1 | 3;
    }
  | { command: 'down'; runtime?: 'native' | 'docker' }
  | { command: 'status'; json: boolean; runtime?: 'native' | 'docker' }
  | { command: 'logs'; target: string; follow: boolean; lines: number }
  | { command: 'reset'; runtime?: 'native' | 'docker' }
  | { command: 'tools' }
  /** `topic`: one command's help (`up --help`); none: the whole list. */
  | { command: 'help'; topic?: LabCommandName };

export const LAB_COMMANDS = ['up', 'down', 'status', 'logs', 'reset', 'tools'] as const;
export type LabCommandName = (typeof LAB_COMMANDS)[number];

export class UsageError extends Error {
  override name = 'UsageError';
}

/** One usage block per command: `<command> --help` prints its own, the bare CLI all of them. */
export const COMMAND_USAGE: Record<LabCommandName, string> = {
  up: `  up [--infra] [--runtime native|docker] [--relays N] [--workers N] [--brokers 1|3]
                      start the lab (idempotent); --infra: db, redis, kafka, toxiproxy, prometheus only;
                      --runtime docker: the docker compose stack (recorded: later commands use it too);
                      --brokers 3: Kafka as a 3-broker KRaft cluster (default 1)`,
  down: `  down [--runtime native|docker]
                      stop everything the lab started, and only that`,
  status: `  status [--json] [--runtime native|docker]
                      one line per service: state, pid, address; exit 1 if anything is unhealthy`,
  logs: `  logs <service> [-f] [-n LINES]
                      print a service's log (api, relay-0, worker-1, kafka, db, install…)`,
  reset: `  reset [--runtime native|docker]
                      down, then wipe the lab's state, logs and pid files (tools and secrets stay)`,
  tools: `  tools               print where the installed tools (k6, toxiproxy, kafka jars) live`,
};

export const USAGE = `usage: npm run lab -- <command>   (or: paylab <command>)

${LAB_COMMANDS.map((c) => COMMAND_USAGE[c]).join('\n')}
`;

export function commandUsage(command: LabCommandName): string {
  return `usage: paylab ${command} …   (or: npm run lab -- ${command} …)

${COMMAND_USAGE[command]}
`;
}

const HELP_FLAGS = ['--help', '-h'];

function count(flag: string, raw: string | undefined): number {
  if (raw === undefined || !/^\d+$/.test(raw))
    throw new UsageError(`${flag} needs a whole number, got ${raw ?? 'nothing'}`);
  const value = Number(raw);
  if (value > 9) throw new UsageError(`${flag} must be between 0 and 9, got ${value}`);
  return value;
}

export function brokerCount(raw: string | undefined): 1 | 3 {
  if (raw === '1') return 1;
  if (raw === '3') return 3;
  throw new UsageError(`--brokers must be 1 (one broker) or 3 (the KRaft cluster), got ${raw ?? 'nothing'}`);
}

function runtimeOf(raw: string | undefined): 'native' | 'docker' {
  if (raw === 'native' || raw === 'docker') return raw;
  throw new UsageError(`--runtime must be native or docker, got ${raw ?? 'nothing'}`);
}

export function parseLabArgs(argv: readonly string[]): LabCommand {
  const [command, ...rest] = argv;
  // Unset: the runtime the last `up` recorded (system/lab/runtime-for.ts), else native.
  let runtime: 'native' | 'docker' | undefined;
  const unknown = (arg: string): never => {
    throw new UsageError(`unknown option ${arg} for ${command}`);
  };
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { command: 'help' };
  }
  if ((LAB_COMMANDS as readonly string[]).includes(command) && rest.some((a) => HELP_FLAGS.includes(a)))
    return { command: 'help', topic: command as LabCommandName };
  switch (command) {
    case 'up': {
      const result: LabCommand = { command: 'up', infraOnly: false };
      for (let i = 0; i < rest.length; i++) {
        const arg = rest[i];
        if (arg === '--infra') result.infraOnly = true;
        else if (arg === '--runtime') result.runtime = runtimeOf(rest[++i]);
        else if (arg === '--relays') result.relays = count('--relays', rest[++i]);
        else if (arg === '--workers') result.workers = count('--workers', rest[++i]);
        else if (arg === '--brokers') result.brokers = brokerCount(rest[++i]);
        else unknown(arg ?? '');
      }
      return result;
    }
    case 'down':
    case 'reset': {
      for (let i = 0; i < rest.length; i++) {
        if (rest[i] === '--runtime') runtime = runtimeOf(rest[++i]);
        else unknown(rest[i] ?? '');
      }
      return { command, runtime };
    }
    case 'status': {
      let json = false;
      for (let i = 0; i < rest.length; i++) {
        if (rest[i] === '--json') json = true;
        else if (rest[i] === '--runtime') runtime = runtimeOf(rest[++i]);
        else unknown(rest[i] ?? '');
      }
      return { command: 'status', json, runtime };
    }
    case 'logs': {
      let target: string | undefined;
      let follow = false;
      let lines = 100;
      for (let i = 0; i < rest.length; i++) {
        const arg = rest[i] ?? '';
        if (arg === '-f' || arg === '--follow') follow = true;
        else if (arg === '-n' || arg === '--lines') {
          const raw = rest[++i];
          if (raw === undefined || !/^[1-9]\d{0,5}$/.test(raw))
            throw new UsageError(`-n needs a positive number of lines, got ${raw ?? 'nothing'}`);
          lines = Number(raw);
        } else if (arg.startsWith('-')) unknown(arg);
        else if (target === undefined) target = arg;
        else throw new UsageError(`logs takes one service, got ${target} and ${arg}`);
      }
      if (target === undefined)
        throw new UsageError('logs needs a service name, e.g. `logs kafka` or `logs worker-0`');
      if (!/^[a-z0-9-]+$/.test(target)) throw new UsageError(`not a service name: ${target}`);
      return { command: 'logs', target, follow, lines };
    }
    case 'tools':
      if (rest.length > 0) unknown(rest[0] ?? '');
      return { command: 'tools' };
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}
