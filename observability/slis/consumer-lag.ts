/** Payment events on the topic that no worker has consumed yet. */
import { METRICS } from '../../system/src/metric-names.ts';
import { defineSli } from './define.ts';

// Every worker reports every partition (so a dead worker's lag stays visible): one value per partition, then the sum.
const promql = `sum(max by (topic, partition) (${METRICS.consumerLag})) or vector(0)`;

export const CONSUMER_LAG_ALERT_MESSAGES = 1000;

export const consumerLag = defineSli({
  id: 'consumer_lag',
  title: 'consumer lag',
  description:
    'Payment events not yet consumed by the workers, summed over partitions (each partition counted once, whichever worker reports it).',
  unit: 'messages',
  bad: 'high',
  promql,
  record: 'paylab:consumer_lag:messages',
  // 20 messages, or half again the warm-up's lag.
  floor: { absolute: 20, relative: 0.5 },
  afterLoad: 'judged',
  liveLabel: 'consumer lag',
  charts: [
    {
      id: 'consumer',
      title: 'consumer lag',
      unit: 'messages',
      series: [{ name: 'consumer lag', color: '#17becf', promql }],
    },
  ],
  related: [],
  alert: {
    name: 'PaylabConsumerLagHigh',
    above: CONSUMER_LAG_ALERT_MESSAGES,
    for: '15s',
    severity: 'warning',
    summary: 'Workers are falling behind',
    description: `{{ $value }} payment events wait to be consumed (over ${CONSUMER_LAG_ALERT_MESSAGES}).`,
  },
});
