import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { SCRAPE_JOBS } from '../src/metric-names.ts';
import { prometheusConfigYaml } from './prometheus-config.ts';

interface Doc {
  global: { scrape_interval: string };
  rule_files: string[];
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
}

describe('prometheusConfigYaml', () => {
  const config = loadConfig({ PAYLAB_ROOT: '/repo', PAYLAB_API_PORT: '28080' });
  const doc = parse(prometheusConfigYaml(config, { relays: 2, workers: 3 })) as Doc;
  const targets = (job: string): string[] =>
    doc.scrape_configs.find((s) => s.job_name === job)?.static_configs.flatMap((c) => c.targets) ?? [];

  it('scrapes every second', () => {
    expect(doc.global.scrape_interval).toBe('1s');
  });
  it('names jobs from SCRAPE_JOBS and follows port overrides', () => {
    expect(doc.scrape_configs.map((s) => s.job_name).sort()).toEqual(Object.values(SCRAPE_JOBS).sort());
    expect(targets(SCRAPE_JOBS.api)).toEqual(['127.0.0.1:28080']);
    expect(targets(SCRAPE_JOBS.toxiproxy)).toEqual(['127.0.0.1:18474']);
  });
  it('has one target per relay and worker instance', () => {
    expect(targets(SCRAPE_JOBS.relay)).toEqual(['127.0.0.1:18100', '127.0.0.1:18101']);
    expect(targets(SCRAPE_JOBS.worker)).toEqual(['127.0.0.1:18200', '127.0.0.1:18201', '127.0.0.1:18202']);
  });
  it('loads the rule files from dashboards/prometheus/rules', () => {
    expect(doc.rule_files).toEqual(['/repo/dashboards/prometheus/rules/*.yml']);
  });
  it('drops the relay job when no relay runs', () => {
    const none = parse(prometheusConfigYaml(config, { relays: 0, workers: 1 })) as Doc;
    expect(none.scrape_configs.some((s) => s.job_name === SCRAPE_JOBS.relay)).toBe(false);
  });
});
