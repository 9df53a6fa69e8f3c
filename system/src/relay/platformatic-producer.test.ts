import { randomUUID } from 'node:crypto';
import { MultipleErrors, ProtocolError } from '@platformatic/kafka';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaErrorId, partitionOf } from './platformatic-producer.ts';
import { checkAcks, UnacknowledgedSendError } from './producer-client.ts';
import { producerRenewalReason } from './renewing-producer.ts';

describe('partitionOf', () => {
  it('puts every key on the partition kafkajs puts it on (negative murmur2 hashes included)', () => {
    const partitions = 6;
    const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    const kafkajs = Partitioners.DefaultPartitioner();
    const keys = Array.from({ length: 2_000 }, () => randomUUID());
    const differ = keys.filter(
      (key) =>
        partitionOf(key, partitions) !==
        kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } }),
    );
    expect(differ).toEqual([]);
  });
});

describe('kafkaErrorId', () => {
  it('finds the broker error name inside exhausted retries, so the relay log names it', () => {
    const error = new MultipleErrors('produce failed 6 times.', [
      new Error('connect ECONNREFUSED'),
      new ProtocolError('OUT_OF_ORDER_SEQUENCE_NUMBER'),
    ]);
    expect(kafkaErrorId(error)).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(kafkaErrorId(new Error('plain'))).toBeUndefined();
    const relayView = Object.assign(new Error('kafka send failed', { cause: error }), {
      type: kafkaErrorId(error),
    });
    expect(producerRenewalReason(relayView)).toBe(
      'broker rejected the producer state (OUT_OF_ORDER_SEQUENCE_NUMBER)',
    );
  });
});

describe('checkAcks', () => {
  const record = { topic: 't', acks: -1 as const, messages: [{ key: 'k', value: 'v', headers: {} }] };

  it('accepts an answer for every partition the messages went to', () => {
    expect(() =>
      checkAcks(record, [{ topic: 't', partition: 2, baseOffset: 10n }], new Set([2])),
    ).not.toThrow();
  });

  it('refuses an empty answer, another topic, a negative offset or a missing partition', () => {
    expect(() => checkAcks(record, [])).toThrow(UnacknowledgedSendError);
    expect(() => checkAcks(record, [{ topic: 'u', partition: 0, baseOffset: 0n }])).toThrow('topic u');
    expect(() => checkAcks(record, [{ topic: 't', partition: 0, baseOffset: -1n }])).toThrow('offset -1');
    expect(() => checkAcks(record, [{ topic: 't', partition: 0, baseOffset: 0n }], new Set([0, 3]))).toThrow(
      'partition(s) 3',
    );
  });
});
