/**
 * Inserts the processed-event record alone. Used for events that change nothing (skips), and by
 * the naive guard-before-process strategy, which takes this guard in its own transaction before
 * doing the work. Returns false when the event was already recorded (a duplicate delivery) —
 * except under dedup 'none' (the naive twin), where the record is a log and never a guard.
 */
import type { StrategyKnobs } from '../../config.ts';
import type { Queryable } from '../../db/pool.ts';

export interface ProcessedEvent {
  eventId: string;
  paymentId: string;
  type: string;
}

export async function recordProcessedEvent(
  db: Queryable,
  event: ProcessedEvent,
  workerId: string,
  dedup: StrategyKnobs['workerDedup'] = 'processed-record',
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO processed_events (event_id, payment_id, event_type, processed_by)
     VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING`,
    [event.eventId, event.paymentId, event.type, workerId],
  );
  return dedup === 'none' || result.rowCount === 1;
}
