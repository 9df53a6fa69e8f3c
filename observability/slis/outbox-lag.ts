/** Age of the oldest unpublished outbox row: how far the relay is behind the API. */
import { METRICS } from '../../system/src/metric-names.ts';
import { defineSli } from './define.ts';

const promql = `max(${METRICS.outboxOldestPendingAge}) or vector(0)`;
/** Every relay and worker exports the same table-wide count: max, never sum (that counts it N times). */
const pendingRows = `max(${METRICS.outboxPendingRows}) or vector(0)`;

/** Outbox lag above this for a while means the relay is not keeping up. */
export const OUTBOX_LAG_ALERT_SECONDS = 10;

export const outboxLag = defineSli({
  id: 'outbox_lag',
  title: 'outbox lag (oldest unpublished)',
  description:
    'Age of the oldest outbox row not yet published to Kafka. Every relay exports the same table-wide value: max, never sum.',
  unit: 'seconds',
  bad: 'high',
  promql,
  record: 'paylab:outbox_lag:seconds',
  // One second, or half again the warm-up's lag.
  floor: { absolute: 1, relative: 0.5 },
  afterLoad: 'judged',
  liveLabel: 'outbox lag',
  charts: [
    {
      id: 'outbox',
      title: 'outbox lag (oldest unpublished row)',
      unit: 'seconds',
      series: [{ name: 'outbox lag', color: '#9467bd', promql }],
    },
    {
      id: 'outbox-rows',
      title: 'unpublished outbox rows',
      unit: 'rows',
      series: [{ name: 'pending rows', color: '#8c564b', promql: pendingRows }],
    },
  ],
  related: [{ id: 'outbox_pending', title: 'unpublished outbox rows', unit: 'rows', promql: pendingRows }],
  alert: {
    name: 'PaylabOutboxLagHigh',
    above: OUTBOX_LAG_ALERT_SECONDS,
    for: '15s',
    severity: 'warning',
    summary: 'The outbox is not draining',
    description: `The oldest unpublished outbox row is {{ $value | humanizeDuration }} old (over ${OUTBOX_LAG_ALERT_SECONDS}s): is the relay or Kafka down?`,
  },
});
