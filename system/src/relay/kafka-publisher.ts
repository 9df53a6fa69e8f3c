/**
 * Publishes claimed outbox rows to Kafka: key = the row's partition key (the payment id), so every
 * event of one payment lands on one partition; value = the event JSON as the API wrote it.
 * Headers carry ids only, never payment data.
 */
import type { Message, Producer } from 'kafkajs';
import type { ClaimedRow } from './outbox-row.ts';

export const EVENT_ID_HEADER = 'event-id';
export const EVENT_TYPE_HEADER = 'event-type';

export function toKafkaMessage(row: ClaimedRow): Message {
  return {
    key: row.partitionKey,
    value: JSON.stringify(row.payload),
    headers: { [EVENT_ID_HEADER]: row.eventId, [EVENT_TYPE_HEADER]: row.eventType },
  };
}

export function makeKafkaPublisher(producer: Producer, topic: string): (rows: readonly ClaimedRow[]) => Promise<void> {
  return async (rows) => {
    if (rows.length === 0) return;
    // acks -1: the send resolves only once every in-sync replica has the batch.
    await producer.send({ topic, acks: -1, messages: rows.map(toKafkaMessage) });
  };
}
