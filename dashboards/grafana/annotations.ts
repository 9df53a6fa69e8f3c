/**
 * Tags the chaos engine puts on the Grafana annotations it posts for each fault start and end
 * (chaos/grafana.ts: tags ['paylab', 'fault', event, target, runId]). Every paylab dashboard shows
 * annotations carrying all of these tags.
 */
export const FAULT_ANNOTATION_TAGS: readonly string[] = ['paylab', 'fault'];
