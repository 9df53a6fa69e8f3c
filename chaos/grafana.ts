/**
 * Grafana annotations for fault starts and ends, when Grafana answers (the docker runtime has it;
 * the native one does not). Best effort by design: an annotation is a convenience, the JSONL
 * timeline and the gauge are the record.
 */
import type { LabConfig } from '../system/src/config.ts';
import type { Annotator, TimelineEvent } from './timeline.ts';

export async function grafanaAnnotator(config: LabConfig, runId: string): Promise<Annotator> {
  const base = `http://${config.services.grafana.host}:${config.services.grafana.port}`;
  const reachable = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(500) })
    .then((r) => r.ok)
    .catch(() => false);
  if (!reachable) return { annotate: () => undefined };
  return {
    annotate(e: TimelineEvent) {
      void fetch(`${base}/api/annotations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          time: e.t,
          tags: ['paylab', 'fault', e.event, e.target, runId],
          text: `${e.event}: ${e.label}`,
        }),
        signal: AbortSignal.timeout(2000),
      }).catch(() => undefined);
    },
  };
}
