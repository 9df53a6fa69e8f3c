/**
 * Range queries (/api/v1/query_range) for recovery times and report charts. Answers are
 * validated here; a series with several label sets is refused, because every SLI and chart
 * query is written to yield exactly one.
 */
import type { Sample } from '../recovery/recovery.ts';

export class PrometheusRangeError extends Error {
  override name = 'PrometheusRangeError';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a query_range answer into samples on the step grid; steps without a value become null. */
/** GETs a Prometheus HTTP API path; the JSON answer (or null when it is not JSON) is validated by the caller. */
async function getJson(baseUrl: string, path: string, params: URLSearchParams): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}${path}?${params.toString()}`, { signal: AbortSignal.timeout(15_000) });
  } catch (cause) {
    throw new PrometheusRangeError(`Prometheus at ${baseUrl} is not reachable`, { cause });
  }
  return res.json().catch(() => null);
}

function rangeParams(promql: string, startMs: number, endMs: number, stepSeconds: number): URLSearchParams {
  return new URLSearchParams({
    query: promql,
    start: String(Math.floor(startMs / 1000)),
    end: String(Math.ceil(endMs / 1000)),
    step: `${stepSeconds}s`,
  });
}

/** The series of a successful matrix answer; anything else is an error naming what was wrong. */
function matrixResult(body: unknown): unknown[] {
  if (!isRecord(body)) throw new PrometheusRangeError('answer is not a JSON object');
  if (body.status !== 'success')
    throw new PrometheusRangeError(
      `query failed: ${typeof body.error === 'string' ? body.error : 'no error message'}`,
    );
  const data = body.data;
  if (!isRecord(data) || data.resultType !== 'matrix' || !Array.isArray(data.result))
    throw new PrometheusRangeError('expected a matrix result');
  return data.result;
}

export function parseRangeResponse(body: unknown, startMs: number, endMs: number, stepMs: number): Sample[] {
  const result = matrixResult(body);
  if (result.length > 1) throw new PrometheusRangeError(`expected one series, got ${result.length}`);
  const values = new Map<number, number>();
  const series = result[0];
  if (series !== undefined) {
    if (!isRecord(series) || !Array.isArray(series.values))
      throw new PrometheusRangeError('series without values');
    for (const pair of series.values) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'number' || typeof pair[1] !== 'string')
        throw new PrometheusRangeError(`bad sample ${JSON.stringify(pair)}`);
      const v = Number(pair[1]);
      values.set(Math.round(pair[0] * 1000), v);
    }
  }
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
  const start = Math.floor(startMs / 1000);
  const end = Math.ceil(endMs / 1000);
  const body = await getJson(
    baseUrl,
    '/api/v1/query_range',
    rangeParams(promql, startMs, endMs, stepSeconds),
  );
  return parseRangeResponse(body, start * 1000, end * 1000, stepSeconds * 1000);
}

/** One instant value (a scalar-like single series) at a time, or null when there is no series. */
export async function queryScalar(baseUrl: string, promql: string, atMs: number): Promise<number | null> {
  const params = new URLSearchParams({ query: promql, time: String(atMs / 1000) });
  const body = await getJson(baseUrl, '/api/v1/query', params);
  if (
    !isRecord(body) ||
    body.status !== 'success' ||
    !isRecord(body.data) ||
    !Array.isArray(body.data.result)
  ) {
    throw new PrometheusRangeError(`query failed: ${promql}`);
  }
  const first = body.data.result[0];
  if (first === undefined) return null;
  if (!isRecord(first) || !Array.isArray(first.value) || typeof first.value[1] !== 'string')
    throw new PrometheusRangeError('bad instant sample');
  const v = Number(first.value[1]);
  return Number.isNaN(v) ? null : v;
}

export interface RawSeries {
  labels: Record<string, string>;
  samples: { t: number; v: number }[];
}

/** Every series of a range query, as Prometheus returned it (no grid, no single-series rule). */
export function parseRawMatrix(body: unknown): RawSeries[] {
  return matrixResult(body).map((series: unknown) => {
    if (!isRecord(series) || !Array.isArray(series.values) || !isRecord(series.metric))
      throw new PrometheusRangeError('series without values');
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(series.metric)) if (typeof v === 'string') labels[k] = v;
    const samples = series.values.map((pair: unknown) => {
      if (!Array.isArray(pair) || typeof pair[0] !== 'number' || typeof pair[1] !== 'string')
        throw new PrometheusRangeError(`bad sample ${JSON.stringify(pair)}`);
      return { t: Math.round(pair[0] * 1000), v: Number(pair[1]) };
    });
    return { labels, samples };
  });
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

export async function queryRangeRaw(
  baseUrl: string,
  promql: string,
  startMs: number,
  endMs: number,
  stepSeconds = 1,
): Promise<RawSeries[]> {
  return parseRawMatrix(
    await getJson(baseUrl, '/api/v1/query_range', rangeParams(promql, startMs, endMs, stepSeconds)),
  );
}
