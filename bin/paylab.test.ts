/**
 * `paylab <command>` as a user meets it: the real bin spawned with node, its stdout, stderr and
 * exit code. Help and usage errors only — nothing here needs a running lab.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS, REPO_ROOT, closestCommand, dispatch } from './paylab-commands.mjs';

const execFileAsync = promisify(execFile);
// Each spawn starts Node and tsx: seconds on a loaded 2-core machine, so generous limits.
const SPAWN_TIMEOUT = 120_000;
const BIN = path.join(REPO_ROOT, 'bin', 'paylab.mjs');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function paylab(...args: string[]): Promise<Result> {
  // No npm_config_* from an outer `npm test`: the runner would take them for flags npm ate.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_config_')));
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env,
      timeout: SPAWN_TIMEOUT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const noStackTrace = (text: string): void => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
const available = (name: string): boolean =>
  fs.existsSync(path.join(REPO_ROOT, COMMANDS[name]?.entry ?? 'missing'));

describe.concurrent('paylab <command> --help', { timeout: SPAWN_TIMEOUT }, () => {
  for (const name of Object.keys(COMMANDS)) {
    it(`${name} --help`, async () => {
      const result = await paylab(name, '--help');
      noStackTrace(result.stderr);
      if (!available(name)) {
        // Wired in the table; its entry comes with another branch.
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(new RegExp(`paylab ${name}: not available in this build`));
        return;
      }
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/usage/i);
      if (COMMANDS[name]?.entry === 'system/lab/cli.ts') expect(result.stdout).toContain(`  ${name}`);
    });
  }
});

describe.concurrent(
  'paylab usage errors: one message and the usage, never a stack trace',
  { timeout: SPAWN_TIMEOUT },
  () => {
    it('no command: the overview on stdout, exit 0', async () => {
      const result = await paylab();
      expect(result.code).toBe(0);
      for (const name of Object.keys(COMMANDS)) expect(result.stdout).toContain(`  ${name}`);
    });

    it('an unknown command gets "did you mean", exit 2', async () => {
      const result = await paylab('stauts');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/unknown command stauts — did you mean status\?/);
      noStackTrace(result.stderr);
    });

    it('an unknown option of paylab itself, exit 2', async () => {
      const result = await paylab('--verbose');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/unknown option --verbose/);
    });

    it('up --bogus: the option named, up’s usage, exit 2', async () => {
      const result = await paylab('up', '--bogus');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/unknown option --bogus for up/);
      expect(result.stderr).toMatch(/usage: paylab up/);
      noStackTrace(result.stderr);
    });

    it('logs without a service, and status with a wrong runtime', async () => {
      const logs = await paylab('logs');
      expect(logs.code).toBe(2);
      expect(logs.stderr).toMatch(/logs needs a service name/);
      const status = await paylab('status', '--runtime', 'podman');
      expect(status.code).toBe(2);
      expect(status.stderr).toMatch(/--runtime must be native or docker, got podman/);
    });

    it('scenario: an unknown flag and an unknown scenario', async () => {
      const flag = await paylab('scenario', 'smoke', '--rat', '50');
      expect(flag.code).toBe(2);
      expect(flag.stderr).toMatch(/unknown flag --rat/);
      const name = await paylab('scenario', 'smok');
      expect(name.code).toBe(2);
      expect(name.stderr).toMatch(/Did you mean "smoke"/);
      noStackTrace(flag.stderr + name.stderr);
    });

    it('dashboard and ops: an unknown flag is a usage error', async () => {
      const dashboard = await paylab('dashboard', '--prom', 'x');
      expect(dashboard.code).toBe(2);
      expect(dashboard.stderr).toMatch(/Unknown option '--prom'/);
      expect(dashboard.stderr).toMatch(/usage: npm run dashboard/);
      const ops = await paylab('ops', 'dlt-replay', '--dryrun');
      expect(ops.code).toBe(2);
      expect(ops.stderr).toMatch(/Unknown option '--dryrun'/);
      const unknown = await paylab('ops', 'replay');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/ops: unknown command replay/);
      noStackTrace(dashboard.stderr + ops.stderr + unknown.stderr);
    });
  },
);

describe('the command table', () => {
  it('runs the entry each npm script runs (the scripts are aliases)', () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    for (const [name, command] of Object.entries(COMMANDS)) {
      const script = scripts[command.npm];
      if (script === undefined) {
        // explore and bench: their npm scripts arrive with their entries.
        expect(available(name), `${name}: an entry without an npm script`).toBe(false);
        continue;
      }
      expect(script.split(' '), name).toContain(command.entry);
    }
  });

  it('help <command> is <command> --help; a prefix or a typo is suggested', () => {
    expect(dispatch(['help', 'up'])).toEqual({
      kind: 'run',
      entry: 'system/lab/cli.ts',
      argv: ['up', '--help'],
    });
    expect(dispatch(['scenario', 'smoke', '--rate', '5'])).toEqual({
      kind: 'run',
      entry: 'scenarios/runner/cli.ts',
      argv: ['smoke', '--rate', '5'],
    });
    expect(dispatch(['bench'], () => false)).toMatchObject({ kind: 'print', code: 1 });
    expect(closestCommand('scenaro')).toBe('scenario');
    expect(closestCommand('dash')).toBe('dashboard');
    expect(closestCommand('xyzzy')).toBeUndefined();
  });
});
