/**
 * The PG API the worker calls: capture, inquiry, refund — with the fault profile and the order
 * reference triggers applied. Order of effects per capture: the gate (503 sheds at once; 500 after
 * the latency), then the booking in the ledger, then the answer — which a fault may corrupt or
 * withhold AFTER the booking, exactly the case a client cannot tell apart from "nothing happened".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LedgerEntry, PgTrigger, VoidResult } from './contract.ts';
import { badRequest, errorBody } from './errors.ts';
import { triggerIn, type BookingDecision, type FaultEngine, type GateDecision } from './fault-engine.ts';
import type { CaptureHolds } from './capture-holds.ts';
import type { HeldSockets } from './held-sockets.ts';
import type { Ledger } from './ledger.ts';
import type { PgMetrics, PgOperation } from './metrics.ts';
import { checkCaptureRequest, checkRefundRequest } from './validation.ts';

export interface PgState {
  ledger: Ledger;
  faults: FaultEngine;
  metrics: PgMetrics;
  held: HeldSockets;
  /** Admin holds: a capture of a held key waits before booking (tests place the booking exactly). */
  holds: CaptureHolds;
  /** Keys seen by any capture request: a trigger fires on the first request of a key only. */
  seenKeys: Set<string>;
}

type Delivery = 'answer' | 'charge-then-timeout' | 'reset' | 'malformed';

const TRIGGER_GATE: Partial<Record<PgTrigger, GateDecision>> = { HTTP_503: 'unavailable' };
const TRIGGER_DELIVERY: Partial<Record<PgTrigger, Delivery>> = {
  TIMEOUT: 'charge-then-timeout',
  CONN_RESET: 'reset',
  JSON_ERROR: 'malformed',
};

function statusOf(entry: LedgerEntry): number {
  return entry.status === 'declined' ? 402 : 200;
}

function publicResult(entry: LedgerEntry): Omit<LedgerEntry, 'createdAt' | 'refundedAt'> {
  const { createdAt: _c, refundedAt: _r, ...result } = entry;
  return result;
}

export function registerPgRoutes(app: FastifyInstance, state: PgState): void {
  const { ledger, faults, metrics, held } = state;

  function record(operation: PgOperation, outcome: string, startedAt: number): void {
    metrics.requests.inc({ operation, outcome });
    metrics.duration.observe({ operation }, (performance.now() - startedAt) / 1000);
  }

  function unavailable(reply: FastifyReply, operation: PgOperation, startedAt: number): FastifyReply {
    record(operation, 'unavailable', startedAt);
    const seconds = faults.profile().retryAfterSeconds;
    return reply
      .code(503)
      .header('retry-after', String(seconds))
      .send(errorBody('unavailable', `the PG is unavailable; retry after ${seconds}s`));
  }

  function serverError(reply: FastifyReply, operation: PgOperation, startedAt: number): FastifyReply {
    record(operation, 'error', startedAt);
    return reply.code(500).send(errorBody('pg_error', 'the PG failed before doing anything'));
  }

  app.post('/v1/captures', async (request, reply) => {
    const startedAt = performance.now();
    const checked = checkCaptureRequest(request.body);
    if (!checked.ok) {
      record('capture', 'bad_request', startedAt);
      return reply.code(400).send(badRequest(checked.errors));
    }
    const capture = checked.value;
    const decision = faults.decideCapture(capture.pgIdempotencyKey);
    const firstRequestOfKey = !state.seenKeys.has(capture.pgIdempotencyKey);
    state.seenKeys.add(capture.pgIdempotencyKey);
    const trigger = firstRequestOfKey ? triggerIn(capture.orderId) : undefined;

    const gate = trigger ? (TRIGGER_GATE[trigger] ?? 'proceed') : decision.gate;
    if (gate === 'unavailable') return unavailable(reply, 'capture', startedAt);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (gate === 'error') return serverError(reply, 'capture', startedAt);
    await state.holds.passage(capture.pgIdempotencyKey);
    // From here to the booking nothing awaits, so a void that came first is seen, and a void that
    // comes later finds the booking: a late capture is either refused or visible, never hidden.
    if (ledger.isVoided(capture.pgIdempotencyKey)) {
      record('capture', 'voided', startedAt);
      return reply
        .code(409)
        .send(errorBody('key_voided', 'captures of this pgIdempotencyKey were voided; nothing was booked'));
    }

    let booking: BookingDecision = decision.booking;
    if (trigger === 'FAIL') booking = 'decline';
    else if (trigger) booking = 'capture';
    const booked = ledger.book(
      capture,
      booking === 'decline'
        ? { status: 'declined', reason: trigger === 'FAIL' ? 'simulated_failure' : 'card_declined' }
        : { status: 'captured' },
    );
    if (booked.kind === 'mismatch') {
      record('capture', 'mismatch', startedAt);
      return reply.code(409).send(
        errorBody(
          'idempotency_key_reused',
          `pgIdempotencyKey was first used with different ${booked.fields.join(', ')}`,
          booked.fields.map((field) => ({ field, reason: 'differs from the first request with this key' })),
        ),
      );
    }
    if (booked.kind === 'replayed') {
      record('capture', 'replayed', startedAt);
      return reply.code(statusOf(booked.entry)).send(publicResult(booked.entry));
    }
    if (booked.entry.status === 'captured') metrics.captures.inc();
    if (booked.doubleCapture) {
      metrics.doubleCaptures.inc();
      request.log.warn({ paymentId: capture.paymentId }, 'double capture booked');
    }

    let delivery: Delivery = booking === 'charge-then-timeout' ? 'charge-then-timeout' : 'answer';
    if (trigger) delivery = TRIGGER_DELIVERY[trigger] ?? 'answer';
    return deliver(request, reply, booked.entry, delivery, startedAt);
  });

  function deliver(
    request: FastifyRequest,
    reply: FastifyReply,
    entry: LedgerEntry,
    delivery: Delivery,
    startedAt: number,
  ): FastifyReply {
    switch (delivery) {
      case 'answer':
        record('capture', entry.status, startedAt);
        return reply.code(statusOf(entry)).send(publicResult(entry));
      case 'malformed':
        record('capture', 'malformed', startedAt);
        return reply
          .code(200)
          .type('application/json')
          .send(`{"transactionId":"${entry.transactionId}","status":"capt`);
      case 'reset':
        reply.hijack();
        record('capture', 'reset', startedAt);
        request.raw.socket.resetAndDestroy();
        return reply;
      case 'charge-then-timeout':
        reply.hijack();
        held.hold(request.raw.socket, faults.profile().chargeThenTimeoutMs, () =>
          record('capture', 'charge_then_timeout', startedAt),
        );
        return reply;
    }
  }

  app.get<{ Params: { pgIdempotencyKey: string } }>(
    '/v1/captures/:pgIdempotencyKey',
    async (request, reply) => {
      const startedAt = performance.now();
      const decision = faults.decideRequest('inquiry', request.params.pgIdempotencyKey);
      if (decision.gate === 'unavailable') return unavailable(reply, 'inquiry', startedAt);
      if (decision.latencyMs > 0) await sleep(decision.latencyMs);
      if (decision.gate === 'error') return serverError(reply, 'inquiry', startedAt);
      const entry = ledger.byKey(request.params.pgIdempotencyKey);
      if (!entry && ledger.isVoided(request.params.pgIdempotencyKey)) {
        record('inquiry', 'voided', startedAt);
        return reply
          .code(404)
          .send(errorBody('voided', 'nothing was booked with this key, and it is voided'));
      }
      if (!entry) {
        record('inquiry', 'not_found', startedAt);
        return reply.code(404).send(errorBody('not_found', 'no capture was ever requested with this key'));
      }
      record('inquiry', 'found', startedAt);
      return reply.code(200).send(publicResult(entry));
    },
  );

  // Void by key: what a cancel uses when it cannot know whether a capture it gave up on will land.
  app.post<{ Params: { pgIdempotencyKey: string } }>(
    '/v1/captures/:pgIdempotencyKey/void',
    async (request, reply) => {
      const startedAt = performance.now();
      const key = request.params.pgIdempotencyKey;
      // A void moves money the way a refund does: the same gate and latency faults apply.
      const decision = faults.decideRequest('refund', key);
      if (decision.gate === 'unavailable') return unavailable(reply, 'void', startedAt);
      if (decision.latencyMs > 0) await sleep(decision.latencyMs);
      if (decision.gate === 'error') return serverError(reply, 'void', startedAt);
      const entry = ledger.byKey(key);
      if (entry) {
        record('void', `booked_${entry.status}`, startedAt);
        return reply.code(200).send(publicResult(entry));
      }
      ledger.voidKey(key);
      record('void', 'voided', startedAt);
      const voided: VoidResult = { pgIdempotencyKey: key, status: 'voided' };
      return reply.code(200).send(voided);
    },
  );

  app.post<{ Params: { transactionId: string } }>(
    '/v1/captures/:transactionId/refund',
    async (request, reply) => {
      const startedAt = performance.now();
      const checked = checkRefundRequest(request.body);
      if (!checked.ok) {
        record('refund', 'bad_request', startedAt);
        return reply.code(400).send(badRequest(checked.errors));
      }
      const decision = faults.decideRequest('refund', request.params.transactionId);
      if (decision.gate === 'unavailable') return unavailable(reply, 'refund', startedAt);
      if (decision.latencyMs > 0) await sleep(decision.latencyMs);
      if (decision.gate === 'error') return serverError(reply, 'refund', startedAt);
      const result = ledger.refund(request.params.transactionId, checked.value.pgIdempotencyKey);
      switch (result.kind) {
        case 'not-found':
          record('refund', 'not_found', startedAt);
          return reply.code(404).send(errorBody('not_found', 'no such transaction'));
        case 'key-mismatch':
          record('refund', 'mismatch', startedAt);
          return reply
            .code(409)
            .send(
              errorBody('key_mismatch', 'pgIdempotencyKey does not belong to this transaction', [
                { field: 'pgIdempotencyKey', reason: 'does not match the transaction' },
              ]),
            );
        case 'not-captured':
          record('refund', 'not_captured', startedAt);
          return reply
            .code(409)
            .send(errorBody('not_captured', `the transaction is ${result.entry.status}, not captured`));
        case 'refunded':
          if (!result.alreadyRefunded) metrics.refunds.inc();
          record('refund', result.alreadyRefunded ? 'replayed' : 'refunded', startedAt);
          return reply.code(200).send(publicResult(result.entry));
      }
    },
  );
}
