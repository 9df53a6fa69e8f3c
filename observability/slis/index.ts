/**
 * Every SLI the lab measures, in the order the live view, the report and Grafana show them.
 * Adding an SLI: one file in this folder (copy the closest one) and one line in this list.
 */
import { acceptErrorRate } from './accept-error-rate.ts';
import { acceptP95Latency } from './accept-p95-latency.ts';
import { completionRate } from './completion-rate.ts';
import { consumerLag } from './consumer-lag.ts';
import type { ChartQuery, RelatedQuery, SliDefinition } from './define.ts';
import { outboxLag } from './outbox-lag.ts';

export const SLIS = [acceptErrorRate, acceptP95Latency, outboxLag, consumerLag, completionRate] as const;

export type SliId = (typeof SLIS)[number]['id'];
/** The display-only queries shown beside the SLIs (p50, pending rows, accepted rate…). */
export type RelatedId = (typeof SLIS)[number]['related'][number]['id'];

export const SLI_IDS: readonly SliId[] = SLIS.map((s) => s.id);

export function sli(id: SliId): SliDefinition<SliId, RelatedId> {
  const found = SLIS.find((s) => s.id === id);
  if (!found) throw new Error(`unknown SLI ${id}`);
  return found;
}

export const RELATED_QUERIES: readonly RelatedQuery<RelatedId>[] = SLIS.flatMap(
  (s): readonly RelatedQuery<RelatedId>[] => s.related,
);

/** report.html's charts, SLI by SLI. */
export const SLI_CHARTS: readonly ChartQuery[] = SLIS.flatMap((s) => s.charts);

export type { SliDefinition } from './define.ts';
export { SLI_WINDOW, SLI_WINDOW_SECONDS } from './define.ts';
