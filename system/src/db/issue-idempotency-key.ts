/** Issues a fresh idempotency key for a merchant and remembers that we issued it. */
import { randomUUID } from 'node:crypto';
import type { Queryable } from './pool.ts';

export interface IssuedKey {
  idempotencyKey: string;
  createdAt: string;
}

export async function issueIdempotencyKey(db: Queryable, merchantId: string): Promise<IssuedKey> {
  const key = randomUUID();
  const { rows } = await db.query<{ created_at: Date }>(
    `INSERT INTO issued_idempotency_keys (merchant_id, idempotency_key) VALUES ($1, $2) RETURNING created_at`,
    [merchantId, key],
  );
  const createdAt = rows[0]?.created_at;
  if (!createdAt) throw new Error('INSERT … RETURNING gave no row for the issued key');
  return { idempotencyKey: key, createdAt: createdAt.toISOString() };
}
