import { describe, expect, it } from 'vitest';
import { createFaultEngine, triggerIn } from './fault-engine.ts';
import { NO_FAULTS } from './contract.ts';

const noisy = {
  declineRate: 0.2,
  errorRate: 0.1,
  unavailableRate: 0.05,
  chargeThenTimeoutRate: 0.1,
  latencyMs: { min: 10, max: 50, tailRate: 0.1, tailMs: 1000 },
};

function sequence(seed: number, n: number): string[] {
  const engine = createFaultEngine(seed, noisy);
  return Array.from({ length: n }, (_, i) => {
    const d = i % 3 === 2 ? engine.decideRequest('inquiry', `k${i}`) : engine.decideCapture(`k${i}`);
    return JSON.stringify(d);
  });
}

/** A deterministic shuffle (Fisher–Yates driven by a fixed LCG), so the test itself is reproducible. */
function shuffled<T>(items: readonly T[], salt: number): T[] {
  const out = [...items];
  let state = salt;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every key's first capture, a retry of it, and an inquiry — in the given arrival order. */
function fates(seed: number, keys: readonly string[]): Map<string, string> {
  const engine = createFaultEngine(seed, noisy);
  const fate = new Map<string, string>();
  for (const key of keys) fate.set(`${key}/capture#1`, JSON.stringify(engine.decideCapture(key)));
  for (const key of keys) fate.set(`${key}/capture#2`, JSON.stringify(engine.decideCapture(key)));
  for (const key of keys) fate.set(`${key}/inquiry#1`, JSON.stringify(engine.decideRequest('inquiry', key)));
  return fate;
}

describe('fault engine', () => {
  it('when two engines share a seed, then they make the same decisions in the same order', () => {
    expect(sequence(7, 500)).toEqual(sequence(7, 500));
  });

  it('when two engines share a seed but requests arrive in another order, then the same payments are faulted', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `pay_${i}_1`);
    const inOrder = fates(42, keys);
    const otherOrder = fates(42, shuffled(keys, 7));
    expect(otherOrder).toEqual(inOrder);
    // Not vacuous: the faults really vary between payments and between attempts of one payment.
    const gates = new Set([...inOrder.values()].map((d) => (JSON.parse(d) as { gate: string }).gate));
    expect(gates).toEqual(new Set(['unavailable', 'error', 'proceed']));
    const retriedDifferently = keys.filter(
      (k) => inOrder.get(`${k}/capture#1`) !== inOrder.get(`${k}/capture#2`),
    );
    expect(retriedDifferently.length).toBeGreaterThan(keys.length / 2);
  });

  it('when another seed is used, then other payments are faulted', () => {
    const keys = Array.from({ length: 100 }, (_, i) => `pay_${i}_1`);
    expect(fates(43, keys)).not.toEqual(fates(42, keys));
  });

  it('when the seed differs, then the decisions differ', () => {
    expect(sequence(7, 100)).not.toEqual(sequence(8, 100));
  });

  it('when reset, then faults are off and the seed is kept', () => {
    const engine = createFaultEngine(3, noisy);
    engine.setProfile({ ...engine.profile(), declineRate: 0 });
    engine.reset();
    expect(engine.profile()).toEqual({ ...NO_FAULTS, seed: 3 });
    const fresh = createFaultEngine(3);
    expect(engine.decideCapture('k1')).toEqual(fresh.decideCapture('k1'));
  });

  it('when a new seed is set, then later decisions come from that seed', () => {
    const engine = createFaultEngine(1, noisy);
    engine.decideCapture('k1');
    engine.setProfile({ ...engine.profile(), seed: 99 });
    expect(engine.decideCapture('k2')).toEqual(createFaultEngine(99, noisy).decideCapture('k2'));
  });

  it('when drawn many times, then each rate is honoured within a few percent', () => {
    const engine = createFaultEngine(12345, noisy);
    const n = 20_000;
    const counts = { unavailable: 0, error: 0, decline: 0, ctt: 0, tail: 0 };
    for (let i = 0; i < n; i++) {
      const d = engine.decideCapture(`pay_${i}_1`);
      if (d.gate === 'unavailable') counts.unavailable++;
      if (d.gate === 'error') counts.error++;
      if (d.booking === 'decline') counts.decline++;
      if (d.booking === 'charge-then-timeout') counts.ctt++;
      if (d.latencyMs >= 1000) counts.tail++;
      expect(d.latencyMs).toBeGreaterThanOrEqual(10);
      expect(d.latencyMs).toBeLessThanOrEqual(1050);
    }
    expect(counts.unavailable / n).toBeCloseTo(0.05, 1);
    // error is checked after unavailable: 0.95 × 0.1
    expect(counts.error / n).toBeGreaterThan(0.085);
    expect(counts.error / n).toBeLessThan(0.105);
    expect(counts.decline / n).toBeGreaterThan(0.19);
    expect(counts.decline / n).toBeLessThan(0.21);
    // charge-then-timeout only when not declined: 0.8 × 0.1
    expect(counts.ctt / n).toBeGreaterThan(0.07);
    expect(counts.ctt / n).toBeLessThan(0.09);
    expect(counts.tail / n).toBeGreaterThan(0.09);
    expect(counts.tail / n).toBeLessThan(0.11);
  });

  it('when no faults are set, then every request proceeds at once and is captured', () => {
    const engine = createFaultEngine(5);
    for (let i = 0; i < 1000; i++) {
      expect(engine.decideCapture(`k${i}`)).toEqual({ gate: 'proceed', booking: 'capture', latencyMs: 0 });
    }
  });

  it('when inquiries are slow, then only inquiries get the extra latency', () => {
    const engine = createFaultEngine(5, { inquiryLatencyMs: 700 });
    expect(engine.decideRequest('inquiry', 'k1').latencyMs).toBe(700);
    expect(engine.decideRequest('refund', 'tx_1').latencyMs).toBe(0);
    expect(engine.decideCapture('k1').latencyMs).toBe(0);
  });

  it('reads the simulator triggers out of an order reference', () => {
    expect(triggerIn('order-TIMEOUT-1')).toBe('TIMEOUT');
    expect(triggerIn('CONN_RESET')).toBe('CONN_RESET');
    expect(triggerIn('x-HTTP_503')).toBe('HTTP_503');
    expect(triggerIn('JSON_ERROR')).toBe('JSON_ERROR');
    expect(triggerIn('will-FAIL')).toBe('FAIL');
    expect(triggerIn('order-42')).toBeUndefined();
    expect(triggerIn('timeout')).toBeUndefined();
  });

  it('when the ledger is emptied, then every key starts again at its first attempt', () => {
    const engine = createFaultEngine(5, noisy);
    const first = engine.decideCapture('k1');
    engine.forgetAttempts();
    expect(engine.decideCapture('k1')).toEqual(first);
  });
});
