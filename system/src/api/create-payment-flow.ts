/**
 * POST /payments as a table of contents: check the request's meaning, then let idempotency decide
 * between replaying, refusing and creating. Redis is asked first; the database transaction has the
 * last word. Every answer is a status and a body STRING, so a replay is byte-identical.
 */
import {
  type IdempotencyDecision,
  type StoredIdempotencyRecord,
  decideIdempotency,
} from '../domain/idempotency.ts';
import { type CreatePaymentInput, checkCreatePayment } from '../domain/payment-request.ts';
import { PaymentError } from '../domain/result-codes.ts';
import type { StrategyKnobs } from '../config.ts';
import {
  type CreatePaymentCommand,
  type CreatePaymentResult,
  plannedPaymentView,
} from '../db/create-payment.ts';
import { success } from './envelope.ts';
import type { IdempotencyCache } from './idempotency-cache.ts';
import type { ApiMetrics } from './metrics.ts';
import { requestHash } from './request-hash.ts';

export interface CreatePaymentFlowDeps {
  createPayment: (command: CreatePaymentCommand) => Promise<CreatePaymentResult>;
  /** The database's committed idempotency record, when Redis says another request holds the key. */
  findRecord: (merchantId: string, idempotencyKey: string) => Promise<StoredIdempotencyRecord | undefined>;
  cache: IdempotencyCache;
  metrics: ApiMetrics;
  newId: () => string;
  /**
   * commit-first (robust): 201 only after the create transaction committed. answer-first (the
   * naive twin): 201 as soon as the request is valid, the write left running behind the answer —
   * when it fails, an accepted payment does not exist. Defaults to commit-first.
   */
  commit?: StrategyKnobs['apiCommit'];
  /** Told when a write that was answered before it committed ends (answer-first only). */
  onWriteBehindSettled?: (outcome: WriteBehindOutcome, error?: unknown) => void;
}

export type WriteBehindOutcome = 'committed' | 'key_exists' | 'failed';

export interface FlowAnswer {
  status: number;
  body: string;
  replayed: boolean;
}

export async function createPaymentFlow(
  deps: CreatePaymentFlowDeps,
  merchantId: string,
  idempotencyKey: string,
  input: CreatePaymentInput,
): Promise<FlowAnswer> {
  const check = checkCreatePayment(input);
  if (!check.ok) throw new PaymentError(check.codeName, check.errors);

  const hash = requestHash('POST', '/payments', input);
  const { metrics, cache } = deps;

  // Redis failures are counted once per request, however many calls fail in it.
  let redisUsable = true;
  const fellBack = () => {
    if (redisUsable) metrics.idempotencyRedisFallback.inc();
    redisUsable = false;
  };
  const tryRedis = async <T>(operation: () => Promise<T>): Promise<T | undefined> => {
    if (!redisUsable) return undefined;
    try {
      return await operation();
    } catch {
      fellBack();
      return undefined;
    }
  };

  const claim = await tryRedis(() => cache.claim(merchantId, idempotencyKey));
  if (claim?.kind === 'cached') return answer(decideIdempotency(claim.record, hash), 'redis', metrics);
  if (claim?.kind === 'busy') {
    // The lock may outlive its holder: a claim whose reply was lost still took it, and its request
    // went on to create through the database. The committed record is the truth; 409 only without one.
    const committed = await deps.findRecord(merchantId, idempotencyKey);
    if (!committed) return answer({ kind: 'in-progress' }, 'redis', metrics);
    const decision = decideIdempotency(committed, hash);
    if (decision.kind === 'replay') {
      await tryRedis(() => cache.settle(merchantId, idempotencyKey, { record: committed, unlock: false }));
    }
    return answer(decision, 'db', metrics);
  }
  const locked = claim?.kind === 'locked';

  let record: StoredIdempotencyRecord | undefined;
  try {
    const command: CreatePaymentCommand = {
      paymentId: deps.newId(),
      eventId: deps.newId(),
      merchantId,
      idempotencyKey,
      requestHash: hash,
      input,
      now: new Date(),
      respond: (payment) => {
        const { status, body } = success('paymentRequested', payment);
        return { status, body: JSON.stringify(body) };
      },
    };
    if (deps.commit === 'answer-first') {
      const answered = answerBeforeCommit(deps, command);
      metrics.paymentsAccepted.inc({ method: input.method });
      record = {
        requestHash: hash,
        state: 'completed',
        responseStatus: answered.status,
        responseBody: answered.body,
      };
      return answered;
    }
    const result = await deps.createPayment(command);
    if (result.kind === 'created') {
      metrics.paymentsAccepted.inc({ method: input.method });
      record = {
        requestHash: hash,
        state: 'completed',
        responseStatus: result.status,
        responseBody: result.body,
      };
      return { status: result.status, body: result.body, replayed: false };
    }
    const decision = decideIdempotency(result.record, hash);
    // Re-warm the cache with the database's answer, but only under this request's fingerprint.
    if (decision.kind === 'replay') record = result.record;
    return answer(decision, 'db', metrics);
  } finally {
    if (locked || record) {
      const settlement = { record, unlock: locked };
      await tryRedis(() => cache.settle(merchantId, idempotencyKey, settlement));
    }
  }
}

/**
 * The naive twin of the create (apiCommit=answer-first): the 201 is built from the payment as it
 * WILL be written and returned at once; the write runs behind the answer and its failure reaches
 * nobody but a counter. This is the shortcut the checker's accepted-created verdict exists for.
 */
function answerBeforeCommit(deps: CreatePaymentFlowDeps, command: CreatePaymentCommand): FlowAnswer {
  const { status, body } = command.respond(plannedPaymentView(command, command.now ?? new Date()));
  const settled = (outcome: WriteBehindOutcome, error?: unknown) => {
    deps.metrics.answeredBeforeCommit.inc({ outcome });
    deps.onWriteBehindSettled?.(outcome, error);
  };
  deps.createPayment(command).then(
    (result) => settled(result.kind === 'created' ? 'committed' : 'key_exists'),
    (error: unknown) => settled('failed', error),
  );
  return { status, body, replayed: false };
}

function answer(decision: IdempotencyDecision, source: 'redis' | 'db', metrics: ApiMetrics): FlowAnswer {
  switch (decision.kind) {
    case 'replay':
      metrics.idempotencyReplays.inc({ source });
      return { status: decision.status, body: decision.body, replayed: true };
    case 'mismatch':
      metrics.idempotencyConflicts.inc({ reason: 'mismatch' });
      throw new PaymentError('idempotencyKeyMismatch', [
        {
          field: 'idempotency-key',
          value: null,
          reason: 'already used with different parameters; use a new key',
        },
      ]);
    case 'in-progress':
      metrics.idempotencyConflicts.inc({ reason: 'in_progress' });
      throw new PaymentError(
        'idempotencyInProgress',
        [
          {
            field: 'idempotency-key',
            value: null,
            reason: 'the first request with this key has not finished',
          },
        ],
        { retryAfterSeconds: 1 },
      );
    case 'proceed':
      // Only an absent record says proceed, and both callers hold a record.
      throw new Error('idempotency decided "proceed" for an existing record');
  }
}
