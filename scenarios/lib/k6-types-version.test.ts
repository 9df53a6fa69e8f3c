/**
 * The k6 script is typed with @types/k6; those types must describe the k6 the lab builds, or the
 * compiler accepts calls the binary does not have (2.x types describe k6 2). @types/k6 follows k6's
 * major.minor; where a minor has no types (k6 1.8.1: none for 1.8), the newest types at or below it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, REPO_ROOT } from '../../system/src/config.ts';

function majorMinor(version: string): [number, number] {
  const m = /(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`not a version: ${version}`);
  return [Number(m[1]), Number(m[2])];
}

describe('@types/k6', () => {
  it('describes the k6 binary the lab builds: the same major, a minor at or below its own', () => {
    const installed = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'node_modules', '@types', 'k6', 'package.json'), 'utf8'),
    ) as { version: string };
    const [typesMajor, typesMinor] = majorMinor(installed.version);
    const [k6Major, k6Minor] = majorMinor(loadConfig({}).versions.k6);
    expect(typesMajor).toBe(k6Major);
    expect(typesMinor).toBeLessThanOrEqual(k6Minor);
  });
});
