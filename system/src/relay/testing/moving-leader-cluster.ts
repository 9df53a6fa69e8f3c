/**
 * kafkajs 2.2.4's OWN produce path (producer/sendMessages.js with its retrier), run against a
 * scripted three-broker cluster whose partition leader moves mid-send — the interleaving of the
 * kafka-leader-kill scenario, deterministic and without a Kafka:
 *
 * - a send groups its messages per partition and sends one produce request per leader broker;
 * - the old leader's request fails (its process was killed: the connection closes);
 * - kafkajs refreshes the metadata, which now names a follower that already answered for its own
 *   partitions in this send as the new leader, and retries.
 *
 * kafkajs retries only brokers without an answer in this send (a map kept across attempts), so the
 * moved partitions' messages are never sent again and the send resolves — the defect this harness
 * exists to show (upstream: tulios/kafkajs PR #1798, unmerged; issue #1303). Not a Kafka: the
 * scenario and the integration tests use the real cluster.
 */
import { createRequire } from 'node:module';
import type { ICustomPartitioner, Message, Producer, ProducerRecord, RecordMetadata } from 'kafkajs';

const require = createRequire(import.meta.url);

interface ProduceRequest {
  topicData: { topic: string; partitions: { partition: number; messages: Message[] }[] }[];
}
interface ProduceResponse {
  topics: { topicName: string; partitions: { partition: number; errorCode: number; baseOffset: string }[] }[];
}
interface FakeBroker {
  nodeId: number;
  produce(request: ProduceRequest): Promise<ProduceResponse>;
}
type SendMessages = (request: {
  acks: number;
  timeout?: number;
  topicMessages: { topic: string; messages: Message[] }[];
}) => Promise<RecordMetadata[]>;
type CreateSendMessages = (deps: {
  logger: unknown;
  cluster: unknown;
  partitioner: ReturnType<ICustomPartitioner>;
  eosManager: unknown;
  retrier: unknown;
}) => SendMessages;
type CreateRetry = (options: { retries: number; initialRetryTime: number; maxRetryTime: number }) => unknown;
type ConnectionClosedError = new (message: string, where: { host: string; port: number }) => Error;

// kafkajs' internals, not its typed API: the point is to run the exact code the relay runs.
const createSendMessages = require('kafkajs/src/producer/sendMessages.js') as CreateSendMessages;
const createRetry = require('kafkajs/src/retry/index.js') as CreateRetry;
const { KafkaJSConnectionClosedError } = require('kafkajs/src/errors.js') as {
  KafkaJSConnectionClosedError: ConnectionClosedError;
};

export interface MovingLeaderCluster {
  /** Values each partition's current leader really appended, by partition. */
  readonly written: ReadonlyMap<number, readonly string[]>;
  /** kafkajs Producer stand-ins whose send() is kafkajs' sendMessages against this cluster. */
  createProducer(): Producer;
  /** From now on, `broker`'s produce requests fail (kill -9) and the next metadata refresh moves each
   *  of its partitions to the given new leader. */
  killLeader(broker: number, newLeaders: Readonly<Record<number, number>>): void;
  /** Partition → leader, as the next metadata refresh will report it. */
  leaders(): ReadonlyMap<number, number>;
}

export function movingLeaderCluster(
  initialLeaders: Readonly<Record<number, number>>,
  partitioner: ICustomPartitioner,
): MovingLeaderCluster {
  const current = new Map<number, number>(Object.entries(initialLeaders).map(([p, b]) => [Number(p), b]));
  // What clients see: refreshed only when kafkajs asks for metadata.
  let known = new Map(current);
  const dead = new Set<number>();
  const written = new Map<number, string[]>();
  const logger = { error() {}, warn() {}, info() {}, debug() {} };

  const broker = (nodeId: number): FakeBroker => ({
    nodeId,
    async produce({ topicData }) {
      if (dead.has(nodeId))
        throw new KafkaJSConnectionClosedError('Closed connection', { host: '127.0.0.1', port: nodeId });
      const topics = topicData.map(({ topic, partitions }) => ({
        topicName: topic,
        partitions: partitions.map(({ partition, messages }) => {
          const log = written.get(partition) ?? [];
          written.set(partition, log);
          const baseOffset = log.length;
          log.push(...messages.map((m) => String(m.value)));
          return { partition, errorCode: 0, baseOffset: String(baseOffset) };
        }),
      }));
      return { topics };
    },
  });
  const brokers = new Map<number, FakeBroker>();
  const brokerOf = (nodeId: number): FakeBroker => {
    const existing = brokers.get(nodeId);
    if (existing) return existing;
    const made = broker(nodeId);
    brokers.set(nodeId, made);
    return made;
  };

  const cluster = {
    async refreshMetadataIfNecessary() {},
    async refreshMetadata() {
      known = new Map(current);
    },
    async addMultipleTargetTopics() {},
    isConnected: () => true,
    async connect() {},
    removeBroker() {},
    findTopicPartitionMetadata: () =>
      [...known.entries()].map(([partitionId, leader]) => ({ partitionId, leader, partitionErrorCode: 0 })),
    findLeaderForPartitions(_topic: string, partitions: string[]) {
      const perLeader: Record<number, number[]> = {};
      for (const p of partitions) {
        const leader = known.get(Number(p));
        if (leader === undefined) continue;
        (perLeader[leader] ??= []).push(Number(p));
      }
      return perLeader;
    },
    findBroker: async ({ nodeId }: { nodeId: string }) => brokerOf(Number(nodeId)),
  };

  function eosManager() {
    const sequences = new Map<string, number>();
    return {
      acquireBrokerLock: async () => {},
      releaseBrokerLock: async () => {},
      isTransactional: () => false,
      getTransactionalId: () => undefined,
      getProducerId: () => 1,
      getProducerEpoch: () => 0,
      getSequence: (topic: string, partition: number) => sequences.get(`${topic}/${partition}`) ?? 0,
      updateSequence(topic: string, partition: number, increment: number) {
        const key = `${topic}/${partition}`;
        sequences.set(key, (sequences.get(key) ?? 0) + increment);
      },
    };
  }

  return {
    written,
    leaders: () => new Map(current),
    killLeader(nodeId, newLeaders) {
      dead.add(nodeId);
      for (const [p, leader] of Object.entries(newLeaders)) current.set(Number(p), leader);
    },
    createProducer() {
      const sendMessages = createSendMessages({
        logger: { namespace: () => logger, ...logger },
        cluster,
        partitioner: partitioner(),
        eosManager: eosManager(),
        retrier: createRetry({ retries: 5, initialRetryTime: 1, maxRetryTime: 5 }),
      });
      const listeners = new Map<string, () => void>();
      const producer = {
        events: { CONNECT: 'producer.connect', DISCONNECT: 'producer.disconnect' },
        on: (event: string, fn: () => void) => void listeners.set(event, fn),
        connect: async () => listeners.get('producer.connect')?.(),
        disconnect: async () => listeners.get('producer.disconnect')?.(),
        send: (record: ProducerRecord) =>
          sendMessages({
            acks: record.acks ?? -1,
            topicMessages: [{ topic: record.topic, messages: record.messages }],
          }),
      };
      return producer as unknown as Producer;
    },
  };
}
