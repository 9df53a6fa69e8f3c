/** How long creating a payment takes, as the API measured it. */
import { METRICS } from '../../system/src/metric-names.ts';
import { CREATE_PAYMENT, defineSli, SLI_WINDOW } from './define.ts';

function createLatencyQuantile(q: number): string {
  return `histogram_quantile(${q}, sum by (le) (rate(${METRICS.httpRequestDuration}_bucket{${CREATE_PAYMENT}}[${SLI_WINDOW}])))`;
}

const promql = createLatencyQuantile(0.95);
const p99 = createLatencyQuantile(0.99);

export const acceptP95Latency = defineSli({
  id: 'accept_p95_latency',
  title: 'accept p95 latency',
  description: 'p95 of POST /payments as the API measured it (commit included).',
  unit: 'seconds',
  bad: 'high',
  promql,
  record: 'paylab:accept_latency:p95',
  // 50 ms, or half again the warm-up's p95.
  floor: { absolute: 0.05, relative: 0.5 },
  afterLoad: 'request-path',
  liveLabel: 'accept p95',
  charts: [
    {
      id: 'latency',
      title: 'create latency (API)',
      unit: 'seconds',
      series: [
        { name: 'p95', color: '#ff7f0e', promql },
        { name: 'p99', color: '#d62728', promql: p99 },
      ],
    },
  ],
  related: [
    { id: 'latency_p50', title: 'accept p50 latency', unit: 'seconds', promql: createLatencyQuantile(0.5) },
    { id: 'latency_p99', title: 'accept p99 latency', unit: 'seconds', promql: p99 },
  ],
});
