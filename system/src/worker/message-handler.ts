/**
 * What happens to one Kafka message: wait for its retry time, validate it, process it, and route
 * the result — done, duplicate (absorbed), retry topic with backoff, or dead-letter topic.
 *
 * Infrastructure failures (the DB or Kafka unreachable) are not the message's fault: the handler
 * keeps retrying in place, heartbeating, instead of burning the message's retry budget, and never
 * returns (so the offset is not committed) until the message has really been handled.
 *
 * Any other exception from processing is a bug (or data the code cannot handle), and retrying it in
 * place would block the partition forever. It costs the event one attempt of its budget, like a
 * retry outcome; when the budget is spent the event is dead-lettered as `handler-error` with the
 * error — or, with the naive workerPoison=drop, committed and forgotten.
 */
import type { IHeaders, Message } from 'kafkajs';
import type { WorkerPoisonMode } from '../config.ts';
import { isTransientDbError } from '../db/db-errors.ts';
import type { PaymentEvent } from '../domain/events.ts';
import { type BackoffPolicy, backoffDelayMs } from '../relay/backoff.ts';
import type { ProcessOutcome } from './process-event.ts';
import {
  attemptOf,
  type DeadLetterReason,
  deadLetterHeaders,
  notBeforeOf,
  retryHeaders,
} from './retry-headers.ts';
import { parsePaymentEvent } from './validate-event.ts';

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export interface HandlerObserver {
  received(topic: string): void;
  processed(type: string, outcome: string, seconds: number): void;
  retried(reason: string): void;
  deadLettered(reason: DeadLetterReason): void;
  /** workerPoison=drop: the message was committed without being processed or dead-lettered. */
  dropped(reason: DeadLetterReason): void;
  infrastructureError(error: Error): void;
  /** Processing threw something that is not an infrastructure failure: one attempt spent. */
  handlerError(error: Error): void;
}

export interface MessageHandlerOptions {
  retryTopic: string;
  deadLetterTopic: string;
  /** Retries before a message goes to the dead-letter topic. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** What happens to a message the worker cannot process (invalid, or out of budget). */
  poison: WorkerPoisonMode;
}

export interface MessageHandlerDeps {
  process(event: PaymentEvent): Promise<ProcessOutcome>;
  /** Errors worth retrying in place (default: the DB unreachable or refusing work for now). */
  isInfrastructureError?: (error: unknown) => boolean;
  send(topic: string, message: Message): Promise<void>;
  observer: HandlerObserver;
  isStopping(): boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class StoppingError extends Error {
  override name = 'StoppingError';
}

/** The low-cardinality label of an outcome: "skipped: payment already failed" → "skipped". */
export function outcomeLabel(outcome: ProcessOutcome): string {
  if (outcome.kind !== 'done') return outcome.kind;
  return outcome.outcome.split(':')[0] ?? outcome.outcome;
}

/** A retry reason as a metric label: the part before the first colon ("pg rejected", "reorder"…). */
export function reasonLabel(reason: string): string {
  return reason.split(':')[0] ?? reason;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function makeMessageHandler(
  options: MessageHandlerOptions,
  deps: MessageHandlerDeps,
): (message: IncomingMessage, heartbeat: () => Promise<void>) => Promise<void> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const isInfrastructureError = deps.isInfrastructureError ?? isTransientDbError;

  async function pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = now() + ms;
    while (now() < until) {
      if (deps.isStopping()) throw new StoppingError('stopping: the message will be redelivered');
      await sleep(Math.min(1_000, until - now()));
      await heartbeat().catch(() => {});
    }
  }

  /** Retries `work` in place while it fails with an error `retryable` accepts; rethrows others. */
  async function persistently<T>(
    work: () => Promise<T>,
    heartbeat: () => Promise<void>,
    retryable: (error: unknown) => boolean = () => true,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (error instanceof StoppingError || !retryable(error)) throw error;
        deps.observer.infrastructureError(asError(error));
        await pause(backoffDelayMs(Math.min(attempt, 6), { baseMs: 200, maxMs: 5_000 }), heartbeat);
      }
    }
  }

  /** Sends the message, bytes untouched, to the dead-letter topic with why and where it came from —
   *  or, with workerPoison=drop, lets its offset be committed as if it had been handled. */
  async function giveUp(
    message: IncomingMessage,
    reason: DeadLetterReason,
    error: string,
    attempt: number,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    if (options.poison === 'drop') {
      deps.observer.dropped(reason);
      return;
    }
    const source = { topic: message.topic, partition: message.partition, offset: message.offset };
    await persistently(
      () =>
        deps.send(options.deadLetterTopic, {
          key: message.key,
          value: message.value,
          headers: deadLetterHeaders(message.headers, reason, error, source, attempt, now()),
        }),
      heartbeat,
    );
    deps.observer.deadLettered(reason);
  }

  return async (message, heartbeat) => {
    deps.observer.received(message.topic);
    const notBefore = notBeforeOf(message.headers);
    if (notBefore > now()) await pause(notBefore - now(), heartbeat);

    const attempt = attemptOf(message.headers);
    const parsed = parsePaymentEvent(message.value);
    if (!parsed.ok) {
      await giveUp(message, 'invalid', parsed.error, attempt, heartbeat);
      return;
    }

    const event = parsed.event;
    const started = now();
    let outcome: ProcessOutcome;
    let failure: string | undefined;
    try {
      outcome = await persistently(() => deps.process(event), heartbeat, isInfrastructureError);
    } catch (error) {
      if (error instanceof StoppingError) throw error;
      const bug = asError(error);
      deps.observer.handlerError(bug);
      failure = `${bug.name}: ${bug.message}`;
      outcome = { kind: 'retry', reason: `handler error: ${failure}` };
    }
    deps.observer.processed(
      event.type,
      failure === undefined ? outcomeLabel(outcome) : 'handler-error',
      (now() - started) / 1000,
    );
    if (outcome.kind !== 'retry') return;

    const next = attempt + 1;
    if (next > options.maxAttempts) {
      if (failure === undefined)
        await giveUp(message, 'retries-exhausted', outcome.reason, attempt, heartbeat);
      else await giveUp(message, 'handler-error', failure, attempt, heartbeat);
      return;
    }
    const delay = Math.max(backoffDelayMs(next, options.backoff), outcome.minDelayMs ?? 0);
    await persistently(
      () =>
        deps.send(options.retryTopic, {
          key: message.key,
          value: message.value,
          headers: retryHeaders(message.headers, next, now() + delay, outcome.reason),
        }),
      heartbeat,
    );
    deps.observer.retried(reasonLabel(outcome.reason));
  };
}
