/** Every paylab Grafana dashboard and the file it is written to. */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { k6 } from './k6.ts';
import { kafkaWorker } from './kafka-worker.ts';
import { buildDashboard, type DashboardSpec } from './kit.ts';
import { nodeRuntime } from './node-runtime.ts';
import { outbox } from './outbox.ts';
import { overview } from './overview.ts';
import { pg } from './pg.ts';

export const DASHBOARD_SPECS: readonly { file: string; spec: DashboardSpec }[] = [
  { file: 'overview.json', spec: overview },
  { file: 'outbox.json', spec: outbox },
  { file: 'kafka-worker.json', spec: kafkaWorker },
  { file: 'pg.json', spec: pg },
  { file: 'node-runtime.json', spec: nodeRuntime },
  { file: 'k6.json', spec: k6 },
];

export function buildAllDashboards(): { file: string; dashboard: Dashboard }[] {
  return DASHBOARD_SPECS.map(({ file, spec }) => ({ file, dashboard: buildDashboard(spec) }));
}

/** The exact text committed for a dashboard: stable key order from the builder, 2-space JSON. */
export function dashboardJson(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
