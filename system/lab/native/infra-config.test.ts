import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { kafkaServerProperties, newClusterId, redisConf, toxiproxyProxies } from './infra-services.ts';

const config = loadConfig({ PAYLAB_ROOT: '/repo' });

function properties(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('kafka server.properties', () => {
  const p = properties(kafkaServerProperties(config));
  it('advertises the Toxiproxy proxy to clients and itself on the internal listener', () => {
    expect(p['advertised.listeners']).toBe('CLIENT://127.0.0.1:29092,INTERNAL://127.0.0.1:19094');
    expect(p['listeners']).toBe(
      'CLIENT://127.0.0.1:19092,INTERNAL://127.0.0.1:19094,CONTROLLER://127.0.0.1:19093',
    );
    expect(p['inter.broker.listener.name']).toBe('INTERNAL');
    expect(p['controller.listener.names']).toBe('CONTROLLER');
  });
  it('is a single KRaft node with replication factor and min ISR 1', () => {
    expect(p['process.roles']).toBe('broker,controller');
    expect(p['offsets.topic.replication.factor']).toBe('1');
    expect(p['transaction.state.log.replication.factor']).toBe('1');
    expect(p['transaction.state.log.min.isr']).toBe('1');
    expect(p['auto.create.topics.enable']).toBe('false');
    expect(p['log.dirs']).toBe('/repo/.lab/state/kafka/data');
  });
});

describe('newClusterId', () => {
  it('is 22 characters of URL-safe base64, different each time', () => {
    const a = newClusterId();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newClusterId()).not.toBe(a);
  });
});

describe('redis.conf', () => {
  it('binds loopback on the lab port and names its config in the process title', () => {
    const conf = redisConf(config);
    expect(conf).toContain('bind 127.0.0.1\n');
    expect(conf).toContain('port 16379\n');
    expect(conf).toContain('{config-file}');
  });
});

describe('toxiproxy proxies', () => {
  it('has one proxy per link, listening on the link port and forwarding to the real service', () => {
    expect(toxiproxyProxies(config)).toEqual([
      { name: 'db', listen: '127.0.0.1:25432', upstream: '127.0.0.1:15432', enabled: true },
      { name: 'kafka', listen: '127.0.0.1:29092', upstream: '127.0.0.1:19092', enabled: true },
      { name: 'redis', listen: '127.0.0.1:26379', upstream: '127.0.0.1:16379', enabled: true },
      { name: 'pg-mock', listen: '127.0.0.1:28081', upstream: '127.0.0.1:18081', enabled: true },
    ]);
  });
});
