/** `ops outbox-requeue`: dead rows become pending again with a fresh attempt budget. */
import type { Queryable } from '../../db/pool.ts';

export interface RequeueFilter {
  /** Only these events; all dead rows when absent. */
  eventIds?: readonly string[];
}

export async function requeueDeadRows(db: Queryable, filter: RequeueFilter = {}): Promise<string[]> {
  const result = await db.query<{ event_id: string }>(
    `UPDATE outbox
        SET status = 'pending', attempts = 0, next_attempt_at = now(),
            lease_owner = NULL, lease_expires_at = NULL
      WHERE status = 'dead' AND ($1::uuid[] IS NULL OR event_id = ANY($1::uuid[]))
      RETURNING event_id`,
    [filter.eventIds && filter.eventIds.length > 0 ? filter.eventIds : null],
  );
  return result.rows.map((r) => r.event_id);
}
