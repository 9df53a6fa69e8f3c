/**
 * The invariants of LAB.md ("Words the checker uses") as pure checks over a RunHistory.
 * Each problem is timed by the payment's creation so it can be attributed to a fault window.
 */
import type { LedgerEntry } from '../../system/pg-mock/contract.ts';
import { TERMINAL_STATES } from '../../system/src/domain/events.ts';
import type { Check, CheckOutcome } from './compose.ts';
import type { DbPayment } from './history.ts';
import type { Problem } from './result.ts';

const terminal = new Set<string>(TERMINAL_STATES);

function byId(payments: DbPayment[]): Map<string, DbPayment> {
  return new Map(payments.map((p) => [p.id, p]));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** accepted ≤ created ≤ attempted (Jepsen's counter shape): every accepted payment exists in the
 *  DB, and the DB holds no run payment that k6 never even asked for. */
export const acceptedVersusCreated: Check = {
  name: 'accepted-created',
  title: 'accepted payments exist in the DB',
  run(h) {
    const payments = byId(h.payments);
    const problems: Problem[] = [];
    for (const a of h.accepted) {
      if (!payments.has(a.paymentId)) {
        problems.push({
          paymentId: a.paymentId,
          at: a.at,
          severity: 2,
          detail: `accepted at ${iso(a.at)} (key ${a.idempotencyKey}) but absent from the DB`,
        });
      }
    }
    if (h.payments.length > h.createsAttempted) {
      problems.push({
        severity: 1,
        detail: `${h.payments.length} run payments in the DB but k6 attempted only ${h.createsAttempted} creates`,
      });
    }
    const counts = {
      attempted: h.createsAttempted,
      acceptedByK6: h.createsAcceptedByK6,
      acceptedLogged: h.accepted.length,
      created: h.payments.length,
      missing: problems.filter((p) => p.paymentId !== undefined).length,
    };
    if (problems.length > 0) return { valid: false, counts, problems };
    if (h.accepted.length !== h.createsAcceptedByK6) {
      return {
        valid: 'unknown',
        counts,
        problems,
        note: `k6 counted ${h.createsAcceptedByK6} accepted creates but logged ${h.accepted.length} payment ids; the missing ones cannot be checked`,
      };
    }
    return { valid: true, counts, problems };
  },
};

export const stuck: Check = {
  name: 'stuck',
  title: 'no accepted payment left non-terminal at the drain deadline',
  run(h) {
    const payments = byId(h.payments);
    const problems: Problem[] = [];
    const byState: Record<string, number> = {};
    for (const a of h.accepted) {
      const p = payments.get(a.paymentId);
      if (!p) continue; // absent payments are reported as lost
      if (!terminal.has(p.state)) {
        byState[p.state] = (byState[p.state] ?? 0) + 1;
        problems.push({
          paymentId: p.id,
          at: p.createdAt,
          severity: h.drainDeadline - p.createdAt,
          detail: `still ${p.state} at the drain deadline (created ${iso(p.createdAt)})`,
        });
      }
    }
    return {
      valid: problems.length === 0,
      counts: { stuck: problems.length, ...prefixed('state.', byState) },
      problems,
    };
  },
};

function prefixed(prefix: string, counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [prefix + k, v]));
}

/** Lost: accepted but absent from the DB, or published to Kafka and never processed (while the
 *  payment never reached a terminal state, which would prove the event took effect). */
export const lost: Check = {
  name: 'lost',
  title: 'no accepted payment or published event lost',
  run(h) {
    const payments = byId(h.payments);
    const processed = new Set(h.processed.map((e) => e.eventId));
    const problems: Problem[] = [];
    let missingFromDb = 0;
    for (const a of h.accepted) {
      if (!payments.has(a.paymentId)) {
        missingFromDb += 1;
        problems.push({
          paymentId: a.paymentId,
          at: a.at,
          severity: 2,
          detail: `accepted at ${iso(a.at)} but absent from the DB`,
        });
      }
    }
    let unprocessedEvents = 0;
    for (const row of h.outbox) {
      if (row.status !== 'sent' || processed.has(row.eventId)) continue;
      const p = payments.get(row.paymentId);
      if (p && terminal.has(p.state)) continue;
      unprocessedEvents += 1;
      problems.push({
        paymentId: row.paymentId,
        at: p?.createdAt ?? row.createdAt,
        severity: 1,
        detail: `${row.eventType} ${row.eventId} marked sent${row.sentAt === null ? '' : ` at ${iso(row.sentAt)}`} but never processed; payment ${p ? `still ${p.state}` : 'unknown'}`,
      });
    }
    return { valid: problems.length === 0, counts: { missingFromDb, unprocessedEvents }, problems };
  },
};

function liveCaptures(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return entries.filter((e) => e.status === 'captured');
}

function successfulCaptures(entries: readonly LedgerEntry[]): LedgerEntry[] {
  // A refunded capture was still a capture: refunding a second charge does not undo it.
  return entries.filter((e) => e.status === 'captured' || e.status === 'refunded');
}

function ledgerUnknown(): CheckOutcome {
  return { valid: 'unknown', counts: {}, problems: [], note: 'the PG ledger could not be read' };
}

export const doubleCharge: Check = {
  name: 'double-charge',
  title: 'no payment captured twice at the PG',
  run(h) {
    if (h.ledger === null) return ledgerUnknown();
    const payments = byId(h.payments);
    const problems: Problem[] = [];
    let extraCaptures = 0;
    for (const [paymentId, entries] of groupBy(h.ledger, (e) => e.paymentId)) {
      const captures = successfulCaptures(entries);
      if (captures.length <= 1) continue;
      extraCaptures += captures.length - 1;
      const p = payments.get(paymentId);
      problems.push({
        paymentId,
        at: p?.createdAt ?? Date.parse(captures[0]!.createdAt),
        severity: captures.length,
        detail: `${captures.length} captures: ${captures.map((c) => `${c.transactionId} (${c.status}, key ${c.pgIdempotencyKey})`).join(', ')}`,
      });
    }
    return {
      valid: problems.length === 0,
      counts: { doubleCharged: problems.length, extraCaptures, ledgerEntries: h.ledger.length },
      problems,
    };
  },
};

export const mismatch: Check = {
  name: 'mismatch',
  title: 'DB terminal state agrees with the PG ledger',
  run(h) {
    if (h.ledger === null) return ledgerUnknown();
    const ledger = groupBy(h.ledger, (e) => e.paymentId);
    const problems: Problem[] = [];
    let completedWithoutCapture = 0;
    let endedWithLiveCapture = 0;
    for (const p of h.payments) {
      if (!terminal.has(p.state)) continue;
      const live = liveCaptures(ledger.get(p.id) ?? []);
      if (p.state === 'completed' && live.length === 0) {
        completedWithoutCapture += 1;
        problems.push({
          paymentId: p.id,
          at: p.createdAt,
          severity: 1,
          detail: 'completed in the DB but the PG holds no live capture',
        });
      } else if (p.state !== 'completed' && live.length > 0) {
        endedWithLiveCapture += 1;
        problems.push({
          paymentId: p.id,
          at: p.createdAt,
          severity: 2,
          detail: `${p.state} in the DB but the PG holds a live capture ${live.map((c) => c.transactionId).join(', ')}`,
        });
      }
    }
    return {
      valid: problems.length === 0,
      counts: { completedWithoutCapture, endedWithLiveCapture },
      problems,
    };
  },
};

/** The same state change applied twice to one payment is a duplicate effect of a redelivery.
 *  A row whose state does not change (processing → processing: a retry noted in the history) is
 *  a record, not a change, and is not counted. */
export const duplicateEffect: Check = {
  name: 'duplicate-effect',
  title: 'no state change applied twice',
  run(h) {
    const payments = byId(h.payments);
    const problems: Problem[] = [];
    const changes = h.history.filter((r) => r.previousState !== r.newState);
    for (const [, rows] of groupBy(changes, (r) => `${r.paymentId}|${r.previousState ?? ''}|${r.newState}`)) {
      if (rows.length <= 1) continue;
      const first = rows[0]!;
      problems.push({
        paymentId: first.paymentId,
        at: payments.get(first.paymentId)?.createdAt ?? first.at,
        severity: rows.length,
        detail: `${first.previousState ?? '∅'} → ${first.newState} applied ${rows.length} times (by ${rows.map((r) => r.changedBy).join(', ')})`,
      });
    }
    return { valid: problems.length === 0, counts: { duplicatedTransitions: problems.length }, problems };
  },
};

/** The one exit from a terminal state the stack contract allows (issue 3: "after capture it
 *  refunds at the PG, then ends canceled"): a completed payment's cancel request. */
const ALLOWED_AFTER_TERMINAL = new Set(['completed→cancel_requested']);

export const terminalStable: Check = {
  name: 'terminal-stable',
  title: 'a terminal state never changes again (except a refund cancel of a completed payment)',
  run(h) {
    const payments = byId(h.payments);
    const problems: Problem[] = h.history
      .filter(
        (r) =>
          r.previousState !== null &&
          terminal.has(r.previousState) &&
          !ALLOWED_AFTER_TERMINAL.has(`${r.previousState}→${r.newState}`),
      )
      .map((r) => ({
        paymentId: r.paymentId,
        at: payments.get(r.paymentId)?.createdAt ?? r.at,
        severity: 1,
        detail: `left terminal state ${r.previousState} for ${r.newState} at ${iso(r.at)} (by ${r.changedBy})`,
      }));
    return { valid: problems.length === 0, counts: { changesAfterTerminal: problems.length }, problems };
  },
};

const TYPE_RANK: Record<string, number> = { 'payment.requested': 1, 'payment.cancel_requested': 2 };

/** Events of one payment must be published and processed in their per-payment sequence order.
 *  Published out of order: a later event's outbox row was marked sent before an earlier one's (the
 *  relay broke per-key order; a defensive worker may still absorb it). Processed out of order: the
 *  worker applied them out of sequence (the effect itself). Either is a reorder. */
export const reorder: Check = {
  name: 'reorder',
  title: 'events of one payment published and processed in order',
  run(h) {
    const sequenceOf = new Map(
      h.outbox.map((r) => [r.eventId, r.sequence ?? TYPE_RANK[r.eventType] ?? null]),
    );
    const payments = byId(h.payments);
    const problems: Problem[] = [];
    let paymentsWithSeveralEvents = 0;
    let publishedOutOfOrder = 0;
    let processedOutOfOrder = 0;
    for (const [paymentId, rows] of groupBy(h.outbox, (r) => r.paymentId)) {
      const ranked = rows
        .map((r) => ({ r, seq: r.sequence ?? TYPE_RANK[r.eventType] ?? null }))
        .filter((x): x is { r: typeof x.r; seq: number } => x.seq !== null && x.r.sentAt !== null)
        .sort((a, b) => a.seq - b.seq);
      for (let i = 1; i < ranked.length; i += 1) {
        const earlier = ranked[i - 1]!;
        const later = ranked[i]!;
        if (later.r.sentAt! < earlier.r.sentAt!) {
          publishedOutOfOrder += 1;
          problems.push({
            paymentId,
            at: payments.get(paymentId)?.createdAt ?? later.r.createdAt,
            severity: (earlier.r.sentAt! - later.r.sentAt!) / 1000,
            detail: `published out of order: ${later.r.eventType} (seq ${later.seq}) sent at ${iso(later.r.sentAt!)}, before ${earlier.r.eventType} (seq ${earlier.seq}) at ${iso(earlier.r.sentAt!)}`,
          });
          break;
        }
      }
    }
    for (const [paymentId, events] of groupBy(h.processed, (e) => e.paymentId)) {
      if (events.length < 2) continue;
      paymentsWithSeveralEvents += 1;
      const ordered = [...events].sort((a, b) => a.processedAt - b.processedAt);
      let highest = -Infinity;
      let highestType = '';
      for (const e of ordered) {
        const seq = sequenceOf.get(e.eventId) ?? TYPE_RANK[e.eventType] ?? null;
        if (seq === null) continue;
        if (seq < highest) {
          processedOutOfOrder += 1;
          problems.push({
            paymentId,
            at: payments.get(paymentId)?.createdAt ?? e.processedAt,
            severity: highest - seq,
            detail: `processed out of order: ${e.eventType} (seq ${seq}) at ${iso(e.processedAt)}, after ${highestType} (seq ${highest})`,
          });
          break;
        }
        highest = seq;
        highestType = e.eventType;
      }
    }
    return {
      valid: problems.length === 0,
      counts: { publishedOutOfOrder, processedOutOfOrder, paymentsWithSeveralEvents },
      problems,
    };
  },
};

export const deadOutbox: Check = {
  name: 'dead-outbox',
  title: 'no outbox row given up as dead',
  run(h) {
    const problems: Problem[] = h.outbox
      .filter((r) => r.status === 'dead')
      .map((r) => ({
        paymentId: r.paymentId,
        at: r.createdAt,
        severity: 1,
        detail: `${r.eventType} ${r.eventId} is dead`,
      }));
    const pending = h.outbox.filter((r) => r.status === 'pending').length;
    return {
      valid: problems.length === 0,
      counts: { dead: problems.length, pendingAtDeadline: pending, rows: h.outbox.length },
      problems,
    };
  },
};

/** The only dead letters allowed are the poison messages the scenario itself injected. */
export const deadLetter: Check = {
  name: 'dead-letter',
  title: 'dead-letter topic holds exactly the injected poison messages',
  run(h) {
    const n = h.counters.deadLetters;
    if (n === null)
      return {
        valid: 'unknown',
        counts: { injected: h.injectedPoisonMessages },
        problems: [],
        note: 'the worker dead-letter counter could not be read from Prometheus',
      };
    const counts = { deadLetters: n, injected: h.injectedPoisonMessages };
    if (n === h.injectedPoisonMessages) return { valid: true, counts, problems: [] };
    const detail =
      n > h.injectedPoisonMessages
        ? `${n - h.injectedPoisonMessages} real events dead-lettered beyond the ${h.injectedPoisonMessages} injected poison messages`
        : `${h.injectedPoisonMessages - n} injected poison messages never reached the dead-letter topic`;
    return { valid: false, counts, problems: [{ severity: Math.abs(n - h.injectedPoisonMessages), detail }] };
  },
};

/** Duplicates are allowed and absorbed; forced redeliveries must all be recognised as such. */
export const duplicateDelivery: Check = {
  name: 'duplicate-delivery',
  title: 'duplicate deliveries absorbed',
  run(h) {
    const n = h.counters.duplicateDeliveries;
    if (n === null)
      return {
        valid: 'unknown',
        counts: { injected: h.injectedRedeliveries },
        problems: [],
        note: 'the worker duplicate-delivery counter could not be read from Prometheus',
      };
    const counts = { absorbed: n, injected: h.injectedRedeliveries };
    if (n >= h.injectedRedeliveries)
      return {
        valid: true,
        counts,
        problems: [],
        note: 'duplicates are allowed; a duplicate effect is judged by duplicate-effect and double-charge',
      };
    return {
      valid: false,
      counts,
      problems: [
        {
          severity: h.injectedRedeliveries - n,
          detail: `${h.injectedRedeliveries} events were redelivered on purpose but only ${n} were recognised as duplicates`,
        },
      ],
    };
  },
};

export const ALL_CHECKS: readonly Check[] = [
  acceptedVersusCreated,
  stuck,
  lost,
  doubleCharge,
  mismatch,
  duplicateEffect,
  terminalStable,
  reorder,
  deadOutbox,
  deadLetter,
  duplicateDelivery,
];
