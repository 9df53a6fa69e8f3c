import { describe, expect, it } from 'vitest';
import { sampleCancel, sampleRequested } from './testing/sample-events.ts';
import { parsePaymentEvent } from './validate-event.ts';

// Plain objects, not PaymentEvents: the tests break them in ways the types would not allow.
const requested: Record<string, unknown> = { ...sampleRequested };
const cancel: Record<string, unknown> = { ...sampleCancel };
const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('parsePaymentEvent', () => {
  it('accepts both event types as the API writes them', () => {
    expect(parsePaymentEvent(bytes(requested))).toEqual({ ok: true, event: requested });
    expect(parsePaymentEvent(bytes(cancel))).toEqual({ ok: true, event: cancel });
  });

  it.each([
    ['null value', null, 'empty'],
    ['not JSON', Buffer.from('{"eventId":'), 'not JSON'],
    ['an array', bytes([requested]), 'not a JSON object'],
    ['an unknown type', bytes({ ...requested, type: 'payment.refunded' }), 'unknown event type'],
    ['an extra field', bytes({ ...requested, pan: '4242424242424242' }), 'unknown field(s): pan'],
    ['a non-UUID payment id', bytes({ ...requested, paymentId: 'p-1' }), 'paymentId'],
    ['a zero amount', bytes({ ...requested, amount: 0 }), 'amount'],
    ['a fractional amount', bytes({ ...requested, amount: 10.5 }), 'amount'],
    ['an amount as string', bytes({ ...requested, amount: '1000' }), 'amount'],
    ['a lowercase currency', bytes({ ...requested, currency: 'krw' }), 'currency'],
    ['an unknown method', bytes({ ...requested, method: 'cash' }), 'method'],
    ['a sequence of 0', bytes({ ...requested, sequence: 0 }), 'sequence'],
    ['a missing sequence', bytes({ ...cancel, sequence: undefined }), 'sequence'],
    ['a bad time', bytes({ ...cancel, occurredAt: 'yesterday' }), 'occurredAt'],
    ['cancel fields on a requested event', bytes({ ...requested, reason: 'x' }), 'unknown field(s): reason'],
  ])('rejects %s', (_name, value, expected) => {
    const result = parsePaymentEvent(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(expected);
  });
});
