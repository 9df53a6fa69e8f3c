/**
 * The one Prometheus client against a tiny local HTTP server that answers as Prometheus does
 * (bodies in the shape Prometheus 2.42 gives on /api/v1/query and /api/v1/query_range), so URLs,
 * status codes, timeouts and refused connections are real, not mocked fetches.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInstantResponse, PrometheusError, prometheusClient } from './client.ts';

type Handler = (url: URL, res: http.ServerResponse) => void;

const routes = new Map<string, Handler>();
const seen: URL[] = [];
let server: http.Server;
let base: string;

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    seen.push(url);
    const handler = routes.get(url.searchParams.get('query') ?? '');
    if (handler) handler(url, res);
    else json(res, 200, { status: 'success', data: { resultType: 'vector', result: [] } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Recorded answers.
  routes.set('paylab_fault_active > 0', (_url, res) =>
    json(res, 200, {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          {
            metric: { __name__: 'paylab_fault_active', target: 'db', kind: 'latency' },
            value: [1764468000.5, '1'],
          },
        ],
      },
    }),
  );
  routes.set('histogram_quantile(0.95, x)', (_url, res) =>
    json(res, 200, {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'NaN'] }] },
    }),
  );
  routes.set('sum(rate(x[10s]))', (_url, res) =>
    json(res, 200, {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [100, '1.5'],
              [101, '+Inf'],
            ],
          },
        ],
      },
    }),
  );
  routes.set('sum(rate(x[10s])', (_url, res) =>
    json(res, 400, {
      status: 'error',
      errorType: 'bad_data',
      error: '1:17: parse error: unclosed left parenthesis',
    }),
  );
  routes.set('proxy says no', (_url, res) =>
    res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>'),
  );
  routes.set('weird value', (_url, res) =>
    json(res, 200, {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'abc'] }] },
    }),
  );
  routes.set('hang', () => {
    // Never answers: the client's timeout must end the wait.
  });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('prometheusClient', () => {
  it('when Prometheus answers a vector, then each series becomes a sample with its labels', async () => {
    const samples = await prometheusClient(base).instant('paylab_fault_active > 0', {
      at: 1_764_468_000_500,
    });
    expect(samples).toEqual([
      { labels: { __name__: 'paylab_fault_active', target: 'db', kind: 'latency' }, value: 1 },
    ]);
    const url = seen.at(-1);
    expect(url?.pathname).toBe('/api/v1/query');
    expect(url?.searchParams.get('time')).toBe('1764468000.5');
  });

  it('when a value is NaN, then it stays NaN rather than failing', async () => {
    const [sample] = await prometheusClient(base).instant('histogram_quantile(0.95, x)');
    expect(sample?.value).toBeNaN();
  });

  it('when a range is asked, then it sends whole seconds and a step, and reads +Inf', async () => {
    const series = await prometheusClient(base).range('sum(rate(x[10s]))', 100_400, 101_200, {
      stepSeconds: 1,
    });
    expect(series).toEqual([
      {
        labels: {},
        samples: [
          { t: 100_000, v: 1.5 },
          { t: 101_000, v: Number.POSITIVE_INFINITY },
        ],
      },
    ]);
    const url = seen.at(-1);
    expect(url?.pathname).toBe('/api/v1/query_range');
    expect([
      url?.searchParams.get('start'),
      url?.searchParams.get('end'),
      url?.searchParams.get('step'),
    ]).toEqual(['100', '102', '1s']);
  });

  it("when a query is bad, then the error carries Prometheus' own message (HTTP 400 with its error envelope)", async () => {
    await expect(prometheusClient(base).range('sum(rate(x[10s])', 0, 1000)).rejects.toThrow(
      'query failed: bad_data: 1:17: parse error: unclosed left parenthesis',
    );
  });

  it('when something else answers without JSON, then the error names the HTTP status and what came back', async () => {
    await expect(prometheusClient(base).instant('proxy says no')).rejects.toThrow(
      /answered HTTP 502 without JSON .*Bad Gateway/,
    );
  });

  it('when a value is not a number, then it is refused, not turned into a gap', async () => {
    await expect(prometheusClient(base).instant('weird value')).rejects.toThrow(
      /value "abc" is not a number/,
    );
  });

  it('when Prometheus does not answer, then the client gives up after its timeout and says so', async () => {
    const started = Date.now();
    await expect(prometheusClient(base, { timeoutMs: 200 }).instant('hang')).rejects.toThrow(
      /did not answer within 200 ms \(\/api\/v1\/query hang\)/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('when the caller aborts, then the query ends at once and says it was abandoned', async () => {
    const controller = new AbortController();
    const pending = prometheusClient(base).instant('hang', { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow(/abandoned/);
  });

  it('when nothing listens, then the error tells the user to bring the lab up', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await prometheusClient(`http://127.0.0.1:${port}`)
      .instant('up')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusError);
    expect((error as Error).message).toMatch(/not reachable — is the lab up \(npm run lab -- up\)\?/);
  });
});

describe('parseInstantResponse', () => {
  it('refuses answers of the wrong shape, naming the problem', () => {
    expect(() =>
      parseInstantResponse({ status: 'success', data: { resultType: 'matrix', result: [] } }),
    ).toThrow(/expected an instant vector, got resultType matrix/);
    expect(() =>
      parseInstantResponse({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, histogram: [1, {}] }] },
      }),
    ).toThrow(/no float value/);
    expect(() => parseInstantResponse('nope')).toThrow(/not a JSON object/);
    expect(
      parseInstantResponse({ status: 'success', data: { resultType: 'scalar', result: [1, '2'] } }),
    ).toEqual([{ labels: {}, value: 2 }]);
  });
});
