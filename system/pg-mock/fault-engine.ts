/**
 * Decides, per PG request, which fault (if any) hits it. Each decision is derived from
 * hash(seed, operation, attempt, key) — the request's own identity — never from a shared random
 * stream consumed in arrival order: with two workers racing, the order in which requests reach
 * the PG changes from run to run, but with one seed the same payments (and the same retries of
 * them) are faulted in every run.
 */
import { createHash } from 'node:crypto';
import { NO_FAULTS, PG_TRIGGERS, type FaultProfile, type PgTrigger } from './contract.ts';

/** Before anything is booked: shed with 503, fail with 500, or go on. */
export type GateDecision = 'unavailable' | 'error' | 'proceed';
/** What happens to a new booking. */
export type BookingDecision = 'decline' | 'charge-then-timeout' | 'capture';

export interface CaptureDecision {
  gate: GateDecision;
  booking: BookingDecision;
  latencyMs: number;
}

export interface RequestDecision {
  gate: GateDecision;
  latencyMs: number;
}

export type DecidedOperation = 'capture' | 'inquiry' | 'refund';

export interface FaultEngine {
  profile(): FaultProfile;
  /** Replaces the profile; a changed seed changes every later decision. */
  setProfile(next: FaultProfile): void;
  /** All faults off, same seed. */
  reset(): void;
  /** The n-th capture request with this pgIdempotencyKey. */
  decideCapture(pgIdempotencyKey: string): CaptureDecision;
  /** Inquiries (by pgIdempotencyKey) and refunds (by transactionId): only the gate and latency
   *  apply (inquiries add inquiryLatencyMs). */
  decideRequest(operation: 'inquiry' | 'refund', key: string): RequestDecision;
  /** Forgets how many requests each key has made (the ledger was emptied: every key is new again). */
  forgetAttempts(): void;
}

/**
 * Eight independent uniforms in [0, 1) for one request: the 32 bytes of
 * sha256(seed, operation, attempt, key). A cryptographic hash is overkill for dice, but it is in
 * node:crypto, has no bias worth measuring, and costs about a microsecond.
 */
export function requestDice(
  seed: number,
  operation: DecidedOperation,
  attempt: number,
  key: string,
): number[] {
  const digest = createHash('sha256')
    .update(`${seed >>> 0}\u0000${operation}\u0000${attempt}\u0000${key}`)
    .digest();
  return Array.from({ length: 8 }, (_, i) => digest.readUInt32BE(i * 4) / 4294967296);
}

export function createFaultEngine(
  seed: number,
  initial: Partial<Omit<FaultProfile, 'seed'>> = {},
): FaultEngine {
  let current: FaultProfile = { ...NO_FAULTS, ...initial, seed };
  /** Requests seen per operation and key, so a retry gets a fate of its own (attempt 2, 3, …). */
  const attempts = new Map<string, number>();

  function dice(operation: DecidedOperation, key: string): number[] {
    const id = `${operation}\u0000${key}`;
    const attempt = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, attempt);
    return requestDice(current.seed, operation, attempt, key);
  }

  function latency(p: FaultProfile, base: number, tail: number): number {
    const { min, max, tailRate, tailMs } = p.latencyMs;
    const uniform = min + base * (max - min);
    return Math.round(uniform + (tail < tailRate ? tailMs : 0));
  }

  function gate(p: FaultProfile, unavailable: number, error: number): GateDecision {
    if (unavailable < p.unavailableRate) return 'unavailable';
    if (error < p.errorRate) return 'error';
    return 'proceed';
  }

  return {
    profile: () => structuredClone(current),
    setProfile(next) {
      current = structuredClone(next);
    },
    reset() {
      current = { ...NO_FAULTS, latencyMs: { ...NO_FAULTS.latencyMs }, seed: current.seed };
    },
    decideCapture(pgIdempotencyKey) {
      const [u = 0, e = 0, d = 0, t = 0, base = 0, tail = 0] = dice('capture', pgIdempotencyKey);
      const p = current;
      let booking: BookingDecision = 'capture';
      if (d < p.declineRate) booking = 'decline';
      else if (t < p.chargeThenTimeoutRate) booking = 'charge-then-timeout';
      return { gate: gate(p, u, e), booking, latencyMs: latency(p, base, tail) };
    },
    decideRequest(operation, key) {
      const [u = 0, e = 0, base = 0, tail = 0] = dice(operation, key);
      const p = current;
      const extra = operation === 'inquiry' ? p.inquiryLatencyMs : 0;
      return { gate: gate(p, u, e), latencyMs: latency(p, base, tail) + extra };
    },
    forgetAttempts() {
      attempts.clear();
    },
  };
}

/** The original simulator's trigger named in an order reference, if any (first in PG_TRIGGERS order). */
export function triggerIn(orderId: string): PgTrigger | undefined {
  return PG_TRIGGERS.find((trigger) => orderId.includes(trigger));
}
