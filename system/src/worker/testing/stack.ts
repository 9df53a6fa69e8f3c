/**
 * An isolated relay + worker stack for integration tests, on the real lab services: a database
 * cloned for the test file, its own Kafka topics and consumer group, the lab's pg-mock through its
 * Toxiproxy link. Relays and workers run in-process (same wiring as the processes), so a test can
 * swap one operation to stage a fault. Nothing here touches what other tests or the lab use.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type Kafka, type KafkaMessage, Partitioners } from 'kafkajs';
import type pg from 'pg';
import type { LedgerEntry } from '../../../pg-mock/contract.ts';
import { createKafka } from '../../bin/kafka-client.ts';
import { type RelayService, type RelayServiceOverrides, startRelayService } from '../../bin/relay-service.ts';
import {
  startWorkerService,
  type WorkerService,
  type WorkerServiceOverrides,
} from '../../bin/worker-service.ts';
import {
  type LabConfig,
  loadConfig,
  ROBUST_STRATEGY,
  type StrategyKnobs,
  strategyEnv,
} from '../../config.ts';
import { createPayment } from '../../db/create-payment.ts';
import { createPool } from '../../db/pool.ts';
import { requestCancel } from '../../db/request-cancel.ts';
import { createTestDatabase } from '../../db/testing/test-database.ts';
import type { PaymentState } from '../../domain/events.ts';
import { loadSecrets } from '../../secrets.ts';

export const MERCHANT = 'merchant-a';

export interface TestStack {
  config: LabConfig;
  pool: pg.Pool;
  kafka: Kafka;
  topics: { events: string; retry: string; deadLetter: string };
  configFor(strategy?: Partial<StrategyKnobs>, env?: Record<string, string>): LabConfig;
  startRelay(
    strategy?: Partial<StrategyKnobs>,
    overrides?: RelayServiceOverrides,
    env?: Record<string, string>,
  ): Promise<RelayService>;
  startWorker(strategy?: Partial<StrategyKnobs>, overrides?: WorkerServiceOverrides): Promise<WorkerService>;
  createPayment(orderId?: string): Promise<{ paymentId: string; eventId: string }>;
  cancel(paymentId: string): Promise<string>;
  state(paymentId: string): Promise<PaymentState>;
  waitForState(paymentId: string, states: readonly PaymentState[], timeoutMs?: number): Promise<PaymentState>;
  ledger(paymentId: string): Promise<LedgerEntry[]>;
  /** Every message on a topic so far (a throw-away consumer group), waiting up to timeoutMs for `atLeast`. */
  readTopic(topic: string, atLeast: number, timeoutMs?: number): Promise<KafkaMessage[]>;
  publishRaw(
    topic: string,
    key: string,
    value: Buffer | string,
    headers?: Record<string, string>,
  ): Promise<void>;
  close(): Promise<void>;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { counterValue } from '../../testing/counter-value.ts';

export async function startTestStack(label: string, partitions = 3): Promise<TestStack> {
  const base = loadConfig();
  const db = await createTestDatabase(base, `rw_${label}`);
  const suffix = `${label}.${randomBytes(3).toString('hex')}`;
  const topics = {
    events: `paylab.test.${suffix}.events`,
    retry: `paylab.test.${suffix}.retry`,
    deadLetter: `paylab.test.${suffix}.dlt`,
  };
  const env = {
    ...process.env,
    PAYLAB_DB_NAME: db.name,
    PAYLAB_TOPIC_PAYMENT_EVENTS: topics.events,
    PAYLAB_TOPIC_RETRY: topics.retry,
    PAYLAB_TOPIC_DEAD_LETTER: topics.deadLetter,
    PAYLAB_TOPIC_PARTITIONS: String(partitions),
    PAYLAB_KAFKA_GROUP: `paylab-test-${suffix}`,
  };
  const configFor = (strategy: Partial<StrategyKnobs> = {}, extra: Record<string, string> = {}) =>
    loadConfig({ ...env, ...strategyEnv({ ...ROBUST_STRATEGY, ...strategy }), ...extra });
  const config = configFor();

  const pool = createPool({ connectionString: db.url, applicationName: 'paylab-test-relay-worker', max: 4 });
  const kafka = createKafka(config, `test-${label}`, () => {});
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: topics.events, numPartitions: partitions, replicationFactor: 1 },
      { topic: topics.retry, numPartitions: partitions, replicationFactor: 1 },
      { topic: topics.deadLetter, numPartitions: 1, replicationFactor: 1 },
    ],
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const secrets = loadSecrets(base);
  const services: { stop(): Promise<void> }[] = [];
  let instance = 0;

  async function state(paymentId: string): Promise<PaymentState> {
    const { rows } = await pool.query<{ state: PaymentState }>('SELECT state FROM payments WHERE id = $1', [
      paymentId,
    ]);
    const row = rows[0];
    if (!row) throw new Error(`payment ${paymentId} not found`);
    return row.state;
  }

  return {
    config,
    pool,
    kafka,
    topics,
    configFor,
    async startRelay(strategy, overrides, extraEnv) {
      const service = await startRelayService(configFor(strategy, extraEnv), instance++, {
        httpPort: 0,
        ...overrides,
        options: { pollIntervalMs: 200, ...overrides?.options },
      });
      services.push(service);
      return service;
    },
    async startWorker(strategy, overrides) {
      const service = await startWorkerService(configFor(strategy), instance++, {
        httpPort: 0,
        ...overrides,
        tunables: {
          backoff: { baseMs: 200, maxMs: 2_000 },
          pgTimeoutMs: 1_500,
          lagIntervalMs: 500,
          ...overrides?.tunables,
        },
      });
      services.push(service);
      await waitFor('the worker to join its group', async () => (service.isReady() ? true : undefined));
      return service;
    },
    async createPayment(orderId = `order-${randomUUID().slice(0, 8)}`) {
      const paymentId = randomUUID();
      const eventId = randomUUID();
      await createPayment(pool, {
        paymentId,
        eventId,
        merchantId: MERCHANT,
        idempotencyKey: randomUUID(),
        requestHash: 'test',
        input: {
          orderId,
          amount: 12_000,
          currency: 'KRW',
          method: 'card',
          methodReference: 'tok_visa_4242',
          items: [{ name: 'book', quantity: 1, unitPrice: 12_000 }],
        },
        respond: () => ({ status: 201, body: '{}' }),
      });
      return { paymentId, eventId };
    },
    async cancel(paymentId) {
      const eventId = randomUUID();
      const result = await requestCancel(pool, { merchantId: MERCHANT, paymentId, eventId, reason: 'test' });
      if (result.kind !== 'requested') throw new Error(`cancel of ${paymentId} was ${result.kind}`);
      return eventId;
    },
    state,
    async waitForState(paymentId, states, timeoutMs = 30_000) {
      return waitFor(
        `payment ${paymentId} to reach ${states.join('|')}`,
        async () => {
          const s = await state(paymentId);
          return states.includes(s) ? s : undefined;
        },
        timeoutMs,
      );
    },
    async ledger(paymentId) {
      const { host, port } = base.services.pgMock;
      const response = await fetch(
        `http://${host}:${port}/admin/ledger?paymentId=${encodeURIComponent(paymentId)}`,
        {
          headers: { authorization: `Bearer ${secrets.pgMockAdminToken}` },
        },
      );
      if (!response.ok) throw new Error(`pg-mock ledger: HTTP ${response.status}`);
      return (await response.json()) as LedgerEntry[];
    },
    async readTopic(topic, atLeast, timeoutMs = 15_000) {
      const consumer = kafka.consumer({
        groupId: `paylab-test-reader-${randomUUID()}`,
        maxWaitTimeInMs: 200,
      });
      const messages: KafkaMessage[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
      await waitFor(
        `${atLeast} message(s) on ${topic}`,
        async () => (messages.length >= atLeast ? true : undefined),
        timeoutMs,
      ).catch(() => {});
      // A moment more, so a test that expects exactly N also sees an unexpected N+1.
      await new Promise((r) => setTimeout(r, 500));
      await consumer.disconnect();
      return messages;
    },
    async publishRaw(topic, key, value, headers = {}) {
      await producer.send({ topic, acks: -1, messages: [{ key, value, headers }] });
    },
    async close() {
      for (const service of services.reverse()) await service.stop().catch(() => {});
      await producer.disconnect().catch(() => {});
      await admin.deleteTopics({ topics: [topics.events, topics.retry, topics.deadLetter] }).catch(() => {});
      await admin.disconnect().catch(() => {});
      await pool.end().catch(() => {});
      await db.drop().catch(() => {});
    },
  };
}
