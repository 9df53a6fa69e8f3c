import { describe, expect, it } from 'vitest';
import {
  attemptOf,
  deadLetterHeaders,
  HEADERS,
  headerString,
  notBeforeOf,
  originalHeaders,
  retryHeaders,
} from './retry-headers.ts';

describe('retry headers', () => {
  it('a first delivery has made no retries and may run at once', () => {
    expect(attemptOf({ 'event-id': 'e' })).toBe(0);
    expect(notBeforeOf(undefined)).toBe(0);
  });

  it('round-trip through Kafka (headers come back as Buffers)', () => {
    const written = retryHeaders({ 'event-id': 'e1' }, 3, 1_700_000_000_000, 'pg rejected');
    const read = Object.fromEntries(Object.entries(written).map(([k, v]) => [k, Buffer.from(String(v))]));
    expect(attemptOf(read)).toBe(3);
    expect(notBeforeOf(read)).toBe(1_700_000_000_000);
    expect(headerString(read, 'event-id')).toBe('e1');
  });

  it('treats garbage as absent instead of trusting it', () => {
    expect(attemptOf({ [HEADERS.attempt]: '-1' })).toBe(0);
    expect(attemptOf({ [HEADERS.attempt]: 'lots' })).toBe(0);
    expect(notBeforeOf({ [HEADERS.notBefore]: '1e99' })).toBe(0);
  });

  it('a retry of a retry replaces the worker headers instead of stacking them', () => {
    const first = retryHeaders({ 'event-id': 'e1' }, 1, 10, 'a');
    const second = retryHeaders(first, 2, 20, 'b');
    expect(second).toEqual({
      'event-id': 'e1',
      [HEADERS.attempt]: '2',
      [HEADERS.notBefore]: '20',
      [HEADERS.retryReason]: 'b',
    });
  });

  it('dead-letter headers say why, where the message came from, and keep the original headers', () => {
    const h = deadLetterHeaders(
      { 'event-id': 'e1' },
      'invalid',
      'not JSON',
      { topic: 't', partition: 4, offset: '17' },
      0,
      0,
    );
    expect(h).toMatchObject({
      'event-id': 'e1',
      [HEADERS.deadReason]: 'invalid',
      [HEADERS.deadError]: 'not JSON',
      [HEADERS.originalTopic]: 't',
      [HEADERS.originalPartition]: '4',
      [HEADERS.originalOffset]: '17',
    });
    expect(originalHeaders(h)).toEqual({ 'event-id': 'e1' });
  });
});
