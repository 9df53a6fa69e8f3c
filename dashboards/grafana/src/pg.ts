import { METRICS as M } from '../../../system/src/metric-names.ts';
import { quantiles, sumRate, type DashboardSpec } from './kit.ts';

export const pg: DashboardSpec = {
  uid: 'paylab-pg',
  title: 'paylab · payment gateway (PG mock)',
  description:
    'What the payment gateway saw and did: outcomes, latency, captures, double captures, the fault profile in force.',
  tags: ['pg', 'gateway'],
  rows: [
    {
      title: 'Gateway',
      panels: [
        {
          kind: 'timeseries',
          title: 'Requests by operation and outcome',
          description: 'Every PG request and the answer the mock gave (including injected faults).',
          unit: 'ops',
          queries: [
            { expr: sumRate(M.pgRequests, ['operation', 'outcome']), legend: '{{operation}} {{outcome}}' },
          ],
          stacked: true,
        },
        {
          kind: 'timeseries',
          title: 'Latency by operation',
          description: 'Time the PG mock took to answer, including injected latency.',
          unit: 's',
          queries: quantiles(M.pgRequestDuration, ['operation']),
        },
        {
          kind: 'timeseries',
          title: 'Captures and refunds',
          description: 'Successful captures (money taken) and refunds per second.',
          unit: 'ops',
          queries: [
            { expr: sumRate(M.pgCaptures), legend: 'captures' },
            { expr: sumRate(M.pgRefunds), legend: 'refunds' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Double captures',
          description: 'Payments with more than one live capture in the ledger. Must stay 0.',
          unit: 'short',
          queries: [{ expr: `sum(${M.pgDoubleCaptures})`, legend: 'double captures' }],
        },
      ],
    },
    {
      title: 'Fault profile',
      panels: [
        {
          kind: 'timeseries',
          title: 'PG fault settings',
          description: 'The fault profile in force (rates, latencies) as set through the admin API.',
          unit: 'short',
          queries: [{ expr: `max by (fault) (${M.pgFaultSetting})`, legend: '{{fault}}' }],
          steps: true,
          width: 24,
        },
      ],
    },
  ],
};
