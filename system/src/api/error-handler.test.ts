import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { PaymentError } from '../domain/result-codes.ts';
import { describeViolations, registerErrorHandling, safeEcho } from './error-handler.ts';

async function appThrowing(error: unknown) {
  const app = Fastify();
  registerErrorHandling(app);
  app.get('/boom', async () => {
    throw error;
  });
  await app.ready();
  return app;
}

describe('root error handler', () => {
  it('passes a deliberate error through with its code, status and retry hint', async () => {
    const app = await appThrowing(new PaymentError('idempotencyInProgress', [], { retryAfterSeconds: 2 }));
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(409);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json()).toMatchObject({ code: 1008, errors: [] });
  });

  it('hides an unexpected error behind 5000 without its message or stack', async () => {
    const app = await appThrowing(new TypeError('secret internals at /srv/app.ts:12'));
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ code: 5000, message: 'internal server error', errors: [] });
    expect(response.body).not.toContain('secret');
  });

  it('answers 503 with Retry-After when the database is unreachable', async () => {
    const app = await appThrowing(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25432'), { code: 'ECONNREFUSED' }),
    );
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ code: 5003, errors: [{ field: 'database' }] });
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const app = await appThrowing(new Error('unused'));
    const response = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      code: 4004,
      errors: [{ field: 'route', reason: 'no route GET /nowhere' }],
    });
  });
});

describe('describeViolations', () => {
  it('names unknown and missing body fields by JSON pointer without echoing unknown values', () => {
    const result = describeViolations(
      'body',
      [
        { keyword: 'additionalProperties', instancePath: '/items/0', params: { additionalProperty: 'pan' } },
        { keyword: 'required', instancePath: '', params: { missingProperty: 'amount' } },
      ],
      { items: [{ pan: '4111111111111111' }] },
    );
    expect(result).toEqual({
      codeName: 'badRequest',
      errors: [
        { field: '/items/0/pan', value: null, reason: 'unknown field' },
        { field: '/amount', value: null, reason: 'is required' },
      ],
    });
  });

  it('maps a non-positive amount alone to 1010, mixed problems to 4000', () => {
    const amount = {
      keyword: 'minimum',
      instancePath: '/amount',
      params: { limit: 1 },
      message: 'must be >= 1',
    };
    expect(describeViolations('body', [amount], { amount: 0 }).codeName).toBe('amountNotPositive');
    const other = { keyword: 'type', instancePath: '/currency', params: {}, message: 'must be string' };
    expect(describeViolations('body', [amount, other], { amount: 0, currency: 1 }).codeName).toBe(
      'badRequest',
    );
  });

  it('maps a missing Idempotency-Key header to 1011 and never echoes header values', () => {
    const result = describeViolations(
      'headers',
      [{ keyword: 'required', instancePath: '', params: { missingProperty: 'idempotency-key' } }],
      undefined,
    );
    expect(result).toEqual({
      codeName: 'idempotencyKeyMissing',
      errors: [{ field: 'idempotency-key', value: null, reason: 'is required' }],
    });
  });

  it('echoes only small, harmless values', () => {
    expect(safeEcho(42)).toBe(42);
    expect(safeEcho('KRW')).toBe('KRW');
    expect(safeEcho('4111 1111 1111 1111')).toBeNull();
    expect(safeEcho('x'.repeat(65))).toBeNull();
    expect(safeEcho({ nested: true })).toBeNull();
  });
});
