/**
 * The PG's book of record: every booking by idempotency key, and per payment the live captures.
 * Every operation is synchronous, so two racing requests with one key cannot both book.
 *
 * Durable when given a journal (the lab's pg-mock always is): each booking and refund is
 * appended and fsync'd BEFORE the in-memory book changes and before the PG answers, and the
 * journal is replayed at start. A real PG never forgets a charge; a mock that did would answer
 * "not found" to inquiries about captures it took before a restart, invite a second charge, and
 * hide the first one from the checker. Only an explicit reset empties it.
 */
import { randomUUID } from 'node:crypto';
import type {
  CaptureRequest,
  LedgerEntry,
  LedgerStatus,
  LedgerSummary,
  PaymentCaptures,
} from './contract.ts';
import type { Journal } from './journal.ts';

/** One line of the ledger's journal. */
export type LedgerRecord =
  | { op: 'book'; entry: LedgerEntry }
  | { op: 'refund'; transactionId: string; refundedAt: string }
  /** A key closed by a void: a capture of it arriving later is refused, across restarts too. */
  | { op: 'void'; key: string };

const STATUSES: readonly LedgerStatus[] = ['captured', 'declined', 'refunded'];

/** Validates a journal line (a bad record is damage, not something to guess around). */
export function parseLedgerRecord(value: unknown): LedgerRecord {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null) throw new Error('not an object');
  if (v.op === 'refund' && typeof v.transactionId === 'string' && typeof v.refundedAt === 'string')
    return { op: 'refund', transactionId: v.transactionId, refundedAt: v.refundedAt };
  if (v.op === 'void' && typeof v.key === 'string' && v.key !== '') return { op: 'void', key: v.key };
  const e = v.entry as Record<string, unknown> | null | undefined;
  if (
    v.op === 'book' &&
    typeof e === 'object' &&
    e !== null &&
    typeof e.transactionId === 'string' &&
    typeof e.paymentId === 'string' &&
    typeof e.pgIdempotencyKey === 'string' &&
    typeof e.amount === 'number' &&
    typeof e.currency === 'string' &&
    typeof e.createdAt === 'string' &&
    (STATUSES as readonly unknown[]).includes(e.status)
  )
    return { op: 'book', entry: e as unknown as LedgerEntry };
  throw new Error('neither a booking, a refund nor a void record');
}

export interface LedgerOptions {
  now?: () => Date;
  /** Where bookings are made durable; without one the ledger lives in memory only (unit tests). */
  journal?: Journal<LedgerRecord>;
}

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
  /** Closes a key that holds no booking (the caller checks): later captures of it are refused. */
  voidKey(pgIdempotencyKey: string): void;
  /** Resolves once every change made so far is on disk (at once without a journal). An answer
   *  that reports the book must wait for it (server.ts does, for every answer). */
  durable(): Promise<void>;
  isVoided(pgIdempotencyKey: string): boolean;
  reset(): void;
}

const COMPARED_FIELDS = ['paymentId', 'amount', 'currency'] as const;

export function createLedger(options: LedgerOptions = {}): Ledger {
  const now = options.now ?? (() => new Date());
  const journal = options.journal;
  let byKey = new Map<string, LedgerEntry>();
  let byTransaction = new Map<string, LedgerEntry>();
  let byPayment = new Map<string, LedgerEntry[]>();
  let voided = new Set<string>();
  let doubleCapturesEver = 0;

  const live = (entries: LedgerEntry[]): LedgerEntry[] => entries.filter((e) => e.status === 'captured');
  const copy = (entry: LedgerEntry): LedgerEntry => ({ ...entry });

  /** Adds a booking to the in-memory book; true when it is a double capture. */
  function apply(entry: LedgerEntry): boolean {
    const ofPayment = byPayment.get(entry.paymentId) ?? [];
    // As the checker counts it: any earlier successful capture, refunded or not, makes this one a
    // second charge (capture → refund → capture charged the customer twice).
    const doubleCapture =
      entry.status === 'captured' &&
      ofPayment.some((e) => e.status === 'captured' || e.status === 'refunded');
    if (doubleCapture) doubleCapturesEver += 1;
    ofPayment.push(entry);
    byPayment.set(entry.paymentId, ofPayment);
    byKey.set(entry.pgIdempotencyKey, entry);
    byTransaction.set(entry.transactionId, entry);
    return doubleCapture;
  }

  if (journal) {
    // Replaying the journal in write order rebuilds the book exactly, double-capture count included.
    for (const record of journal.replay(parseLedgerRecord).records) {
      if (record.op === 'book') {
        // A booking is journaled as first made (a refund is its own later record).
        apply({
          ...record.entry,
          status: record.entry.status === 'refunded' ? 'captured' : record.entry.status,
        });
        continue;
      }
      if (record.op === 'void') {
        voided.add(record.key);
        continue;
      }
      const entry = byTransaction.get(record.transactionId);
      if (!entry) throw new Error(`ledger journal: refund of unknown transaction ${record.transactionId}`);
      entry.status = 'refunded';
      entry.refundedAt = record.refundedAt;
    }
  }

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
      journal?.append({ op: 'book', entry });
      return { kind: 'booked', entry: copy(entry), doubleCapture: apply(entry) };
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
      const refundedAt = now().toISOString();
      journal?.append({ op: 'refund', transactionId, refundedAt });
      entry.status = 'refunded';
      entry.refundedAt = refundedAt;
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
    voidKey(key) {
      if (voided.has(key)) return;
      journal?.append({ op: 'void', key });
      voided.add(key);
    },
    isVoided(key) {
      return voided.has(key);
    },
    durable() {
      return journal ? journal.durable() : Promise.resolve();
    },
    reset() {
      journal?.truncate();
      voided = new Set();
      byKey = new Map();
      byTransaction = new Map();
      byPayment = new Map();
      doubleCapturesEver = 0;
    },
  };
}
