import { describe, expect, it } from 'vitest';
import { requestHash } from './request-hash.ts';

describe('requestHash', () => {
  const body = { orderId: 'o1', amount: 100, items: [{ name: 'a', quantity: 1, unitPrice: 100 }] };

  it('is the same for the same parameters in any key order', () => {
    const reordered = { items: [{ unitPrice: 100, quantity: 1, name: 'a' }], amount: 100, orderId: 'o1' };
    expect(requestHash('POST', '/payments', reordered)).toBe(requestHash('post', '/payments', body));
  });

  it('changes with any parameter, the route or the method', () => {
    const base = requestHash('POST', '/payments', body);
    expect(requestHash('POST', '/payments', { ...body, amount: 101 })).not.toBe(base);
    expect(requestHash('POST', '/refunds', body)).not.toBe(base);
    expect(requestHash('PUT', '/payments', body)).not.toBe(base);
  });

  it('is a sha-256 hex digest, so the stored fingerprint reveals nothing of the body', () => {
    expect(requestHash('POST', '/payments', body)).toMatch(/^[0-9a-f]{64}$/);
  });
});
