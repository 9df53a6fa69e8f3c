/**
 * The relay's Kafka producer, on the client library config.kafka.client names (PAYLAB_KAFKA_CLIENT):
 * a factory of fresh ProducerClients, so renewing-producer.ts can replace one after a failed send.
 * Both clients get the same settings from config.tuning.kafkaClient.
 */
import { Partitioners } from 'kafkajs';
import { kafkaBrokers, type LabConfig } from '../config.ts';
import { kafkajsProducerClient } from '../relay/kafkajs-producer.ts';
import { partitionAcks } from '../relay/partition-acks.ts';
import { platformaticProducerClient } from '../relay/platformatic-producer.ts';
import type { ProducerClient } from '../relay/producer-client.ts';
import { createKafka } from './kafka-client.ts';

export interface RelayProducerSpec {
  /** Names the client in the broker's logs: `<clientId>-<name>`. */
  name: string;
  /** The topic it writes (the platformatic client proves the broker reachable with its metadata). */
  topic: string;
  /** true: idempotent, acks=all; false: the naive relayProducer's acks=1 without idempotence. */
  idempotent: boolean;
  log: (line: string) => void;
}

export function relayProducerFactory(
  config: LabConfig,
  spec: RelayProducerSpec,
  client = config.kafka.client,
): () => ProducerClient {
  const t = config.tuning.kafkaClient;
  if (client === 'platformatic') {
    return () =>
      platformaticProducerClient({
        clientId: `${config.kafka.clientId}-${spec.name}`,
        bootstrapBrokers: kafkaBrokers(config),
        topic: spec.topic,
        idempotent: spec.idempotent,
        connectTimeoutMs: t.connectTimeoutMs,
        requestTimeoutMs: t.requestTimeoutMs,
        retries: t.retries,
        retryInitialMs: t.retryInitialMs,
        retryMaxMs: t.retryMaxMs,
      });
  }
  const kafka = createKafka(config, spec.name, spec.log);
  // A send kafkajs resolves without an ack for some of its partitions (it can, across a leader
  // change) fails like any other, so its rows are retried: see partition-acks.ts.
  const acks = partitionAcks(Partitioners.DefaultPartitioner);
  return () =>
    kafkajsProducerClient(
      kafka.producer({
        idempotent: spec.idempotent,
        maxInFlightRequests: 1,
        createPartitioner: acks.createPartitioner,
        // Bounded, unlike the idempotent default (infinite): a publish must fail within the lease so
        // the row is retried by the relay's own backoff. Duplicates that follow are absorbed downstream.
        retry: { retries: t.retries, initialRetryTime: t.retryInitialMs, maxRetryTime: t.retryMaxMs },
      }),
      acks.verify,
    );
}
