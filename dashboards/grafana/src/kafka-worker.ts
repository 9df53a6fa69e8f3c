import { METRICS as M, SCRAPE_JOBS } from '../../../system/src/metric-names.ts';
import { quantiles, sumRate, type DashboardSpec, type RowSpec } from './kit.ts';

/**
 * Each broker's own view, from the JMX exporter agent in its JVM (one scrape target per broker,
 * label `broker`). A broker that is down has no fresh series: its `up` is 0, and its lines stop.
 */
const brokers: RowSpec = {
  title: 'Brokers',
  panels: [
    {
      kind: 'stat',
      title: 'Brokers up',
      description:
        'Per broker, 1 while Prometheus can scrape its metrics agent, 0 when the broker (or its JVM) is down or paused.',
      unit: 'none',
      queries: [{ expr: `max by (broker) (up{job="${SCRAPE_JOBS.kafka}"})`, legend: 'broker {{broker}}' }],
      redBelow: 1,
      width: 8,
    },
    {
      kind: 'stat',
      title: 'Offline partitions',
      description:
        'Partitions with no leader at all, as the KRaft controllers see them: nothing can be written to or read from them.',
      unit: 'short',
      queries: [{ expr: `max(${M.kafkaOfflinePartitions})` }],
      redFrom: 1,
      width: 8,
    },
    {
      kind: 'timeseries',
      title: 'Active controller',
      description: 'Which broker is the active KRaft controller (1); a change is a controller failover.',
      unit: 'none',
      queries: [{ expr: `max by (broker) (${M.kafkaActiveController})`, legend: 'broker {{broker}}' }],
      steps: true,
      width: 8,
      height: 4,
    },
    {
      kind: 'timeseries',
      title: 'Partitions led per broker',
      description:
        'How many partition leaderships each broker holds; after a failover they pile on the survivors (preferred-leader election is off in the lab).',
      unit: 'short',
      queries: [{ expr: `max by (broker) (${M.kafkaLeaderCount})`, legend: 'broker {{broker}}' }],
      steps: true,
    },
    {
      kind: 'timeseries',
      title: 'Under-replicated partitions per broker',
      description:
        'Partitions a broker leads whose in-sync replicas are fewer than their replicas, and those below min.insync.replicas (acks=all writes to them fail).',
      unit: 'short',
      queries: [
        {
          expr: `max by (broker) (${M.kafkaUnderReplicated})`,
          legend: 'under-replicated, leader {{broker}}',
        },
        { expr: `max by (broker) (${M.kafkaUnderMinIsr})`, legend: 'under min ISR, leader {{broker}}' },
      ],
      steps: true,
    },
    {
      kind: 'timeseries',
      title: 'ISR shrinks and expands',
      description:
        'A leader dropping a lagging follower from the in-sync replicas (shrink) and taking it back once caught up (expand), per leader. These meters undercount under KRaft: a leader that learns its new ISR from the metadata log before the controller answers counts the change nowhere; the under-replicated panel is the reliable one.',
      unit: 'ops',
      queries: [
        { expr: sumRate(M.kafkaIsrShrinks, ['broker']), legend: 'shrinks, leader {{broker}}' },
        { expr: sumRate(M.kafkaIsrExpands, ['broker']), legend: 'expands, leader {{broker}}' },
        {
          expr: sumRate(M.kafkaFailedIsrUpdates, ['broker']),
          legend: 'failed ISR updates, leader {{broker}}',
        },
      ],
      width: 24,
    },
  ],
};

export const kafkaWorker: DashboardSpec = {
  uid: 'paylab-kafka-worker',
  title: 'paylab · Kafka and worker',
  description:
    'Are the brokers healthy and the workers keeping up with the payment events? Per-broker leaders, under-replicated and offline partitions, ISR changes, the active controller; consumer lag per partition, processing, retries, dead letters, PG calls.',
  tags: ['kafka', 'worker'],
  rows: [
    brokers,
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
