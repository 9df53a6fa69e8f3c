/**
 * The quick bench as CI runs it, against the real lab: it must measure every target (a target it
 * could not measure is a failed stage, not a pass), write bench.md and bench.json, and hold every
 * gated ratio within 25 % of bench/baseline.json — the gate that keeps a slow change from landing
 * unseen. It owns the lab for its ~3 minutes (it stops relays and workers, takes the kafka link
 * down) and puts the stack back as `up` leaves it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from '../system/src/config.ts';
import { TARGETS } from './targets.ts';

const config = loadConfig();

it('npm run bench -- --quick measures every target within its time budget and passes the baseline gate', () => {
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', 'cli.ts'), '--quick'], {
    cwd: config.paths.repoRoot,
    encoding: 'utf8',
    timeout: 420_000,
    env: process.env,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  const printed = /report: (\S+)\/bench\.md/.exec(result.stdout);
  if (!printed?.[1]) throw new Error(`the bench printed no report folder:\n${output}`);
  const dir = printed[1];
  expect(fs.existsSync(path.join(dir, 'bench.md'))).toBe(true);
  const bench = JSON.parse(fs.readFileSync(path.join(dir, 'bench.json'), 'utf8')) as {
    targets: { name: string; value: number | null; target: number; met: boolean }[];
    gate: { name: string; regressed: boolean }[] | null;
    errors: string[];
  };
  expect(bench.errors, output).toEqual([]);
  expect(bench.targets.map((t) => t.name)).toEqual(TARGETS.map((t) => t.name));
  for (const t of bench.targets) expect(t.value, `${t.name} was not measured`).not.toBeNull();
  expect(bench.gate, 'the quick run was not compared with the baseline').not.toBeNull();
  expect(bench.gate?.filter((g) => g.regressed) ?? [], output).toEqual([]);
  expect(result.status, output).toBe(0);
  // The quick mode's promise (issue 11): three minutes, lab already up.
  expect((Date.now() - started) / 1000, output).toBeLessThan(240);
}, 450_000);
