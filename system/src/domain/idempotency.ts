/**
 * Idempotency decisions, Stripe's contract: a key (scoped per merchant) binds to the first
 * request's parameters; the same parameters replay the stored response, different parameters are
 * refused, and a request still being processed is answered "in progress".
 */

export interface StoredIdempotencyRecord {
  requestHash: string;
  state: 'in_progress' | 'completed';
  responseStatus: number | null;
  /** The original body, exactly as sent. */
  responseBody: string | null;
}

export type IdempotencyDecision =
  | { kind: 'proceed' }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' };

export function decideIdempotency(
  existing: StoredIdempotencyRecord | undefined,
  requestHash: string,
): IdempotencyDecision {
  if (existing === undefined) return { kind: 'proceed' };
  if (existing.requestHash !== requestHash) return { kind: 'mismatch' };
  if (existing.state === 'completed' && existing.responseStatus !== null && existing.responseBody !== null) {
    return { kind: 'replay', status: existing.responseStatus, body: existing.responseBody };
  }
  return { kind: 'in-progress' };
}

// Visible ASCII, no spaces: a key travels in a header, a Redis key and log lines.
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export function isValidIdempotencyKey(key: unknown): key is string {
  return typeof key === 'string' && KEY_PATTERN.test(key);
}

/**
 * JSON with object keys sorted at every level, so {"a":1,"b":2} and {"b":2,"a":1} fingerprint the
 * same request. Arrays keep their order: reordered items are different parameters.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    // undefined and functions have no JSON form; a parsed request body never contains them.
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
