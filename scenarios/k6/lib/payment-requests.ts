/**
 * Request builders for the payment API. Every value derives from the run id, the seed and the
 * iteration number, so two runs with the same seed send the same payments, and the checker can
 * find this run's payments by the idempotency-key prefix.
 */

export interface CreatePaymentBody {
  orderId: string;
  amount: number;
  currency: string;
  method: 'card' | 'easy_pay';
  methodReference: string;
  items: { name: string; quantity: number; unitPrice: number }[];
}

/** A small integer hash (FNV-1a) so per-iteration choices are deterministic from seed + iteration. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A number in [0, 1) fixed by the seed, the iteration and a purpose. */
export function choice(seed: number, iteration: number, purpose: string): number {
  return hash32(`${seed}:${iteration}:${purpose}`) / 4294967296;
}

export function idempotencyKey(runId: string, iteration: number): string {
  return `${runId}-${iteration}`;
}

export function createBody(runId: string, seed: number, iteration: number): CreatePaymentBody {
  const quantity = 1 + Math.floor(choice(seed, iteration, 'quantity') * 3);
  const unitPrice = 100 * (1 + Math.floor(choice(seed, iteration, 'price') * 500));
  const card = choice(seed, iteration, 'method') < 0.7;
  return {
    // No simulator trigger words (TIMEOUT, FAIL…) can appear: the run id is lower-case hex and digits.
    orderId: `order-${runId}-${iteration}`,
    amount: quantity * unitPrice,
    currency: 'KRW',
    method: card ? 'card' : 'easy_pay',
    methodReference: card
      ? `tok_lab_${hash32(`${runId}${iteration}`).toString(16)}`
      : `wallet_lab_${iteration}`,
    items: [{ name: 'lab item', quantity, unitPrice }],
  };
}

/** Idempotency keys used again on purpose (redis-down): a share of iterations replays an earlier
 *  iteration's key with the same body, and a share sends its create twice at once. */
export interface KeyReuse {
  /** Share of iterations that replay the key and body of one of the previous REPLAY_WINDOW iterations. */
  replayShare: number;
  /** Share of iterations that send two identical creates concurrently (racing retries). */
  raceShare: number;
}

/** How far back a replay reaches: at lab rates, up to a couple of seconds — often still in flight. */
export const REPLAY_WINDOW = 30;

export type Reuse = { kind: 'fresh' } | { kind: 'replay'; of: number } | { kind: 'race' };

/** What iteration `iteration` does with its key, fixed by the seed. A replay always names an
 *  iteration that used its own key (never a replay), so its answer must be that payment. */
export function keyReuseOf(reuse: KeyReuse | undefined, seed: number, iteration: number): Reuse {
  if (reuse === undefined) return { kind: 'fresh' };
  const r = choice(seed, iteration, 'reuse');
  if (r < reuse.replayShare) {
    if (iteration === 0) return { kind: 'fresh' };
    const back = 1 + Math.floor(choice(seed, iteration, 'reuse-of') * Math.min(iteration, REPLAY_WINDOW));
    const earlier = keyReuseOf(reuse, seed, iteration - back);
    return earlier.kind === 'replay' ? earlier : { kind: 'replay', of: iteration - back };
  }
  if (r < reuse.replayShare + reuse.raceShare) return { kind: 'race' };
  return { kind: 'fresh' };
}
