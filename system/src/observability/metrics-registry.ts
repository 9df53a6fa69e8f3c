/**
 * A Prometheus registry per service instance, with Node's default metrics (event-loop lag, heap,
 * GC, CPU). One registry per app (not prom-client's global one) so tests can build several apps
 * in one process. The relay and worker may use this too.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export function createMetricsRegistry(defaultLabels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(defaultLabels);
  collectDefaultMetrics({ register: registry });
  return registry;
}
