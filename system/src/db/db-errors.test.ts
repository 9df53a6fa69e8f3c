import { describe, expect, it } from 'vitest';
import { isConnectionError, isTransientDbError } from './db-errors.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('database error classification', () => {
  it('treats a failed link as a connection error and transient', () => {
    for (const error of [
      withCode('connect ECONNREFUSED 127.0.0.1:25432', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      new Error('Query read timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
      withCode('terminating connection', '08006'),
    ]) {
      expect(isConnectionError(error), error.message).toBe(true);
      expect(isTransientDbError(error), error.message).toBe(true);
    }
  });

  it('treats server refusals (timeouts, overload, shutdown, serialization) as transient but the link as fine', () => {
    for (const code of ['57014', '53300', '57P01', '40001', '40P01']) {
      const error = withCode('server says no', code);
      expect(isTransientDbError(error), code).toBe(true);
      expect(isConnectionError(error), code).toBe(false);
    }
  });

  it('treats bugs (syntax, constraint, type errors) as neither', () => {
    for (const code of ['42601', '23505', '22P02', '42P08']) {
      expect(isTransientDbError(withCode('bug', code)), code).toBe(false);
    }
    expect(isTransientDbError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientDbError('not an error')).toBe(false);
  });

  it('looks through wrapping errors to their cause', () => {
    const wrapped = new Error('migration 000002 failed', { cause: withCode('reset', 'ECONNRESET') });
    expect(isTransientDbError(wrapped)).toBe(true);
    expect(isConnectionError(wrapped)).toBe(true);
  });
});
