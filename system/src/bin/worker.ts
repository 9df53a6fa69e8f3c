/**
 * The worker process: `node --import tsx system/src/bin/worker.ts`, PAYLAB_INSTANCE=<i>.
 * One consumer group over the payment-events and retry topics; wires PostgreSQL, Kafka, the PG
 * client (through the pg-mock Toxiproxy link), metrics and the event processor.
 */
import { Partitioners } from 'kafkajs';
import { databaseUrl, LOOPBACK, loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { createHttpPgClient } from '../gateway/pg-client.ts';
import { readConsumerLag } from '../worker/consumer-lag.ts';
import { makeMessageHandler } from '../worker/message-handler.ts';
import { createWorkerMetrics } from '../worker/metrics.ts';
import { makeEventProcessor } from '../worker/process-event.ts';
import { loadPayment } from '../worker/sql/load-payment.ts';
import { recordProcessedEvent } from '../worker/sql/record-processed-event.ts';
import { transitionPayment } from '../worker/sql/transition-payment.ts';
import { WORKER_DEFAULTS } from '../worker/worker-options.ts';
import { createKafka } from './kafka-client.ts';
import { instanceFromEnv, logLine, startServiceHttp } from './service-http.ts';

const config = loadConfig();
const instance = instanceFromEnv();
const workerId = `worker-${instance}`;
const log = logLine(workerId);
const connectionString = databaseUrl(config);
const { workerPgRetry, workerGuard } = config.strategy;
const tunables = WORKER_DEFAULTS;
const topics = config.topics;

async function untilDone<T>(what: string, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      log(`${what} failed (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}; retrying`);
      await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * attempt)));
    }
  }
}

const metrics = createWorkerMetrics(log);
let joined = false;
let producerConnected = false;
let stopping = false;
const assigned = new Map<string, number[]>();

const http = await startServiceHttp(LOOPBACK, config.services.workerMetricsBase + instance, metrics.registry, () => ({
  ready: joined && producerConnected && !stopping,
  detail: { worker: workerId, joined, producerConnected, pgRetry: workerPgRetry, guard: workerGuard },
}));

await untilDone('migrate', () => migrate(connectionString, log));
const pool = createPool({
  connectionString,
  applicationName: `paylab-${workerId}`,
  max: tunables.partitionsConsumedConcurrently + 2,
  onIdleError: (error) => log(`db idle client error: ${error.message}`),
});

const pgLink = config.links['pg-mock'].listen;
const pgClient = createHttpPgClient({
  baseUrl: `http://${pgLink.host}:${pgLink.port}`,
  timeoutMs: tunables.pgTimeoutMs,
  onCall: metrics.pgCall,
});

const kafka = createKafka(config, workerId, log);
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
  retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 3_000 },
});
producer.on(producer.events.CONNECT, () => (producerConnected = true));
producer.on(producer.events.DISCONNECT, () => (producerConnected = false));
await untilDone('kafka producer connect', () => producer.connect());

const admin = kafka.admin();
await untilDone('kafka admin connect', () => admin.connect());

const consumer = kafka.consumer({
  groupId: config.kafka.consumerGroup,
  sessionTimeout: 30_000,
  heartbeatInterval: 3_000,
  maxWaitTimeInMs: 500,
});
consumer.on(consumer.events.GROUP_JOIN, (e) => {
  joined = true;
  assigned.clear();
  for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) assigned.set(topic, partitions);
  log(`joined ${e.payload.groupId}: ${JSON.stringify(e.payload.memberAssignment)}`);
});
consumer.on(consumer.events.REBALANCING, () => (joined = false));
consumer.on(consumer.events.CRASH, (e) => {
  joined = false;
  log(`consumer crashed: ${e.payload.error.message} (restart: ${e.payload.restart})`);
});

const processEvent = makeEventProcessor(
  { workerId, pgRetry: workerPgRetry, guard: workerGuard },
  {
    load: (paymentId, eventId) => loadPayment(pool, paymentId, eventId),
    transition: (input) => transitionPayment(pool, input),
    recordProcessed: (event) => recordProcessedEvent(pool, event, workerId),
  },
  pgClient,
  metrics.process,
);
const handle = makeMessageHandler(
  {
    retryTopic: topics.retry.name,
    deadLetterTopic: topics.deadLetter.name,
    maxAttempts: tunables.maxAttempts,
    backoff: tunables.backoff,
  },
  {
    process: processEvent,
    send: async (topic, message) => {
      await producer.send({ topic, acks: -1, messages: [message] });
    },
    observer: metrics.handler,
    isStopping: () => stopping,
  },
);

await untilDone('kafka consumer connect', () => consumer.connect());
await untilDone('subscribe', () =>
  consumer.subscribe({ topics: [topics.paymentEvents.name, topics.retry.name], fromBeginning: true }),
);
await consumer.run({
  partitionsConsumedConcurrently: tunables.partitionsConsumedConcurrently,
  eachMessage: async ({ topic, partition, message, heartbeat }) => {
    await handle(
      { topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers },
      heartbeat,
    );
  },
});
log(`started: pgRetry=${workerPgRetry} guard=${workerGuard} group=${config.kafka.consumerGroup}`);

const lagTimer = setInterval(() => {
  if (!joined) return;
  readConsumerLag(admin, config.kafka.consumerGroup, assigned)
    .then((lags) => metrics.setLag(lags))
    .catch((error: unknown) => log(`consumer lag unavailable: ${error instanceof Error ? error.message : String(error)}`));
}, tunables.lagIntervalMs);

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  stopping = true;
  log(`${signal}: finishing in-flight messages and committing`);
  clearInterval(lagTimer);
  // Waits for running eachMessage calls; a message waiting for its retry time aborts (the handler
  // throws StoppingError) and is redelivered to whoever owns the partition next.
  await consumer.disconnect().catch((error: unknown) => log(`consumer disconnect: ${String(error)}`));
  await producer.disconnect().catch(() => {});
  await admin.disconnect().catch(() => {});
  pgClient.close();
  await pool.end().catch(() => {});
  await http.close();
  log('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
