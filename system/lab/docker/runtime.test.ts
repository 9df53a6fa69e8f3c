/**
 * The docker runtime's side of each command, with a recording stand-in for the `docker` CLI on
 * PATH (these machines have no Docker engine): which compose commands it issues, in what order,
 * with which environment, and what it prepares on the host first. What compose then does with
 * those commands is covered by compose-spec.test.ts (through compose-go), not here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type LabConfig } from '../../src/config.ts';
import { secretsFile } from '../../src/secrets.ts';
import { LabError } from '../runtime.ts';
import { execFileSync } from 'node:child_process';
import { DockerRuntime, K6_COMPOSE_SCRIPT, labServiceOf, parseComposePs, statusesFromPs } from './runtime.ts';

interface Call {
  args: string[];
  uid: string;
  relayAck: string;
  secretsExisted: boolean;
}

let dir: string;
let config: LabConfig;
let savedPath: string | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-docker-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const lab = path.join(dir, '.lab');
  // The stand-in answers `docker info`, and records every compose call with the environment the
  // compose file would interpolate and whether the secrets already existed on the host.
  fs.writeFileSync(
    path.join(bin, 'docker'),
    `#!/bin/sh
if [ "$1" = info ]; then echo 27.0.0; exit 0; fi
secrets=false; [ -f "${lab}/secrets.json" ] && secrets=true
printf '%s\\t%s\\t%s\\t%s\\n' "$PAYLAB_UID" "$PAYLAB_RELAY_ACK" "$secrets" "$*" >> "${dir}/calls.tsv"
case "$*" in *" ps "*)
  echo '{"Service":"api","State":"running","Health":"healthy","Status":"Up 3 seconds (healthy)"}'
  echo '{"Service":"worker-1","State":"running","Health":"unhealthy","Status":"Up (unhealthy)"}'
  echo '{"Service":"grafana","State":"running","Health":"healthy"}'
  echo '{"Service":"create-topics","State":"exited","Health":""}' ;;
esac
`,
    { mode: 0o755 },
  );
  savedPath = process.env.PATH;
  process.env.PATH = `${bin}:${savedPath ?? ''}`;
  config = loadConfig({ PAYLAB_LAB_DIR: lab, PAYLAB_REPORTS_DIR: path.join(dir, 'reports') });
});

afterEach(() => {
  process.env.PATH = savedPath;
  fs.rmSync(dir, { recursive: true, force: true });
});

function calls(): Call[] {
  return fs
    .readFileSync(path.join(dir, 'calls.tsv'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [uid = '', relayAck = '', secrets = '', args = ''] = line.split('\t');
      return { uid, relayAck, secretsExisted: secrets === 'true', args: args.split(' ') };
    });
}

describe('DockerRuntime', () => {
  it('up: secrets and reports made on the host first, knobs and host ids in the environment, instances in an override', async () => {
    await new DockerRuntime(config).up({
      stack: true,
      strategy: { relayAck: 'fire-and-forget' },
      instances: { relay: 1, worker: 3 },
    });
    const [first, ...rest] = calls();
    expect(rest).toEqual([]);
    expect(first?.secretsExisted).toBe(true);
    expect(fs.statSync(secretsFile(config)).uid).toBe(process.getuid?.());
    expect(fs.existsSync(config.paths.reportsDir)).toBe(true);
    expect(first?.uid).toBe(String(process.getuid?.()));
    expect(first?.relayAck).toBe('fire-and-forget');
    const override = path.join(config.paths.runDir, 'compose.instances.yml');
    expect(first?.args.join(' ')).toContain(`-f ${override} -p paylab up -d --wait --remove-orphans`);
    expect(first?.args.slice(-4)).toEqual(['relay', 'worker', 'worker-1', 'worker-2']);
    expect(fs.readFileSync(override, 'utf8')).toContain('worker-2:');
  });

  it('up --infra: waits for the long-running infrastructure, then runs create-topics to its exit', async () => {
    await new DockerRuntime(config).up({ stack: false });
    const argsOf = calls().map((c) => c.args.slice(c.args.indexOf('paylab') + 1).join(' '));
    expect(argsOf).toEqual([
      'up -d --wait db redis kafka toxiproxy prometheus grafana',
      'run --rm create-topics',
    ]);
  });

  it('fault commands reuse the last up’s knobs, so compose recreates nothing', async () => {
    const runtime = new DockerRuntime(config);
    await runtime.up({ stack: true, strategy: { relayAck: 'fire-and-forget' } });
    await runtime.kill({ service: 'worker', instance: 1 });
    await runtime.pause({ service: 'kafka' });
    const [, kill, pause] = calls();
    expect(kill?.relayAck).toBe('fire-and-forget');
    expect(kill?.args.slice(-4)).toEqual(['kill', '-s', 'SIGKILL', 'worker-1']);
    expect(pause?.args.slice(-2)).toEqual(['pause', 'kafka']);
  });

  it('status: compose services mapped to lab services and instances, health included', async () => {
    const statuses = await new DockerRuntime(config).status();
    expect(statuses).toEqual([
      { service: 'api', instance: 0, state: 'running', detail: 'Up 3 seconds (healthy)' },
      { service: 'worker', instance: 1, state: 'unhealthy', detail: 'Up (unhealthy)' },
    ]);
    expect(parseComposePs('[{"Service":"db","State":"paused"}]')).toEqual([
      { Service: 'db', State: 'paused' },
    ]);
    expect(statusesFromPs([{ Service: 'db', State: 'paused' }])[0]?.state).toBe('paused');
    expect(labServiceOf('relay-0')).toBeUndefined();
  });

  it('refuses moved ports: the compose file runs on config.ts defaults', async () => {
    const moved = loadConfig({ PAYLAB_LAB_DIR: path.join(dir, '.lab'), PAYLAB_PORT_OFFSET: '50' });
    await expect(new DockerRuntime(moved).up({ stack: true })).rejects.toThrow(LabError);
    await expect(new DockerRuntime(moved).up({ stack: true })).rejects.toThrow(/PAYLAB_PORT_OFFSET/);
  });
  it('k6 without a host-built k6: the compose k6 service, host paths as /work paths, variables by name only', () => {
    const runtime = new DockerRuntime({
      ...config,
      paths: { ...config.paths, toolsDir: path.join(dir, 'no-tools') },
    });
    const script = runtime.k6Path();
    expect(script).toBe(path.join(config.paths.repoRoot, K6_COMPOSE_SCRIPT));
    fs.writeFileSync(
      path.join(dir, 'bin', 'docker'),
      `#!/bin/sh\nprintf '%s\\n' "$*" > "${dir}/k6-args"\nprintf '%s\\n' "$PAYLAB_SUMMARY_FILE" > "${dir}/k6-summary-env"\n`,
      { mode: 0o755 },
    );
    const repo = config.paths.repoRoot;
    const secret = 'sk_test_never_on_a_command_line';
    execFileSync(
      script,
      ['run', '--console-output', `${repo}/reports/r1/k6-console.log`, `${repo}/scenarios/k6/payments.ts`],
      {
        env: {
          PATH: process.env.PATH,
          PAYLAB_API_KEY: secret,
          PAYLAB_SUMMARY_FILE: `${repo}/reports/r1/k6-summary.json`,
          PAYLAB_LOAD: '{}',
        },
      },
    );
    const args = fs.readFileSync(path.join(dir, 'k6-args'), 'utf8').trim();
    expect(args).toContain('--profile load run --rm --no-deps -T');
    expect(args).toContain('-e PAYLAB_LOAD -e PAYLAB_API_KEY -e PAYLAB_SUMMARY_FILE k6 run');
    expect(args).toContain('--console-output /work/reports/r1/k6-console.log /work/scenarios/k6/payments.ts');
    expect(args).not.toContain(secret);
    expect(fs.readFileSync(path.join(dir, 'k6-summary-env'), 'utf8').trim()).toBe(
      '/work/reports/r1/k6-summary.json',
    );
    // Every variable the runner gives k6 is one the script passes on.
    const runnerEnv = fs.readFileSync(path.join(repo, 'scenarios', 'runner', 'k6-process.ts'), 'utf8');
    const names = [...runnerEnv.matchAll(/^\s+((?:PAYLAB|K6)_[A-Z_]+):/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(5);
    const passed = fs.readFileSync(script, 'utf8');
    for (const name of names) expect(passed, name).toContain(name);
  });
});
