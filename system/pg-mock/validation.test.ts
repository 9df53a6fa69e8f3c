import { describe, expect, it } from 'vitest';
import { NO_FAULTS, type FaultProfile } from './contract.ts';
import { applyFaultPatch, checkCaptureRequest, checkRefundRequest } from './validation.ts';

const valid = {
  paymentId: 'p1',
  orderId: 'order-1',
  pgIdempotencyKey: 'pay:p1:1',
  amount: 15000,
  currency: 'KRW',
  method: 'card',
  methodReference: 'tok_visa_123',
};
const current: FaultProfile = { ...NO_FAULTS, seed: 42 };

function fields(result: { ok: boolean; errors?: { field: string }[] }): string[] {
  return result.ok ? [] : (result.errors ?? []).map((e) => e.field);
}

describe('capture request validation', () => {
  it('accepts a well-formed capture', () => {
    expect(checkCaptureRequest(valid)).toEqual({ ok: true, value: valid });
  });

  it('names every bad or unknown field', () => {
    const result = checkCaptureRequest({
      ...valid,
      amount: 0,
      currency: 'won',
      method: 'cash',
      cvv: '123',
      paymentId: '',
    });
    expect(fields(result).sort()).toEqual(['amount', 'currency', 'cvv', 'method', 'paymentId']);
  });

  it('refuses fractional or string amounts', () => {
    expect(fields(checkCaptureRequest({ ...valid, amount: 10.5 }))).toEqual(['amount']);
    expect(fields(checkCaptureRequest({ ...valid, amount: '100' }))).toEqual(['amount']);
  });

  it('refuses a raw card number as the method reference, without echoing it', () => {
    const result = checkCaptureRequest({ ...valid, methodReference: '4111 1111 1111 1111' });
    expect(fields(result)).toEqual(['methodReference']);
    expect(JSON.stringify(result)).not.toContain('4111');
  });

  it('refuses a body that is not an object', () => {
    expect(fields(checkCaptureRequest([valid]))).toEqual(['(body)']);
    expect(fields(checkCaptureRequest(null))).toEqual(['(body)']);
  });
});

describe('refund request validation', () => {
  it('accepts no body, an empty object, or the capture key', () => {
    expect(checkRefundRequest(undefined)).toEqual({ ok: true, value: {} });
    expect(checkRefundRequest({})).toEqual({ ok: true, value: {} });
    expect(checkRefundRequest({ pgIdempotencyKey: 'k' })).toEqual({
      ok: true,
      value: { pgIdempotencyKey: 'k' },
    });
  });

  it('names unknown fields', () => {
    expect(fields(checkRefundRequest({ amount: 5 }))).toEqual(['amount']);
  });
});

describe('fault profile patch', () => {
  it('merges a partial patch, including a partial latency', () => {
    const result = applyFaultPatch(current, { declineRate: 0.3, latencyMs: { max: 200 } });
    expect(result).toEqual({
      ok: true,
      value: { ...current, declineRate: 0.3, latencyMs: { ...current.latencyMs, max: 200 } },
    });
  });

  it('names out-of-range rates and unknown fields, top level and nested', () => {
    const result = applyFaultPatch(current, {
      declineRate: 1.5,
      errorRate: -0.1,
      typo: 1,
      latencyMs: { p99: 3 },
    });
    expect(fields(result).sort()).toEqual(['declineRate', 'errorRate', 'latencyMs.p99', 'typo']);
  });

  it('refuses non-numbers, fractional milliseconds and a negative seed', () => {
    const result = applyFaultPatch(current, { unavailableRate: '0.5', chargeThenTimeoutMs: 1.5, seed: -1 });
    expect(fields(result).sort()).toEqual(['chargeThenTimeoutMs', 'seed', 'unavailableRate']);
  });

  it('refuses a latency minimum above its maximum', () => {
    expect(fields(applyFaultPatch(current, { latencyMs: { min: 500, max: 100 } }))).toEqual([
      'latencyMs.min',
    ]);
  });

  it('does not change the current profile when refused', () => {
    const before = structuredClone(current);
    applyFaultPatch(current, { declineRate: 2, latencyMs: { max: 9 } });
    expect(current).toEqual(before);
  });
});
