/**
 * The relay's producer on kafkajs (the default client, config.kafka.client = 'kafkajs'): a kafkajs
 * Producer behind the ProducerClient interface, its answer validated before a send counts as
 * acknowledged.
 */
import type { Producer, RecordMetadata } from 'kafkajs';
import {
  checkAcks,
  UnacknowledgedSendError,
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

export function kafkajsProducerClient(producer: Producer): ProducerClient {
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async send(record) {
      const answer = await producer.send(record);
      checkAcks(record, answer.map(toAck));
    },
    onConnectionChange(listener) {
      producer.on(producer.events.CONNECT, () => listener(true));
      producer.on(producer.events.DISCONNECT, () => listener(false));
    },
  };
}
