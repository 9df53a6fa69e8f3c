/**
 * The PG's book of record: every booking by idempotency key, and per payment the live captures.
 * In memory on purpose — the mock restarts empty, as a fresh sandbox account would — and every
 * operation is synchronous, so two racing requests with one key cannot both book.
 */
import { randomUUID } from 'node:crypto';
import type { CaptureRequest, LedgerEntry, LedgerSummary, PaymentCaptures } from './contract.ts';

export type BookResult =
  | { kind: 'booked'; entry: LedgerEntry; doubleCapture: boolean }
  | { kind: 'replayed'; entry: LedgerEntry }
  /** Same key, different payment or amount: a caller bug that must not book or replay. */
  | { kind: 'mismatch'; entry: LedgerEntry; fields: string[] };

export type RefundResult =
  | { kind: 'refunded'; entry: LedgerEntry; alreadyRefunded: boolean }
  | { kind: 'not-found' }
  | { kind: 'not-captured'; entry: LedgerEntry }
  | { kind: 'key-mismatch'; entry: LedgerEntry };

export interface Ledger {
  book(
    request: CaptureRequest,
    outcome: { status: 'captured' } | { status: 'declined'; reason: string },
  ): BookResult;
  byKey(pgIdempotencyKey: string): LedgerEntry | undefined;
  refund(transactionId: string, pgIdempotencyKey?: string): RefundResult;
  entries(filter?: { paymentId?: string }): LedgerEntry[];
  summary(): LedgerSummary;
  reset(): void;
}

const COMPARED_FIELDS = ['paymentId', 'amount', 'currency'] as const;

export function createLedger(now: () => Date = () => new Date()): Ledger {
  let byKey = new Map<string, LedgerEntry>();
  let byTransaction = new Map<string, LedgerEntry>();
  let byPayment = new Map<string, LedgerEntry[]>();
  let doubleCapturesEver = 0;

  const live = (entries: LedgerEntry[]): LedgerEntry[] => entries.filter((e) => e.status === 'captured');
  const copy = (entry: LedgerEntry): LedgerEntry => ({ ...entry });

  return {
    book(request, outcome) {
      const existing = byKey.get(request.pgIdempotencyKey);
      if (existing) {
        const fields = COMPARED_FIELDS.filter((f) => existing[f] !== request[f]);
        return fields.length > 0
          ? { kind: 'mismatch', entry: copy(existing), fields }
          : { kind: 'replayed', entry: copy(existing) };
      }
      const entry: LedgerEntry = {
        transactionId: `tx_${randomUUID()}`,
        paymentId: request.paymentId,
        pgIdempotencyKey: request.pgIdempotencyKey,
        status: outcome.status,
        amount: request.amount,
        currency: request.currency,
        ...(outcome.status === 'declined' ? { declineReason: outcome.reason } : {}),
        createdAt: now().toISOString(),
      };
      const ofPayment = byPayment.get(request.paymentId) ?? [];
      // As the checker counts it: any earlier successful capture, refunded or not, makes this one a
      // second charge (capture → refund → capture charged the customer twice).
      const doubleCapture =
        entry.status === 'captured' &&
        ofPayment.some((e) => e.status === 'captured' || e.status === 'refunded');
      if (doubleCapture) doubleCapturesEver += 1;
      ofPayment.push(entry);
      byPayment.set(request.paymentId, ofPayment);
      byKey.set(entry.pgIdempotencyKey, entry);
      byTransaction.set(entry.transactionId, entry);
      return { kind: 'booked', entry: copy(entry), doubleCapture };
    },
    byKey(key) {
      const entry = byKey.get(key);
      return entry && copy(entry);
    },
    refund(transactionId, pgIdempotencyKey) {
      const entry = byTransaction.get(transactionId);
      if (!entry) return { kind: 'not-found' };
      if (pgIdempotencyKey !== undefined && pgIdempotencyKey !== entry.pgIdempotencyKey) {
        return { kind: 'key-mismatch', entry: copy(entry) };
      }
      if (entry.status === 'refunded') return { kind: 'refunded', entry: copy(entry), alreadyRefunded: true };
      if (entry.status !== 'captured') return { kind: 'not-captured', entry: copy(entry) };
      entry.status = 'refunded';
      entry.refundedAt = now().toISOString();
      return { kind: 'refunded', entry: copy(entry), alreadyRefunded: false };
    },
    entries(filter = {}) {
      const all =
        filter.paymentId === undefined ? [...byKey.values()] : (byPayment.get(filter.paymentId) ?? []);
      return all.map(copy);
    },
    summary() {
      let captures = 0;
      let liveCaptures = 0;
      let declines = 0;
      let refunds = 0;
      let doubleCaptures = 0;
      const paymentsWithMultipleCaptures: PaymentCaptures[] = [];
      for (const [paymentId, entries] of byPayment) {
        const captured = entries.filter((e) => e.status !== 'declined');
        const liveOnes = live(entries);
        captures += captured.length;
        liveCaptures += liveOnes.length;
        declines += entries.length - captured.length;
        refunds += captured.length - liveOnes.length;
        doubleCaptures += Math.max(0, liveOnes.length - 1);
        if (captured.length > 1) {
          paymentsWithMultipleCaptures.push({
            paymentId,
            liveTransactionIds: liveOnes.map((e) => e.transactionId),
            refundedTransactionIds: captured
              .filter((e) => e.status === 'refunded')
              .map((e) => e.transactionId),
          });
        }
      }
      return {
        captures,
        liveCaptures,
        declines,
        refunds,
        doubleCaptures,
        doubleCapturesEver,
        paymentsWithMultipleCaptures,
      };
    },
    reset() {
      byKey = new Map();
      byTransaction = new Map();
      byPayment = new Map();
      doubleCapturesEver = 0;
    },
  };
}
