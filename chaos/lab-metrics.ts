/**
 * The scenario runner's own /metrics: the fault_active gauge Prometheus scrapes (job paylab-lab),
 * so every dashboard can shade fault windows from the same source.
 */
import http from 'node:http';
import { Gauge, Registry } from 'prom-client';
import type { LabConfig } from '../system/src/config.ts';
import { METRICS } from '../system/src/metric-names.ts';
import type { FaultGauge } from './timeline.ts';

export interface LabMetricsServer extends FaultGauge {
  close(): Promise<void>;
}

export async function startLabMetrics(config: LabConfig): Promise<LabMetricsServer> {
  const registry = new Registry();
  const gauge = new Gauge({
    name: METRICS.faultActive,
    help: '1 while a fault injected by the scenario runner is on',
    labelNames: ['target', 'kind'],
    registers: [registry],
  });
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body))
      .catch(() => res.writeHead(500).end());
  });
  const { host, port } = config.services.labMetrics;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} (lab metrics) is in use: is another scenario running? The lab runs one scenario at a time.`,
            )
          : error,
      ),
    );
    server.listen(port, host, resolve);
  });
  return {
    set(target, kind, active) {
      gauge.set({ target, kind }, active ? 1 : 0);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
