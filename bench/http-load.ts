/**
 * A closed-model HTTP load for the API-alone stage: `connections` keep-alive connections, each
 * sending its next create as soon as the previous one was answered, for `seconds`. Closed on
 * purpose: it finds the highest rate the API sustains at a given concurrency, which an open-model
 * (arrival rate) load cannot do without first knowing the answer.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { createBody } from '../scenarios/k6/lib/payment-requests.ts';

export interface ClosedLoadResult {
  connections: number;
  seconds: number;
  accepted: number;
  failed: number;
  latenciesMs: number[];
}

export async function closedLoad(options: {
  url: string;
  apiKey: string;
  connections: number;
  seconds: number;
  seed: number;
}): Promise<ClosedLoadResult> {
  const target = new URL('/payments', options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const runId = randomUUID().replaceAll('-', '').slice(0, 12);
  const latenciesMs: number[] = [];
  let accepted = 0;
  let failed = 0;
  let iteration = 0;
  const started = performance.now();
  const until = started + options.seconds * 1000;

  function send(i: number): Promise<number> {
    const body = JSON.stringify(createBody(runId, options.seed, i));
    return new Promise((resolve) => {
      const request = http.request(
        target,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${options.apiKey}`,
            'idempotency-key': `${runId}-${i}`,
          },
          timeout: 10_000,
        },
        (response) => {
          response.resume();
          response.once('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.once('timeout', () => request.destroy(new Error('timeout')));
      request.once('error', () => resolve(0));
      request.end(body);
    });
  }

  async function lane(): Promise<void> {
    while (performance.now() < until) {
      const sentAt = performance.now();
      const status = await send(iteration++);
      latenciesMs.push(performance.now() - sentAt);
      if (status >= 200 && status < 300) accepted++;
      else failed++;
    }
  }
  await Promise.all(Array.from({ length: options.connections }, lane));
  agent.destroy();
  return {
    connections: options.connections,
    seconds: (performance.now() - started) / 1000,
    accepted,
    failed,
    latenciesMs,
  };
}
