/** Real health probes: each one talks the service's own protocol, not just "the port is open". */
import net from 'node:net';
import pg from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import type { Endpoint } from '../../src/config.ts';

export async function httpOk(url: string, timeoutMs = 2000): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  return response.ok;
}

/** Sends raw RESP PING and expects +PONG: no client library retry logic in the way. */
export function redisPing(endpoint: Endpoint, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(endpoint.port, endpoint.host);
    let answer = '';
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`redis at ${endpoint.host}:${endpoint.port} did not answer PING`));
    });
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) {
        socket.end();
        if (answer.startsWith('+PONG')) resolve(true);
        else reject(new Error(`redis answered ${answer.trim()}`));
      }
    });
    socket.on('error', reject);
  });
}

export async function sqlSelectOne(connection: pg.ClientConfig, timeoutMs = 3000): Promise<boolean> {
  const client = new pg.Client({
    ...connection,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query<{ one: number }>('SELECT 1 AS one');
    return result.rows[0]?.one === 1;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Broker metadata through `brokers`; returns the advertised broker addresses. */
export async function kafkaBrokerAddresses(brokers: string[], timeoutMs = 5000): Promise<string[]> {
  const kafka = new Kafka({
    clientId: 'paylab-lab-health',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.map((b) => `${b.host}:${b.port}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function tcpOpen(endpoint: Endpoint, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(endpoint.port, endpoint.host);
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => done(true));
    socket.on('error', () => done(false));
  });
}
