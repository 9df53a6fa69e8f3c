import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GRAFANA_JSON_DIR } from '../generate.ts';
import { DASHBOARD_SPECS } from './src/index.ts';
import { lintDashboard, panelQueries } from './lint.ts';

async function committed(file: string): Promise<unknown> {
  return JSON.parse(await readFile(path.join(GRAFANA_JSON_DIR, file), 'utf8')) as unknown;
}

describe('dashboard lint', () => {
  for (const { file } of DASHBOARD_SPECS) {
    it(`${file} is clean`, async () => {
      const dashboard = await committed(file);
      expect(lintDashboard(dashboard)).toEqual([]);
      expect(panelQueries(dashboard).length).toBeGreaterThan(0);
    });
  }

  it('panel ids are unique across the whole set, so links between dashboards stay unambiguous per dashboard', async () => {
    const uids = await Promise.all(
      DASHBOARD_SPECS.map(async ({ file }) => (await committed(file)) as { uid: string }),
    );
    expect(new Set(uids.map((d) => d.uid)).size).toBe(DASHBOARD_SPECS.length);
  });

  it('catches the mistakes it exists for', async () => {
    const dashboard = (await committed('outbox.json')) as {
      annotations: { list: unknown[] };
      panels: Record<string, unknown>[];
      templating?: { list: unknown[] };
    };
    const broken = structuredClone(dashboard);
    broken.annotations.list = [];
    broken.templating = { list: [] };
    const [row, first, second] = broken.panels;
    if (!row || !first || !second) throw new Error('outbox dashboard lost its panels');
    second.id = first.id;
    first.title = '';
    first.datasource = { type: 'prometheus', uid: 'someone-elses' };
    first.targets = [
      {
        refId: 'A',
        datasource: { type: 'prometheus', uid: 'paylab-prometheus' },
        expr: 'rate(paylab_outbox_publishd_total[5m])',
      },
    ];
    const problems = lintDashboard(broken).join('\n');
    expect(problems).toMatch(/no fault-window annotation/);
    expect(problems).toMatch(/fault annotations \(tags paylab, fault\)/);
    expect(problems).toMatch(/duplicate id/);
    expect(problems).toMatch(/no title/);
    expect(problems).toMatch(/datasource is not \$datasource/);
    expect(problems).toMatch(/no \$datasource variable/);
    expect(problems).toMatch(/metric paylab_outbox_publishd_total is not exported/);
    expect(problems).toMatch(/range \[5m\] should be \[\$__rate_interval\]/);
  });
});
