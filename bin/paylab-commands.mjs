// The `paylab` command's one table: each subcommand, the entry file it runs (the same file its
// npm script runs — `npm run lab`, `npm run scenario`… stay as aliases), what it passes first, and
// one line for the overview. A subcommand whose entry is not in this build says so instead of
// failing. Plain JavaScript: it is read before tsx is registered.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @typedef {object} Command
 * @property {string} entry  entry file, relative to the repository root
 * @property {string[]} pass  arguments put before the user's (the lab CLI's command name)
 * @property {string} npm  the npm script that runs the same entry
 * @property {string} summary  one line for `paylab --help`
 */

/** @type {Record<string, Command>} */
export const COMMANDS = {
  up: {
    entry: 'system/lab/cli.ts',
    pass: ['up'],
    npm: 'lab',
    summary: 'start the lab (idempotent), native or docker',
  },
  down: {
    entry: 'system/lab/cli.ts',
    pass: ['down'],
    npm: 'lab',
    summary: 'stop everything the lab started',
  },
  status: { entry: 'system/lab/cli.ts', pass: ['status'], npm: 'lab', summary: 'one line per service' },
  logs: { entry: 'system/lab/cli.ts', pass: ['logs'], npm: 'lab', summary: "print a service's log" },
  reset: {
    entry: 'system/lab/cli.ts',
    pass: ['reset'],
    npm: 'lab',
    summary: "down, then wipe the lab's data",
  },
  tools: {
    entry: 'system/lab/cli.ts',
    pass: ['tools'],
    npm: 'lab',
    summary: 'where the installed tools live',
  },
  scenario: {
    entry: 'scenarios/runner/cli.ts',
    pass: [],
    npm: 'scenario',
    summary: 'run a scenario: load, faults, checker, report (--list: the catalogue)',
  },
  explore: {
    entry: 'scenarios/explore/cli.ts',
    pass: [],
    npm: 'explore',
    summary: 'draw seeded fault schedules, check, shrink a failure to a scenario file',
  },
  bench: { entry: 'bench/cli.ts', pass: [], npm: 'bench', summary: 'benchmark the stack' },
  dashboard: {
    entry: 'dashboards/terminal/cli.tsx',
    pass: [],
    npm: 'dashboard',
    summary: 'the live terminal view against a running lab',
  },
  ops: {
    entry: 'system/src/bin/ops.ts',
    pass: [],
    npm: 'ops',
    summary: 'operator commands: outbox-requeue, dlt-replay',
  },
};

export const USAGE = `usage: paylab <command> [flags]      (paylab <command> --help: its flags)

${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Each command is also an npm script: npm run lab -- up, npm run scenario smoke -- --rate 50, …
`;

/** Edit distance, for "did you mean". */
function distance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1)
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/** The command a typo most likely meant: a prefix of 2+ letters, or within a third of its length. */
export function closestCommand(name) {
  const ranked = Object.keys(COMMANDS)
    .map((k) => ({ k, d: k.startsWith(name) && name.length >= 2 ? 0.5 : distance(name, k) }))
    .sort((x, y) => x.d - y.d);
  const best = ranked[0];
  return best && best.d <= Math.max(1, Math.floor(best.k.length / 3)) ? best.k : undefined;
}

/**
 * What `paylab <argv>` does, decided without running anything:
 * - `{ kind: 'print', stream, text, code }`: help, or a usage error;
 * - `{ kind: 'run', entry, argv }`: run that entry file with those arguments.
 * @param {readonly string[]} argv
 * @param {(file: string) => boolean} [exists]
 */
export function dispatch(argv, exists = (file) => fs.existsSync(path.join(REPO_ROOT, file))) {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h')
    return { kind: 'print', stream: 'stdout', text: USAGE, code: 0 };
  let name = first;
  let args = rest;
  if (first === 'help') {
    if (rest[0] === undefined) return { kind: 'print', stream: 'stdout', text: USAGE, code: 0 };
    name = rest[0];
    args = ['--help'];
  }
  if (name.startsWith('-'))
    return { kind: 'print', stream: 'stderr', text: `paylab: unknown option ${name}\n\n${USAGE}`, code: 2 };
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const near = closestCommand(name);
    return {
      kind: 'print',
      stream: 'stderr',
      text: `paylab: unknown command ${name}${near ? ` — did you mean ${near}?` : ''}\n\n${USAGE}`,
      code: 2,
    };
  }
  if (!exists(command.entry))
    return {
      kind: 'print',
      stream: 'stderr',
      text: `paylab ${name}: not available in this build (${command.entry} is not here yet)\n`,
      code: 1,
    };
  return { kind: 'run', entry: command.entry, argv: [...command.pass, ...args] };
}
