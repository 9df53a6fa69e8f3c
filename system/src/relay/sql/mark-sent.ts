/**
 * Marks rows sent, but only rows this claim still holds. A row whose lease expired and was
 * claimed by another relay is not touched: that relay will publish (and mark) it again, and the
 * worker absorbs the duplicate. The caller counts the shortfall as lost leases.
 */
import type { Queryable } from '../../db/pool.ts';

export interface MarkedRow {
  eventId: string;
  createdAt: Date;
}

export async function markSent(
  db: Queryable,
  leaseOwner: string,
  eventIds: readonly string[],
): Promise<MarkedRow[]> {
  if (eventIds.length === 0) return [];
  const result = await db.query<{ event_id: string; created_at: Date }>(
    `UPDATE outbox
        SET status = 'sent', sent_at = now(), lease_owner = NULL, lease_expires_at = NULL
      WHERE event_id = ANY($1::uuid[]) AND lease_owner = $2 AND status = 'pending'
      RETURNING event_id, created_at`,
    [eventIds, leaseOwner],
  );
  return result.rows.map((r) => ({ eventId: r.event_id, createdAt: r.created_at }));
}
