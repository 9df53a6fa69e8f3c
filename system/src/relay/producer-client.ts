/**
 * What the relay needs from a Kafka producer, whatever the client library: connect, send one batch
 * and resolve only once the broker acknowledged it, disconnect, and say whether it is connected.
 * Two implementations: kafkajs-producer.ts (the default) and platformatic-producer.ts, chosen by
 * config.kafka.client. renewing-producer.ts wraps either one and replaces it after a failed send.
 */

/** One outbox row as a Kafka record: key = the payment id, value = the event JSON, ids in headers. */
export interface OutboundMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface OutboundRecord {
  topic: string;
  /** -1: every in-sync replica (the idempotent producer); 1: the leader alone (the naive relayProducer). */
  acks: -1 | 1;
  messages: OutboundMessage[];
}

/** One partition's answer to a produce: where the batch starts in that partition's log. */
export interface PartitionAck {
  topic: string;
  partition: number;
  baseOffset: bigint;
}

export interface ProducerClient {
  /** Resolves once the broker is reachable (and, when idempotent, a producer id was assigned). */
  connect(): Promise<void>;
  /** Resolves once the broker acknowledged every message of the record, validated by checkAcks. */
  send(record: OutboundRecord): Promise<void>;
  disconnect(): Promise<void>;
  /** Called with true on (re)connection and false when the connection drops. */
  onConnectionChange(listener: (connected: boolean) => void): void;
}

export class UnacknowledgedSendError extends Error {
  override name = 'UnacknowledgedSendError';
}

/**
 * The broker's answer must cover the record: at least one partition acknowledged, every answer for
 * the record's topic, at a real log offset, and — when the caller knows where the messages went —
 * every one of those partitions. A client that resolved without that (a bug, an answer parsed
 * wrong) must not let the relay mark rows sent.
 */
export function checkAcks(
  record: OutboundRecord,
  acks: readonly PartitionAck[],
  expectedPartitions?: ReadonlySet<number>,
): void {
  if (record.messages.length === 0) return;
  if (acks.length === 0)
    throw new UnacknowledgedSendError('the broker answered the send without any partition');
  for (const ack of acks) {
    if (ack.topic !== record.topic) {
      throw new UnacknowledgedSendError(`the send to ${record.topic} was answered for topic ${ack.topic}`);
    }
    if (ack.baseOffset < 0n) {
      throw new UnacknowledgedSendError(
        `partition ${ack.partition} answered offset ${ack.baseOffset}, not a written record`,
      );
    }
  }
  if (expectedPartitions) {
    const answered = new Set(acks.map((a) => a.partition));
    const missing = [...expectedPartitions].filter((p) => !answered.has(p));
    if (missing.length > 0) {
      throw new UnacknowledgedSendError(`no acknowledgement for partition(s) ${missing.join(', ')}`);
    }
  }
}
