/**
 * What the broker fault kinds ask of the 3-broker cluster at fault time: which brokers exist, who
 * leads a partition (or the partition a payment key hashes to), who is the active KRaft controller,
 * which Toxiproxy proxies front a broker, and whether every replica is back in sync. Read from
 * the cluster itself (metadata through the proxies; the quorum through the lab's runtime), never
 * assumed from the schedule.
 */
import { Kafka, logLevel, Partitioners, type Admin, type PartitionMetadata } from 'kafkajs';
import type { LabRuntime } from '../../system/lab/runtime.ts';
import { kafkaBrokers, type LabConfig } from '../../system/src/config.ts';

/** Which partition's leader: a partition number, or the partition a message key hashes to. */
export type PartitionSelector = { partition: number } | { key: string };

export interface PartitionState {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface KafkaClusterControl {
  brokerIds(): number[];
  /** The Toxiproxy proxies in front of broker `id`: clients', and its followers'. */
  proxiesOf(id: number): { client: string; replication: string };
  /** The current leader of the payment-events partition `selector` names. */
  leaderOf(selector: PartitionSelector): Promise<{ partition: number; leader: number }>;
  /** The node id of the active KRaft controller (the quorum leader). */
  activeController(): Promise<number>;
  /** Every partition of the lab's topics, with leader, replicas and ISR. */
  partitions(): Promise<PartitionState[]>;
  /** Resolves once every partition has its full replica set in sync, or throws after timeoutMs. */
  waitInSync(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The partition kafkajs' DefaultPartitioner (the relay's, Java-compatible murmur2) gives `key`. */
export function partitionOfKey(topic: string, key: string, partitions: PartitionMetadata[]): number {
  const partitioner = Partitioners.DefaultPartitioner();
  return partitioner({ topic, partitionMetadata: partitions, message: { key, value: null } });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `runtime` answers what kafkajs cannot ask: the KRaft quorum's leader. */
export function kafkaClusterControl(
  config: LabConfig,
  runtime: Pick<LabRuntime, 'kafkaQuorumLeader'>,
): KafkaClusterControl {
  const topic = config.topics.paymentEvents.name;
  let admin: Admin | undefined;
  async function connected(): Promise<Admin> {
    if (admin) return admin;
    const created = new Kafka({
      clientId: `${config.kafka.clientId}-chaos-cluster`,
      brokers: kafkaBrokers(config),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2_000,
      requestTimeout: 5_000,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 1_000 },
    }).admin();
    await created.connect();
    admin = created;
    return created;
  }

  async function partitions(): Promise<PartitionState[]> {
    const a = await connected();
    const topics = Object.values(config.topics).map((t) => t.name);
    const metadata = await a.fetchTopicMetadata({ topics });
    return metadata.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionId,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
      })),
    );
  }

  return {
    brokerIds: () => config.kafkaCluster.map((n) => n.id),
    proxiesOf(id) {
      const node = config.kafkaCluster.find((n) => n.id === id);
      if (!node) throw new Error(`no broker ${id} in the cluster (brokers ${this.brokerIds().join(', ')})`);
      return { client: node.link.proxy, replication: node.internalLink.proxy };
    },
    async leaderOf(selector) {
      const a = await connected();
      const metadata = await a.fetchTopicMetadata({ topics: [topic] });
      const parts = metadata.topics[0]?.partitions ?? [];
      const partition =
        'partition' in selector ? selector.partition : partitionOfKey(topic, selector.key, parts);
      const found = parts.find((p) => p.partitionId === partition);
      if (!found) throw new Error(`${topic} has no partition ${partition} (it has ${parts.length})`);
      if (found.leader < 0) throw new Error(`${topic}-${partition} has no leader right now`);
      return { partition, leader: found.leader };
    },
    activeController: () => runtime.kafkaQuorumLeader(),
    partitions,
    async waitInSync(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let lagging: string[] = [];
      while (Date.now() < deadline) {
        try {
          lagging = (await partitions())
            .filter((p) => p.leader < 0 || p.isr.length < p.replicas.length)
            .map((p) => `${p.topic}-${p.partition} isr ${p.isr.join(',')} of ${p.replicas.join(',')}`);
          if (lagging.length === 0) return;
        } catch (error) {
          lagging = [String(error)];
        }
        await sleep(500);
      }
      throw new Error(`replicas not back in sync after ${timeoutMs} ms: ${lagging.slice(0, 4).join('; ')}`);
    },
    async close() {
      await admin?.disconnect().catch(() => undefined);
      admin = undefined;
    },
  };
}
