/**
 * Which state changes a payment may make. The API and the worker both change state with a
 * conditional UPDATE (… WHERE state = ANY(allowed sources)), so this table is what keeps two
 * racing writers from producing an impossible history.
 */
import type { PaymentState } from './events.ts';

export const TRANSITIONS: Readonly<Record<PaymentState, readonly PaymentState[]>> = {
  requested: ['processing', 'cancel_requested', 'failed'],
  processing: ['completed', 'failed', 'cancel_requested'],
  // A completed payment can still be canceled: the worker refunds the capture, then ends canceled.
  completed: ['cancel_requested'],
  cancel_requested: ['canceled'],
  failed: [],
  canceled: [],
};

export function canTransition(from: PaymentState, to: PaymentState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States from which `to` can be reached in one step: the WHERE clause of a conditional update. */
export function sourcesOf(to: PaymentState): PaymentState[] {
  return (Object.keys(TRANSITIONS) as PaymentState[]).filter((from) => TRANSITIONS[from].includes(to));
}

export const CANCELABLE_STATES: readonly PaymentState[] = sourcesOf('cancel_requested');

export type CancelDecision =
  | { kind: 'request-cancel' }
  /** A cancel is already on its way: answering it again changes nothing and emits no event. */
  | { kind: 'already-requested' }
  | { kind: 'refuse'; reason: string };

export function decideCancel(state: PaymentState): CancelDecision {
  if (CANCELABLE_STATES.includes(state)) return { kind: 'request-cancel' };
  if (state === 'cancel_requested') return { kind: 'already-requested' };
  if (state === 'canceled') return { kind: 'refuse', reason: 'the payment is already canceled' };
  return { kind: 'refuse', reason: `a ${state} payment cannot be canceled` };
}
