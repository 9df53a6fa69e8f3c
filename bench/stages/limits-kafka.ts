/**
 * Limits of Kafka with one client library (kafkajs or @platformatic/kafka, config.ts KAFKA_CLIENTS),
 * through the kafka proxy: a raw idempotent producer sending the relay's batches — the relay's own
 * producer (bin/relay-producer.ts: acks=all, one batch in flight, the answer validated) fed with
 * messages built by the relay's toKafkaMessage — and a raw consumer in a fresh group, fetching as
 * much per partition as the worker does, reading them back without doing anything. On a topic of its own with the lab topic's partition count, so no
 * worker sees them.
 */
import { randomUUID } from 'node:crypto';
import { Consumer } from '@platformatic/kafka';
import { createKafka } from '../../system/src/bin/kafka-client.ts';
import { relayProducerFactory } from '../../system/src/bin/relay-producer.ts';
import { kafkaBrokers, type KafkaClientName } from '../../system/src/config.ts';
import { toKafkaMessage } from '../../system/src/relay/kafka-publisher.ts';
import { RELAY_DEFAULTS } from '../../system/src/relay/relay-options.ts';
import { WORKER_DEFAULTS } from '../../system/src/worker/worker-options.ts';
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

/** Messages consumed per second, from the first batch on (group join and the first fetch are start-up). */
interface ConsumeClock {
  consumed: number;
  first: number;
  firstBatch: number;
  last: number;
}

function newClock(): ConsumeClock {
  return { consumed: 0, first: 0, firstBatch: 0, last: 0 };
}

function tick(clock: ConsumeClock, count: number): void {
  const now = performance.now();
  if (clock.first === 0) {
    clock.first = now;
    clock.firstBatch = count;
  }
  clock.consumed += count;
  clock.last = now;
}

const rate = (c: ConsumeClock) =>
  c.last > c.first ? (c.consumed - c.firstBatch) / ((c.last - c.first) / 1000) : Number.NaN;

async function consumeWithKafkajs(lab: BenchLab, total: number, timeoutMs: number): Promise<number> {
  const kafka = createKafka(lab.config, 'bench', () => {});
  const admin = kafka.admin();
  const groupId = `paylab-bench-${randomUUID()}`;
  // The worker's fetch size (WORKER_DEFAULTS): the limit of a consumer configured like it.
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: WORKER_DEFAULTS.maxBytesPerPartition,
  });
  const clock = newClock();
  let resolveDone = () => {};
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [BENCH_TOPIC], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        tick(clock, batch.messages.length);
        if (clock.consumed >= total) resolveDone();
      },
    });
    await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs))]);
  } finally {
    await consumer.disconnect();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
  return rate(clock);
}

async function consumeWithPlatformatic(lab: BenchLab, total: number, timeoutMs: number): Promise<number> {
  const groupId = `paylab-bench-${randomUUID()}`;
  const consumer = new Consumer({
    clientId: `${lab.config.kafka.clientId}-bench`,
    bootstrapBrokers: kafkaBrokers(lab.config),
    groupId,
    maxWaitTime: 100,
    // The worker's fetch size, as the kafkajs consumer above (this client's own 50 MB default
    // fetches the whole bench topic at once, and one batch is no rate).
    maxBytesPerPartition: WORKER_DEFAULTS.maxBytesPerPartition,
  });
  const clock = newClock();
  try {
    const stream = await consumer.consume({ topics: [BENCH_TOPIC], mode: 'earliest', autocommit: 1_000 });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      stream.on('error', reject);
      // Messages arrive one by one; those of one fetch arrive in one tick, so a batch is what
      // arrives between two event-loop turns — counted like kafkajs' eachBatch.
      let pending = 0;
      stream.on('data', () => {
        if (pending++ === 0)
          setImmediate(() => {
            tick(clock, pending);
            pending = 0;
            if (clock.consumed >= total) {
              clearTimeout(timer);
              resolve();
            }
          });
      });
    });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return rate(clock);
}

export async function measureKafkaLimits(
  lab: BenchLab,
  seconds: number,
  client: KafkaClientName = lab.config.kafka.client,
): Promise<KafkaLimits> {
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

    lab.log(`  limits: raw ${client} producer (acks=all, batches of the relay size)`);
    const producer = relayProducerFactory(
      lab.config,
      { name: 'bench', topic: BENCH_TOPIC, idempotent: true, log: (line) => lab.log(`  ${line}`) },
      client,
    )();
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

    lab.log(`  limits: raw ${client} consumer (fresh group, no processing)`);
    const after = await offsets();
    // The whole topic (earlier clients' runs too): a fresh group reads it from the beginning.
    const total =
      after.reduce((sum, p) => sum + Number(p.high), 0) - before.reduce((sum, p) => sum + Number(p.low), 0);
    const timeoutMs = 60_000 + seconds * 4_000;
    const consumerMsgsPerSec =
      client === 'platformatic'
        ? await consumeWithPlatformatic(lab, total, timeoutMs)
        : await consumeWithKafkajs(lab, total, timeoutMs);
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
