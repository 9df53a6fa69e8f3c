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
