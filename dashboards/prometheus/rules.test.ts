import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RULES_FILE } from '../generate.ts';
import { isKnownMetric, metricNamesIn } from '../known-metrics.ts';
import { SLIS } from '../../observability/slis/index.ts';

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
}

async function committedRules(): Promise<Rule[]> {
  const doc = parse(await readFile(RULES_FILE, 'utf8')) as { groups: { rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

describe('Prometheus rules file', () => {
  it('records every SLI under its name with exactly the expression its SLI file defines', async () => {
    const rules = await committedRules();
    for (const s of SLIS) {
      const rule = rules.find((r) => r.record === s.record);
      expect(rule?.expr, s.id).toBe(s.promql);
    }
  });

  it('alerts on outbox lag, dead rows, consumer lag and any double charge, over known metrics only', async () => {
    const rules = await committedRules();
    const alerts = rules.filter((r) => r.alert !== undefined);
    expect(alerts.map((a) => a.alert).sort()).toEqual([
      'PaylabConsumerLagHigh',
      'PaylabDoubleCharge',
      'PaylabOutboxDeadRows',
      'PaylabOutboxLagHigh',
    ]);
    for (const rule of rules) {
      for (const name of metricNamesIn(rule.expr))
        expect(isKnownMetric(name), `${name} in ${rule.expr}`).toBe(true);
    }
  });
});
