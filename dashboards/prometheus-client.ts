/**
 * A minimal client for Prometheus' HTTP query API. Answers are validated here, at the edge,
 * so the rest of the dashboard code only ever sees well-formed samples.
 */
import type { LabConfig } from '../system/src/config.ts';

export interface InstantSample {
  labels: Readonly<Record<string, string>>;
  /** NaN when Prometheus answered NaN (e.g. a quantile over no observations). */
  value: number;
}

export class PrometheusError extends Error {
  override name = 'PrometheusError';
}

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

export function prometheusUrl(config: LabConfig): string {
  const { host, port } = config.services.prometheus;
  return `http://${host}:${port}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseValuePair(pair: unknown, where: string): number {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== 'string') {
    throw new PrometheusError(`${where}: expected [time, "value"], got ${JSON.stringify(pair)}`);
  }
  // Prometheus encodes values as strings, including "NaN" and "+Inf".
  const value = Number(pair[1]);
  if (Number.isNaN(value) && pair[1] !== 'NaN') {
    throw new PrometheusError(`${where}: value "${pair[1]}" is not a number`);
  }
  return value;
}

function parseLabels(metric: unknown, where: string): Record<string, string> {
  if (!isRecord(metric)) throw new PrometheusError(`${where}: metric labels missing`);
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(metric)) {
    if (typeof value !== 'string') throw new PrometheusError(`${where}: label ${key} is not a string`);
    labels[key] = value;
  }
  return labels;
}

/** Validates the JSON body of /api/v1/query and returns its samples (a scalar becomes one sample). */
export function parseInstantResponse(body: unknown): InstantSample[] {
  if (!isRecord(body)) throw new PrometheusError('answer is not a JSON object');
  if (body.status !== 'success') {
    const reason = typeof body.error === 'string' ? body.error : 'no error message';
    throw new PrometheusError(`query failed: ${reason}`);
  }
  const data = body.data;
  if (!isRecord(data)) throw new PrometheusError('answer has no data object');
  if (data.resultType === 'scalar') {
    return [{ labels: {}, value: parseValuePair(data.result, 'scalar') }];
  }
  if (data.resultType !== 'vector') {
    throw new PrometheusError(`expected an instant vector, got resultType ${String(data.resultType)}`);
  }
  if (!Array.isArray(data.result)) throw new PrometheusError('vector result is not an array');
  return data.result.map((item: unknown, i) => {
    const where = `series ${i}`;
    if (!isRecord(item)) throw new PrometheusError(`${where}: not an object`);
    // Native-histogram series carry "histogram" instead of "value"; an instant panel query
    // over one is a mistake we want to hear about.
    if (!('value' in item)) throw new PrometheusError(`${where}: has no float value`);
    return { labels: parseLabels(item.metric, where), value: parseValuePair(item.value, where) };
  });
}

export interface QueryOptions {
  signal?: AbortSignal;
  fetchImpl?: FetchLike;
  /** Evaluation time in seconds since the epoch; default: now. */
  time?: number;
}

export async function queryInstant(
  baseUrl: string,
  promql: string,
  options: QueryOptions = {},
): Promise<InstantSample[]> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const params = new URLSearchParams({ query: promql });
  if (options.time !== undefined) params.set('time', String(options.time));
  const url = `${baseUrl}/api/v1/query?${params.toString()}`;
  let response: Response;
  try {
    response = await fetchImpl(url, options.signal ? { signal: options.signal } : undefined);
  } catch (cause) {
    throw new PrometheusError(
      `Prometheus at ${baseUrl} is not reachable — is the lab up (npm run lab -- up)?`,
      {
        cause,
      },
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new PrometheusError(`Prometheus answered HTTP ${response.status} without JSON`, { cause });
  }
  return parseInstantResponse(body);
}
