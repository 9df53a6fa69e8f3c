import { describe, expect, it } from 'vitest';
import { parseInstantResponse, PrometheusError, queryInstant } from './prometheus-client.ts';

describe('parseInstantResponse', () => {
  it('when Prometheus answers a vector, then each series becomes a sample with labels', () => {
    const samples = parseInstantResponse({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [{ metric: { target: 'db', kind: 'latency' }, value: [1, '1'] }],
      },
    });
    expect(samples).toEqual([{ labels: { target: 'db', kind: 'latency' }, value: 1 }]);
  });

  it('when a value is NaN, then it stays NaN rather than failing', () => {
    const [sample] = parseInstantResponse({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'NaN'] }] },
    });
    expect(sample?.value).toBeNaN();
  });

  it('when the answer is an error or malformed, then it throws a PrometheusError naming the problem', () => {
    expect(() => parseInstantResponse({ status: 'error', error: 'parse error at char 3' })).toThrow(
      /parse error at char 3/,
    );
    expect(() =>
      parseInstantResponse({ status: 'success', data: { resultType: 'matrix', result: [] } }),
    ).toThrow(PrometheusError);
    expect(() =>
      parseInstantResponse({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'abc'] }] },
      }),
    ).toThrow(/not a number/);
    expect(() =>
      parseInstantResponse({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, histogram: [1, {}] }] },
      }),
    ).toThrow(/no float value/);
  });

  it('when the server cannot be reached, then the error tells the user to bring the lab up', async () => {
    const refused = () => Promise.reject(new Error('ECONNREFUSED'));
    await expect(queryInstant('http://127.0.0.1:1', 'up', { fetchImpl: refused })).rejects.toThrow(
      /npm run lab -- up/,
    );
  });
});
