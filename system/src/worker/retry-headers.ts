/**
 * The retry and dead-letter topics carry the original key and bytes; what happened to a message
 * travels in headers, so a replay can restore it exactly and an operator can read why it failed.
 */
import type { IHeaders } from 'kafkajs';

export const HEADERS = {
  attempt: 'paylab-attempt',
  notBefore: 'paylab-not-before',
  retryReason: 'paylab-retry-reason',
  deadReason: 'paylab-dlt-reason',
  deadError: 'paylab-dlt-error',
  originalTopic: 'paylab-original-topic',
  originalPartition: 'paylab-original-partition',
  originalOffset: 'paylab-original-offset',
  failedAt: 'paylab-failed-at',
} as const;

const OURS: readonly string[] = Object.values(HEADERS);

export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

/** Retries already made for this message (0 for a first delivery; garbage counts as 0). */
export function attemptOf(headers: IHeaders | undefined): number {
  const raw = headerString(headers, HEADERS.attempt);
  return raw !== undefined && /^\d{1,4}$/.test(raw) ? Number(raw) : 0;
}

/** Epoch ms before which a retried message must not be processed; 0 when absent or garbage. */
export function notBeforeOf(headers: IHeaders | undefined): number {
  const raw = headerString(headers, HEADERS.notBefore);
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
}

/** The headers a message had before the worker added its own (event-id, event-type…). */
export function originalHeaders(headers: IHeaders | undefined): IHeaders {
  const kept: IHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && !OURS.includes(name)) kept[name] = value;
  }
  return kept;
}

export function retryHeaders(
  headers: IHeaders | undefined,
  attempt: number,
  notBefore: number,
  reason: string,
): IHeaders {
  return {
    ...originalHeaders(headers),
    [HEADERS.attempt]: String(attempt),
    [HEADERS.notBefore]: String(notBefore),
    [HEADERS.retryReason]: reason.slice(0, 500),
  };
}

/** Why a message left for the dead-letter topic: unreadable, out of retries, or the handler kept throwing. */
export type DeadLetterReason = 'invalid' | 'retries-exhausted' | 'handler-error';

export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
}

export function deadLetterHeaders(
  headers: IHeaders | undefined,
  reason: DeadLetterReason,
  error: string,
  source: DeadLetterSource,
  attempt: number,
  now: number,
): IHeaders {
  return {
    ...originalHeaders(headers),
    [HEADERS.deadReason]: reason,
    [HEADERS.deadError]: error.slice(0, 1000),
    [HEADERS.originalTopic]: source.topic,
    [HEADERS.originalPartition]: String(source.partition),
    [HEADERS.originalOffset]: source.offset,
    [HEADERS.attempt]: String(attempt),
    [HEADERS.failedAt]: new Date(now).toISOString(),
  };
}
