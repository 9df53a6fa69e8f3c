/** Reading a merchant's idempotency record: the database's answer when the Redis cache has none. */
import type { StoredIdempotencyRecord } from '../domain/idempotency.ts';
import type { Queryable } from './pool.ts';

interface IdempotencyRecordRow {
  request_hash: string;
  state: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: string | null;
}

export async function findIdempotencyRecord(
  db: Queryable,
  merchantId: string,
  idempotencyKey: string,
): Promise<StoredIdempotencyRecord | undefined> {
  // ::text keeps the stored body byte for byte instead of letting pg parse and re-serialise it.
  const { rows } = await db.query<IdempotencyRecordRow>(
    `SELECT request_hash, state, response_status, response_body::text AS response_body
       FROM idempotency_records
      WHERE merchant_id = $1 AND idempotency_key = $2`,
    [merchantId, idempotencyKey],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    requestHash: row.request_hash,
    state: row.state,
    responseStatus: row.response_status,
    responseBody: row.response_body,
  };
}
