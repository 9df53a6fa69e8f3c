/**
 * The relay's producer on kafkajs (the default client, config.kafka.client = 'kafkajs'): a kafkajs
 * Producer behind the ProducerClient interface, its answer validated before a send counts as
 * acknowledged.
 */
import type { Producer, RecordMetadata } from 'kafkajs';
import {
  checkAcks,
  UnacknowledgedSendError,
  type OutboundRecord,
  type PartitionAck,
  type ProducerClient,
} from './producer-client.ts';

function toAck(meta: RecordMetadata): PartitionAck {
  // kafkajs turns a partition error of the answer into a thrown protocol error; one that still
  // carries an error code here was not written.
  if (meta.errorCode !== 0) {
    throw new UnacknowledgedSendError(`partition ${meta.partition} answered error code ${meta.errorCode}`);
  }
  const offset = meta.baseOffset ?? meta.offset;
  if (offset === undefined || !/^-?\d+$/.test(offset)) {
    throw new UnacknowledgedSendError(`partition ${meta.partition} answered no offset`);
  }
  return { topic: meta.topicName, partition: meta.partition, baseOffset: BigInt(offset) };
}

/** Judges a send kafkajs resolved; throws when the answer does not cover it (partition-acks.ts). */
export type VerifySend = (record: OutboundRecord, acks: readonly RecordMetadata[]) => void;

/**
 * `verify` sees the caller's own record object: partition-acks.ts remembers each message's
 * partition by identity, and kafkajs passes the caller's message objects to the partitioner.
 */
export function kafkajsProducerClient(producer: Producer, verify: VerifySend = () => {}): ProducerClient {
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async send(record) {
      const answer = await producer.send(record);
      verify(record, answer);
      checkAcks(record, answer.map(toAck));
    },
    onConnectionChange(listener) {
      producer.on(producer.events.CONNECT, () => listener(true));
      producer.on(producer.events.DISCONNECT, () => listener(false));
    },
  };
}
