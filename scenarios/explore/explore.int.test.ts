/**
 * The explorer end to end, against the real lab: a short exploration with a naive knob must find
 * the violation that knob causes, shrink it, and write a scenario file that `npm run scenario`
 * replays with the same seed and that fails the same way. Kept short (3 lab runs, ~3 minutes):
 * seed 5 with --faults pg draws two PG faults, one of which loses the PG's answers after charging
 * (schedule.test.ts pins the generator's determinism), so run 1 breaks and one shrink step drops
 * the other fault.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../system/src/config.ts';
import type { RunReport } from '../../chaos/report/model.ts';
import { FOUND_DIR } from '../lib/catalogue.ts';
import { drawCase, parseFaultFilter } from './schedule.ts';

const config = loadConfig();
const SEED = 5;
const NAME = `double-charge-${SEED}`;
const FILE = path.join(FOUND_DIR, `${NAME}.ts`);

function cli(script: 'explore' | 'runner', args: string[]): { code: number | null; stdout: string } {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(config.paths.repoRoot, 'scenarios', script, 'cli.ts'), ...args, '--plain'],
    { cwd: config.paths.repoRoot, encoding: 'utf8', timeout: 540_000, env: process.env },
  );
  return { code: result.status, stdout: `${result.stdout}\n${result.stderr}` };
}

describe('npm run explore', () => {
  const existed = fs.existsSync(FILE);
  afterAll(() => {
    if (!existed) fs.rmSync(FILE, { force: true });
  });

  it('with a naive retry, finds the double charge, shrinks it, and the written scenario replays it', () => {
    expect(existed, `${FILE} exists already: this test would overwrite it`).toBe(false);
    const drawn = drawCase(SEED, { strategy: {}, faults: parseFaultFilter('pg') });
    expect(drawn.faults).toHaveLength(2);

    const explored = cli('explore', [
      '--runs=1',
      `--seed=${SEED}`,
      '--faults=pg',
      '--set=workerPgRetry=naive',
      '--shrink-runs=1',
    ]);
    expect(explored.code, explored.stdout).toBe(1);
    const reportDir = /report (\S+)\/report\.md/.exec(explored.stdout)?.[1];
    expect(reportDir, explored.stdout).toBeDefined();
    const summary = JSON.parse(fs.readFileSync(path.join(reportDir!, 'explore.json'), 'utf8')) as {
      played: { phase: string; verdict: string; violations: string[] }[];
      found: { invariant: string; name: string; shrunk: { faults: unknown[] } } | null;
    };
    expect(summary.played[0]).toMatchObject({ phase: 'explore', verdict: 'violated' });
    expect(summary.played[0]?.violations).toContain('double-charge');
    expect(summary.found?.invariant).toBe('double-charge');
    expect(summary.found?.name).toBe(NAME);
    expect(summary.found?.shrunk.faults.length).toBeLessThan(drawn.faults.length);
    expect(fs.readFileSync(FILE, 'utf8')).toContain(`seed: ${SEED},`);

    // The written file is an ordinary scenario: replayed with its own seed, it fails the same way.
    const replay = cli('runner', [NAME]);
    expect(replay.code, replay.stdout).toBe(1);
    expect(replay.stdout).toContain(`(seed ${SEED})`);
    const dir = /report: (\S+)\/report\.md/.exec(replay.stdout)?.[1];
    const report = JSON.parse(fs.readFileSync(path.join(dir!, 'result.json'), 'utf8')) as RunReport;
    expect(report.checks.find((c) => c.name === 'double-charge')?.valid).toBe(false);
  }, 900_000);
});
