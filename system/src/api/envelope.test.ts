import { describe, expect, it } from 'vitest';
import { ERROR_CODES, PaymentError, SUCCESS_CODES } from '../domain/result-codes.ts';
import { failure, success } from './envelope.ts';

describe('result codes', () => {
  const all = [...Object.values(SUCCESS_CODES), ...Object.values(ERROR_CODES)];

  it('gives every code one meaning', () => {
    const numbers = all.map((c) => c.code);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('keeps the numbers carried over from the original service', () => {
    expect(SUCCESS_CODES.paymentRequested.code).toBe(2005);
    expect(SUCCESS_CODES.paymentStatus.code).toBe(2007);
    expect(ERROR_CODES.idempotencyKeyMismatch.code).toBe(1007);
    expect(ERROR_CODES.itemSumMismatch.code).toBe(1009);
    expect(ERROR_CODES.amountNotPositive.code).toBe(1010);
    expect(ERROR_CODES.badRequest.code).toBe(4000);
    expect(ERROR_CODES.serverError.code).toBe(5000);
  });

  it('pairs success codes with 2xx and error codes with 4xx/5xx', () => {
    for (const c of Object.values(SUCCESS_CODES)) {
      expect(c.httpStatus).toBeGreaterThanOrEqual(200);
      expect(c.httpStatus).toBeLessThan(300);
    }
    for (const c of Object.values(ERROR_CODES)) expect(c.httpStatus).toBeGreaterThanOrEqual(400);
    // 4xxx codes mirror their HTTP status, 5xxx the server ones.
    expect(ERROR_CODES.notFound.httpStatus).toBe(404);
    expect(ERROR_CODES.serviceUnavailable.httpStatus).toBe(503);
  });
});

describe('envelope', () => {
  it('wraps data as { code, message, data } with the HTTP status of the code', () => {
    expect(success('paymentRequested', { id: 'p1' })).toEqual({
      status: 201,
      body: { code: 2005, message: 'payment requested', data: { id: 'p1' } },
    });
  });

  it('wraps failures as { code, message, errors } and lets the message be specific', () => {
    const errors = [{ field: '/amount', value: 0, reason: 'must be > 0' }];
    expect(failure('amountNotPositive', errors)).toEqual({
      status: 400,
      body: { code: 1010, message: ERROR_CODES.amountNotPositive.message, errors },
    });
    expect(failure('badRequest', [], 'specific').body.message).toBe('specific');
  });

  it('carries a retry hint on deliberate errors that should be retried', () => {
    const error = new PaymentError('idempotencyInProgress', [], { retryAfterSeconds: 1 });
    expect(error.resultCode.httpStatus).toBe(409);
    expect(error.retryAfterSeconds).toBe(1);
    expect(error.message).toBe(ERROR_CODES.idempotencyInProgress.message);
  });
});
