/**
 * Publishes claimed outbox rows to Kafka: key = the row's partition key (the payment id), so every
 * event of one payment lands on one partition; value = the event JSON as the API wrote it.
 * Headers carry ids only, never payment data.
 */
import type { ClaimedRow } from './outbox-row.ts';
import type { OutboundMessage } from './producer-client.ts';
import type { RenewingProducer } from './renewing-producer.ts';

export const EVENT_ID_HEADER = 'event-id';
export const EVENT_TYPE_HEADER = 'event-type';

export function toKafkaMessage(row: ClaimedRow): OutboundMessage {
  return {
    key: row.partitionKey,
    value: JSON.stringify(row.payload),
    headers: { [EVENT_ID_HEADER]: row.eventId, [EVENT_TYPE_HEADER]: row.eventType },
  };
}

/**
 * With one producer, sends leave over one connection in call order, so nothing can overtake.
 * The parallel knob passes several producers: rows go round-robin over separate connections and
 * a later row of a payment can reach the broker first — the reorder that knob exists to show.
 */
export function makeKafkaPublisher(
  producers: RenewingProducer | readonly RenewingProducer[],
  topic: string,
  sendTimeoutMs: number,
  acks: -1 | 1 = -1,
): (rows: readonly ClaimedRow[]) => Promise<void> {
  const pool: readonly RenewingProducer[] = Array.isArray(producers)
    ? producers
    : [producers as RenewingProducer];
  if (pool.length === 0) throw new Error('makeKafkaPublisher needs at least one producer');
  let next = 0;
  return async (rows) => {
    if (rows.length === 0) return;
    const producer = pool[next++ % pool.length] as RenewingProducer;
    // acks -1: the send resolves only once every in-sync replica has the batch (acks 1, the naive
    // relayProducer: once the leader alone has it). A send that fails or outlives sendTimeoutMs
    // (the relay then gives up on it) gets the producer replaced.
    await producer.send({ topic, acks, messages: rows.map(toKafkaMessage) }, sendTimeoutMs);
  };
}
