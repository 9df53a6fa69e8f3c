/** Retention: sent rows older than the retention period are deleted, a bounded batch at a time. */
import type { Queryable } from '../../db/pool.ts';

export async function deleteSentRows(db: Queryable, retentionMs: number, limit = 5000): Promise<number> {
  const result = await db.query(
    `DELETE FROM outbox
      WHERE event_id IN (
        SELECT event_id FROM outbox
         WHERE status = 'sent' AND sent_at < now() - make_interval(secs => $1::double precision / 1000)
         LIMIT $2)`,
    [retentionMs, limit],
  );
  return result.rowCount ?? 0;
}
