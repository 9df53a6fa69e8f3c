/**
 * Proves each piece of the lab's infrastructure is real and reached THROUGH Toxiproxy.
 * Runs against the lab the global setup brought up. Other sessions may share that lab, so
 * the disable test uses a temporary proxy and every toxic is removed in a finally block.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pg from 'pg';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, kafkaBrokers, loadConfig } from '../src/config.ts';
import { toolPaths } from '../lab/native/tools.ts';

const config = loadConfig();
const toxiproxy = new Toxiproxy(
  `http://${config.services.toxiproxyApi.host}:${config.services.toxiproxyApi.port}`,
);
const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

describe('PostgreSQL through the db proxy', () => {
  const client = new pg.Client({ connectionString: databaseUrl(config) });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  it('round-trips rows, and the server sees the proxy as its client port', async () => {
    expect(config.links.db.listen.port).not.toBe(config.services.db.port);
    await client.query('CREATE TEMP TABLE lab_probe (id int PRIMARY KEY, note text NOT NULL)');
    await client.query('INSERT INTO lab_probe VALUES ($1, $2), ($3, $4)', [1, 'one', 2, 'two']);
    const rows = await client.query<{ id: number; note: string }>(
      'SELECT id, note FROM lab_probe ORDER BY id',
    );
    expect(rows.rows).toEqual([
      { id: 1, note: 'one' },
      { id: 2, note: 'two' },
    ]);
    const server = await client.query<{ port: number; user: string; db: string }>(
      'SELECT inet_server_port() AS port, current_user AS user, current_database() AS db',
    );
    // We dialled the proxy; the server itself listens on the real port behind it.
    expect(server.rows[0]).toEqual({
      port: config.services.db.port,
      user: config.db.user,
      db: config.db.database,
    });
  });

  it('a latency toxic on the db link slows every query, and removing it restores the speed', async () => {
    const proxy = await toxiproxy.get(config.links.db.proxy);
    expect(proxy.upstream).toBe(`${config.services.db.host}:${config.services.db.port}`);
    const sample = async (): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) times.push(await timed(() => client.query('SELECT 1')));
      return median(times);
    };
    const before = await sample();
    const toxic = await proxy.addToxic({
      name: `lab-test-latency-${process.pid}`,
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 150, jitter: 0 },
    });
    let during: number;
    try {
      during = await sample();
    } finally {
      await toxic.remove();
    }
    const after = await sample();
    expect(before).toBeLessThan(50);
    expect(during).toBeGreaterThanOrEqual(145);
    expect(after).toBeLessThan(50);
  });
});

describe('Redis through the redis proxy', () => {
  it('answers PING, SET and GET', async () => {
    const redis = new Redis({
      host: config.links.redis.listen.host,
      port: config.links.redis.listen.port,
      lazyConnect: true,
    });
    await redis.connect();
    try {
      expect(await redis.ping()).toBe('PONG');
      const key = `paylab:lab-test:${process.pid}`;
      expect(await redis.set(key, 'value', 'EX', 30)).toBe('OK');
      expect(await redis.get(key)).toBe('value');
      await redis.del(key);
    } finally {
      redis.disconnect();
    }
  });

  it('a disabled proxy breaks the link and re-enabling it heals it', async () => {
    // A temporary proxy to the same Redis: disabling the lab's own link would disturb other sessions.
    const listenPort = await freePort();
    const proxy = await toxiproxy.createProxy({
      name: `lab-test-redis-${process.pid}`,
      listen: `127.0.0.1:${listenPort}`,
      upstream: `${config.services.redis.host}:${config.services.redis.port}`,
    });
    const ping = async (): Promise<string> => {
      const redis = new Redis({
        host: '127.0.0.1',
        port: listenPort,
        lazyConnect: true,
        connectTimeout: 1000,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        return await redis.ping();
      } finally {
        redis.disconnect();
      }
    };
    try {
      expect(await ping()).toBe('PONG');
      await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
      await expect(ping()).rejects.toThrow();
      await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
      expect(await ping()).toBe('PONG');
    } finally {
      await proxy.remove();
    }
  });
});

describe('Kafka through the kafka proxy', () => {
  const kafka = new Kafka({
    clientId: 'paylab-lab-test',
    brokers: kafkaBrokers(config),
    logLevel: logLevel.NOTHING,
  });
  const topic = `paylab.lab-test.${process.pid}.${Date.now()}`;
  const admin = kafka.admin();
  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('advertises only the proxy address, so clients never bypass it', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([
      `${config.links.kafka.listen.host}:${config.links.kafka.listen.port}`,
    ]);
  });

  it('has the lab topics from config.ts with their partition counts', async () => {
    const metadata = await admin.fetchTopicMetadata({
      topics: Object.values(config.topics).map((t) => t.name),
    });
    for (const spec of Object.values(config.topics)) {
      const found = metadata.topics.find((t) => t.name === spec.name);
      expect(found?.partitions.length, spec.name).toBe(spec.partitions);
    }
  });

  it('produces with acks from all replicas and consumes the same records in a group', async () => {
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    const consumer = kafka.consumer({ groupId: `paylab-lab-test-${process.pid}` });
    await producer.connect();
    await consumer.connect();
    try {
      const values = ['a', 'b', 'c'].map((v) => `${v}-${Date.now()}`);
      await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value })) });
      await consumer.subscribe({ topic, fromBeginning: true });
      const received: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`received only ${received.length} of 3`)), 30_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            received.push(message.value?.toString() ?? '');
            if (received.length === values.length) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      expect(received.sort()).toEqual([...values].sort());
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
});

describe('Prometheus', () => {
  it('scrapes Toxiproxy and itself: their `up` series are 1', async () => {
    const base = `http://${config.services.prometheus.host}:${config.services.prometheus.port}`;
    const deadline = Date.now() + 20_000;
    let ups: Record<string, string> = {};
    while (Date.now() < deadline) {
      const response = await fetch(
        `${base}/api/v1/query?query=${encodeURIComponent('up{job=~"toxiproxy|prometheus"}')}`,
      );
      const body = (await response.json()) as {
        data: { result: { metric: { job: string }; value: [number, string] }[] };
      };
      ups = Object.fromEntries(body.data.result.map((r) => [r.metric.job, r.value[1]]));
      if (ups.toxiproxy === '1' && ups.prometheus === '1') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(ups).toEqual({ toxiproxy: '1', prometheus: '1' });
  });
});

describe('k6', () => {
  it('runs a script against a loopback server and its summary is read back', async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-k6-'));
    try {
      const script = path.join(dir, 'probe.js');
      fs.writeFileSync(
        script,
        `import http from 'k6/http';
import { check } from 'k6';
export const options = { vus: 2, iterations: 12 };
export default function () {
  const res = http.get(__ENV.TARGET);
  check(res, { 'status 200': (r) => r.status === 200 });
}
`,
      );
      const summary = path.join(dir, 'summary.json');
      await run(
        toolPaths(config).k6,
        [
          'run',
          '--quiet',
          '--no-color',
          '--summary-export',
          summary,
          '-e',
          `TARGET=http://127.0.0.1:${port}/`,
          script,
        ],
        { env: { ...process.env, K6_NO_USAGE_REPORT: 'true' }, timeout: 60_000 },
      );
      const parsed = JSON.parse(fs.readFileSync(summary, 'utf8')) as {
        metrics: { http_reqs: { count: number }; checks: { passes: number; fails: number } };
      };
      expect(parsed.metrics.http_reqs.count).toBe(12);
      expect(parsed.metrics.checks).toMatchObject({ passes: 12, fails: 0 });
      expect(hits).toBe(12);
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
