import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  KNOB_NAMES,
  KNOBS,
  LINK_NAMES,
  LOOPBACK,
  ROBUST_STRATEGY,
  databaseUrl,
  kafkaBrokers,
  knobEnvOf,
  loadConfig,
  strategyEnv,
  type StrategyKnobs,
} from './config.ts';

const STANDARD_PORTS = [5432, 6379, 9092, 9093, 9090, 8474, 3000, 8080];

function allPorts(config: ReturnType<typeof loadConfig>): number[] {
  const s = config.services;
  const endpoints = [
    s.db,
    s.redis,
    s.kafka,
    s.kafkaController,
    s.kafkaInternal,
    s.kafkaMetrics,
    s.toxiproxyApi,
    s.prometheus,
    s.grafana,
    s.api,
    s.pgMock,
    s.labMetrics,
  ];
  const instancePorts = [
    ...Array.from({ length: 10 }, (_, i) => s.relayMetricsBase + i),
    ...Array.from({ length: 10 }, (_, i) => s.workerMetricsBase + i),
  ];
  const clusterPorts = config.kafkaCluster.flatMap((n) => [
    n.client.port,
    n.controller.port,
    n.internal.port,
    n.link.listen.port,
    n.internalLink.listen.port,
    n.metrics.port,
  ]);
  return [
    ...new Set([
      ...endpoints.map((e) => e.port),
      ...instancePorts,
      ...LINK_NAMES.map((l) => config.links[l].listen.port),
      ...clusterPorts,
    ]),
  ];
}

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('binds every lab service to loopback', () => {
    const s = config.services;
    for (const e of [s.db, s.redis, s.kafka, s.toxiproxyApi, s.prometheus, s.api, s.pgMock, s.labMetrics]) {
      expect(e.host).toBe(LOOPBACK);
    }
  });
  it('uses no standard port of a user’s own PostgreSQL, Redis, Kafka or Prometheus, and no port twice', () => {
    const ports = allPorts(config);
    expect(ports.filter((p) => STANDARD_PORTS.includes(p))).toEqual([]);
    expect(new Set(ports).size).toBe(ports.length);
  });
  it('sends every link through its Toxiproxy proxy to the real service', () => {
    expect(config.links.db.upstream).toEqual(config.services.db);
    expect(config.links.kafka.upstream).toEqual(config.services.kafka);
    expect(config.links.redis.upstream).toEqual(config.services.redis);
    expect(config.links['pg-mock'].upstream).toEqual(config.services.pgMock);
    expect(kafkaBrokers(config)).toEqual(['127.0.0.1:29092']);
    expect(databaseUrl(config)).toBe('postgres://paylab@127.0.0.1:25432/paylab');
  });
  it('keeps state, logs, pid files and tools under the git-ignored .lab folder', () => {
    const lab = config.paths.labDir;
    expect(lab.endsWith('/.lab')).toBe(true);
    for (const dir of [
      config.paths.stateDir,
      config.paths.logsDir,
      config.paths.runDir,
      config.paths.toolsDir,
    ]) {
      expect(dir.startsWith(`${lab}/`)).toBe(true);
    }
  });
  it('pins tool versions and starts with the robust strategy', () => {
    expect(config.versions.kafka).toMatch(/^4\.\d+\.\d+$/);
    expect(config.versions.toxiproxy).toMatch(/^v2\.\d+\.\d+$/);
    expect(config.versions.k6).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(config.strategy).toEqual(ROBUST_STRATEGY);
    expect(config.topics.deadLetter.partitions).toBe(1);
  });
});

describe('loadConfig overrides', () => {
  it('follows PAYLAB_* environment variables', () => {
    const config = loadConfig({
      PAYLAB_DB_PORT: '25000',
      PAYLAB_DB_PROXY_PORT: '35000',
      PAYLAB_WORKER_INSTANCES: '4',
      PAYLAB_RELAY_ACK: 'fire-and-forget',
      PAYLAB_LAB_DIR: '/tmp/other-lab',
      PAYLAB_DB_PASSWORD: 'p@ss word',
    });
    expect(config.services.db.port).toBe(25000);
    expect(config.links.db.upstream.port).toBe(25000);
    expect(config.instances.worker).toBe(4);
    expect(config.strategy.relayAck).toBe('fire-and-forget');
    expect(config.paths.stateDir).toBe('/tmp/other-lab/state');
    expect(databaseUrl(config)).toBe('postgres://paylab:p%40ss%20word@127.0.0.1:35000/paylab');
  });
  it('shifts every default port by PAYLAB_PORT_OFFSET, so a second lab takes a disjoint port set', () => {
    const shifted = loadConfig({ PAYLAB_PORT_OFFSET: '5000', PAYLAB_API_PORT: '30080' });
    expect(shifted.services.db.port).toBe(20432);
    expect(shifted.links.kafka.listen.port).toBe(34092);
    expect(shifted.services.api.port).toBe(30080);
    const base = new Set(allPorts(loadConfig({})));
    expect(allPorts(shifted).filter((p) => base.has(p))).toEqual([]);
    expect(() => loadConfig({ PAYLAB_PORT_OFFSET: '-1' })).toThrow(/PAYLAB_PORT_OFFSET/);
  });
  it('keeps the team’s labs (port offsets 0, 50, 200, 250, 400, 450, 600) off each other’s ports', () => {
    // Offsets 100 apart are not safe: relay metrics 18100+i meet worker metrics 18200+i.
    const seen = new Map<number, number>();
    for (const offset of [0, 50, 200, 250, 400, 450, 600]) {
      for (const p of allPorts(loadConfig({ PAYLAB_PORT_OFFSET: String(offset) }))) {
        expect(seen.get(p), `port ${p} of the lab at offset ${offset}`).toBeUndefined();
        seen.set(p, offset);
      }
    }
  });
  it('gives the cluster its own broker ports and proxies; node 1 is the single broker', () => {
    const config = loadConfig({});
    const [one, two, three] = config.kafkaCluster;
    expect(one?.client).toEqual(config.services.kafka);
    expect(one?.link).toEqual(config.links.kafka);
    expect(two?.link.upstream).toEqual(two?.client);
    expect(three?.internalLink.upstream).toEqual(three?.internal);
    expect(one?.metrics).toEqual(config.services.kafkaMetrics);
    expect(config.kafkaCluster.map((n) => n.metrics.port)).toEqual([19085, 19086, 19087]);
    expect(loadConfig({ PAYLAB_KAFKA_2_METRICS_PORT: '29186' }).kafkaCluster[1]?.metrics.port).toBe(29186);
    expect(kafkaBrokers(config)).toEqual(['127.0.0.1:29092']);
    expect(kafkaBrokers(loadConfig({ PAYLAB_KAFKA_BROKERS: '3' }))).toEqual([
      '127.0.0.1:29092',
      '127.0.0.1:29093',
      '127.0.0.1:29094',
    ]);
    expect(() => loadConfig({ PAYLAB_KAFKA_BROKERS: '2' })).toThrow(
      /PAYLAB_KAFKA_BROKERS must be one of 1, 3/,
    );
  });
  it('reads the relay producer client, kafkajs by default, and names the variable on a bad value', () => {
    expect(loadConfig({}).kafka.client).toBe('kafkajs');
    expect(loadConfig({ PAYLAB_KAFKA_CLIENT: 'platformatic' }).kafka.client).toBe('platformatic');
    expect(() => loadConfig({ PAYLAB_KAFKA_CLIENT: 'rdkafka' })).toThrow(
      'PAYLAB_KAFKA_CLIENT must be one of kafkajs, platformatic, got "rdkafka"',
    );
  });
  it('treats empty variables as unset', () => {
    expect(loadConfig({ PAYLAB_DB_PORT: '' }).services.db.port).toBe(15432);
  });
  it('rejects bad values with a message naming the variable', () => {
    expect(() => loadConfig({ PAYLAB_DB_PORT: 'abc' })).toThrow(
      new ConfigError('PAYLAB_DB_PORT must be a whole number, got "abc"'),
    );
    expect(() => loadConfig({ PAYLAB_API_PORT: '70000' })).toThrow(
      /PAYLAB_API_PORT must be between 1 and 65535/,
    );
    expect(() => loadConfig({ PAYLAB_WORKER_INSTANCES: '12' })).toThrow(
      /PAYLAB_WORKER_INSTANCES must be between 0 and 9/,
    );
    expect(() => loadConfig({ PAYLAB_WORKER_GUARD: 'yolo' })).toThrow(
      /PAYLAB_WORKER_GUARD must be one of processed-in-transaction, guard-before-process/,
    );
  });
});

describe('strategyEnv', () => {
  it('round-trips through loadConfig, so a child process sees the parent’s knobs', () => {
    const naive = Object.fromEntries(KNOB_NAMES.map((k) => [k, KNOBS[k].modes[1]])) as StrategyKnobs;
    expect(loadConfig(strategyEnv(naive)).strategy).toEqual(naive);
    expect(loadConfig(strategyEnv(ROBUST_STRATEGY)).strategy).toEqual(ROBUST_STRATEGY);
  });
});

describe('KNOBS', () => {
  it('gives every knob its own variable and a robust default that differs from its naive values', () => {
    const envs = KNOB_NAMES.map((k) => KNOBS[k].env);
    expect(new Set(envs).size).toBe(envs.length);
    for (const k of KNOB_NAMES) expect(ROBUST_STRATEGY[k]).toBe(KNOBS[k].modes[0]);
  });
  it('tells each service which knobs it reads', () => {
    expect(knobEnvOf('relay')).toEqual(['PAYLAB_RELAY_ACK', 'PAYLAB_RELAY_ORDER', 'PAYLAB_RELAY_PRODUCER']);
    expect(knobEnvOf('api')).toEqual(['PAYLAB_API_COMMIT']);
    expect(knobEnvOf('pg-mock')).toEqual([]);
  });
});
