/**
 * End to end: the scenario CLI against the real lab and stack, with short durations. Each test
 * runs `npm run scenario` as a user would, then reads the report folder it wrote and the lab's
 * state afterwards (no toxic left, every proxy enabled, PG faults off).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../system/src/config.ts';
import { loadSecrets } from '../../system/src/secrets.ts';
import { NO_FAULTS } from '../../system/pg-mock/contract.ts';
import type { RunReport } from '../../chaos/report/model.ts';

const config = loadConfig();
const CLI = path.join(config.paths.repoRoot, 'scenarios', 'runner', 'cli.ts');

function runScenario(args: string[]): {
  code: number | null;
  output: string;
  report: RunReport;
  dir: string;
} {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args, '--plain'], {
    cwd: config.paths.repoRoot,
    encoding: 'utf8',
    timeout: 400_000,
    env: process.env,
  });
  // The folder this run printed, not `latest`: another session may have run a scenario since.
  const printed = /report: (\S+)\/report\.md/.exec(result.stdout);
  if (!printed?.[1]) throw new Error(`the run printed no report folder:\n${result.stdout}\n${result.stderr}`);
  const dir = printed[1];
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8')) as RunReport;
  return { code: result.status, output: `${result.stdout}\n${result.stderr}`, report, dir };
}

/** Runs the CLI and sends it SIGINT (a user's Ctrl-C) as soon as its output shows `trigger`. */
async function interruptWhen(
  args: string[],
  trigger: RegExp,
): Promise<{ code: number | null; output: string; report: RunReport; sawTrigger: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args, '--plain'], {
    cwd: config.paths.repoRoot,
    env: process.env,
  });
  let output = '';
  let sawTrigger = false;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (!sawTrigger && trigger.test(output)) {
      sawTrigger = true;
      child.kill('SIGINT');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const printed = /report: (\S+)\/report\.md/.exec(output);
  if (!printed?.[1]) throw new Error(`the run printed no report folder:\n${output}`);
  const report = JSON.parse(fs.readFileSync(path.join(printed[1], 'result.json'), 'utf8')) as RunReport;
  return { code, output, report, sawTrigger };
}

/** A service restarted by the run (the runner restores the robust stack) leaves a dead keep-alive
 *  socket in this process's fetch pool: one retry gets a fresh connection. */
async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  try {
    return await (await fetch(url, { headers })).json();
  } catch {
    return await (await fetch(url, { headers })).json();
  }
}

async function labIsHealed(): Promise<void> {
  const { host, port } = config.services.toxiproxyApi;
  const proxies = (await getJson(`http://${host}:${port}/proxies`)) as Record<
    string,
    { enabled: boolean; toxics: unknown[] }
  >;
  for (const [name, p] of Object.entries(proxies)) {
    expect({ name, enabled: p.enabled, toxics: p.toxics.length }).toEqual({ name, enabled: true, toxics: 0 });
  }
  const token = loadSecrets(config).pgMockAdminToken;
  const pg = config.services.pgMock;
  const faults = (await getJson(`http://${pg.host}:${pg.port}/admin/faults`, {
    authorization: `Bearer ${token}`,
  })) as Record<string, unknown>;
  expect({
    declineRate: faults.declineRate,
    errorRate: faults.errorRate,
    chargeThenTimeoutRate: faults.chargeThenTimeoutRate,
  }).toEqual({
    declineRate: NO_FAULTS.declineRate,
    errorRate: NO_FAULTS.errorRate,
    chargeThenTimeoutRate: NO_FAULTS.chargeThenTimeoutRate,
  });
}

describe('npm run scenario, end to end', () => {
  it('smoke: every verdict holds, exit 0, and the report folder is complete', async () => {
    const { code, output, report, dir } = runScenario(['smoke']);
    expect(code, output).toBe(0);
    expect(report.passed).toBe(true);
    // Every held check holds; a check the scenario cannot exercise (one-per-key without reused
    // keys) is not held, and reports 'unknown' rather than a pass over nothing.
    const held = new Set<string>(report.scenario.expect.hold);
    for (const c of report.checks.filter((x) => held.has(x.name)))
      expect([c.name, c.valid]).toEqual([c.name, true]);
    expect(report.verdicts.filter((v) => v.name.startsWith('exercised')).map((v) => v.pass)).toEqual([
      true,
      true,
      true,
    ]);
    expect(report.k6?.createsAccepted).toBeGreaterThan(0);
    for (const file of [
      'scenario.json',
      'timeline.jsonl',
      'k6-summary.json',
      'result.json',
      'report.md',
      'report.html',
    ]) {
      expect(fs.existsSync(path.join(dir, file)), file).toBe(true);
    }
    expect(fs.readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('<svg');
    expect(output).toContain('smoke: PASSED');
    await labIsHealed();
  }, 300_000);

  it('decline-storm: the fault is recorded, invariants hold, recovery is measured, the lab is healed', async () => {
    const { code, output, report } = runScenario(['decline-storm', '--duration', '40']);
    expect(report.windows).toHaveLength(1);
    expect(report.windows[0]?.end).not.toBeNull();
    const held = new Set<string>(report.scenario.expect.hold);
    for (const c of report.checks.filter((x) => held.has(x.name)))
      expect([c.name, c.valid]).toEqual([c.name, true]);
    expect(report.recoveries[0]?.recovery.status).toBe('recovered');
    expect(code, output).toBe(0);
    await labIsHealed();
  }, 300_000);

  it('naive-retry-double-charge: the double charges are caught, and that is a pass', async () => {
    const { code, output, report } = runScenario(['naive-retry-double-charge', '--duration', '45']);
    const doubleCharge = report.checks.find((c) => c.name === 'double-charge');
    expect(doubleCharge?.valid).toBe(false);
    expect(doubleCharge?.problemCount).toBeGreaterThan(0);
    expect(report.verdicts.find((v) => v.name === 'double-charge (naive)')?.pass).toBe(true);
    expect(code, output).toBe(0);
    await labIsHealed();
  }, 300_000);

  it('pg-down interrupted by Ctrl-C while the link is down: exit 130, the fault healed, the run not passed', async () => {
    const { code, output, report, sawTrigger } = await interruptWhen(
      ['pg-down', '--duration', '30'],
      /fault f1 on/,
    );
    expect(sawTrigger, output).toBe(true);
    expect(code, output).toBe(130);
    expect(report.passed).toBe(false);
    // The fault window was closed by the heal, not left open, and the report says why it is short.
    expect(report.timeline.filter((e) => e.faultId === 'f1').map((e) => e.event)).toEqual(['start', 'heal']);
    expect(report.notes.join('\n')).toContain('interrupted');
    await labIsHealed();
  }, 300_000);
});
