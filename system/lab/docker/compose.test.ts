/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked statically: it
 * parses, and its services, ports, Kafka listeners, proxies, topics and image versions agree
 * with config.ts and the native runtime's generated configs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { LINK_NAMES } from '../../src/config.ts';
import { kafkaServerProperties } from '../native/infra-services.ts';
import {
  DOCKER_FILES,
  defaultConfig,
  dockerPrometheusYaml,
  dockerToxiproxyJson,
} from './generated-configs.ts';

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  network_mode?: string;
  profiles?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}

const config = defaultConfig();
const root = config.paths.repoRoot;
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const svc = (name: string): ComposeService => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const text = (s: ComposeService): string => JSON.stringify(s);

describe('docker-compose.yml', () => {
  it('has the native topology: infrastructure, the payment stack, grafana, and k6 under a profile', () => {
    for (const name of [
      'db',
      'redis',
      'kafka',
      'toxiproxy',
      'prometheus',
      'grafana',
      'api',
      'relay',
      'worker',
      'pg-mock',
      'create-topics',
      'k6',
    ]) {
      expect(services[name], name).toBeDefined();
    }
    expect(svc('k6').profiles).toEqual(['load']);
  });

  it('pins every image to a version, matching config.ts where config.ts pins one', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, name).toMatch(/^[\w./-]+:[\w.-]*\d[\w.-]*$/);
      expect(s.image, name).not.toMatch(/:latest$/);
    }
    expect(svc('kafka').image).toBe(`apache/kafka:${config.versions.kafka}`);
    expect(svc('toxiproxy').image).toBe(
      `ghcr.io/shopify/toxiproxy:${config.versions.toxiproxy.replace(/^v/, '')}`,
    );
    expect(svc('k6').image).toBe(`grafana/k6:${config.versions.k6.replace(/^v/, '')}`);
    expect(svc('db').image).toMatch(new RegExp(`^postgres:${config.versions.postgresMajor}\\.`));
  });

  it('runs every service on the host network, on the ports config.ts gives them', () => {
    for (const [name, s] of Object.entries(services)) expect(s.network_mode, name).toBe('host');
    const s = config.services;
    expect(svc('db').command).toContain(`port=${s.db.port}`);
    expect(svc('redis').command).toEqual(expect.arrayContaining(['--port', String(s.redis.port)]));
    expect(svc('toxiproxy').command).toEqual(expect.arrayContaining(['-port', String(s.toxiproxyApi.port)]));
    expect(svc('prometheus').command).toContain(
      `--web.listen-address=${s.prometheus.host}:${s.prometheus.port}`,
    );
    expect(svc('grafana').environment?.GF_SERVER_HTTP_PORT).toBe(s.grafana.port);
    expect(svc('db').environment).toMatchObject({
      POSTGRES_USER: config.db.user,
      POSTGRES_DB: config.db.database,
    });
  });

  it('configures Kafka exactly like the native broker: proxy advertised, internal listener, RF 1', () => {
    const native = Object.fromEntries(
      kafkaServerProperties(config)
        .split('\n')
        .filter((l) => l.includes('=') && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const env = svc('kafka').environment ?? {};
    const fromEnv = (key: string): string | undefined => {
      const value = env[`KAFKA_${key.toUpperCase().replace(/\./g, '_')}`];
      return value === undefined ? undefined : String(value);
    };
    for (const key of [
      'listeners',
      'advertised.listeners',
      'listener.security.protocol.map',
      'inter.broker.listener.name',
      'controller.listener.names',
      'process.roles',
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
      'min.insync.replicas',
      'auto.create.topics.enable',
    ]) {
      expect(fromEnv(key), key).toBe(native[key]);
    }
    expect(fromEnv('controller.quorum.voters')).toBe(
      `1@${config.services.kafkaController.host}:${config.services.kafkaController.port}`,
    );
    expect(String(env.CLUSTER_ID)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('mounts committed Toxiproxy and Prometheus configs that equal what config.ts generates', () => {
    expect(fs.readFileSync(DOCKER_FILES.toxiproxy, 'utf8')).toBe(dockerToxiproxyJson());
    expect(fs.readFileSync(DOCKER_FILES.prometheus, 'utf8')).toBe(dockerPrometheusYaml());
    const proxies = JSON.parse(dockerToxiproxyJson()) as { name: string }[];
    expect(proxies.map((p) => p.name)).toEqual(LINK_NAMES.map((l) => config.links[l].proxy));
    expect(text(svc('toxiproxy'))).toContain('system/lab/docker/toxiproxy.json');
    expect(text(svc('prometheus'))).toContain('dashboards/prometheus/prometheus.docker.yml');
  });

  it('creates the topics of config.ts: create-topics.sh mirrors their names and partitions', () => {
    const script = fs.readFileSync(path.join(root, 'create-topics.sh'), 'utf8');
    const mirrored = /^DEFAULT_TOPICS="([^"]+)"$/m.exec(script)?.[1];
    const expected = Object.values(config.topics)
      .map((t) => `${t.name}:${t.partitions}`)
      .join(' ');
    expect(mirrored).toBe(expected);
    expect(text(svc('create-topics'))).toContain('create-topics.sh');
    expect(svc('create-topics').environment?.KAFKA_BOOTSTRAP).toBe(
      `${config.links.kafka.listen.host}:${config.links.kafka.listen.port}`,
    );
  });

  it('provisions Grafana with a Prometheus datasource at the lab port and the dashboards folder', () => {
    const datasource = fs.readFileSync(
      path.join(root, 'dashboards/grafana/provisioning/datasources/prometheus.yml'),
      'utf8',
    );
    expect(datasource).toContain(
      `url: http://${config.services.prometheus.host}:${config.services.prometheus.port}`,
    );
    expect(svc('grafana').volumes).toEqual(
      expect.arrayContaining(['./dashboards/grafana/provisioning:/etc/grafana/provisioning:ro']),
    );
  });
});
