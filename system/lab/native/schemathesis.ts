/**
 * Schemathesis (the OpenAPI fuzzer, from PyPI) in a virtualenv of its own under the tools folder,
 * installed on first use with the machine's python3 — CI starts from a fresh machine with python3
 * and PyPI reachable, and nothing is installed by hand. The version is pinned: its CLI and checks
 * change a lot between releases.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LabConfig } from '../../src/config.ts';
import { CommandError, run, runOrThrow, which } from './exec.ts';
import { aptInstall, ToolInstallError } from './tools.ts';

export const SCHEMATHESIS_VERSION = '4.32.5';

export class SchemathesisInstallError extends Error {
  override name = 'SchemathesisInstallError';
}

/** Where the virtualenv lives; the marker file is written last, so a half-finished install is redone. */
export function schemathesisPaths(config: LabConfig): { venv: string; bin: string; marker: string } {
  const venv = path.join(config.paths.toolsDir, `py-schemathesis-${SCHEMATHESIS_VERSION}`);
  return {
    venv,
    bin: path.join(venv, 'bin', 'schemathesis'),
    marker: path.join(venv, '.installed'),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One installer at a time per tools folder (a lock directory; mkdir is atomic). A lock older than
 * the longest install is left by a crashed installer and is taken over.
 */
async function withInstallLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const staleMs = 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > staleMs) fs.rmSync(lockDir, { recursive: true, force: true });
      else await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Returns the schemathesis executable, installing it first when needed. */
export async function ensureSchemathesis(config: LabConfig, log: (line: string) => void): Promise<string> {
  const { venv, bin, marker } = schemathesisPaths(config);
  if (fs.existsSync(marker)) return bin;
  const python = which('python3');
  if (!python)
    throw new SchemathesisInstallError(
      'python3 is missing; install it (sudo apt-get install -y python3 python3-venv) to run the OpenAPI fuzz',
    );
  fs.mkdirSync(config.paths.toolsDir, { recursive: true });
  fs.mkdirSync(config.paths.logsDir, { recursive: true });
  const logFile = path.join(config.paths.logsDir, 'install.log');
  return withInstallLock(`${venv}.lock`, async () => {
    if (fs.existsSync(marker)) return bin; // another process installed it while we waited
    log(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${venv} (output: ${logFile})`);
    fs.rmSync(venv, { recursive: true, force: true });
    try {
      let made = await run(python, ['-m', 'venv', venv], { logFile });
      if (made.code !== 0 && process.getuid?.() === 0 && which('apt-get')) {
        // Debian ships venv (ensurepip) apart from python3; install it like the lab's other packages.
        log('python3 -m venv failed; installing python3-venv with apt-get');
        await aptInstall(config, 'python3-venv');
        fs.rmSync(venv, { recursive: true, force: true });
        made = await run(python, ['-m', 'venv', venv], { logFile });
      }
      if (made.code !== 0)
        throw new SchemathesisInstallError(
          `python3 -m venv failed (is python3-venv installed? sudo apt-get install -y python3-venv):\n${made.output.trim()}`,
        );
      await runOrThrow(
        'pip install schemathesis',
        path.join(venv, 'bin', 'pip'),
        ['install', '--disable-pip-version-check', '--no-input', `schemathesis==${SCHEMATHESIS_VERSION}`],
        { logFile, timeoutMs: 10 * 60_000 },
      );
      const version = await runOrThrow('schemathesis --version', bin, ['--version']);
      if (!version.includes(SCHEMATHESIS_VERSION))
        throw new SchemathesisInstallError(
          `expected schemathesis ${SCHEMATHESIS_VERSION}, got: ${version.trim()}`,
        );
    } catch (error) {
      fs.rmSync(venv, { recursive: true, force: true });
      if (
        error instanceof CommandError ||
        error instanceof SchemathesisInstallError ||
        error instanceof ToolInstallError
      )
        throw error;
      throw new SchemathesisInstallError('installing schemathesis failed', { cause: error });
    }
    fs.writeFileSync(marker, `${SCHEMATHESIS_VERSION}\n`);
    return bin;
  });
}
