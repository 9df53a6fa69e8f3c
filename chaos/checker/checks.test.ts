import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../system/pg-mock/contract.ts';
import {
  ALL_CHECKS,
  acceptedVersusCreated,
  deadLetter,
  deadOutbox,
  doubleCharge,
  duplicateDelivery,
  duplicateEffect,
  lost,
  mismatch,
  onePerKey,
  reorder,
  stuck,
  terminalStable,
  cancelHonoured,
} from './checks.ts';
import { runChecks, type Check } from './compose.ts';
import type { DbPayment, RunHistory, TopicMessage } from './history.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function payment(id: string, state: DbPayment['state'], at = T0): DbPayment {
  return {
    id,
    idempotencyKey: `run-${id}`,
    state,
    captured: state === 'completed',
    createdAt: at,
    updatedAt: at,
  };
}

function capture(paymentId: string, tx: string, status: LedgerEntry['status'] = 'captured'): LedgerEntry {
  return {
    paymentId,
    transactionId: tx,
    pgIdempotencyKey: `pg-${paymentId}`,
    status,
    amount: 1000,
    currency: 'KRW',
    createdAt: new Date(T0).toISOString(),
  };
}

/** A message on a topic, as the collector reads it back. */
function msg(
  topic: TopicMessage['topic'],
  partition: number,
  offset: number,
  eventId: string | null,
  paymentId: string | null,
  eventType: string | null = 'payment.requested',
  extra: Partial<TopicMessage> = {},
): TopicMessage {
  return {
    topic,
    partition,
    offset,
    key: paymentId,
    eventId,
    eventType,
    paymentId,
    deadReason: topic === 'deadLetter' ? 'invalid' : null,
    at: T0 + offset,
    ...extra,
  };
}

/** A healthy run of two payments: one completed with its capture (its key replayed once), one
 *  canceled before capture. */
function healthy(): RunHistory {
  return {
    runId: 'run',
    createsAttempted: 3,
    createsAcceptedByK6: 3,
    accepted: [
      { paymentId: 'p1', idempotencyKey: 'run-p1', at: T0 },
      { paymentId: 'p1', idempotencyKey: 'run-p1', at: T0 + 5 },
      { paymentId: 'p2', idempotencyKey: 'run-p2', at: T0 + 1000 },
    ],
    payments: [payment('p1', 'completed'), payment('p2', 'canceled', T0 + 1000)],
    outbox: [
      {
        eventId: 'e1',
        paymentId: 'p1',
        eventType: 'payment.requested',
        status: 'sent',
        sequence: 1,
        createdAt: T0,
        sentAt: T0 + 10,
      },
      {
        eventId: 'e2',
        paymentId: 'p2',
        eventType: 'payment.requested',
        status: 'sent',
        sequence: 1,
        createdAt: T0 + 1000,
        sentAt: T0 + 1010,
      },
      {
        eventId: 'e3',
        paymentId: 'p2',
        eventType: 'payment.cancel_requested',
        status: 'sent',
        sequence: 2,
        createdAt: T0 + 1100,
        sentAt: T0 + 1110,
      },
    ],
    processed: [
      { eventId: 'e1', paymentId: 'p1', eventType: 'payment.requested', processedAt: T0 + 50 },
      { eventId: 'e2', paymentId: 'p2', eventType: 'payment.requested', processedAt: T0 + 1050 },
      { eventId: 'e3', paymentId: 'p2', eventType: 'payment.cancel_requested', processedAt: T0 + 1150 },
    ],
    history: [
      { paymentId: 'p1', previousState: null, newState: 'requested', changedBy: 'api', at: T0 },
      {
        paymentId: 'p1',
        previousState: 'requested',
        newState: 'completed',
        changedBy: 'worker:0',
        at: T0 + 50,
      },
      { paymentId: 'p2', previousState: null, newState: 'requested', changedBy: 'api', at: T0 + 1000 },
      {
        paymentId: 'p2',
        previousState: 'requested',
        newState: 'cancel_requested',
        changedBy: 'api',
        at: T0 + 1100,
      },
      {
        paymentId: 'p2',
        previousState: 'cancel_requested',
        newState: 'canceled',
        changedBy: 'worker:1',
        at: T0 + 1150,
      },
    ],
    topics: [
      msg('events', 0, 10, 'e1', 'p1'),
      msg('events', 1, 5, 'e2', 'p2'),
      msg('events', 1, 6, 'e3', 'p2', 'payment.cancel_requested'),
    ],
    ledger: [capture('p1', 'tx1')],
    counters: { duplicateDeliveries: 0, deadLetters: 0 },
    injectedPoisonMessages: 0,
    injectedRedeliveries: 0,
    faultWindows: [{ id: 'f1', label: 'pg down', start: T0 + 900, end: T0 + 2000 }],
    loadStart: T0,
    loadEnd: T0 + 2000,
    drainDeadline: T0 + 10_000,
  };
}

function verdict(check: Check, h: RunHistory) {
  return runChecks([check], h)[0]!;
}

describe('checker on a healthy history', () => {
  it('when nothing went wrong, then every check holds', () => {
    const results = runChecks(ALL_CHECKS, healthy());
    expect(results.map((r) => [r.name, r.valid])).toEqual(ALL_CHECKS.map((c) => [c.name, true]));
  });
});

describe('a run that exercised nothing', () => {
  it('when the history holds no item at all, then no check passes, and each says why', () => {
    const empty: RunHistory = {
      ...healthy(),
      createsAttempted: 0,
      createsAcceptedByK6: 0,
      accepted: [],
      payments: [],
      outbox: [],
      processed: [],
      history: [],
      topics: [],
      ledger: [],
    };
    for (const r of runChecks(ALL_CHECKS, empty)) {
      expect([r.name, r.valid]).not.toEqual([r.name, true]);
      expect(r.note, r.name).toBeTruthy();
    }
  });
});

describe('accepted versus created', () => {
  it('when an accepted payment is absent from the DB, then it is invalid and names it', () => {
    const h = healthy();
    h.payments = h.payments.filter((p) => p.id !== 'p2');
    const r = verdict(acceptedVersusCreated, h);
    expect(r.valid).toBe(false);
    expect(r.counts.missing).toBe(1);
    expect(r.first?.paymentId).toBe('p2');
  });
  it('when k6 counted more accepts than it logged ids, then the answer is unknown, not true', () => {
    const h = healthy();
    h.createsAcceptedByK6 = 4;
    expect(verdict(acceptedVersusCreated, h).valid).toBe('unknown');
  });
  it('when the DB holds more run payments than were attempted, then it is invalid', () => {
    const h = healthy();
    h.createsAttempted = 1;
    expect(verdict(acceptedVersusCreated, h).valid).toBe(false);
  });
  it('when nothing was accepted, then it is not a pass', () => {
    const h = healthy();
    h.accepted = [];
    h.createsAcceptedByK6 = 0;
    h.payments = [];
    const r = verdict(acceptedVersusCreated, h);
    expect(r.valid).not.toBe(true);
    expect(r.note).toMatch(/nothing/);
  });
});

describe('one payment per key', () => {
  it('when a replayed key was answered with the first payment id, then it holds', () => {
    const r = verdict(onePerKey, healthy());
    expect(r.valid).toBe(true);
    expect(r.counts.keysAnsweredMoreThanOnce).toBe(1);
  });
  it('when one key was answered with two payment ids, then it fails and names the key', () => {
    const h = healthy();
    h.accepted.push({ paymentId: 'p9', idempotencyKey: 'run-p1', at: T0 + 7 });
    const r = verdict(onePerKey, h);
    expect(r.valid).toBe(false);
    expect(r.first?.detail).toContain('run-p1');
  });
  it('when the DB holds two payments for one key, then it fails', () => {
    const h = healthy();
    h.payments.push({ ...payment('p9', 'completed'), idempotencyKey: 'run-p1' });
    expect(verdict(onePerKey, h).valid).toBe(false);
  });
  it('when no key was answered twice, then the claim was not exercised: not a pass', () => {
    const h = healthy();
    h.accepted = h.accepted.filter((a) => a.at !== T0 + 5);
    const r = verdict(onePerKey, h);
    expect(r.valid).toBe('unknown');
    expect(r.note).toMatch(/not exercised/);
  });
});

describe('stuck', () => {
  it('when an accepted payment is still requested at the deadline, then it is stuck', () => {
    const h = healthy();
    h.payments[0] = payment('p1', 'processing');
    const r = verdict(stuck, h);
    expect(r.valid).toBe(false);
    expect(r.counts['state.processing']).toBe(1);
    expect(r.perWindow.outside).toBe(1);
  });
});

describe('lost', () => {
  it('when every event was on the topic and processed, then each accepted payment counts as processed', () => {
    const r = verdict(lost, healthy());
    expect(r.valid).toBe(true);
    expect(r.counts).toMatchObject({
      accepted: 2,
      processed: 2,
      neverPublished: 0,
      publishedNotProcessed: 0,
    });
  });
  it('when an event is marked sent in the outbox but absent from the topic, then it is lost: never published', () => {
    // naive-relay-lost: the relay marked the row sent while Kafka was down; the topic never got it.
    const h = healthy();
    h.payments[1] = payment('p2', 'requested', T0 + 1000);
    h.processed = h.processed.filter((e) => e.paymentId !== 'p2');
    h.topics = h.topics!.filter((m) => m.paymentId !== 'p2');
    const r = verdict(lost, h);
    expect(r.valid).toBe(false);
    expect(r.counts.neverPublished).toBe(1);
    expect(r.counts.publishedNotProcessed).toBe(0);
    expect(r.first?.detail).toMatch(/marked sent .* never on the topic/);
    expect(r.perWindow.f1).toBe(1);
  });
  it('when an event reached the topic but was never processed, then it is lost: published, not processed', () => {
    const h = healthy();
    h.payments[1] = payment('p2', 'requested', T0 + 1000);
    h.processed = h.processed.filter((e) => e.paymentId !== 'p2');
    const r = verdict(lost, h);
    expect(r.valid).toBe(false);
    expect(r.counts.publishedNotProcessed).toBe(1);
    expect(r.counts.neverPublished).toBe(0);
    expect(r.first?.detail).toMatch(/on the topic .* never processed/);
  });
  it('when an unprocessed event belongs to a terminal payment, then it took effect and is not lost', () => {
    const h = healthy();
    h.processed = h.processed.filter((e) => e.eventId !== 'e3');
    expect(verdict(lost, h).valid).toBe(true);
  });
  it('when a row is still pending at the deadline, then it is late (stuck judges it), not lost', () => {
    const h = healthy();
    h.payments[1] = payment('p2', 'cancel_requested', T0 + 1000);
    h.outbox[2] = { ...h.outbox[2]!, status: 'pending', sentAt: null };
    h.topics = h.topics!.filter((m) => m.eventId !== 'e3');
    h.processed = h.processed.filter((e) => e.eventId !== 'e3');
    const r = verdict(lost, h);
    expect(r.valid).toBe(true);
    expect(r.counts.pendingEvents).toBe(1);
  });
  it('when an accepted payment is absent from the DB, then it is lost', () => {
    const h = healthy();
    h.payments = [h.payments[0]!];
    h.outbox = h.outbox.filter((r) => r.paymentId === 'p1');
    const r = verdict(lost, h);
    expect(r.valid).toBe(false);
    expect(r.counts.missingFromDb).toBe(1);
  });
  it('when the topics could not be read, then publication is unknown, not a pass', () => {
    const h = healthy();
    h.topics = null;
    expect(verdict(lost, h).valid).toBe('unknown');
  });
  it('when a processed event is missing from what was read, then the topic read was incomplete: unknown', () => {
    const h = healthy();
    h.topics = h.topics!.filter((m) => m.eventId !== 'e1');
    const r = verdict(lost, h);
    expect(r.valid).toBe('unknown');
    expect(r.counts.processedEventsNotOnTopic).toBe(1);
  });
  it('when nothing was accepted, then it is not a pass', () => {
    const h = healthy();
    h.accepted = [];
    const r = verdict(lost, h);
    expect(r.valid).not.toBe(true);
    expect(r.note).toMatch(/nothing/);
  });
});

describe('double charge', () => {
  it('when one payment has two captures, then it is a double charge, even if one was refunded', () => {
    const h = healthy();
    h.ledger = [capture('p1', 'tx1'), capture('p1', 'tx2', 'refunded')];
    const r = verdict(doubleCharge, h);
    expect(r.valid).toBe(false);
    expect(r.counts.extraCaptures).toBe(1);
  });
  it('when a decline sits beside a capture, then it is not a double charge', () => {
    const h = healthy();
    h.ledger = [capture('p1', 'tx1'), capture('p1', 'tx0', 'declined')];
    expect(verdict(doubleCharge, h).valid).toBe(true);
  });
  it('when the ledger could not be read, then the answer is unknown', () => {
    const h = healthy();
    h.ledger = null;
    expect(verdict(doubleCharge, h).valid).toBe('unknown');
  });
});

describe('mismatch', () => {
  it('when a payment is completed without a capture, then it is a mismatch', () => {
    const h = healthy();
    h.ledger = [];
    expect(verdict(mismatch, h).counts.completedWithoutCapture).toBe(1);
  });
  it('when a canceled payment still holds a live capture, then it is a mismatch', () => {
    const h = healthy();
    h.ledger = [capture('p1', 'tx1'), capture('p2', 'tx9')];
    const r = verdict(mismatch, h);
    expect(r.valid).toBe(false);
    expect(r.counts.endedWithLiveCapture).toBe(1);
  });
  it('when a canceled payment was captured and refunded, then it agrees', () => {
    const h = healthy();
    h.ledger = [capture('p1', 'tx1'), capture('p2', 'tx9', 'refunded')];
    expect(verdict(mismatch, h).valid).toBe(true);
  });
});

describe('duplicate effect and terminal stability', () => {
  it('when the same transition is applied twice, then it is a duplicate effect', () => {
    const h = healthy();
    h.history.push({
      paymentId: 'p1',
      previousState: 'requested',
      newState: 'completed',
      changedBy: 'worker:1',
      at: T0 + 60,
    });
    expect(verdict(duplicateEffect, h).valid).toBe(false);
  });
  it('when the history notes retries without a state change, then that is not a duplicate effect', () => {
    const h = healthy();
    h.history.push({
      paymentId: 'p1',
      previousState: 'processing',
      newState: 'processing',
      changedBy: 'worker:0',
      at: T0 + 20,
    });
    h.history.push({
      paymentId: 'p1',
      previousState: 'processing',
      newState: 'processing',
      changedBy: 'worker:0',
      at: T0 + 30,
    });
    expect(verdict(duplicateEffect, h).valid).toBe(true);
  });
  it('when a terminal state is left, then terminal-stable fails', () => {
    const h = healthy();
    h.history.push({
      paymentId: 'p1',
      previousState: 'completed',
      newState: 'failed',
      changedBy: 'worker:1',
      at: T0 + 60,
    });
    expect(verdict(terminalStable, h).valid).toBe(false);
  });
  it('when a completed payment is canceled through a refund, then that is the one allowed exit', () => {
    const h = healthy();
    h.history.push({
      paymentId: 'p1',
      previousState: 'completed',
      newState: 'cancel_requested',
      changedBy: 'api',
      at: T0 + 60,
    });
    h.history.push({
      paymentId: 'p1',
      previousState: 'cancel_requested',
      newState: 'canceled',
      changedBy: 'worker:1',
      at: T0 + 70,
    });
    expect(verdict(terminalStable, h).valid).toBe(true);
  });
});

describe('cancel-honoured', () => {
  it('when every accepted cancel ends canceled, then it holds and says how many it looked at', () => {
    const v = verdict(cancelHonoured, healthy());
    expect(v.valid).toBe(true);
    expect(v.counts).toEqual({ cancelsAccepted: 1, cancelsDropped: 0 });
  });
  it('when the history notes a retry that left cancel_requested as it was, then that is no dropped cancel', () => {
    const h = healthy();
    h.history.splice(3, 0, {
      paymentId: 'p2',
      previousState: 'cancel_requested',
      newState: 'cancel_requested',
      changedBy: 'worker:0',
      at: T0 + 1120,
    });
    expect(verdict(cancelHonoured, h).valid).toBe(true);
  });
  it('when a capture result overwrites the cancel request, then it fails even if a refund later cancels it', () => {
    const h = healthy();
    // The naive blind transition: cancel_requested → completed, then the cancel event → canceled.
    h.history.splice(3, 0, {
      paymentId: 'p2',
      previousState: 'cancel_requested',
      newState: 'completed',
      changedBy: 'worker:0',
      at: T0 + 1120,
    });
    const v = verdict(cancelHonoured, h);
    expect(v.valid).toBe(false);
    expect(v.first?.detail).toContain('cancel_requested → completed');
  });
  it('when the payment ends completed after an accepted cancel with no trace of why, then it fails', () => {
    const h = healthy();
    h.history = h.history.filter((r) => !(r.paymentId === 'p2' && r.newState === 'canceled'));
    h.payments = [payment('p1', 'completed'), payment('p2', 'completed', T0 + 1000)];
    const v = verdict(cancelHonoured, h);
    expect(v.valid).toBe(false);
    expect(v.first?.detail).toContain('ended completed');
  });
  it('when no cancel was accepted, then it is unknown, not a pass', () => {
    const h = healthy();
    h.history = h.history.filter((r) => r.newState !== 'cancel_requested');
    expect(verdict(cancelHonoured, h).valid).toBe('unknown');
  });
});

describe('reorder', () => {
  it('when a cancel is processed before its request, then it is a reorder', () => {
    const h = healthy();
    h.processed[1] = { ...h.processed[1]!, processedAt: T0 + 1200 };
    const r = verdict(reorder, h);
    expect(r.valid).toBe(false);
    expect(r.first?.paymentId).toBe('p2');
  });
  it('when a cancel sits at a lower topic offset than its request, then it is a reorder even if the worker absorbed it', () => {
    const h = healthy();
    h.topics = [
      msg('events', 0, 10, 'e1', 'p1'),
      msg('events', 1, 5, 'e3', 'p2'),
      msg('events', 1, 6, 'e2', 'p2'),
    ];
    h.topics[1]!.eventType = 'payment.cancel_requested';
    const r = verdict(reorder, h);
    expect(r.valid).toBe(false);
    expect(r.counts.publishedOutOfOrder).toBe(1);
    expect(r.counts.processedOutOfOrder).toBe(0);
    expect(r.first?.detail).toMatch(/offset 5/);
  });
  it('when both events were marked sent in one relay batch (same instant), then the offsets still show the overtake', () => {
    const h = healthy();
    h.outbox[2] = { ...h.outbox[2]!, sentAt: h.outbox[1]!.sentAt };
    h.topics = [
      msg('events', 0, 10, 'e1', 'p1'),
      msg('events', 1, 5, 'e3', 'p2'),
      msg('events', 1, 6, 'e2', 'p2'),
    ];
    expect(verdict(reorder, h).valid).toBe(false);
  });
  it('when a redelivered duplicate of the request follows the cancel, then the first copy decides: no reorder', () => {
    const h = healthy();
    h.topics!.push(msg('events', 1, 7, 'e2', 'p2'));
    expect(verdict(reorder, h).valid).toBe(true);
  });
  it('when no payment had two events, then order was not exercised: not a pass', () => {
    const h = healthy();
    h.outbox = h.outbox.filter((r) => r.eventId !== 'e3');
    h.processed = h.processed.filter((e) => e.eventId !== 'e3');
    h.topics = h.topics!.filter((m) => m.eventId !== 'e3');
    const r = verdict(reorder, h);
    expect(r.valid).toBe('unknown');
    expect(r.note).toMatch(/not exercised/);
  });
  it('when the topics could not be read and nothing was processed out of order, then unknown', () => {
    const h = healthy();
    h.topics = null;
    expect(verdict(reorder, h).valid).toBe('unknown');
  });
  it('when the outbox row is gone, then the event type gives the order', () => {
    const h = healthy();
    h.outbox = [];
    h.processed[1] = { ...h.processed[1]!, processedAt: T0 + 1200 };
    expect(verdict(reorder, h).valid).toBe(false);
  });
});

describe('dead rows and dead letters', () => {
  it('when an outbox row is dead, then dead-outbox fails', () => {
    const h = healthy();
    h.outbox[0] = { ...h.outbox[0]!, status: 'dead' };
    expect(verdict(deadOutbox, h).valid).toBe(false);
  });
  it('when the dead-letter topic holds exactly the injected poison messages, then it holds', () => {
    const h = healthy();
    h.injectedPoisonMessages = 2;
    // The worker's counter was lost with a killed worker: the verdict must not depend on it.
    h.counters.deadLetters = 0;
    h.topics!.push(
      msg('events', 2, 1, null, null, null, { key: 'poison-run-0' }),
      msg('events', 3, 1, null, null, null, { key: 'poison-run-1' }),
      msg('deadLetter', 0, 40, null, null, null, { key: 'poison-run-0' }),
      msg('deadLetter', 0, 41, null, null, null, { key: 'poison-run-1' }),
    );
    const r = verdict(deadLetter, h);
    expect(r.valid).toBe(true);
    expect(r.counts).toMatchObject({ injected: 2, poisonDeadLettered: 2, realEventsDeadLettered: 0 });
  });
  it('when a real event was dead-lettered, then it fails and names the payment', () => {
    const h = healthy();
    h.topics!.push(
      msg('deadLetter', 0, 40, 'e1', 'p1', 'payment.requested', { deadReason: 'retries-exhausted' }),
    );
    const r = verdict(deadLetter, h);
    expect(r.valid).toBe(false);
    expect(r.first?.paymentId).toBe('p1');
  });
  it('when poison messages never reached the dead-letter topic, then it fails', () => {
    const h = healthy();
    h.injectedPoisonMessages = 2;
    h.counters.deadLetters = 2;
    expect(verdict(deadLetter, h).valid).toBe(false);
  });
  it('when the topics could not be read, then unknown', () => {
    const h = healthy();
    h.topics = null;
    expect(verdict(deadLetter, h).valid).toBe('unknown');
  });
  it('when the topics hold no message of the run, then nothing was exercised: not a pass', () => {
    const h = healthy();
    h.topics = [];
    const r = verdict(deadLetter, h);
    expect(r.valid).toBe('unknown');
    expect(r.note).toMatch(/nothing/);
  });
});

describe('duplicate delivery', () => {
  it('when forced redeliveries are on the topic and each duplicated event was processed once, then it holds', () => {
    const h = healthy();
    h.injectedRedeliveries = 2;
    h.counters.duplicateDeliveries = 0;
    h.topics!.push(msg('events', 0, 20, 'e1', 'p1'), msg('events', 1, 21, 'e2', 'p2'));
    const r = verdict(duplicateDelivery, h);
    expect(r.valid).toBe(true);
    expect(r.counts).toMatchObject({ duplicates: 2, absorbed: 2, injected: 2 });
  });
  it('when fewer duplicates reached the topic than were forced, then it fails', () => {
    const h = healthy();
    h.injectedRedeliveries = 5;
    h.counters.duplicateDeliveries = 5;
    h.topics!.push(msg('events', 0, 20, 'e1', 'p1'));
    expect(verdict(duplicateDelivery, h).valid).toBe(false);
  });
  it('when a duplicated event was never processed, then it was not absorbed', () => {
    const h = healthy();
    h.injectedRedeliveries = 1;
    h.topics!.push(msg('events', 0, 20, 'e1', 'p1'));
    h.processed = h.processed.filter((e) => e.eventId !== 'e1');
    const r = verdict(duplicateDelivery, h);
    expect(r.valid).toBe(false);
    expect(r.first?.paymentId).toBe('p1');
  });
  it('when the topics could not be read, then unknown', () => {
    const h = healthy();
    h.injectedRedeliveries = 1;
    h.topics = null;
    expect(verdict(duplicateDelivery, h).valid).toBe('unknown');
  });
  it('when the topics hold no message of the run, then nothing was exercised: not a pass', () => {
    const h = healthy();
    h.topics = [];
    expect(verdict(duplicateDelivery, h).valid).toBe('unknown');
  });
});

describe('compose', () => {
  it('when a check throws, then its verdict is unknown and the others still run', () => {
    const boom: Check = {
      name: 'stuck',
      title: 'boom',
      run: () => {
        throw new Error('kaput');
      },
    };
    const [a, b] = runChecks([boom, doubleCharge], healthy());
    expect(a?.valid).toBe('unknown');
    expect(a?.note).toContain('kaput');
    expect(b?.valid).toBe(true);
  });
});
