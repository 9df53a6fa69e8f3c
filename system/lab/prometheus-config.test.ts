import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { SCRAPE_JOBS } from '../src/metric-names.ts';
import { prometheusConfigYaml } from './prometheus-config.ts';

interface Doc {
  global: { scrape_interval: string };
  rule_files: string[];
  scrape_configs: {
    job_name: string;
    static_configs: { targets: string[]; labels?: Record<string, string> }[];
  }[];
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
  it('scrapes the single broker’s metrics agent as broker 1', () => {
    expect(doc.scrape_configs.find((s) => s.job_name === SCRAPE_JOBS.kafka)?.static_configs).toEqual([
      { targets: ['127.0.0.1:19085'], labels: { broker: '1' } },
    ]);
  });
});

describe('the Kafka brokers job', () => {
  const brokersJob = (env: Record<string, string>): Doc['scrape_configs'][number] | undefined =>
    (
      parse(
        prometheusConfigYaml(loadConfig({ PAYLAB_ROOT: '/repo', ...env }), { relays: 1, workers: 1 }),
      ) as Doc
    ).scrape_configs.find((s) => s.job_name === SCRAPE_JOBS.kafka);

  it('has one target per cluster broker, labelled with its node id, moving with the port offset', () => {
    expect(brokersJob({ PAYLAB_KAFKA_BROKERS: '3', PAYLAB_PORT_OFFSET: '450' })?.static_configs).toEqual([
      { targets: ['127.0.0.1:19535'], labels: { broker: '1' } },
      { targets: ['127.0.0.1:19536'], labels: { broker: '2' } },
      { targets: ['127.0.0.1:19537'], labels: { broker: '3' } },
    ]);
  });
  it('is absent when the brokers run without the agent', () => {
    expect(brokersJob({ PAYLAB_KAFKA_BROKERS: '3', PAYLAB_KAFKA_METRICS_AGENT: 'off' })).toBeUndefined();
  });
});
