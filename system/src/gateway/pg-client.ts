/**
 * The HTTP implementation of the PgClient port. Its one job beyond HTTP is to be honest about what
 * it knows: `rejected` only when the PG surely did nothing (503, a 4xx refusal, a connection that
 * was never made), `unknown` whenever the request may have been processed (timeout, reset after
 * connecting, 5xx, an answer that cannot be read). Never throws: every failure is an outcome.
 */
import http from 'node:http';
import type { LabConfig } from '../config.ts';
import type { CaptureRequest, CaptureResult, LedgerStatus, PgErrorBody } from '../../pg-mock/contract.ts';
import { exchange, type Exchange } from './http-exchange.ts';
import type {
  CaptureOutcome,
  InquiryOutcome,
  PgClient,
  RefundOutcome,
  UnknownReason,
  VoidOutcome,
} from './pg-client-types.ts';

export type PgCallOperation = 'capture' | 'inquiry' | 'refund' | 'void';

type AnyOutcome = CaptureOutcome | InquiryOutcome | RefundOutcome | VoidOutcome;

/** What the worker needs for METRICS.workerPgCalls {operation, outcome} and workerPgCallDuration. */
export interface PgCallRecord {
  operation: PgCallOperation;
  outcome: AnyOutcome['kind'];
  reason?: string;
  /** HTTP status when an answer arrived. */
  status?: number;
  durationMs: number;
}

export interface HttpPgClientOptions {
  /** The PG's base URL: the Toxiproxy `pg-mock` link in the lab, never the mock's own port. */
  baseUrl: string;
  /** Whole-call deadline (connect, send, answer); past it the outcome is unknown: timeout. */
  timeoutMs: number;
  maxSockets?: number;
  onCall?: (record: PgCallRecord) => void;
}

/** The PG's address for clients: the Toxiproxy `pg-mock` link, so the link can be faulted. */
export function pgBaseUrl(config: LabConfig): string {
  const { host, port } = config.links['pg-mock'].listen;
  return `http://${host}:${port}`;
}

export interface HttpPgClient extends PgClient {
  /** Closes pooled connections. */
  close(): void;
}

const LEDGER_STATUSES: readonly LedgerStatus[] = ['captured', 'declined', 'refunded'];

/** Reads a CaptureResult out of a body, or undefined when the body is not one. */
export function parseCaptureResult(body: string): CaptureResult | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const strings = ['transactionId', 'paymentId', 'pgIdempotencyKey', 'currency'] as const;
  if (!strings.every((key) => typeof v[key] === 'string')) return undefined;
  if (typeof v.amount !== 'number' || !LEDGER_STATUSES.includes(v.status as LedgerStatus)) return undefined;
  if (v.declineReason !== undefined && typeof v.declineReason !== 'string') return undefined;
  return {
    transactionId: v.transactionId as string,
    paymentId: v.paymentId as string,
    pgIdempotencyKey: v.pgIdempotencyKey as string,
    status: v.status as LedgerStatus,
    amount: v.amount,
    currency: v.currency as string,
    ...(typeof v.declineReason === 'string' ? { declineReason: v.declineReason } : {}),
  };
}

function errorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as Partial<PgErrorBody> | null;
    return typeof parsed?.code === 'string' ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

type HttpAnswer = Extract<Exchange, { kind: 'response' }>;

function describe(response: HttpAnswer): string {
  const code = errorCode(response.body);
  return `HTTP ${response.status}${code ? ` ${code}` : ''}`;
}

function unknown(
  reason: UnknownReason,
  detail: string,
): { kind: 'unknown'; reason: UnknownReason; detail: string } {
  return { kind: 'unknown', reason, detail };
}

/**
 * Shared by capture and refund: every exchange that is not a result of the operation. A request
 * never sent was surely not acted on (rejected); a lost one may have been (unknown).
 */
function refusalOrUnknown(
  result: Exchange,
): { kind: 'rejected'; reason: string; retryAfterMs?: number } | ReturnType<typeof unknown> {
  if (result.kind === 'not-sent') return { kind: 'rejected', reason: `unreachable: ${result.detail}` };
  if (result.kind === 'lost') return unknown(result.reason, result.detail);
  const { status } = result;
  // 503 and 429 are refusals by definition, and say when to come back.
  if (status === 503 || status === 429) {
    const retryAfterMs = parseRetryAfter(result.headers['retry-after']);
    return {
      kind: 'rejected',
      reason: describe(result),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (status >= 500) return unknown('server-error', describe(result));
  // The PG refused the request before acting on it (bad request, key reused, not found…).
  if (status >= 400) return { kind: 'rejected', reason: describe(result) };
  return unknown('bad-response', `unexpected ${describe(result)}`);
}

export function mapCapture(result: Exchange): CaptureOutcome {
  if (
    result.kind === 'response' &&
    (result.status === 200 || result.status === 201 || result.status === 402)
  ) {
    const parsed = parseCaptureResult(result.body);
    if (!parsed) return unknown('bad-response', `HTTP ${result.status} with an unreadable body`);
    return parsed.status === 'declined'
      ? { kind: 'declined', result: parsed }
      : { kind: 'captured', result: parsed };
  }
  return refusalOrUnknown(result);
}

export function mapInquiry(result: Exchange): InquiryOutcome {
  switch (result.kind) {
    case 'not-sent':
      return unknown('unreachable', result.detail);
    case 'lost':
      return unknown(result.reason, result.detail);
    case 'response': {
      if (result.status === 200) {
        const parsed = parseCaptureResult(result.body);
        return parsed
          ? { kind: 'found', result: parsed }
          : unknown('bad-response', 'HTTP 200 with an unreadable body');
      }
      // Only the PG's own answers count: a 404 from a wrong route must not read as safe-to-charge.
      // 'voided': nothing was booked under the key and nothing will be — not found, for good.
      if (result.status === 404 && ['not_found', 'voided'].includes(errorCode(result.body) ?? ''))
        return { kind: 'not-found' };
      if (result.status >= 500) return unknown('server-error', describe(result));
      return unknown('bad-response', `unexpected ${describe(result)}`);
    }
  }
}

export function mapRefund(result: Exchange): RefundOutcome {
  if (result.kind === 'response' && result.status === 200) {
    const parsed = parseCaptureResult(result.body);
    if (parsed?.status === 'refunded') return { kind: 'refunded', result: parsed };
    return unknown('bad-response', 'HTTP 200 without a refunded transaction');
  }
  return refusalOrUnknown(result);
}

export function mapVoid(result: Exchange): VoidOutcome {
  if (result.kind === 'response' && result.status === 200) {
    const booked = parseCaptureResult(result.body);
    if (booked) return { kind: 'booked', result: booked };
    if (isVoidResult(result.body)) return { kind: 'voided' };
    return unknown('bad-response', 'HTTP 200 that is neither a void nor a booking');
  }
  return refusalOrUnknown(result);
}

function isVoidResult(body: string): boolean {
  try {
    const v = JSON.parse(body) as Record<string, unknown> | null;
    return v?.status === 'voided' && typeof v.pgIdempotencyKey === 'string';
  } catch {
    return false;
  }
}

function reasonOf(outcome: AnyOutcome): string | undefined {
  if (outcome.kind === 'unknown' || outcome.kind === 'rejected') return outcome.reason;
  return undefined;
}

export function createHttpPgClient(options: HttpPgClientOptions): HttpPgClient {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:') throw new Error(`PG base URL must be http://, got ${options.baseUrl}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });

  async function call<T extends AnyOutcome>(
    operation: PgCallOperation,
    request: { method: 'GET' | 'POST'; path: string; body?: unknown },
    map: (result: Exchange) => T,
  ): Promise<T> {
    const startedAt = performance.now();
    const result = await exchange(agent, base, { ...request, timeoutMs: options.timeoutMs });
    const outcome = map(result);
    const reason = reasonOf(outcome);
    options.onCall?.({
      operation,
      outcome: outcome.kind,
      durationMs: performance.now() - startedAt,
      ...(reason === undefined ? {} : { reason }),
      ...(result.kind === 'response' ? { status: result.status } : {}),
    });
    return outcome;
  }

  return {
    capture: (request: CaptureRequest) =>
      call('capture', { method: 'POST', path: '/v1/captures', body: request }, mapCapture),
    inquire: (key: string) =>
      call('inquiry', { method: 'GET', path: `/v1/captures/${encodeURIComponent(key)}` }, mapInquiry),
    refund: (transactionId: string, pgIdempotencyKey: string) =>
      call(
        'refund',
        {
          method: 'POST',
          path: `/v1/captures/${encodeURIComponent(transactionId)}/refund`,
          body: { pgIdempotencyKey },
        },
        mapRefund,
      ),
    voidCapture: (key: string) =>
      call('void', { method: 'POST', path: `/v1/captures/${encodeURIComponent(key)}/void` }, mapVoid),
    close: () => agent.destroy(),
  };
}
