import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles, GRAFANA_JSON_DIR } from './generate.ts';

describe('generated dashboards and rules', () => {
  const files = generatedFiles();

  for (const [file, content] of files) {
    it(`${path.relative(path.dirname(GRAFANA_JSON_DIR), file)} is what the code generates (run npm run dashboards:generate)`, async () => {
      expect(await readFile(file, 'utf8')).toBe(content);
    });
  }

  it('no stale dashboard JSON is left behind for Grafana to load', async () => {
    const onDisk = (await readdir(GRAFANA_JSON_DIR)).filter((f) => f.endsWith('.json')).sort();
    const expected = [...files.keys()]
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.basename(f))
      .sort();
    expect(onDisk).toEqual(expected);
  });
});
