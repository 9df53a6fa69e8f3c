/**
 * Writes one outbox row and wakes the relay on commit (NOTIFY is transactional), inside a
 * transaction the caller owns — for tests and tools that emit an event outside the API. The API's
 * own writes (create-payment.ts, request-cancel.ts) inline the same row shape in one statement.
 * The payload is the event itself (events.ts); the partition key is the payment id, which is what
 * keeps one payment's events in order on one Kafka partition.
 */
import type pg from 'pg';
import type { PaymentEvent } from '../domain/events.ts';
import { OUTBOX_CHANNEL } from './channels.ts';

export async function insertOutboxEvent(tx: pg.PoolClient, event: PaymentEvent): Promise<void> {
  await tx.query(
    `INSERT INTO outbox (event_id, aggregate_id, event_type, partition_key, payload)
     VALUES ($1, $2::uuid, $3, $2::text, $4::jsonb)`,
    [event.eventId, event.paymentId, event.type, JSON.stringify(event)],
  );
  await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, event.paymentId]);
}
