/** The fingerprint an idempotency key is bound to: method, route and the body's canonical JSON. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/idempotency.ts';

export function requestHash(method: string, route: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${route}\n${canonicalJson(body)}`)
    .digest('hex');
}
