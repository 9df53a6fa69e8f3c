/**
 * The lab's one client for Prometheus' HTTP query API (/api/v1/query, /api/v1/query_range), used
 * by the live view and by the runner's collector. Every answer is validated here, at the edge:
 * callers get well-formed samples or a PrometheusError that says what went wrong (unreachable,
 * too slow, an HTTP error with Prometheus' own message, or an answer of the wrong shape).
 */

export interface InstantSample {
  labels: Readonly<Record<string, string>>;
  /** NaN when Prometheus answered NaN (e.g. a quantile over no observations); ±Infinity likewise. */
  value: number;
}

export interface RangeSeries {
  labels: Readonly<Record<string, string>>;
  /** Epoch ms and value, in Prometheus' order; NaN kept as NaN. */
  samples: { t: number; v: number }[];
}

export class PrometheusError extends Error {
  override name = 'PrometheusError';
}

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

export interface PrometheusClientOptions {
  /** Per request; a query that takes longer is abandoned with an error saying so. Default 15 s. */
  timeoutMs?: number;
  fetchImpl?: FetchLike;
}

export interface QueryOptions {
  /** Evaluation time, epoch ms; default: now. */
  at?: number;
  signal?: AbortSignal;
}

export interface RangeOptions {
  /** Default 1 s: the lab scrapes every second. */
  stepSeconds?: number;
  signal?: AbortSignal;
}

export interface PrometheusClient {
  readonly baseUrl: string;
  instant(promql: string, options?: QueryOptions): Promise<InstantSample[]>;
  /** start and end in epoch ms; Prometheus aligns them to whole seconds. */
  range(promql: string, startMs: number, endMs: number, options?: RangeOptions): Promise<RangeSeries[]>;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Prometheus encodes values as strings, including "NaN", "+Inf" and "-Inf". */
function parseValue(raw: unknown, where: string): number {
  if (typeof raw !== 'string')
    throw new PrometheusError(`${where}: value ${JSON.stringify(raw)} is not a string`);
  if (raw === 'NaN') return Number.NaN;
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  const value = Number(raw);
  if (raw.trim() === '' || Number.isNaN(value))
    throw new PrometheusError(`${where}: value "${raw}" is not a number`);
  return value;
}

function parsePair(pair: unknown, where: string): { t: number; v: number } {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number')
    throw new PrometheusError(`${where}: expected [time, "value"], got ${JSON.stringify(pair)}`);
  return { t: Math.round(pair[0] * 1000), v: parseValue(pair[1], where) };
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

/** The data object of a successful answer; Prometheus' own error text otherwise. */
function successData(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw new PrometheusError('answer is not a JSON object');
  if (body.status !== 'success') {
    const type = typeof body.errorType === 'string' ? `${body.errorType}: ` : '';
    const reason = typeof body.error === 'string' ? body.error : 'no error message';
    throw new PrometheusError(`query failed: ${type}${reason}`);
  }
  if (!isRecord(body.data)) throw new PrometheusError('answer has no data object');
  return body.data;
}

/** Validates the JSON body of /api/v1/query; a scalar becomes one sample without labels. */
export function parseInstantResponse(body: unknown): InstantSample[] {
  const data = successData(body);
  if (data.resultType === 'scalar') return [{ labels: {}, value: parsePair(data.result, 'scalar').v }];
  if (data.resultType !== 'vector')
    throw new PrometheusError(`expected an instant vector, got resultType ${String(data.resultType)}`);
  if (!Array.isArray(data.result)) throw new PrometheusError('vector result is not an array');
  return data.result.map((item: unknown, i) => {
    const where = `series ${i}`;
    if (!isRecord(item)) throw new PrometheusError(`${where}: not an object`);
    // Native-histogram series carry "histogram" instead of "value"; a float query over one is a mistake to hear about.
    if (!('value' in item)) throw new PrometheusError(`${where}: has no float value`);
    return { labels: parseLabels(item.metric, where), value: parsePair(item.value, where).v };
  });
}

/** Validates the JSON body of /api/v1/query_range. */
export function parseRangeResponse(body: unknown): RangeSeries[] {
  const data = successData(body);
  if (data.resultType !== 'matrix')
    throw new PrometheusError(`expected a matrix result, got resultType ${String(data.resultType)}`);
  if (!Array.isArray(data.result)) throw new PrometheusError('matrix result is not an array');
  return data.result.map((item: unknown, i) => {
    const where = `series ${i}`;
    if (!isRecord(item)) throw new PrometheusError(`${where}: not an object`);
    if (!Array.isArray(item.values)) throw new PrometheusError(`${where}: has no float values`);
    return {
      labels: parseLabels(item.metric, where),
      samples: item.values.map((pair: unknown) => parsePair(pair, where)),
    };
  });
}

export function prometheusClient(baseUrl: string, options: PrometheusClientOptions = {}): PrometheusClient {
  const base = baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl: FetchLike = options.fetchImpl ?? fetch;

  async function get(path: string, params: URLSearchParams, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const query = params.get('query') ?? '';
    const what = `${path} ${query.length > 80 ? `${query.slice(0, 77)}…` : query}`;
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}?${params.toString()}`, { signal: combined });
      text = await response.text();
    } catch (cause) {
      if (timeout.aborted)
        throw new PrometheusError(`Prometheus at ${base} did not answer within ${timeoutMs} ms (${what})`, {
          cause,
        });
      if (signal?.aborted) throw new PrometheusError(`query abandoned (${what})`, { cause });
      throw new PrometheusError(
        `Prometheus at ${base} is not reachable — is the lab up (npm run lab -- up)?`,
        {
          cause,
        },
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      throw new PrometheusError(
        `Prometheus at ${base} answered HTTP ${response.status} without JSON (${what}): ${text.slice(0, 200)}`,
        { cause },
      );
    }
    // An HTTP error with Prometheus' JSON error envelope: its message says more than the status.
    if (!response.ok && !(isRecord(body) && body.status === 'error'))
      throw new PrometheusError(`Prometheus at ${base} answered HTTP ${response.status} (${what})`);
    return body;
  }

  return {
    baseUrl: base,
    async instant(promql, queryOptions = {}) {
      const params = new URLSearchParams({ query: promql });
      if (queryOptions.at !== undefined) params.set('time', String(queryOptions.at / 1000));
      return parseInstantResponse(await get('/api/v1/query', params, queryOptions.signal));
    },
    async range(promql, startMs, endMs, rangeOptions = {}) {
      const params = new URLSearchParams({
        query: promql,
        start: String(Math.floor(startMs / 1000)),
        end: String(Math.ceil(endMs / 1000)),
        step: `${rangeOptions.stepSeconds ?? 1}s`,
      });
      return parseRangeResponse(await get('/api/v1/query_range', params, rangeOptions.signal));
    },
  };
}

/** Where the lab's Prometheus listens. */
export function prometheusUrl(config: { services: { prometheus: { host: string; port: number } } }): string {
  const { host, port } = config.services.prometheus;
  return `http://${host}:${port}`;
}
