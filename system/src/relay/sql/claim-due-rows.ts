/**
 * Claims due pending rows under a lease. SKIP LOCKED lets several relays claim side by side
 * without waiting on each other; the lease (owner token + expiry) lets a row whose relay died be
 * claimed again once the lease has run out.
 *
 * Ordered mode claims a row only when no OLDER unpublished row of the same key exists — pending
 * (whoever holds it, and even if it is backing off) or dead — so one payment never has two events
 * in flight and a later event never overtakes an earlier one that is being retried or that gave
 * up. A dead row therefore parks the rows of its payment behind it: they stay pending (the
 * outbox-lag gauges count them and their age grows; the dead-outbox check names the dead one)
 * until `ops outbox-requeue` revives the dead row, which is then claimed first. The guard is part
 * of the claim statement, so it is judged atomically with the claim.
 */
import type { Queryable } from '../../db/pool.ts';
import { type ClaimedRow, type ClaimedRowRecord, toClaimedRow } from '../outbox-row.ts';

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  leaseOwner: string;
  perKeyOrder: boolean;
}

// Two probes rather than one over status <> 'sent': each is served by a partial index of the
// first migration (outbox_pending_key_idx by key; outbox_dead_idx — dead rows are few, they need
// an operator), so the guard needs no schema change; a key has a handful of rows at most.
// "Older" is the payment's own event sequence (payload.sequence, set by the statement that wrote
// the row), not created_at: a timestamp is the writing transaction's START, and two writers of one
// payment can start in one order and commit in the other (seen with apiCommit=answer-first, where
// a cancel's transaction began before its create's write and was published first).
const OLDER = `(older.payload->>'sequence')::int < (o.payload->>'sequence')::int`;
const ORDER_GUARD = `
  AND NOT EXISTS (
    SELECT 1 FROM outbox older
     WHERE older.partition_key = o.partition_key
       AND older.status = 'pending'
       AND ${OLDER})
  AND NOT EXISTS (
    SELECT 1 FROM outbox older
     WHERE older.status = 'dead'
       AND older.partition_key = o.partition_key
       AND ${OLDER})`;

function claimSql(perKeyOrder: boolean): string {
  return `
    WITH due AS (
      SELECT o.event_id
        FROM outbox o
       WHERE o.status = 'pending'
         AND o.next_attempt_at <= now()
         AND (o.lease_expires_at IS NULL OR o.lease_expires_at < now())
         ${perKeyOrder ? ORDER_GUARD : ''}
       ORDER BY o.next_attempt_at, o.created_at
       LIMIT $1
       FOR UPDATE OF o SKIP LOCKED
    )
    UPDATE outbox o
       SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
      FROM due
     WHERE o.event_id = due.event_id
    RETURNING o.event_id, o.event_type, o.partition_key, o.payload, o.attempts, o.created_at, o.lease_owner`;
}

export async function claimDueRows(db: Queryable, options: ClaimOptions): Promise<ClaimedRow[]> {
  const result = await db.query<ClaimedRowRecord>(claimSql(options.perKeyOrder), [
    options.limit,
    options.leaseOwner,
    options.leaseMs,
  ]);
  // UPDATE … RETURNING does not keep the CTE's order; publishing order matters within a key only,
  // and ordered mode never returns two rows of one key, but keep creation order for readers.
  return result.rows.map(toClaimedRow).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}
