/**
 * Records a failed publish: one more attempt, the error, and the next attempt time — or dead
 * once the attempts are used up. Conditional on the lease like markSent; the lease is released
 * so the row becomes claimable again at next_attempt_at.
 */
import type { Queryable } from '../../db/pool.ts';

export interface MarkFailedInput {
  eventId: string;
  leaseOwner: string;
  error: string;
  retryInMs: number;
  maxAttempts: number;
}

export type MarkFailedResult = 'retrying' | 'dead' | 'lease-lost';

export async function markFailed(db: Queryable, input: MarkFailedInput): Promise<MarkFailedResult> {
  const result = await db.query<{ status: string }>(
    `UPDATE outbox
        SET attempts = attempts + 1,
            last_error = left($3, 1000),
            next_attempt_at = now() + make_interval(secs => $4::double precision / 1000),
            status = CASE WHEN attempts + 1 >= $5 THEN 'dead' ELSE 'pending' END,
            lease_owner = NULL, lease_expires_at = NULL
      WHERE event_id = $1 AND lease_owner = $2 AND status = 'pending'
      RETURNING status`,
    [input.eventId, input.leaseOwner, input.error, input.retryInMs, input.maxAttempts],
  );
  const row = result.rows[0];
  if (!row) return 'lease-lost';
  return row.status === 'dead' ? 'dead' : 'retrying';
}
