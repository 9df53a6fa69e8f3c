/**
 * The small HTTP face of the relay and the worker: GET /health (200 only when connected and ready,
 * so the runtime and the chaos engine can wait on it) and GET /metrics for Prometheus.
 * node:http instead of fastify: two routes, and nothing else listens.
 */
import http from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthReport {
  ready: boolean;
  detail: Record<string, unknown>;
}

export interface ServiceHttp {
  /** The port it listens on (useful when asked for port 0). */
  port: number;
  close(): Promise<void>;
}

export async function startServiceHttp(
  host: string,
  port: number,
  registry: Registry,
  health: () => HealthReport,
): Promise<ServiceHttp> {
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/health') {
      const report = health();
      res.writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: report.ready ? 'ok' : 'unavailable', ...report.detail }));
      return;
    }
    if (req.method === 'GET' && url === '/metrics') {
      registry
        .metrics()
        .then((body) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(body);
        })
        .catch((error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics failed: ${error instanceof Error ? error.message : String(error)}`);
        });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** PAYLAB_INSTANCE: which instance of a service this process is (0-based). */
export function instanceFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PAYLAB_INSTANCE ?? '0';
  if (!/^\d+$/.test(raw)) throw new Error(`PAYLAB_INSTANCE must be a whole number >= 0, got "${raw}"`);
  return Number(raw);
}

export function logLine(service: string): (line: string) => void {
  return (line) => process.stdout.write(`${new Date().toISOString()} ${service} ${line}\n`);
}
