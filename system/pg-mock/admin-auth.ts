/**
 * Guards the admin API: loopback callers only, and the bearer admin token compared in constant
 * time. Both sides are hashed first so the comparison never leaks the token's length either.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopback(remoteAddress: string | undefined): boolean {
  return remoteAddress !== undefined && LOOPBACK_ADDRESSES.has(remoteAddress);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** True when the Authorization header carries exactly `Bearer <expected>`. */
export function bearerMatches(authorization: string | undefined, expected: string): boolean {
  if (!authorization || expected === '') return false;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), digest(expected));
}
