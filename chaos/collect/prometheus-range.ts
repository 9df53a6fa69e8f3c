/**
 * The collector's reads of Prometheus, for recovery times, report charts and counter totals,
 * over the lab's one Prometheus client (observability/prometheus/client.ts: validation, timeouts
 * and error messages live there). What is added here is collector logic: SLI and chart queries
 * yield exactly one series, put on the step grid; counters are totalled across restarts.
 */
import {
  PrometheusError,
  prometheusClient,
  type RangeSeries,
} from '../../observability/prometheus/client.ts';
import type { Sample } from '../../observability/slis/band.ts';

export type RawSeries = RangeSeries;

/**
 * The one series of a range answer on the step grid [start, end]; steps without a value (and NaN)
 * become null. Several series are refused: every SLI and chart query is written to yield one.
 */
export function onGrid(
  series: readonly RangeSeries[],
  startMs: number,
  endMs: number,
  stepMs: number,
): Sample[] {
  if (series.length > 1) throw new PrometheusError(`expected one series, got ${series.length}`);
  const values = new Map<number, number>();
  for (const x of series[0]?.samples ?? []) values.set(x.t, x.v);
  const grid: Sample[] = [];
  for (let t = startMs; t <= endMs; t += stepMs) {
    const v = values.get(t);
    grid.push({ t, v: v === undefined || Number.isNaN(v) ? null : v });
  }
  return grid;
}

export async function queryRange(
  baseUrl: string,
  promql: string,
  startMs: number,
  endMs: number,
  stepSeconds = 1,
): Promise<Sample[]> {
  const series = await prometheusClient(baseUrl).range(promql, startMs, endMs, { stepSeconds });
  // The grid Prometheus answered on: start and end aligned to whole seconds, as the client sent them.
  return onGrid(
    series,
    Math.floor(startMs / 1000) * 1000,
    Math.ceil(endMs / 1000) * 1000,
    stepSeconds * 1000,
  );
}

/** Every series of a range query, as Prometheus returned it (no grid, no single-series rule). */
export async function queryRangeRaw(
  baseUrl: string,
  promql: string,
  startMs: number,
  endMs: number,
  stepSeconds = 1,
): Promise<RawSeries[]> {
  return prometheusClient(baseUrl).range(promql, startMs, endMs, { stepSeconds });
}

/** One instant value of a query meant to yield at most one series; null when there is none (or NaN). */
export async function queryScalar(baseUrl: string, promql: string, atMs: number): Promise<number | null> {
  const [first] = await prometheusClient(baseUrl).instant(promql, { at: atMs });
  return first === undefined || Number.isNaN(first.value) ? null : first.value;
}

/**
 * How much a counter grew between two times, summed over its series. Unlike increase(), a
 * series that first appears inside the window counts from zero — prom-client exports a labelled
 * counter only once it is incremented, so its first sample already holds the first increments —
 * and a drop (a restarted process) counts as a reset.
 */
export function counterGrowth(series: readonly RawSeries[], from: number, slackMs = 2000): number {
  let total = 0;
  for (const s of series) {
    const samples = s.samples.filter((x) => Number.isFinite(x.v));
    const first = samples[0];
    if (!first) continue;
    let previous = first.t > from + slackMs ? 0 : first.v;
    for (const x of first.t > from + slackMs ? samples : samples.slice(1)) {
      total += x.v >= previous ? x.v - previous : x.v;
      previous = x.v;
    }
  }
  return total;
}
