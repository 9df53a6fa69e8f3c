/**
 * Runs the real k6 the lab installed on the scenario's script, with Prometheus remote write
 * (native histograms) and the run's parameters in the environment. The merchant API key goes in
 * the child's environment only; it is never on the command line or in a log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabConfig } from '../../system/src/config.ts';
import type { LoadProfile } from '../lib/define.ts';

export const K6_SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'k6',
  'payments.ts',
);

export interface K6Run {
  /** Resolves with k6's exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Asks k6 to stop: SIGINT makes it end the test and still write its summary. */
  interrupt(): void;
  child: ChildProcess;
}

export interface K6Files {
  summary: string;
  console: string;
  log: string;
}

export function k6Files(runDir: string): K6Files {
  return {
    summary: path.join(runDir, 'k6-summary.json'),
    console: path.join(runDir, 'k6-console.log'),
    log: path.join(runDir, 'k6.log'),
  };
}

export function startK6(options: {
  k6Path: string;
  config: LabConfig;
  load: LoadProfile;
  maxDroppedIterations: number;
  runId: string;
  seed: number;
  apiKey: string;
  files: K6Files;
}): K6Run {
  const { config, files } = options;
  if (!fs.existsSync(options.k6Path)) {
    throw new Error(`k6 is not installed at ${options.k6Path}; \`npm run lab -- up\` installs it`);
  }
  const prom = config.services.prometheus;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PAYLAB_LOAD: JSON.stringify({ ...options.load, maxDroppedIterations: options.maxDroppedIterations }),
    PAYLAB_API_URL: `http://${config.services.api.host}:${config.services.api.port}`,
    PAYLAB_API_KEY: options.apiKey,
    PAYLAB_RUN_ID: options.runId,
    PAYLAB_SEED: String(options.seed),
    PAYLAB_SUMMARY_FILE: files.summary,
    K6_PROMETHEUS_RW_SERVER_URL: `http://${prom.host}:${prom.port}/api/v1/write`,
    K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true',
    K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
  };
  const log = fs.openSync(files.log, 'a');
  const child = spawn(
    options.k6Path,
    [
      'run',
      '--no-usage-report',
      '--no-color',
      '--quiet',
      '--console-output',
      files.console,
      '--tag',
      `testid=${options.runId}`,
      '-o',
      'experimental-prometheus-rw',
      K6_SCRIPT,
    ],
    { env, stdio: ['ignore', log, log] },
  );
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      fs.closeSync(log);
      resolve(code);
    });
  });
  return {
    exited,
    interrupt: () => {
      if (child.exitCode === null) child.kill('SIGINT');
    },
    child,
  };
}

/** Waits for the line k6's setup() prints when the arrival-rate clock starts. */
export async function waitForLoadStart(
  consoleFile: string,
  exited: Promise<number | null>,
  timeoutMs = 60_000,
): Promise<number | null> {
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(consoleFile)) {
      const m = /paylab-load-start (\d{13})/.exec(fs.readFileSync(consoleFile, 'utf8'));
      if (m) return Number(m[1]);
    }
    if (done) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}
