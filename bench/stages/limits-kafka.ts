/**
 * Limits of Kafka with the client the stack uses (kafkajs), through the kafka proxy: a raw
 * idempotent producer sending the relay's batches (acks=all, one batch in flight, messages built by
 * the relay's own toKafkaMessage), and a raw consumer in a fresh group reading them back without
 * doing anything. On a topic of its own with the lab topic's partition count, so no worker sees them.
 */
import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { createKafka } from '../../system/src/bin/kafka-client.ts';
import { toKafkaMessage } from '../../system/src/relay/kafka-publisher.ts';
import { RELAY_DEFAULTS } from '../../system/src/relay/relay-options.ts';
import type { BenchLab } from '../lab.ts';

export const BENCH_TOPIC = 'paylab.bench';

export interface KafkaLimits {
  producerMsgsPerSec: number;
  consumerMsgsPerSec: number;
}

function eventRow() {
  const eventId = randomUUID();
  const paymentId = randomUUID();
  return {
    eventId,
    eventType: 'payment.requested',
    partitionKey: paymentId,
    payload: {
      eventId,
      type: 'payment.requested',
      paymentId,
      merchantId: 'merchant-a',
      occurredAt: new Date().toISOString(),
      sequence: 1,
      amount: 15000,
      currency: 'KRW',
      method: 'card',
      methodReference: 'tok_lab_5a1b2c3d',
    },
    attempts: 0,
    createdAt: new Date(),
    leaseOwner: 'bench',
  };
}

export async function measureKafkaLimits(lab: BenchLab, seconds: number): Promise<KafkaLimits> {
  const kafka = createKafka(lab.config, 'bench', (line) => lab.log(`  ${line}`));
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(BENCH_TOPIC)) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: BENCH_TOPIC,
            numPartitions: lab.config.topics.paymentEvents.partitions,
            replicationFactor: 1,
          },
        ],
      });
    }
    // A topic just created may not have its leaders known to every metadata answer yet.
    const offsets = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await admin.fetchTopicOffsets(BENCH_TOPIC);
        } catch (error) {
          if (attempt >= 10) throw error;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    };
    const before = await offsets();

    lab.log('  limits: raw kafkajs producer (acks=all, batches of the relay size)');
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    let produced = 0;
    const started = performance.now();
    const until = started + seconds * 1000;
    try {
      while (performance.now() < until) {
        const messages = Array.from({ length: RELAY_DEFAULTS.batchSize }, () => toKafkaMessage(eventRow()));
        await producer.send({ topic: BENCH_TOPIC, acks: -1, messages });
        produced += messages.length;
      }
    } finally {
      await producer.disconnect();
    }
    const producerMsgsPerSec = produced / ((performance.now() - started) / 1000);

    lab.log('  limits: raw kafkajs consumer (fresh group, no processing)');
    const after = await offsets();
    const total =
      after.reduce((sum, p) => sum + Number(p.high), 0) - before.reduce((sum, p) => sum + Number(p.low), 0);
    const groupId = `paylab-bench-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    let consumed = 0;
    let first = 0;
    let firstBatch = 0;
    let last = 0;
    let resolveDone = () => {};
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [BENCH_TOPIC], fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          if (first === 0) {
            first = performance.now();
            firstBatch = batch.messages.length;
          }
          consumed += batch.messages.length;
          last = performance.now();
          if (consumed >= total) resolveDone();
        },
      });
      await Promise.race([done, new Promise((r) => setTimeout(r, 60_000 + seconds * 4_000))]);
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => {});
    }
    // From the first batch on: group join and the first fetch are a start-up cost, not throughput.
    const consumerMsgsPerSec = last > first ? (consumed - firstBatch) / ((last - first) / 1000) : Number.NaN;
    return { producerMsgsPerSec, consumerMsgsPerSec };
  } finally {
    await admin.disconnect();
  }
}

export async function deleteBenchTopic(lab: BenchLab): Promise<void> {
  const kafka = createKafka(lab.config, 'bench', () => {});
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(BENCH_TOPIC)) await admin.deleteTopics({ topics: [BENCH_TOPIC] });
  } finally {
    await admin.disconnect();
  }
}
