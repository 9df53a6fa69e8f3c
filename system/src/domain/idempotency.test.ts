import { describe, expect, it } from 'vitest';
import { canonicalJson, decideIdempotency, isValidIdempotencyKey } from './idempotency.ts';

describe('decideIdempotency', () => {
  const completed = {
    requestHash: 'h1',
    state: 'completed' as const,
    responseStatus: 201,
    responseBody: '{"code":2005}',
  };

  it('proceeds when the key was never used', () => {
    expect(decideIdempotency(undefined, 'h1')).toEqual({ kind: 'proceed' });
  });

  it('replays the stored status and body for the same parameters', () => {
    expect(decideIdempotency(completed, 'h1')).toEqual({
      kind: 'replay',
      status: 201,
      body: '{"code":2005}',
    });
  });

  it('refuses different parameters even while the first request is in progress', () => {
    expect(decideIdempotency(completed, 'h2')).toEqual({ kind: 'mismatch' });
    expect(decideIdempotency({ ...completed, state: 'in_progress' }, 'h2')).toEqual({ kind: 'mismatch' });
  });

  it('answers in progress for the same parameters before the first request completed', () => {
    const inProgress = {
      requestHash: 'h1',
      state: 'in_progress' as const,
      responseStatus: null,
      responseBody: null,
    };
    expect(decideIdempotency(inProgress, 'h1')).toEqual({ kind: 'in-progress' });
  });
});

describe('canonicalJson', () => {
  it('is independent of object key order at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
  });

  it('keeps array order, so reordered items are different parameters', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('distinguishes values JSON would distinguish', () => {
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ a: 'x"y' })).toBe('{"a":"x\\"y"}');
  });
});

describe('isValidIdempotencyKey', () => {
  it('accepts visible ASCII up to 255 characters', () => {
    expect(isValidIdempotencyKey('a'.repeat(255))).toBe(true);
    expect(isValidIdempotencyKey('6f1c2b8e-1d7a-4f00-9a55-2b1d4e0c9f11')).toBe(true);
  });

  it('refuses empty, too long, spaces, control characters and non-strings', () => {
    for (const key of ['', 'a'.repeat(256), 'a b', 'a\nb', 'ключ', undefined, 42]) {
      expect(isValidIdempotencyKey(key), String(key)).toBe(false);
    }
  });
});
