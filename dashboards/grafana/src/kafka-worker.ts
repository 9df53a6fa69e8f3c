import { METRICS as M } from '../../../system/src/metric-names.ts';
import { quantiles, sumRate, type DashboardSpec } from './kit.ts';

export const kafkaWorker: DashboardSpec = {
  uid: 'paylab-kafka-worker',
  title: 'paylab · Kafka and worker',
  description:
    'Are workers keeping up with the payment events? Consumer lag per partition, processing, retries, dead letters, PG calls.',
  tags: ['kafka', 'worker'],
  rows: [
    {
      title: 'Consumer',
      panels: [
        {
          kind: 'timeseries',
          title: 'Consumer lag per partition',
          description: 'Messages not yet consumed, per topic and partition.',
          unit: 'short',
          queries: [
            { expr: `max by (topic, partition) (${M.consumerLag})`, legend: '{{topic}}/{{partition}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Events received and duplicates absorbed',
          description:
            'Events delivered to workers per topic; duplicates are deliveries of events already processed.',
          unit: 'ops',
          queries: [
            { expr: sumRate(M.workerEventsReceived, ['topic']), legend: 'received {{topic}}' },
            { expr: sumRate(M.workerDuplicateDeliveries), legend: 'duplicates absorbed' },
          ],
        },
      ],
    },
    {
      title: 'Processing',
      panels: [
        {
          kind: 'timeseries',
          title: 'Events processed by type and outcome',
          description: 'What the workers did with each event.',
          unit: 'ops',
          queries: [
            { expr: sumRate(M.workerEventsProcessed, ['type', 'outcome']), legend: '{{type}} {{outcome}}' },
          ],
          stacked: true,
        },
        {
          kind: 'timeseries',
          title: 'Processing time',
          description: 'Time from receiving an event to committing its effect, per event type.',
          unit: 's',
          queries: quantiles(M.workerProcessingDuration, ['type']),
        },
        {
          kind: 'timeseries',
          title: 'Retries',
          description: 'Events the worker will try again, by reason.',
          unit: 'ops',
          queries: [{ expr: sumRate(M.workerRetries, ['reason']), legend: '{{reason}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Dead-lettered',
          description: 'Events moved to the dead-letter topic, by reason.',
          unit: 'ops',
          queries: [{ expr: sumRate(M.workerDeadLetters, ['reason']), legend: '{{reason}}' }],
        },
      ],
    },
    {
      title: 'Calls to the PG',
      panels: [
        {
          kind: 'timeseries',
          title: 'PG calls by operation and outcome',
          description: 'Captures, inquiries and cancels the worker sent, and what came back.',
          unit: 'ops',
          queries: [
            { expr: sumRate(M.workerPgCalls, ['operation', 'outcome']), legend: '{{operation}} {{outcome}}' },
            {
              expr: sumRate(M.workerUnknownOutcomes, ['operation']),
              legend: 'unknown outcome {{operation}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'PG call latency (worker side)',
          description: 'Round trip of a PG call as the worker saw it, through Toxiproxy.',
          unit: 's',
          queries: quantiles(M.workerPgCallDuration, ['operation']),
        },
      ],
    },
  ],
};
