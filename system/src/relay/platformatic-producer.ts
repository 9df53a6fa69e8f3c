/**
 * The relay's producer on @platformatic/kafka (config.kafka.client = 'platformatic'), behind the
 * same ProducerClient interface and with the same guarantees as the kafkajs one:
 *
 * - idempotent with acks=all (the client forces one request in flight per connection), or acks=1
 *   without idempotence for the naive relayProducer;
 * - keys partitioned like kafkajs and the Java client (murmur2 & 0x7fffffff): the client's own
 *   default (murmur2 >>> 0) sends a negative-hash key elsewhere, so a relay restarted with the other
 *   client would put the next event of a payment on another partition — a reorder;
 * - the answer validated (checkAcks) against the partitions the messages were routed to;
 * - bounded retries, so a send fails within the relay's deadline and the row is retried by the
 *   relay's own backoff (the idempotent default is unbounded).
 *
 * After a failed send the client itself drops its producer id; renewing-producer.ts replaces the
 * whole client anyway, as for kafkajs, because a send abandoned at the deadline may still be held by
 * the client.
 */
import {
  compatibilityPartitioner,
  Producer,
  stringSerializers,
  type ProduceResult,
} from '@platformatic/kafka';
import { checkAcks, type OutboundRecord, type PartitionAck, type ProducerClient } from './producer-client.ts';

export interface PlatformaticProducerOptions {
  clientId: string;
  bootstrapBrokers: string[];
  /** The topic the relay writes: connect() fetches its metadata to prove the broker reachable. */
  topic: string;
  /** true: idempotent, acks=all; false: acks=1 (the naive relayProducer). */
  idempotent: boolean;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  retries: number;
  retryInitialMs: number;
  retryMaxMs: number;
}

/** The first Kafka error code name (apiId) anywhere in a @platformatic/kafka error tree. */
export function kafkaErrorId(error: unknown, depth = 0): string | undefined {
  if (depth > 8 || !(error instanceof Error)) return undefined;
  const apiId = (error as { apiId?: unknown }).apiId;
  if (typeof apiId === 'string') return apiId;
  const nested = error instanceof AggregateError ? (error.errors as unknown[]) : [];
  for (const inner of [...nested, error.cause]) {
    const found = kafkaErrorId(inner, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The error the relay sees: the broker's error name as `type`, like kafkajs protocol errors. */
function relayError(error: unknown): Error {
  const type = kafkaErrorId(error);
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(
    new Error(`kafka send failed${type ? ` (${type})` : ''}: ${message}`, { cause: error }),
    {
      type,
    },
  );
}

/** The partition of a key, as kafkajs and the Java client pick it (what the producer is configured with). */
export function partitionOf(key: string, partitions: number): number {
  return compatibilityPartitioner({ topic: '' }, Buffer.from(key)) % partitions;
}

function toAcks(result: ProduceResult): PartitionAck[] {
  return (result.offsets ?? []).map((o) => ({
    topic: o.topic,
    partition: o.partition,
    baseOffset: o.offset,
  }));
}

export function platformaticProducerClient(options: PlatformaticProducerOptions): ProducerClient {
  const producer = new Producer<string, string, string, string>({
    clientId: options.clientId,
    bootstrapBrokers: options.bootstrapBrokers,
    serializers: stringSerializers,
    idempotent: options.idempotent,
    acks: options.idempotent ? -1 : 1,
    partitioner: compatibilityPartitioner,
    autocreateTopics: false,
    connectTimeout: options.connectTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    // How long the broker may wait for the in-sync replicas before it answers.
    timeout: options.requestTimeoutMs,
    retries: options.retries,
    retryDelay: (_client, _op, attempt) =>
      Math.min(options.retryMaxMs, options.retryInitialMs * 2 ** Math.max(0, attempt - 1)),
  });
  const listeners: ((connected: boolean) => void)[] = [];
  const tell = (connected: boolean) => listeners.forEach((l) => l(connected));
  producer.on('client:broker:connect', () => tell(true));
  producer.on('client:broker:disconnect', () => tell(false));
  producer.on('client:broker:failed', () => tell(false));

  return {
    async connect() {
      try {
        await producer.metadata({ topics: [options.topic] });
        if (options.idempotent) await producer.initIdempotentProducer({});
      } catch (error) {
        throw relayError(error);
      }
      tell(true);
    },
    async disconnect() {
      await producer.close(true);
      tell(false);
    },
    async send(record: OutboundRecord) {
      let result: ProduceResult;
      try {
        result = await producer.send({
          acks: record.acks,
          messages: record.messages.map((m) => ({
            topic: record.topic,
            key: m.key,
            value: m.value,
            headers: m.headers,
          })),
        });
      } catch (error) {
        throw relayError(error);
      }
      const partitions = producer.currentMetadata?.topics.get(record.topic)?.partitionsCount;
      const expected =
        partitions === undefined
          ? undefined
          : new Set(record.messages.map((m) => partitionOf(m.key, partitions)));
      checkAcks(record, toAcks(result), expected);
    },
    onConnectionChange(listener) {
      listeners.push(listener);
    },
  };
}
