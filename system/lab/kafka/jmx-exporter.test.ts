import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/metric-names.ts';
import {
  BROKER_METRICS,
  brokerMetricPattern,
  jmxExporterAgentArg,
  jmxExporterConfigYaml,
} from './jmx-exporter.ts';

interface Rule {
  pattern: string;
  name: string;
  type: string;
}
interface ExporterConfig {
  includeObjectNames: string[];
  rules: Rule[];
}

const config = parse(jmxExporterConfigYaml()) as ExporterConfig;

/**
 * How the exporter names an attribute before matching rules (its default format):
 * `domain<type=…, name=…><>attribute: value`.
 */
const beanLine = (domain: string, type: string, name: string, attribute: string, value = 3): string =>
  `${domain}<type=${type}, name=${name}><>${attribute}: ${value}`;

/** The exporter matches the first rule whose pattern is found in the line. */
const metricFor = (line: string): string | undefined =>
  config.rules.find((r) => new RegExp(`^.*(?:${r.pattern}).*$`).test(line))?.name;

describe('the JMX exporter agent’s rules', () => {
  it('name every per-broker MBean the dashboards read after METRICS', () => {
    expect(metricFor(beanLine('kafka.server', 'ReplicaManager', 'LeaderCount', 'Value'))).toBe(
      METRICS.kafkaLeaderCount,
    );
    expect(metricFor(beanLine('kafka.server', 'ReplicaManager', 'UnderReplicatedPartitions', 'Value'))).toBe(
      METRICS.kafkaUnderReplicated,
    );
    expect(metricFor(beanLine('kafka.server', 'ReplicaManager', 'IsrShrinksPerSec', 'Count'))).toBe(
      METRICS.kafkaIsrShrinks,
    );
    expect(metricFor(beanLine('kafka.server', 'ReplicaManager', 'IsrExpandsPerSec', 'Count'))).toBe(
      METRICS.kafkaIsrExpands,
    );
    expect(metricFor(beanLine('kafka.controller', 'KafkaController', 'ActiveControllerCount', 'Value'))).toBe(
      METRICS.kafkaActiveController,
    );
    expect(
      metricFor(beanLine('kafka.controller', 'KafkaController', 'OfflinePartitionsCount', 'Value')),
    ).toBe(METRICS.kafkaOfflinePartitions);
  });
  it('take a meter’s running total, not its decaying per-second rates', () => {
    expect(metricFor(beanLine('kafka.server', 'ReplicaManager', 'IsrShrinksPerSec', 'OneMinuteRate'))).toBe(
      undefined,
    );
    const shrinks = config.rules.find((r) => r.name === METRICS.kafkaIsrShrinks);
    expect(shrinks?.type).toBe('COUNTER');
    expect(shrinks?.name.endsWith('_total')).toBe(true);
  });
  it('match a bean by its whole name only (LeaderCount is not a prefix match)', () => {
    expect(metricFor(beanLine('kafka.server', 'ReplicaManager', 'LeaderCountX', 'Value'))).toBe(undefined);
    expect(metricFor(beanLine('kafkaXserver', 'ReplicaManager', 'LeaderCount', 'Value'))).toBe(undefined);
  });
  it('query only the beans it exports, so a scrape does not walk every MBean of the broker', () => {
    expect(config.includeObjectNames).toHaveLength(BROKER_METRICS.length);
    for (const m of BROKER_METRICS) {
      expect(config.includeObjectNames).toContain(`${m.domain}:type=${m.type},name=${m.bean}`);
      expect(brokerMetricPattern(m)).not.toContain('.*');
    }
  });
  it('uses names METRICS declares, each once', () => {
    const names = config.rules.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(Object.values(METRICS)).toContain(name);
  });
});

describe('jmxExporterAgentArg', () => {
  it('binds the agent to the broker’s loopback metrics port', () => {
    expect(jmxExporterAgentArg('/t/agent.jar', { host: '127.0.0.1', port: 19085 }, '/s/kafka/jmx.yml')).toBe(
      '-javaagent:/t/agent.jar=127.0.0.1:19085:/s/kafka/jmx.yml',
    );
  });
});
