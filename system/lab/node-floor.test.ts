import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/config.ts';
import { nodeFloorProblem } from '../../bin/node-floor.mjs';

const FLOOR = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    engines: { node: string };
  }
).engines.node;

/** A Node older than the floor on this machine (Debian's, for one), if there is one. */
function olderNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!fs.existsSync(candidate)) continue;
    const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
    if (nodeFloorProblem(version, FLOOR) !== null) return candidate;
  }
  return undefined;
}

describe('the Node floor', () => {
  it('is the dependency tree’s real floor: testcontainers needs 22.22', () => {
    expect(FLOOR).toBe('>=22.22');
  });
  it('refuses older versions with the way to a current one, and accepts the floor and newer', () => {
    expect(nodeFloorProblem('v20.20.2', '>=22.22')).toBe(
      'paylab needs Node.js >=22.22 (this is v20.20.2): run `nvm install` in the project (it reads .nvmrc: 24), or `npm install -g node@24`',
    );
    expect(nodeFloorProblem('v22.21.9', '>=22.22')).not.toBeNull();
    expect(nodeFloorProblem('v22.22.0', '>=22.22')).toBeNull();
    expect(nodeFloorProblem('v24.1.0', '>=22.22')).toBeNull();
    expect(nodeFloorProblem('v100.0.0', '>=22.22')).toBeNull();
  });
  it('lets the running Node through the preload the npm scripts use', () => {
    const ok = spawnSync(process.execPath, ['--import', './bin/node-floor.mjs', '-e', 'process.exit(0)'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(ok.status, ok.stderr).toBe(0);
  });
  const old = olderNode();
  it.runIf(old !== undefined)(`stops an older Node (${old ?? 'none here'}) in one line, exit 1`, () => {
    const refused = spawnSync(old ?? '', ['--import', './bin/node-floor.mjs', '-e', 'process.exit(0)'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('paylab needs Node.js >=22.22');
  });
});
