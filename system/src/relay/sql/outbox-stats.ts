/** The "outbox lag" SLI, read at scrape time: unpublished rows, the oldest one's age, dead rows. */
import type { Queryable } from '../../db/pool.ts';

export interface OutboxStats {
  pendingRows: number;
  oldestPendingAgeSeconds: number;
  deadRows: number;
}

/**
 * Read on every scrape by every relay and worker, so it must cost what is unpublished, not what is
 * kept: sent rows stay for the retention hour (~360,000 at 100 payments/s). One filter per status,
 * each equal to a partial index's predicate (outbox_due_idx, outbox_dead_idx), so each is an index
 * scan over its own rows; `status IN ('pending', 'dead')` matched neither index and scanned the table.
 */
export const OUTBOX_STATS_SQL = `
  SELECT p.pending, extract(epoch FROM now() - p.oldest)::float8 AS oldest_age, d.dead
    FROM (SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox WHERE status = 'pending') p,
         (SELECT count(*) AS dead FROM outbox WHERE status = 'dead') d`;

export async function readOutboxStats(db: Queryable): Promise<OutboxStats> {
  const result = await db.query<{ pending: string; oldest_age: number | null; dead: string }>(
    OUTBOX_STATS_SQL,
  );
  const row = result.rows[0];
  return {
    pendingRows: Number(row?.pending ?? 0),
    oldestPendingAgeSeconds: row?.oldest_age ?? 0,
    deadRows: Number(row?.dead ?? 0),
  };
}
