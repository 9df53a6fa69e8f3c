import { METRICS as M } from '../../../system/src/metric-names.ts';
import { quantiles, rate, sumRate, type DashboardSpec } from './kit.ts';

export const outbox: DashboardSpec = {
  uid: 'paylab-outbox',
  title: 'paylab · outbox relay',
  description:
    'Is the outbox draining into Kafka? Lag, publish rate and latency, batch sizes, lease losses, dead rows.',
  tags: ['outbox', 'relay'],
  rows: [
    {
      title: 'Lag',
      panels: [
        {
          kind: 'timeseries',
          title: 'Oldest unpublished row',
          description: 'Age of the oldest outbox row not yet published (LAB.md outbox lag, seconds).',
          unit: 's',
          queries: [{ expr: `max(${M.outboxOldestPendingAge})`, legend: 'oldest pending' }],
        },
        {
          kind: 'timeseries',
          title: 'Unpublished rows',
          description: 'Outbox rows waiting to be published (LAB.md outbox lag, count).',
          unit: 'short',
          queries: [{ expr: `max(${M.outboxPendingRows})`, legend: 'pending rows' }],
        },
      ],
    },
    {
      title: 'Publishing',
      panels: [
        {
          kind: 'timeseries',
          title: 'Published and failed per second',
          description: 'Rows published to Kafka, and publish attempts that failed, by relay mode.',
          unit: 'ops',
          queries: [
            {
              expr: sumRate(M.outboxPublished, ['instance', 'mode']),
              legend: 'published {{instance}} {{mode}}',
            },
            { expr: sumRate(M.outboxPublishFailures, ['mode']), legend: 'failed {{mode}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Publish latency',
          description: 'Time to publish one batch to Kafka and have it acknowledged.',
          unit: 's',
          queries: quantiles(M.outboxPublishDuration),
        },
        {
          kind: 'timeseries',
          title: 'Batch size',
          description: 'Rows claimed per relay batch: p50, p95, and the mean.',
          unit: 'short',
          queries: [
            ...quantiles(M.outboxBatchSize).slice(0, 2),
            {
              expr: `sum(${rate(`${M.outboxBatchSize}_sum`)}) / clamp_min(sum(${rate(`${M.outboxBatchSize}_count`)}), 1e-9)`,
              legend: 'mean',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Lease losses',
          description:
            'Marks that matched no row: another relay took the lease first (expected with several relays, bad if it grows).',
          unit: 'ops',
          queries: [{ expr: sumRate(M.outboxLeaseLost), legend: 'lease lost' }],
        },
      ],
    },
    {
      title: 'Dead rows',
      panels: [
        {
          kind: 'timeseries',
          title: 'Dead rows now',
          description: 'Rows in status dead: the relay gave up on them; they never reach Kafka.',
          unit: 'short',
          queries: [{ expr: `max(${M.outboxDeadRowsCurrent})`, legend: 'dead rows' }],
        },
        {
          kind: 'timeseries',
          title: 'Rows moved to dead per second',
          description: 'How fast the relay is giving up on rows.',
          unit: 'ops',
          queries: [{ expr: sumRate(M.outboxDeadRows), legend: 'moved to dead' }],
        },
      ],
    },
  ],
};
