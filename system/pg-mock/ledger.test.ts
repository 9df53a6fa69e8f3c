import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureRequest } from './contract.ts';
import { openJournal } from './journal.ts';
import { createLedger, type LedgerRecord } from './ledger.ts';

const dirs: string[] = [];
function journalFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-ledger-'));
  dirs.push(dir);
  return path.join(dir, 'ledger.jsonl');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A ledger on a journal file, as a (re)started pg-mock opens it. */
function durableLedger(file: string) {
  return createLedger({ journal: openJournal<LedgerRecord>(file) });
}

function request(paymentId: string, key: string, amount = 1000): CaptureRequest {
  return {
    paymentId,
    orderId: `order-${paymentId}`,
    pgIdempotencyKey: key,
    amount,
    currency: 'KRW',
    method: 'card',
    methodReference: 'tok_1',
  };
}

const captured = { status: 'captured' } as const;

describe('ledger', () => {
  it('when the same key is booked twice, then the second gets the first booking and nothing new is booked', () => {
    const ledger = createLedger();
    const first = ledger.book(request('p1', 'k1'), captured);
    const second = ledger.book(request('p1', 'k1'), captured);
    expect(first.kind).toBe('booked');
    expect(second).toEqual({ kind: 'replayed', entry: first.kind === 'booked' ? first.entry : undefined });
    expect(ledger.entries()).toHaveLength(1);
    expect(ledger.summary()).toMatchObject({ captures: 1, doubleCaptures: 0 });
  });

  it('when a declined key is retried, then it stays declined (no capture sneaks in)', () => {
    const ledger = createLedger();
    ledger.book(request('p1', 'k1'), { status: 'declined', reason: 'card_declined' });
    const retry = ledger.book(request('p1', 'k1'), captured);
    expect(retry.kind === 'replayed' && retry.entry.status).toBe('declined');
    expect(ledger.summary()).toMatchObject({ captures: 0, declines: 1 });
  });

  it('when a key is reused with another amount or payment, then it is a mismatch and nothing is booked', () => {
    const ledger = createLedger();
    ledger.book(request('p1', 'k1', 1000), captured);
    const other = ledger.book(request('p2', 'k1', 2000), captured);
    expect(other.kind === 'mismatch' && other.fields).toEqual(['paymentId', 'amount']);
    expect(ledger.entries()).toHaveLength(1);
  });

  it('when one payment is captured under two keys, then it is a double capture, in the counter and the summary', () => {
    const ledger = createLedger();
    const a = ledger.book(request('p1', 'k1'), captured);
    const b = ledger.book(request('p1', 'k2'), captured);
    ledger.book(request('p2', 'k3'), captured);
    expect(a.kind === 'booked' && a.doubleCapture).toBe(false);
    expect(b.kind === 'booked' && b.doubleCapture).toBe(true);
    const summary = ledger.summary();
    expect(summary).toMatchObject({ captures: 3, liveCaptures: 3, doubleCaptures: 1, doubleCapturesEver: 1 });
    expect(summary.paymentsWithMultipleCaptures).toEqual([
      {
        paymentId: 'p1',
        liveTransactionIds: [a.entry.transactionId, b.entry.transactionId],
        refundedTransactionIds: [],
      },
    ]);
    expect(ledger.entries({ paymentId: 'p1' })).toHaveLength(2);
  });

  it('when a decline precedes a capture of the same payment, then it is not a double capture', () => {
    const ledger = createLedger();
    ledger.book(request('p1', 'k1'), { status: 'declined', reason: 'card_declined' });
    const b = ledger.book(request('p1', 'k2'), captured);
    expect(b.kind === 'booked' && b.doubleCapture).toBe(false);
    expect(ledger.summary().doubleCaptures).toBe(0);
  });

  it('when the extra capture is refunded, then no live double capture remains, but the history keeps it', () => {
    const ledger = createLedger();
    ledger.book(request('p1', 'k1'), captured);
    const extra = ledger.book(request('p1', 'k2'), captured);
    const refund = ledger.refund(extra.entry.transactionId);
    expect(refund.kind === 'refunded' && refund.alreadyRefunded).toBe(false);
    const summary = ledger.summary();
    expect(summary).toMatchObject({
      captures: 2,
      liveCaptures: 1,
      refunds: 1,
      doubleCaptures: 0,
      doubleCapturesEver: 1,
    });
    expect(summary.paymentsWithMultipleCaptures[0]?.refundedTransactionIds).toEqual([
      extra.entry.transactionId,
    ]);
  });

  it('when a payment is refunded and captured again, then the new capture is a double capture (the checker counts refunded captures too)', () => {
    const ledger = createLedger();
    const first = ledger.book(request('p1', 'k1'), captured);
    ledger.refund(first.entry.transactionId);
    const again = ledger.book(request('p1', 'k2'), captured);
    expect(again.kind === 'booked' && again.doubleCapture).toBe(true);
    expect(ledger.summary()).toMatchObject({ liveCaptures: 1, doubleCaptures: 0, doubleCapturesEver: 1 });
  });

  it('refunds: twice is idempotent, unknown is not-found, declined is not-captured, wrong key is a mismatch', () => {
    const ledger = createLedger();
    const tx = ledger.book(request('p1', 'k1'), captured).entry.transactionId;
    const declined = ledger.book(request('p2', 'k2'), { status: 'declined', reason: 'x' }).entry
      .transactionId;
    expect(ledger.refund(tx, 'other').kind).toBe('key-mismatch');
    expect(ledger.refund(tx, 'k1')).toMatchObject({ kind: 'refunded', alreadyRefunded: false });
    expect(ledger.refund(tx)).toMatchObject({ kind: 'refunded', alreadyRefunded: true });
    expect(ledger.refund('tx_nope').kind).toBe('not-found');
    expect(ledger.refund(declined).kind).toBe('not-captured');
    expect(ledger.byKey('k1')?.status).toBe('refunded');
    expect(ledger.byKey('k1')?.refundedAt).toEqual(expect.any(String));
    expect(ledger.summary().refunds).toBe(1);
  });

  it('when reset, then it is empty', () => {
    const ledger = createLedger();
    ledger.book(request('p1', 'k1'), captured);
    ledger.book(request('p1', 'k2'), captured);
    ledger.reset();
    expect(ledger.entries()).toEqual([]);
    expect(ledger.summary()).toMatchObject({ captures: 0, doubleCapturesEver: 0 });
  });

  it('hands out copies: callers cannot edit the book', () => {
    const ledger = createLedger();
    const booked = ledger.book(request('p1', 'k1'), captured);
    booked.entry.status = 'refunded';
    expect(ledger.byKey('k1')?.status).toBe('captured');
  });
});

describe('durable ledger', () => {
  it('when reopened on its journal, then every booking, decline, refund and double-capture count is back', () => {
    const file = journalFile();
    const before = durableLedger(file);
    const a = before.book(request('p1', 'k1'), captured);
    const extra = before.book(request('p1', 'k2'), captured);
    before.book(request('p2', 'k3'), { status: 'declined', reason: 'card_declined' });
    before.refund(extra.entry.transactionId, 'k2');
    const after = durableLedger(file);
    expect(after.entries()).toEqual(before.entries());
    expect(after.summary()).toEqual(before.summary());
    expect(after.summary()).toMatchObject({
      captures: 2,
      liveCaptures: 1,
      declines: 1,
      doubleCapturesEver: 1,
    });
    expect(after.byKey('k1')).toEqual(a.entry);
    // Idempotency survives the restart: the same key replays, it does not book again.
    expect(after.book(request('p1', 'k1'), captured)).toEqual({ kind: 'replayed', entry: a.entry });
    expect(after.refund(extra.entry.transactionId)).toMatchObject({ alreadyRefunded: true });
  });

  it('when a key was voided, then a reopened ledger still refuses it (a late capture after a PG restart stays refused)', () => {
    const file = journalFile();
    const before = durableLedger(file);
    expect(before.isVoided('k-void')).toBe(false);
    before.voidKey('k-void');
    expect(before.isVoided('k-void')).toBe(true);
    const after = durableLedger(file);
    expect(after.isVoided('k-void')).toBe(true);
    expect(after.isVoided('k-other')).toBe(false);
    after.reset();
    expect(durableLedger(file).isVoided('k-void')).toBe(false);
  });

  it('when the journal ends in a torn line, then the ledger opens with every complete booking', () => {
    const file = journalFile();
    const before = durableLedger(file);
    const a = before.book(request('p1', 'k1'), captured);
    fs.appendFileSync(file, '{"op":"book","entry":{"transactionId":"tx_');
    const after = durableLedger(file);
    expect(after.entries()).toEqual([a.entry]);
    after.book(request('p2', 'k2'), captured);
    expect(
      durableLedger(file)
        .entries()
        .map((e) => e.pgIdempotencyKey),
    ).toEqual(['k1', 'k2']);
  });

  it('when reset, then the journal is emptied too and a reopened ledger is empty', () => {
    const file = journalFile();
    const ledger = durableLedger(file);
    ledger.book(request('p1', 'k1'), captured);
    ledger.reset();
    expect(durableLedger(file).entries()).toEqual([]);
  });

  it('when the journal cannot be written, then nothing is booked (the PG must not answer what it may forget)', () => {
    const journal = openJournal<LedgerRecord>(journalFile());
    const ledger = createLedger({ journal });
    journal.close();
    expect(() => ledger.book(request('p1', 'k1'), captured)).toThrow();
    expect(ledger.entries()).toEqual([]);
    expect(ledger.byKey('k1')).toBeUndefined();
  });
});
