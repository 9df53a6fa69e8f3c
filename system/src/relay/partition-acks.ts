/**
 * Checks that a resolved kafkajs send was acknowledged for EVERY partition its messages went to.
 *
 * Why: kafkajs 2.2.4 can resolve a send that never wrote some of its messages. A send fans out
 * one produce request per partition leader and keeps, across its retries, which brokers already
 * answered; it retries only the others. When a leader dies mid-send and a broker that already
 * answered becomes the new leader of the dead one's partitions, the retry finds nobody left to
 * ask, and the send resolves with acknowledgements for the other partitions only
 * (producer/sendMessages.js; upstream: tulios/kafkajs PR #1798, unmerged, and issue #1303). With
 * acks=all and min.insync.replicas=2 the relay then marked rows sent that were on no broker: the
 * 33 events kafka-leader-kill lost in CI (issue 10).
 *
 * kafkajs does not say which partition it chose for a message, so the partitioner is wrapped to
 * remember it (by message object: kafkajs passes the caller's objects through), and the answer's
 * per-partition metadata is compared with that.
 */
import type { ICustomPartitioner, Message, RecordMetadata } from 'kafkajs';
import type { OutboundRecord } from './producer-client.ts';

/** A send resolved without an acknowledgement for some of the partitions its messages went to. */
export class UnacknowledgedPartitionsError extends Error {
  override readonly name = 'UnacknowledgedPartitionsError';
  readonly topic: string;
  readonly partitions: readonly number[];
  /** How many of the send's messages went to those partitions. */
  readonly messages: number;
  constructor(topic: string, partitions: readonly number[], messages: number) {
    super(
      `kafka send resolved without an acknowledgement for ${topic} partition(s) ${partitions.join(', ')} ` +
        `(${messages} message(s)): kafkajs dropped them on a retry after a leader change ` +
        '(tulios/kafkajs#1798)',
    );
    this.topic = topic;
    this.partitions = partitions;
    this.messages = messages;
  }
}

export interface PartitionAcks {
  /** The producer's createPartitioner: `base`'s choices, remembered per message. */
  createPartitioner: ICustomPartitioner;
  /** Throws UnacknowledgedPartitionsError unless `acks` covers every partition of `record`'s messages. */
  verify(record: OutboundRecord, acks: readonly RecordMetadata[]): void;
}

export function partitionAcks(base: ICustomPartitioner): PartitionAcks {
  const chosen = new WeakMap<Message, number>();
  return {
    createPartitioner() {
      const inner = base();
      return (args) => {
        const partition = inner(args);
        chosen.set(args.message, partition);
        return partition;
      };
    },
    verify(record, acks) {
      const acknowledged = new Set(
        acks.filter((a) => a.topicName === record.topic && a.errorCode === 0).map((a) => a.partition),
      );
      const missing = new Set<number>();
      let messages = 0;
      for (const message of record.messages) {
        // Every message of a resolved send went through the partitioner; one that did not is not
        // known to be written either.
        const partition = chosen.get(message) ?? -1;
        if (acknowledged.has(partition)) continue;
        missing.add(partition);
        messages++;
      }
      if (missing.size > 0)
        throw new UnacknowledgedPartitionsError(
          record.topic,
          [...missing].sort((a, b) => a - b),
          messages,
        );
    },
  };
}
