/**
 * The port through which the worker talks to the payment gateway. The HTTP implementation lives
 * in pg-client.ts; tests and the worker depend on this type only. Every call ends in one of
 * three kinds, as in Jepsen: it surely happened, it surely did not, or it is unknown.
 */
import type { CaptureRequest, CaptureResult } from '../../pg-mock/contract.ts';

/** unreachable: the PG could not be reached at all (connection refused). A capture or refund that
 *  never reached the PG is `rejected`; an inquiry has no such kind, so it is unknown: unreachable. */
export type UnknownReason = 'timeout' | 'connection-reset' | 'server-error' | 'bad-response' | 'unreachable';

/** A capture attempt's outcome. */
export type CaptureOutcome =
  | { kind: 'captured'; result: CaptureResult }
  | { kind: 'declined'; result: CaptureResult }
  /** Surely not done (503 with Retry-After, connection refused): safe to try again later. */
  | { kind: 'rejected'; reason: string; retryAfterMs?: number }
  /** The request may have been charged: ask the PG (inquiry) before any new attempt. */
  | { kind: 'unknown'; reason: UnknownReason; detail: string };

export type InquiryOutcome =
  | { kind: 'found'; result: CaptureResult }
  | { kind: 'not-found' }
  | { kind: 'unknown'; reason: UnknownReason; detail: string };

export type RefundOutcome =
  | { kind: 'refunded'; result: CaptureResult }
  | { kind: 'rejected'; reason: string; retryAfterMs?: number }
  | { kind: 'unknown'; reason: UnknownReason; detail: string };

/** What a void by key found. */
export type VoidOutcome =
  /** Nothing was booked under the key, and the PG will refuse any capture of it from now on. */
  | { kind: 'voided' }
  /** The key was booked already: a live capture must be refunded. */
  | { kind: 'booked'; result: CaptureResult }
  | { kind: 'rejected'; reason: string; retryAfterMs?: number }
  | { kind: 'unknown'; reason: UnknownReason; detail: string };

export interface PgClient {
  capture(request: CaptureRequest): Promise<CaptureOutcome>;
  inquire(pgIdempotencyKey: string): Promise<InquiryOutcome>;
  refund(transactionId: string, pgIdempotencyKey: string): Promise<RefundOutcome>;
  /** Closes the key at the PG: a capture of it that has not been booked yet never will be. */
  voidCapture(pgIdempotencyKey: string): Promise<VoidOutcome>;
}
