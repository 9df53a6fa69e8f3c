/**
 * docker-compose.cluster.yml (the 3-broker override of docker-compose.yml) cannot be run here (no
 * Docker engine), so it is checked statically against the native cluster: every node's settings
 * equal kafkaNodeProperties, every broker has its proxies, and the apps bootstrap from all three.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { withBrokers } from '../../src/config.ts';
import { kafkaNodeProperties } from '../native/kafka-cluster.ts';
import { DOCKER_FILES, defaultConfig, dockerToxiproxyJson } from './generated-configs.ts';

interface ComposeService {
  image?: string;
  environment?: Record<string, string | number>;
  network_mode?: string;
  volumes?: string[];
}

const config = withBrokers(defaultConfig(), 3);
const file = path.join(config.paths.repoRoot, 'docker-compose.cluster.yml');
const services = (
  parse(fs.readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> }
).services;

describe('docker-compose.cluster.yml', () => {
  it.each(config.kafkaCluster.map((n) => [n.id, n] as const))(
    'node %i has the native node’s settings, image and host network',
    (id, node) => {
      const s = services[id === 1 ? 'kafka' : `kafka-${id}`];
      expect(s, `node ${id}`).toBeDefined();
      expect(s?.image).toBe(`apache/kafka:${config.versions.kafka}`);
      expect(s?.network_mode).toBe('host');
      const env = s?.environment ?? {};
      const native = kafkaNodeProperties(config, node)
        .split('\n')
        .filter((l) => l.includes('=') && !l.startsWith('#') && !l.startsWith('log.dirs='));
      for (const line of native) {
        const key = line.slice(0, line.indexOf('='));
        expect(String(env[`KAFKA_${key.toUpperCase().replace(/\./g, '_')}`]), key).toBe(
          line.slice(line.indexOf('=') + 1),
        );
      }
    },
  );

  it('mounts the committed cluster proxies (a client and a replication proxy per broker)', () => {
    expect(fs.readFileSync(DOCKER_FILES.toxiproxyCluster, 'utf8')).toBe(dockerToxiproxyJson(config));
    const names = (JSON.parse(dockerToxiproxyJson(config)) as { name: string }[]).map((p) => p.name);
    for (const node of config.kafkaCluster)
      expect(names).toEqual(expect.arrayContaining([node.link.proxy, node.internalLink.proxy]));
    expect(JSON.stringify(services.toxiproxy)).toContain('system/lab/docker/toxiproxy.cluster.json');
  });

  it('creates topics with RF 3 and min ISR 2 through every proxy, and the apps know there are three brokers', () => {
    expect(services['create-topics']?.environment).toMatchObject({
      KAFKA_REPLICATION_FACTOR: 3,
      KAFKA_MIN_INSYNC_REPLICAS: 2,
      KAFKA_BOOTSTRAP: '127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094',
    });
    for (const app of ['api', 'relay', 'worker', 'pg-mock'])
      expect(services[app]?.environment?.PAYLAB_KAFKA_BROKERS, app).toBe('3');
  });
});
