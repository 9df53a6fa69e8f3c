import { rate, type DashboardSpec } from './kit.ts';

/** k6's trends arrive as native histograms (K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true). */
function nativeQuantile(q: number): string {
  return `histogram_quantile(${q}, sum(${rate('k6_http_req_duration_seconds')}))`;
}

export const k6: DashboardSpec = {
  uid: 'paylab-k6',
  title: 'paylab · k6 load',
  description:
    'What the load generator asked for and got: request rate, latency from the client side, VUs, dropped iterations.',
  tags: ['k6', 'load'],
  rows: [
    {
      title: 'Load',
      panels: [
        {
          kind: 'timeseries',
          title: 'Requests and iterations per second',
          description:
            'k6 HTTP requests by status, and iterations started. With an arrival-rate executor, iterations/s is the achieved rate.',
          unit: 'reqps',
          queries: [
            { expr: `sum by (status) (${rate('k6_http_reqs_total')})`, legend: 'status {{status}}' },
            { expr: `sum(${rate('k6_iterations_total')})`, legend: 'iterations' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Dropped iterations',
          description:
            'Iterations k6 could not start on time (no free VU): the load you asked for and did not get. Coordinated omission shows here.',
          unit: 'ops',
          // k6 writes this series only once an iteration is dropped: no series means none were.
          queries: [{ expr: `sum(${rate('k6_dropped_iterations_total')}) or vector(0)`, legend: 'dropped' }],
        },
        {
          kind: 'timeseries',
          title: 'Client-side latency',
          description: 'http_req_duration as k6 measured it, including the network and Toxiproxy.',
          unit: 's',
          queries: [0.5, 0.95, 0.99].map((q) => ({
            expr: nativeQuantile(q),
            legend: `p${Math.round(q * 100)}`,
          })),
        },
        {
          kind: 'timeseries',
          title: 'VUs and failed-request rate',
          description: 'Virtual users in use, and the share of requests k6 counted as failed.',
          unit: 'short',
          queries: [
            { expr: 'max(k6_vus)', legend: 'VUs' },
            { expr: 'max(k6_vus_max)', legend: 'VUs max' },
            { expr: 'avg(k6_http_req_failed_rate)', legend: 'failed rate' },
          ],
        },
      ],
    },
  ],
};
