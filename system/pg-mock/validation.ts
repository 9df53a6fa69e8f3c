/**
 * Edge validation of the PG's request bodies and the admin fault profile. Hand-written rather than
 * JSON Schema so contract.ts stays the one source of the shapes, and so every error names the field
 * a user got wrong (an unknown field is an error, never silently dropped).
 */
import { looksLikeCardNumber } from '../src/domain/payment-request.ts';
import type { CaptureRequest, FaultProfile, RefundRequest } from './contract.ts';

export interface FieldError {
  field: string;
  reason: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownFields(body: Json, allowed: readonly string[], prefix = ''): FieldError[] {
  return Object.keys(body)
    .filter((key) => !allowed.includes(key))
    .map((key) => ({ field: prefix + key, reason: 'unknown field' }));
}

function text(body: Json, field: string, errors: FieldError[], maxLength = 200): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') {
    errors.push({ field, reason: 'must be a non-empty string' });
    return '';
  }
  if (value.length > maxLength) errors.push({ field, reason: `must be at most ${maxLength} characters` });
  return value;
}

const CAPTURE_FIELDS = [
  'paymentId',
  'orderId',
  'pgIdempotencyKey',
  'amount',
  'currency',
  'method',
  'methodReference',
] as const;

export function checkCaptureRequest(body: unknown): Checked<CaptureRequest> {
  if (!isObject(body)) return { ok: false, errors: [{ field: '(body)', reason: 'must be a JSON object' }] };
  const errors = unknownFields(body, CAPTURE_FIELDS);
  const paymentId = text(body, 'paymentId', errors);
  const orderId = text(body, 'orderId', errors);
  const pgIdempotencyKey = text(body, 'pgIdempotencyKey', errors);
  const currency = text(body, 'currency', errors);
  if (currency && !/^[A-Z]{3}$/.test(currency))
    errors.push({ field: 'currency', reason: 'must be an ISO-4217 code like KRW' });
  const amount = body.amount;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    errors.push({ field: 'amount', reason: 'must be a positive whole number (minor units)' });
  }
  const method = body.method;
  if (method !== 'card' && method !== 'easy_pay')
    errors.push({ field: 'method', reason: 'must be card or easy_pay' });
  const methodReference = text(body, 'methodReference', errors);
  // The PG takes a vault token or wallet reference; a raw card number is refused and not echoed.
  if (methodReference && looksLikeCardNumber(methodReference)) {
    errors.push({ field: 'methodReference', reason: 'looks like a card number; send a token' });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      paymentId,
      orderId,
      pgIdempotencyKey,
      amount: amount as number,
      currency,
      method: method as CaptureRequest['method'],
      methodReference,
    },
  };
}

export function checkRefundRequest(body: unknown): Checked<RefundRequest> {
  if (body === undefined || body === null) return { ok: true, value: {} };
  if (!isObject(body)) return { ok: false, errors: [{ field: '(body)', reason: 'must be a JSON object' }] };
  const errors = unknownFields(body, ['pgIdempotencyKey']);
  if (body.pgIdempotencyKey === undefined)
    return errors.length ? { ok: false, errors } : { ok: true, value: {} };
  const pgIdempotencyKey = text(body, 'pgIdempotencyKey', errors);
  return errors.length ? { ok: false, errors } : { ok: true, value: { pgIdempotencyKey } };
}

/** A PUT /admin/faults body: any subset of the profile; latencyMs may itself be partial. */
export type FaultPatch = Partial<Omit<FaultProfile, 'latencyMs'>> & {
  latencyMs?: Partial<FaultProfile['latencyMs']>;
};

interface NumberRule {
  min: number;
  max: number;
  integer: boolean;
}

const RATE: NumberRule = { min: 0, max: 1, integer: false };
const MS: NumberRule = { min: 0, max: 600_000, integer: true };

const TOP_RULES: Record<Exclude<keyof FaultProfile, 'latencyMs'>, NumberRule> = {
  seed: { min: 0, max: 0xffffffff, integer: true },
  declineRate: RATE,
  errorRate: RATE,
  unavailableRate: RATE,
  retryAfterSeconds: { min: 0, max: 3600, integer: true },
  chargeThenTimeoutRate: RATE,
  chargeThenTimeoutMs: MS,
  inquiryLatencyMs: MS,
};

const LATENCY_RULES: Record<keyof FaultProfile['latencyMs'], NumberRule> = {
  min: MS,
  max: MS,
  tailRate: RATE,
  tailMs: MS,
};

function checkNumber(
  value: unknown,
  rule: NumberRule,
  field: string,
  errors: FieldError[],
): number | undefined {
  const kind = rule.integer ? 'a whole number' : 'a number';
  if (typeof value !== 'number' || !Number.isFinite(value) || (rule.integer && !Number.isInteger(value))) {
    errors.push({ field, reason: `must be ${kind} between ${rule.min} and ${rule.max}` });
    return undefined;
  }
  if (value < rule.min || value > rule.max) {
    errors.push({ field, reason: `must be between ${rule.min} and ${rule.max}, got ${value}` });
    return undefined;
  }
  return value;
}

/** Checks a patch and merges it over the current profile; the result is checked as a whole (min ≤ max). */
export function applyFaultPatch(current: FaultProfile, body: unknown): Checked<FaultProfile> {
  if (!isObject(body)) return { ok: false, errors: [{ field: '(body)', reason: 'must be a JSON object' }] };
  const errors = unknownFields(body, [...Object.keys(TOP_RULES), 'latencyMs']);
  const next: FaultProfile = { ...current, latencyMs: { ...current.latencyMs } };
  for (const [field, rule] of Object.entries(TOP_RULES) as [keyof typeof TOP_RULES, NumberRule][]) {
    if (body[field] === undefined) continue;
    const value = checkNumber(body[field], rule, field, errors);
    if (value !== undefined) next[field] = value;
  }
  const latency = body.latencyMs;
  if (latency !== undefined) {
    if (!isObject(latency)) {
      errors.push({ field: 'latencyMs', reason: 'must be an object {min, max, tailRate, tailMs}' });
    } else {
      errors.push(...unknownFields(latency, Object.keys(LATENCY_RULES), 'latencyMs.'));
      for (const [field, rule] of Object.entries(LATENCY_RULES) as [
        keyof typeof LATENCY_RULES,
        NumberRule,
      ][]) {
        if (latency[field] === undefined) continue;
        const value = checkNumber(latency[field], rule, `latencyMs.${field}`, errors);
        if (value !== undefined) next.latencyMs[field] = value;
      }
    }
  }
  if (errors.length === 0 && next.latencyMs.min > next.latencyMs.max) {
    errors.push({ field: 'latencyMs.min', reason: `must not exceed latencyMs.max (${next.latencyMs.max})` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: next };
}
