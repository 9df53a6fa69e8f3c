/**
 * Decides, per PG request, which fault (if any) hits it. Every request draws the same number of
 * values from the seeded PRNG whatever the outcome, so the decision for the n-th request depends
 * only on the seed and n — not on which branch earlier requests took.
 */
import { NO_FAULTS, PG_TRIGGERS, type FaultProfile, type PgTrigger } from './contract.ts';
import { mulberry32, type Random } from './prng.ts';

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

export interface FaultEngine {
  profile(): FaultProfile;
  /** Replaces the profile; a changed seed restarts the random sequence. */
  setProfile(next: FaultProfile): void;
  /** All faults off, same seed, sequence restarted. */
  reset(): void;
  decideCapture(): CaptureDecision;
  /** Inquiries and refunds: only the gate and latency apply (inquiries add inquiryLatencyMs). */
  decideRequest(operation: 'inquiry' | 'refund'): RequestDecision;
}

export function createFaultEngine(
  seed: number,
  initial: Partial<Omit<FaultProfile, 'seed'>> = {},
): FaultEngine {
  let current: FaultProfile = { ...NO_FAULTS, ...initial, seed };
  let random: Random = mulberry32(seed);

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
      if (next.seed !== current.seed) random = mulberry32(next.seed);
      current = structuredClone(next);
    },
    reset() {
      current = { ...NO_FAULTS, latencyMs: { ...NO_FAULTS.latencyMs }, seed: current.seed };
      random = mulberry32(current.seed);
    },
    decideCapture() {
      const [u, e, d, t, base, tail] = [random(), random(), random(), random(), random(), random()];
      const p = current;
      let booking: BookingDecision = 'capture';
      if (d < p.declineRate) booking = 'decline';
      else if (t < p.chargeThenTimeoutRate) booking = 'charge-then-timeout';
      return { gate: gate(p, u, e), booking, latencyMs: latency(p, base, tail) };
    },
    decideRequest(operation) {
      const [u, e, base, tail] = [random(), random(), random(), random()];
      const p = current;
      const extra = operation === 'inquiry' ? p.inquiryLatencyMs : 0;
      return { gate: gate(p, u, e), latencyMs: latency(p, base, tail) + extra };
    },
  };
}

/** The original simulator's trigger named in an order reference, if any (first in PG_TRIGGERS order). */
export function triggerIn(orderId: string): PgTrigger | undefined {
  return PG_TRIGGERS.find((trigger) => orderId.includes(trigger));
}
