/**
 * One read per delivery: the payment, whether this event was processed already (the fast path of
 * duplicate detection; the primary key in the settling transaction is the real guard), and how
 * many of the payment's events were processed (for the order check).
 */
import type { StrategyKnobs } from '../../config.ts';
import type { Queryable } from '../../db/pool.ts';
import {
  toWorkerPayment,
  type WorkerPayment,
  WORKER_PAYMENT_COLUMNS,
  type WorkerPaymentRecord,
} from '../payment-record.ts';

export interface LoadedPayment {
  payment: WorkerPayment | undefined;
  alreadyProcessed: boolean;
  processedEvents: number;
}

/** dedup 'none' (the naive twin): the processed-event record is not consulted, so a redelivery looks new. */
export async function loadPayment(
  db: Queryable,
  paymentId: string,
  eventId: string,
  dedup: StrategyKnobs['workerDedup'] = 'processed-record',
): Promise<LoadedPayment> {
  const result = await db.query<
    WorkerPaymentRecord & { already_processed: boolean; processed_events: number }
  >(
    `SELECT p.*, e.already_processed, e.processed_events
       FROM (SELECT EXISTS (SELECT 1 FROM processed_events WHERE event_id = $2) AS already_processed,
                    (SELECT count(*) FROM processed_events WHERE payment_id = $1)::int AS processed_events) e
       LEFT JOIN LATERAL (SELECT ${WORKER_PAYMENT_COLUMNS} FROM payments WHERE id = $1) p ON true`,
    [paymentId, eventId],
  );
  const row = result.rows[0];
  if (!row) throw new Error('load-payment returned no row; the query always yields one');
  return {
    payment: row.id ? toWorkerPayment(row) : undefined,
    alreadyProcessed: dedup === 'processed-record' && row.already_processed,
    processedEvents: row.processed_events,
  };
}
