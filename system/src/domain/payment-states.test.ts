import { describe, expect, it } from 'vitest';
import { PAYMENT_STATES, TERMINAL_STATES } from './events.ts';
import { CANCELABLE_STATES, canTransition, decideCancel, sourcesOf } from './payment-states.ts';

describe('payment state transitions', () => {
  it('never leaves a terminal state except a completed payment being canceled (refund)', () => {
    for (const from of TERMINAL_STATES) {
      for (const to of PAYMENT_STATES) {
        const allowed = canTransition(from, to);
        expect(allowed, `${from} → ${to}`).toBe(from === 'completed' && to === 'cancel_requested');
      }
    }
  });

  it('reaches completed only through processing, so a charge always has a recovery point first', () => {
    expect(sourcesOf('completed')).toEqual(['processing']);
  });

  it('ends a cancel only as canceled', () => {
    expect(sourcesOf('canceled')).toEqual(['cancel_requested']);
  });

  it('lets requested, processing and completed payments be canceled', () => {
    expect([...CANCELABLE_STATES].sort()).toEqual(['completed', 'processing', 'requested']);
  });
});

describe('decideCancel', () => {
  it('requests a cancel for an open or completed payment', () => {
    expect(decideCancel('requested')).toEqual({ kind: 'request-cancel' });
    expect(decideCancel('completed')).toEqual({ kind: 'request-cancel' });
  });

  it('treats a second cancel as already requested, emitting nothing new', () => {
    expect(decideCancel('cancel_requested')).toEqual({ kind: 'already-requested' });
  });

  it('refuses failed and canceled payments with a reason', () => {
    expect(decideCancel('failed')).toMatchObject({
      kind: 'refuse',
      reason: expect.stringContaining('failed'),
    });
    expect(decideCancel('canceled')).toMatchObject({
      kind: 'refuse',
      reason: expect.stringContaining('already'),
    });
  });
});
