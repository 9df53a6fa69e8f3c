import type { Registry } from 'prom-client';

/** The current value of a counter in a registry, summed over the series whose labels match `labels`.
 *  An unregistered name is an error, so a misspelt metric cannot make a test read 0 and pass. */
export async function counterValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}
