/** Payments reaching a terminal state per second: the work the stack actually finishes. */
import { METRICS } from '../../system/src/metric-names.ts';
import { defineSli, SLI_WINDOW } from './define.ts';

function ratePerSecond(metric: string, selector = ''): string {
  return `sum(rate(${metric}${selector ? `{${selector}}` : ''}[${SLI_WINDOW}])) or vector(0)`;
}

const promql = ratePerSecond(METRICS.paymentsSettled);
const accepted = ratePerSecond(METRICS.paymentsAccepted);

export const completionRate = defineSli({
  id: 'completion_rate',
  title: 'payments reaching a terminal state',
  description: 'Payments settled (completed, failed or canceled) per second by the workers.',
  unit: 'per_second',
  bad: 'low',
  promql,
  record: 'paylab:completion_rate:per_second',
  // Down to 70 % of the warm-up's rate (a rate has no meaningful absolute floor).
  floor: { absolute: 0, relative: 0.3 },
  afterLoad: 'zero-once-settled',
  liveLabel: 'settled',
  charts: [
    {
      id: 'throughput',
      title: 'throughput',
      unit: 'payments/s',
      series: [
        { name: 'accepted', color: '#1f77b4', promql: accepted },
        { name: 'settled', color: '#2ca02c', promql },
      ],
    },
  ],
  related: [
    { id: 'accepted_rate', title: 'payments accepted', unit: 'per_second', promql: accepted },
    {
      id: 'completed_rate',
      title: 'payments completed',
      unit: 'per_second',
      promql: ratePerSecond(METRICS.paymentsSettled, 'state="completed"'),
    },
    {
      id: 'failed_rate',
      title: 'payments failed',
      unit: 'per_second',
      promql: ratePerSecond(METRICS.paymentsSettled, 'state="failed"'),
    },
  ],
});
