/** The "outbox lag" SLI, read at scrape time: unpublished rows, the oldest one's age, dead rows. */
import type { Queryable } from '../../db/pool.ts';

export interface OutboxStats {
  pendingRows: number;
  oldestPendingAgeSeconds: number;
  deadRows: number;
}

export async function readOutboxStats(db: Queryable): Promise<OutboxStats> {
  const result = await db.query<{ pending: string; oldest_age: number | null; dead: string }>(
    `SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
            extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending'))::float8 AS oldest_age,
            count(*) FILTER (WHERE status = 'dead') AS dead
       FROM outbox
      WHERE status IN ('pending', 'dead')`,
  );
  const row = result.rows[0];
  return {
    pendingRows: Number(row?.pending ?? 0),
    oldestPendingAgeSeconds: row?.oldest_age ?? 0,
    deadRows: Number(row?.dead ?? 0),
  };
}
