/**
 * The invariants of LAB.md ("Words the checker uses") as pure checks over a RunHistory.
 * Each problem is timed by the payment's creation so it can be attributed to a fault window.
 */
import type { LedgerEntry } from '../../system/pg-mock/contract.ts';
import { TERMINAL_STATES } from '../../system/src/domain/events.ts';
import type { Check, CheckOutcome } from './compose.ts';
import {
  poisonKeyPrefix,
  type AcceptedPayment,
  type DbPayment,
  type RunHistory,
  type TopicMessage,
} from './history.ts';
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

/** One entry per accepted payment: a replayed key is answered again with the same id, and must
 *  not count (or be judged) twice. The first answer is kept. */
function acceptedPayments(h: RunHistory): AcceptedPayment[] {
  const seen = new Map<string, AcceptedPayment>();
  for (const a of h.accepted) if (!seen.has(a.paymentId)) seen.set(a.paymentId, a);
  return [...seen.values()];
}

/** The run's own messages on the topics: events of its payments, and the poison it injected. */
function runMessages(h: RunHistory, topics: readonly TopicMessage[]): TopicMessage[] {
  const ids = new Set<string>([...h.payments.map((p) => p.id), ...h.accepted.map((a) => a.paymentId)]);
  const poison = poisonKeyPrefix(h.runId);
  return topics.filter(
    (m) => (m.paymentId !== null && ids.has(m.paymentId)) || (m.key !== null && m.key.startsWith(poison)),
  );
}

const NOTHING_ACCEPTED = 'nothing was exercised: the run accepted no payment';

/** A check over nothing is not a pass: 'unknown', with what was missing. */
function nothing(counts: Record<string, number>, what: string): CheckOutcome {
  return { valid: 'unknown', counts, problems: [], note: `nothing was exercised: ${what}` };
}
const TOPICS_UNREAD = 'the topics could not be read, so what reached them is unknown';

/** accepted ≤ created ≤ attempted (Jepsen's counter shape): every accepted payment exists in the
 *  DB, and the DB holds no run payment that k6 never even asked for. */
export const acceptedVersusCreated: Check = {
  name: 'accepted-created',
  title: 'accepted payments exist in the DB',
  run(h) {
    const payments = byId(h.payments);
    const problems: Problem[] = [];
    for (const a of acceptedPayments(h)) {
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
    if (h.accepted.length === 0) return { valid: 'unknown', counts, problems, note: NOTHING_ACCEPTED };
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

/** One payment per idempotency key, seen from both sides: every 2xx k6 got for one key carried the
 *  same payment id, and the DB holds one payment per key. Only meaningful when keys were reused. */
export const onePerKey: Check = {
  name: 'one-per-key',
  title: 'one payment per idempotency key',
  run(h) {
    const problems: Problem[] = [];
    const answers = groupBy(h.accepted, (a) => a.idempotencyKey);
    let keysAnsweredMoreThanOnce = 0;
    let keysWithSeveralIds = 0;
    for (const [key, list] of answers) {
      if (list.length > 1) keysAnsweredMoreThanOnce += 1;
      const ids = [...new Set(list.map((a) => a.paymentId))];
      if (ids.length <= 1) continue;
      keysWithSeveralIds += 1;
      problems.push({
        paymentId: ids[1]!,
        at: list[0]!.at,
        severity: ids.length,
        detail: `key ${key} was answered with ${ids.length} payment ids: ${ids.join(', ')}`,
      });
    }
    let keysWithSeveralPayments = 0;
    for (const [key, list] of groupBy(h.payments, (p) => p.idempotencyKey)) {
      if (list.length <= 1) continue;
      keysWithSeveralPayments += 1;
      problems.push({
        paymentId: list[1]!.id,
        at: list[0]!.createdAt,
        severity: list.length,
        detail: `key ${key} has ${list.length} payments in the DB: ${list.map((p) => p.id).join(', ')}`,
      });
    }
    const counts = {
      keys: answers.size,
      keysAnsweredMoreThanOnce,
      keysWithSeveralIds,
      keysWithSeveralPayments,
    };
    if (problems.length > 0) return { valid: false, counts, problems };
    if (keysAnsweredMoreThanOnce === 0)
      return {
        valid: 'unknown',
        counts,
        problems,
        note: 'not exercised: no key was answered twice, so one payment per key was never put to the test',
      };
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
    for (const a of acceptedPayments(h)) {
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
    const counts = { stuck: problems.length, ...prefixed('state.', byState) };
    if (problems.length === 0 && !acceptedPayments(h).some((a) => payments.has(a.paymentId)))
      return nothing(counts, 'no accepted payment in the DB to follow');
    return { valid: problems.length === 0, counts, problems };
  },
};

function prefixed(prefix: string, counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [prefix + k, v]));
}

type Publication = 'processed' | 'never-published' | 'published-not-processed' | 'pending' | 'dead';

/** Lost, observed rather than inferred: for each accepted payment, each of its events is looked
 *  up on the payment-events topic as the checker read it back, and in the DB's processed-event
 *  records. An event the outbox calls sent that is not on the topic was never published; one on
 *  the topic with no processed record (and not dead-lettered) was published but never processed —
 *  unless its payment is terminal, which proves the effect happened. A row still pending at the
 *  deadline is late, not lost (stuck judges it); a dead-lettered event is judged by dead-letter. */
export const lost: Check = {
  name: 'lost',
  title: 'every accepted payment in the DB, its events on the topic and processed',
  run(h) {
    const payments = byId(h.payments);
    const accepted = acceptedPayments(h);
    const problems: Problem[] = [];
    // Per accepted payment (its worst event decides): accepted … publishedNotProcessed; the
    // …Events counts are per event.
    const counts: Record<string, number> = {
      accepted: accepted.length,
      missingFromDb: 0,
      processed: 0,
      neverPublished: 0,
      publishedNotProcessed: 0,
      pendingEvents: 0,
      deadLetteredEvents: 0,
      deadOutboxEvents: 0,
      unprocessedEventsOfTerminal: 0,
      processedEventsNotOnTopic: 0,
    };
    const bump = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
    if (accepted.length === 0) return { valid: 'unknown', counts, problems, note: NOTHING_ACCEPTED };
    const processed = new Set(h.processed.map((e) => e.eventId));
    const messages = h.topics === null ? null : runMessages(h, h.topics);
    const published = new Set<string>();
    const deadLettered = new Set<string>();
    for (const m of messages ?? []) {
      if (m.eventId === null) continue;
      if (m.topic === 'events') published.add(m.eventId);
      if (m.topic === 'deadLetter') deadLettered.add(m.eventId);
    }
    const outboxOf = groupBy(h.outbox, (r) => r.paymentId);
    for (const a of accepted) {
      const p = payments.get(a.paymentId);
      if (!p) {
        bump('missingFromDb');
        problems.push({
          paymentId: a.paymentId,
          at: a.at,
          severity: 3,
          detail: `accepted at ${iso(a.at)} (key ${a.idempotencyKey}) but absent from the DB`,
        });
        continue;
      }
      if (messages === null) continue;
      let worst: Publication = 'processed';
      const why: string[] = [];
      const rank: Record<Publication, number> = {
        processed: 0,
        pending: 1,
        dead: 1,
        'published-not-processed': 2,
        'never-published': 3,
      };
      for (const row of outboxOf.get(p.id) ?? []) {
        let state: Publication;
        if (processed.has(row.eventId)) {
          state = 'processed';
          if (!published.has(row.eventId)) bump('processedEventsNotOnTopic');
        } else if (!published.has(row.eventId)) {
          if (row.status === 'pending') {
            state = 'pending';
            bump('pendingEvents');
          } else if (row.status === 'dead') {
            state = 'dead';
            bump('deadOutboxEvents');
          } else {
            state = 'never-published';
            why.push(
              `${row.eventType} ${row.eventId} marked sent${row.sentAt === null ? '' : ` at ${iso(row.sentAt)}`} in the outbox but never on the topic`,
            );
          }
        } else if (deadLettered.has(row.eventId)) {
          state = 'dead';
          bump('deadLetteredEvents');
        } else if (terminal.has(p.state)) {
          state = 'processed';
          bump('unprocessedEventsOfTerminal');
        } else {
          state = 'published-not-processed';
          why.push(`${row.eventType} ${row.eventId} on the topic but never processed`);
        }
        if (rank[state] > rank[worst]) worst = state;
      }
      if (worst === 'processed') bump('processed');
      if (worst !== 'never-published' && worst !== 'published-not-processed') continue;
      bump(worst === 'never-published' ? 'neverPublished' : 'publishedNotProcessed');
      problems.push({
        paymentId: p.id,
        at: p.createdAt,
        severity: rank[worst],
        detail: `${worst}: ${why.join('; ')}; payment still ${p.state}`,
      });
    }
    if (problems.length > 0) return { valid: false, counts, problems };
    if (messages === null) return { valid: 'unknown', counts, problems, note: TOPICS_UNREAD };
    if ((counts.processedEventsNotOnTopic ?? 0) > 0)
      return {
        valid: 'unknown',
        counts,
        problems,
        note: `${counts.processedEventsNotOnTopic} processed events were not among the messages read back: the topic read was incomplete`,
      };
    return { valid: true, counts, problems };
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
    const counts = { doubleCharged: problems.length, extraCaptures, ledgerEntries: h.ledger.length };
    if (h.ledger.length === 0) return nothing(counts, 'the PG ledger holds no entry of the run');
    return { valid: problems.length === 0, counts, problems };
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
    let terminalPayments = 0;
    for (const p of h.payments) {
      if (!terminal.has(p.state)) continue;
      terminalPayments += 1;
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
    const counts = { completedWithoutCapture, endedWithLiveCapture, terminalPayments };
    if (terminalPayments === 0) return nothing(counts, 'no payment of the run reached a terminal state');
    return { valid: problems.length === 0, counts, problems };
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
    const counts = { duplicatedTransitions: problems.length, stateChanges: changes.length };
    if (changes.length === 0) return nothing(counts, 'the run made no state change');
    return { valid: problems.length === 0, counts, problems };
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
    const terminalPayments = h.payments.filter((p) => terminal.has(p.state)).length;
    const counts = { changesAfterTerminal: problems.length, terminalPayments };
    if (problems.length === 0 && terminalPayments === 0)
      return nothing(counts, 'no payment of the run reached a terminal state');
    return { valid: problems.length === 0, counts, problems };
  },
};

/** A cancel the API accepted (its cancel_requested row is in the history, written in the same
 *  transaction as the answer) must end the payment canceled: the only way out of cancel_requested is
 *  canceled. A capture result applied over the request, or a payment that ends completed or failed
 *  after it, is a cancel the merchant was told about and the stack silently dropped. A payment still
 *  in cancel_requested at the end is stuck, judged there. */
export const cancelHonoured: Check = {
  name: 'cancel-honoured',
  title: 'an accepted cancel ends the payment canceled',
  run(h) {
    const payments = byId(h.payments);
    const requestedAt = new Map<string, number>();
    for (const r of h.history)
      if (r.newState === 'cancel_requested' && !requestedAt.has(r.paymentId))
        requestedAt.set(r.paymentId, r.at);
    const problems: Problem[] = [];
    for (const [paymentId, at] of requestedAt) {
      const createdAt = payments.get(paymentId)?.createdAt ?? at;
      const overwritten = h.history.find(
        (r) =>
          r.paymentId === paymentId &&
          r.previousState === 'cancel_requested' &&
          // The history also notes attempts that left the state as it was (cancel_requested → itself).
          r.newState !== 'cancel_requested' &&
          r.newState !== 'canceled',
      );
      if (overwritten) {
        problems.push({
          paymentId,
          at: createdAt,
          severity: 1,
          detail: `cancel accepted at ${iso(at)}, then overwritten: cancel_requested → ${overwritten.newState} at ${iso(overwritten.at)} (by ${overwritten.changedBy})`,
        });
        continue;
      }
      const final = payments.get(paymentId)?.state;
      if (final !== undefined && final !== 'canceled' && final !== 'cancel_requested')
        problems.push({
          paymentId,
          at: createdAt,
          severity: 1,
          detail: `cancel accepted at ${iso(at)}, but the payment ended ${final}`,
        });
    }
    const counts = { cancelsAccepted: requestedAt.size, cancelsDropped: problems.length };
    if (requestedAt.size === 0) return nothing(counts, 'no cancel was accepted in the run');
    return { valid: problems.length === 0, counts, problems };
  },
};

const TYPE_RANK: Record<string, number> = { 'payment.requested': 1, 'payment.cancel_requested': 2 };

/** Events of one payment must be published and processed in their per-payment sequence order.
 *  Published out of order: on the payment-events topic (one partition per payment, its key), a
 *  later event's first copy sits at a lower offset than an earlier one's — offsets see overtakes
 *  inside one relay batch, which a shared sent_at cannot. Processed out of order: the worker
 *  applied them out of sequence (the effect itself). Either is a reorder. */
export const reorder: Check = {
  name: 'reorder',
  title: 'events of one payment published and processed in order',
  run(h) {
    const sequenceOf = new Map(
      h.outbox.map((r) => [r.eventId, r.sequence ?? TYPE_RANK[r.eventType] ?? null]),
    );
    const seqOf = (eventId: string | null, eventType: string | null): number | null =>
      (eventId === null ? undefined : sequenceOf.get(eventId)) ??
      (eventType === null ? null : (TYPE_RANK[eventType] ?? null));
    const payments = byId(h.payments);
    const problems: Problem[] = [];
    const several = new Set<string>();
    let publishedOutOfOrder = 0;
    let processedOutOfOrder = 0;
    const events = h.topics === null ? null : runMessages(h, h.topics).filter((m) => m.topic === 'events');
    for (const [paymentId, messages] of groupBy(
      (events ?? []).filter((m) => m.eventId !== null && m.paymentId !== null),
      (m) => m.paymentId!,
    )) {
      // The first copy of each event: a later redelivery is a duplicate, not a reorder.
      const first = new Map<string, TopicMessage>();
      for (const m of [...messages].sort((a, b) => a.partition - b.partition || a.offset - b.offset))
        if (!first.has(m.eventId!)) first.set(m.eventId!, m);
      const ranked = [...first.values()]
        .map((m) => ({ m, seq: seqOf(m.eventId, m.eventType) }))
        .filter((x): x is { m: TopicMessage; seq: number } => x.seq !== null)
        .sort((a, b) => a.seq - b.seq);
      if (ranked.length >= 2) several.add(paymentId);
      for (let i = 1; i < ranked.length; i += 1) {
        const earlier = ranked[i - 1]!;
        const later = ranked[i]!;
        if (later.m.partition === earlier.m.partition && later.m.offset < earlier.m.offset) {
          publishedOutOfOrder += 1;
          problems.push({
            paymentId,
            at: payments.get(paymentId)?.createdAt ?? later.m.at,
            severity: earlier.m.offset - later.m.offset,
            detail: `published out of order: ${later.m.eventType} (seq ${later.seq}) at offset ${later.m.offset} of partition ${later.m.partition}, before ${earlier.m.eventType} (seq ${earlier.seq}) at offset ${earlier.m.offset}`,
          });
          break;
        }
      }
    }
    for (const [paymentId, processed] of groupBy(h.processed, (e) => e.paymentId)) {
      if (processed.length < 2) continue;
      several.add(paymentId);
      const ordered = [...processed].sort((a, b) => a.processedAt - b.processedAt);
      let highest = -Infinity;
      let highestType = '';
      for (const e of ordered) {
        const seq = seqOf(e.eventId, e.eventType);
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
    const counts = { publishedOutOfOrder, processedOutOfOrder, paymentsWithSeveralEvents: several.size };
    if (problems.length > 0) return { valid: false, counts, problems };
    if (events === null)
      return { valid: 'unknown', counts, problems, note: `${TOPICS_UNREAD}: publication order unknown` };
    if (several.size === 0)
      return {
        valid: 'unknown',
        counts,
        problems,
        note: 'not exercised: no payment had two events, so there was no order to keep',
      };
    return { valid: true, counts, problems };
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
    const counts = { dead: problems.length, pendingAtDeadline: pending, rows: h.outbox.length };
    if (h.outbox.length === 0) return nothing(counts, 'the run wrote no outbox row');
    return { valid: problems.length === 0, counts, problems };
  },
};

/** The run's messages, or why the verdict cannot be given: unread topics, or nothing of the run
 *  on them at all (a check over nothing is not a pass). */
function runTopicMessages(h: RunHistory): TopicMessage[] | string {
  if (h.topics === null) return TOPICS_UNREAD;
  const messages = runMessages(h, h.topics);
  if (!messages.some((m) => m.topic === 'events'))
    return 'nothing was exercised: no message of the run on the payment-events topic';
  return messages;
}

/** The only dead letters allowed are the poison messages the scenario itself injected — counted
 *  on the dead-letter topic itself (a killed worker's metric increments die with it). */
export const deadLetter: Check = {
  name: 'dead-letter',
  title: 'dead-letter topic holds exactly the injected poison messages',
  run(h) {
    const injected = h.injectedPoisonMessages;
    const messages = runTopicMessages(h);
    const workerCounter = h.counters.deadLetters ?? -1;
    if (typeof messages === 'string')
      return { valid: 'unknown', counts: { injected, workerCounter }, problems: [], note: messages };
    const poison = poisonKeyPrefix(h.runId);
    const isPoison = (m: TopicMessage) => m.key !== null && m.key.startsWith(poison);
    const dead = messages.filter((m) => m.topic === 'deadLetter');
    const poisonDead = new Set(dead.filter(isPoison).map((m) => m.key));
    const poisonPublished = new Set(
      messages.filter((m) => m.topic === 'events' && isPoison(m)).map((m) => m.key),
    );
    const payments = byId(h.payments);
    const problems: Problem[] = [];
    const realDead = new Map<string, TopicMessage>();
    for (const m of dead) if (!isPoison(m)) realDead.set(m.eventId ?? `offset ${m.offset}`, m);
    for (const [id, m] of realDead) {
      const p = m.paymentId === null ? undefined : payments.get(m.paymentId);
      problems.push({
        ...(m.paymentId === null ? {} : { paymentId: m.paymentId }),
        at: p?.createdAt ?? m.at,
        severity: 2,
        detail: `real event ${m.eventType ?? '?'} ${id} dead-lettered (${m.deadReason ?? 'no reason'})`,
      });
    }
    if (poisonDead.size < injected)
      problems.push({
        severity: 1,
        detail: `${injected - poisonDead.size} of ${injected} injected poison messages never reached the dead-letter topic (${poisonPublished.size} were read on the payment-events topic)`,
      });
    const counts = {
      injected,
      poisonOnTopic: poisonPublished.size,
      poisonDeadLettered: poisonDead.size,
      realEventsDeadLettered: realDead.size,
      deadLetterMessages: dead.length,
      workerCounter,
    };
    return { valid: problems.length === 0, counts, problems };
  },
};

/** Duplicates are allowed and absorbed: counted on the payment-events topic (one event id more
 *  than once), and absorbed when the DB holds the event's one processed record. A second effect is
 *  judged by duplicate-effect and double-charge. */
export const duplicateDelivery: Check = {
  name: 'duplicate-delivery',
  title: 'duplicate deliveries absorbed',
  run(h) {
    const injected = h.injectedRedeliveries;
    const workerCounter = h.counters.duplicateDeliveries ?? -1;
    const messages = runTopicMessages(h);
    if (typeof messages === 'string')
      return { valid: 'unknown', counts: { injected, workerCounter }, problems: [], note: messages };
    const processed = new Set(h.processed.map((e) => e.eventId));
    const payments = byId(h.payments);
    const problems: Problem[] = [];
    let duplicates = 0;
    let absorbed = 0;
    const copies = groupBy(
      messages.filter((m) => m.topic === 'events' && m.eventId !== null),
      (m) => m.eventId!,
    );
    for (const [eventId, list] of copies) {
      if (list.length < 2) continue;
      duplicates += list.length - 1;
      if (processed.has(eventId)) {
        absorbed += list.length - 1;
        continue;
      }
      const m = list[0]!;
      problems.push({
        ...(m.paymentId === null ? {} : { paymentId: m.paymentId }),
        at: (m.paymentId === null ? undefined : payments.get(m.paymentId)?.createdAt) ?? m.at,
        severity: list.length,
        detail: `${m.eventType ?? 'event'} ${eventId} delivered ${list.length} times but never processed`,
      });
    }
    if (duplicates < injected)
      problems.push({
        severity: injected - duplicates,
        detail: `${injected} events were redelivered on purpose but only ${duplicates} duplicates are on the topic`,
      });
    const counts = { duplicates, absorbed, injected, workerCounter };
    if (problems.length > 0) return { valid: false, counts, problems };
    return {
      valid: true,
      counts,
      problems,
      note: 'duplicates are allowed; a duplicate effect is judged by duplicate-effect and double-charge',
    };
  },
};

export const ALL_CHECKS: readonly Check[] = [
  acceptedVersusCreated,
  onePerKey,
  stuck,
  lost,
  doubleCharge,
  mismatch,
  duplicateEffect,
  terminalStable,
  cancelHonoured,
  reorder,
  deadOutbox,
  deadLetter,
  duplicateDelivery,
];
