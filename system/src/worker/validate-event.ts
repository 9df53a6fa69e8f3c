/**
 * Every Kafka message is checked against events.ts before anything is done with it. Anything that
 * fails here is a poison message: retrying cannot fix it, so it goes to the dead-letter topic at once.
 */
import { EVENT_TYPES, type EventType, type PaymentEvent } from '../domain/events.ts';

export type ParseResult = { ok: true; event: PaymentEvent } | { ok: false; error: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURRENCY = /^[A-Z]{3}$/;
const MAX_MESSAGE_BYTES = 64 * 1024;

const COMMON_FIELDS = ['eventId', 'type', 'paymentId', 'merchantId', 'occurredAt', 'sequence'] as const;
const FIELDS: Record<EventType, readonly string[]> = {
  'payment.requested': [...COMMON_FIELDS, 'amount', 'currency', 'method', 'methodReference'],
  'payment.cancel_requested': [...COMMON_FIELDS, 'reason'],
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(v: unknown, max = 256): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max;
}

export function parsePaymentEvent(value: Buffer | null): ParseResult {
  if (value === null || value.length === 0) return { ok: false, error: 'empty message value' };
  if (value.length > MAX_MESSAGE_BYTES)
    return { ok: false, error: `message is ${value.length} bytes, limit ${MAX_MESSAGE_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isRecord(json)) return { ok: false, error: 'not a JSON object' };
  const type = json.type;
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    return { ok: false, error: `unknown event type ${JSON.stringify(type)}` };
  }
  const allowed = FIELDS[type as EventType];
  const unknown = Object.keys(json).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) return { ok: false, error: `unknown field(s): ${unknown.join(', ')}` };

  const problems: string[] = [];
  const need = (ok: boolean, field: string, what: string) => {
    if (!ok) problems.push(`${field} must be ${what}`);
  };
  need(typeof json.eventId === 'string' && UUID.test(json.eventId), 'eventId', 'a UUID');
  need(typeof json.paymentId === 'string' && UUID.test(json.paymentId), 'paymentId', 'a UUID');
  need(nonEmptyString(json.merchantId, 128), 'merchantId', 'a non-empty string');
  need(
    typeof json.occurredAt === 'string' && !Number.isNaN(Date.parse(json.occurredAt)),
    'occurredAt',
    'an ISO-8601 time',
  );
  need(
    Number.isSafeInteger(json.sequence) && (json.sequence as number) >= 1,
    'sequence',
    'a whole number >= 1',
  );
  if (type === 'payment.requested') {
    need(Number.isSafeInteger(json.amount) && (json.amount as number) > 0, 'amount', 'a whole number > 0');
    need(
      typeof json.currency === 'string' && CURRENCY.test(json.currency),
      'currency',
      'three capital letters',
    );
    need(json.method === 'card' || json.method === 'easy_pay', 'method', 'card or easy_pay');
    need(nonEmptyString(json.methodReference, 256), 'methodReference', 'a non-empty string');
  } else {
    need(typeof json.reason === 'string' && json.reason.length <= 1000, 'reason', 'a string');
  }
  if (problems.length > 0) return { ok: false, error: problems.join('; ') };
  // Every field was checked above against the shape of its event type.
  return { ok: true, event: json as unknown as PaymentEvent };
}
