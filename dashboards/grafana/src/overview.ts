import { METRICS as M } from '../../../system/src/metric-names.ts';
import { SLIS } from '../../../observability/slis/index.ts';
import type { SliUnit } from '../../../observability/slis/define.ts';
import { quantiles, sumRate, type DashboardSpec, type PanelSpec } from './kit.ts';

const create = 'route="/payments",method="POST"';

const SLI_UNITS: Record<SliUnit, string> = {
  ratio: 'percentunit',
  seconds: 's',
  messages: 'short',
  per_second: 'reqps',
};

/** The recorded SLIs, the same series the live view and the recovery computation use. */
const sliPanels: PanelSpec[] = SLIS.map((s, i) => ({
  kind: 'timeseries',
  title: `SLI: ${s.title}`,
  description: `${s.description} Recording rule ${s.record} (observability/slis/). Recovery time after a fault is measured on this series.`,
  unit: SLI_UNITS[s.unit],
  queries: [{ expr: s.record, legend: s.id }],
  // Two to a row; an odd one out takes the whole row.
  width: SLIS.length % 2 === 1 && i === SLIS.length - 1 ? 24 : 12,
  height: 6,
}));

export const overview: DashboardSpec = {
  uid: 'paylab-overview',
  title: 'paylab · overview',
  description:
    'Is the payment stack keeping its promises right now? Load, errors, latency, end-to-end time, invariants, faults.',
  tags: ['overview'],
  rows: [
    {
      title: 'Invariants (must stay 0)',
      panels: [
        {
          kind: 'stat',
          title: 'Double captures at the PG',
          description:
            'More than one successful capture for one payment, counted by the PG mock ledger. Anything above 0 is a double charge.',
          unit: 'short',
          queries: [{ expr: `sum(${M.pgDoubleCaptures}) or vector(0)` }],
          redFrom: 1,
        },
        {
          kind: 'stat',
          title: 'Dead outbox rows',
          description: 'Outbox rows the relay gave up on (status dead). They never reach Kafka.',
          unit: 'short',
          queries: [{ expr: `max(${M.outboxDeadRowsCurrent}) or vector(0)` }],
          redFrom: 1,
        },
        {
          kind: 'stat',
          title: 'Dead-lettered events',
          description: 'Events the worker moved to the dead-letter topic since it started.',
          unit: 'short',
          queries: [{ expr: `sum(${M.workerDeadLetters}) or vector(0)` }],
          redFrom: 1,
        },
        {
          kind: 'stat',
          title: 'Duplicate deliveries absorbed',
          description:
            'Events the worker received again and ignored. Allowed; a duplicate EFFECT would show as a double capture.',
          unit: 'short',
          queries: [{ expr: `sum(${M.workerDuplicateDeliveries}) or vector(0)` }],
        },
      ],
    },
    {
      title: 'API',
      panels: [
        {
          kind: 'timeseries',
          title: 'Requests by route and status',
          description: 'What the API is being asked to do and how it answers.',
          unit: 'reqps',
          queries: [
            {
              expr: sumRate(M.httpRequests, ['route', 'method', 'status']),
              legend: '{{method}} {{route}} {{status}}',
            },
          ],
          stacked: true,
        },
        {
          kind: 'timeseries',
          title: 'Accepted payments and errors',
          description:
            'Payments accepted per second against create-payment answers that were errors (5xx, 429); per-status detail is in the panel on the left.',
          unit: 'reqps',
          queries: [
            { expr: sumRate(M.paymentsAccepted, ['method']), legend: 'accepted {{method}}' },
            // or vector(0): a healthy run has no error series at all, and "0 errors" must read as 0, not "No data".
            {
              expr: `${sumRate(M.httpRequests, [], `${create},status=~"5..|429"`)} or vector(0)`,
              legend: 'errors (5xx, 429)',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Create-payment latency',
          description: 'p50/p95/p99 of POST /payments as the API measured it.',
          unit: 's',
          queries: quantiles(M.httpRequestDuration, [], create),
        },
        {
          kind: 'timeseries',
          title: 'End-to-end latency (created → terminal)',
          description: 'How long a payment takes from the API commit to a terminal state set by the worker.',
          unit: 's',
          queries: quantiles(M.paymentEndToEnd),
        },
        {
          kind: 'timeseries',
          title: 'Payments settled by state',
          description: 'Payments reaching completed, failed or canceled per second.',
          unit: 'reqps',
          queries: [{ expr: sumRate(M.paymentsSettled, ['state']), legend: '{{state}}' }],
          stacked: true,
        },
        {
          kind: 'timeseries',
          title: 'Active faults',
          description: 'Faults the chaos engine has switched on, by target and kind (1 while active).',
          unit: 'short',
          queries: [{ expr: `max by (target, kind) (${M.faultActive})`, legend: '{{target}} {{kind}}' }],
          steps: true,
        },
      ],
    },
    { title: 'SLIs (recorded)', panels: sliPanels },
  ],
};
