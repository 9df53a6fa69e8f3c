/**
 * Grafana annotations for fault starts and ends, when Grafana answers (the docker runtime has it;
 * the native one does not). Best effort by design: an annotation is a convenience, the JSONL
 * timeline and the gauge are the record. But never silent: the first annotation Grafana refuses
 * (say, an anonymous Viewer may not create annotations) is reported once through `onRefused`.
 */
import type { LabConfig } from '../system/src/config.ts';
import type { Annotator, TimelineEvent } from './timeline.ts';

export async function grafanaAnnotator(
  config: LabConfig,
  runId: string,
  onRefused: (message: string) => void = () => undefined,
): Promise<Annotator> {
  const base = `http://${config.services.grafana.host}:${config.services.grafana.port}`;
  const reachable = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(500) })
    .then((r) => r.ok)
    .catch(() => false);
  if (!reachable) return { annotate: () => undefined };
  let reported = false;
  const refused = (why: string): void => {
    if (reported) return;
    reported = true;
    onRefused(`Grafana refused the fault annotations (${why}); the timeline and the gauge still record them`);
  };
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
      })
        .then(async (response) => {
          if (!response.ok) refused(`HTTP ${response.status} ${(await response.text()).slice(0, 120)}`);
          else await response.body?.cancel();
        })
        .catch((error: unknown) => refused(String(error)));
    },
  };
}
