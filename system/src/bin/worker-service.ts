/**
 * Wiring of one worker instance: one consumer group over the payment-events and retry topics,
 * PostgreSQL, the PG client (through the pg-mock Toxiproxy link), metrics and consumer lag.
 * bin/worker.ts runs it as a process; integration tests run it in-process.
 */
import { Partitioners } from 'kafkajs';
import { databaseUrl, LOOPBACK, type LabConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { createHttpPgClient } from '../gateway/pg-client.ts';
import type { PgClient } from '../gateway/pg-client-types.ts';
import { registerOutboxGauges } from '../relay/metrics.ts';
import { readOutboxStats } from '../relay/sql/outbox-stats.ts';
import { readConsumerLag } from '../worker/consumer-lag.ts';
import { createBatchingStore } from '../worker/batching-store.ts';
import { committableOffset, groupByKey, runGroups } from '../worker/key-batches.ts';
import { makeMessageHandler } from '../worker/message-handler.ts';
import { createWorkerMetrics, type WorkerMetrics } from '../worker/metrics.ts';
import { makeEventProcessor, type WorkerStore } from '../worker/process-event.ts';
import { WORKER_DEFAULTS, type WorkerTunables } from '../worker/worker-options.ts';
import { createKafka } from './kafka-client.ts';
import { startServiceHttp } from './service-http.ts';
import { untilDone } from './until-done.ts';

/** A heartbeat's answer that the group is rebalancing (kafkajs names the broker's error codes). */
export function isRebalanceError(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return (
    type === 'REBALANCE_IN_PROGRESS' ||
    type === 'ILLEGAL_GENERATION' ||
    type === 'UNKNOWN_MEMBER_ID' ||
    type === 'NOT_COORDINATOR_FOR_GROUP'
  );
}

export interface WorkerServiceOverrides {
  tunables?: Partial<WorkerTunables>;
  /** Replace the PG client or single store operations to stage faults. */
  pgClient?: (real: PgClient) => PgClient;
  store?: (real: WorkerStore) => Partial<WorkerStore>;
  /** 0 picks a free port (tests); default: workerMetricsBase + instance. */
  httpPort?: number;
  log?: (line: string) => void;
}

export interface WorkerService {
  workerId: string;
  port: number;
  metrics: WorkerMetrics;
  isReady(): boolean;
  stop(): Promise<void>;
}

export async function startWorkerService(
  config: LabConfig,
  instance: number,
  overrides: WorkerServiceOverrides = {},
): Promise<WorkerService> {
  const workerId = `worker-${instance}`;
  const log = overrides.log ?? (() => {});
  const connectionString = databaseUrl(config);
  const { workerPgRetry, workerGuard, workerDedup, workerTransition, workerCancel, workerPoison } =
    config.strategy;
  const tunables: WorkerTunables = { ...WORKER_DEFAULTS, ...overrides.tunables };
  const topics = config.topics;

  const metrics = createWorkerMetrics(log);
  let joined = false;
  let producerConnected = false;
  let stopping = false;
  const ready = () => joined && producerConnected && !stopping;
  const http = await startServiceHttp(
    LOOPBACK,
    overrides.httpPort ?? config.services.workerMetricsBase + instance,
    metrics.registry,
    () => ({
      ready: ready(),
      detail: {
        worker: workerId,
        joined,
        producerConnected,
        pgRetry: workerPgRetry,
        guard: workerGuard,
        dedup: workerDedup,
        transition: workerTransition,
        cancel: workerCancel,
        poison: workerPoison,
      },
    }),
  );

  await untilDone('migrate', () => migrate(connectionString, log), log);
  const pool = createPool({
    connectionString,
    applicationName: `paylab-${workerId}`,
    max: config.tuning.dbPool.worker,
    onIdleError: (error) => log(`db idle client error: ${error.message}`),
  });

  // Outbox lag from the worker too, so it stays visible while every relay is down.
  registerOutboxGauges(metrics.registry, () => readOutboxStats(pool), log);

  const pgLink = config.links['pg-mock'].listen;
  const httpPg = createHttpPgClient({
    baseUrl: `http://${pgLink.host}:${pgLink.port}`,
    timeoutMs: tunables.pgTimeoutMs,
    onCall: metrics.pgCall,
  });
  const pgClient = overrides.pgClient ? overrides.pgClient(httpPg) : httpPg;

  const { sessionTimeoutMs, heartbeatIntervalMs, rebalanceTimeoutMs, workerRetryMaxMs } = config.kafka;
  // Short pauses between attempts: kafkajs restarts a crashed consumer after the last pause, so
  // this bounds how long the worker stays away after the broker is back.
  const kafka = createKafka(config, workerId, log, {
    retries: 8,
    initialRetryTime: 100,
    maxRetryTime: workerRetryMaxMs,
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: {
      retries: config.tuning.kafkaClient.retries,
      initialRetryTime: config.tuning.kafkaClient.retryInitialMs,
      maxRetryTime: config.tuning.kafkaClient.retryMaxMs,
    },
  });
  producer.on(producer.events.CONNECT, () => (producerConnected = true));
  producer.on(producer.events.DISCONNECT, () => (producerConnected = false));
  await untilDone('kafka producer connect', () => producer.connect(), log);
  const admin = kafka.admin();
  await untilDone('kafka admin connect', () => admin.connect(), log);

  const consumer = kafka.consumer({
    groupId: config.kafka.consumerGroup,
    sessionTimeout: sessionTimeoutMs,
    heartbeatInterval: heartbeatIntervalMs,
    rebalanceTimeout: rebalanceTimeoutMs,
    maxWaitTimeInMs: config.tuning.worker.maxWaitTimeMs,
    maxBytesPerPartition: tunables.maxBytesPerPartition,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: workerRetryMaxMs },
  });
  // Set when a heartbeat learns that the group is rebalancing: running batches stop after their
  // current message, so this member rejoins at once instead of after its whole batch.
  let rebalancePending = false;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    joined = true;
    rebalancePending = false;
    log(`joined ${e.payload.groupId}: ${JSON.stringify(e.payload.memberAssignment)}`);
  });
  consumer.on(consumer.events.REBALANCING, () => (joined = false));
  consumer.on(consumer.events.CRASH, (e) => {
    joined = false;
    log(`consumer crashed: ${e.payload.error.message} (restart: ${e.payload.restart})`);
  });

  // Set-based: the events of the running lanes share one statement per step (batching-store.ts).
  const realStore: WorkerStore = createBatchingStore(pool, {
    workerId,
    dedup: workerDedup,
    transition: workerTransition,
    maxItems: tunables.maxEventsPerStatement,
    maxInFlight: tunables.statementsInFlight,
    onStatement: metrics.statement,
  });
  const processEvent = makeEventProcessor(
    {
      workerId,
      pgRetry: workerPgRetry,
      guard: workerGuard,
      cancel: workerCancel,
      dedup: workerDedup,
      transition: workerTransition,
    },
    { ...realStore, ...overrides.store?.(realStore) },
    pgClient,
    metrics.process,
  );
  const handle = makeMessageHandler(
    {
      retryTopic: topics.retry.name,
      deadLetterTopic: topics.deadLetter.name,
      maxAttempts: tunables.maxAttempts,
      backoff: tunables.backoff,
      poison: workerPoison,
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

  await untilDone('kafka consumer connect', () => consumer.connect(), log);
  await untilDone(
    'subscribe',
    () => consumer.subscribe({ topics: [topics.paymentEvents.name, topics.retry.name], fromBeginning: true }),
    log,
  );
  await consumer.run({
    partitionsConsumedConcurrently: tunables.partitionsConsumedConcurrently,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      const messages = batch.messages;
      const done = new Set<string>();
      // kafkajs heartbeats only when asked; a batch heartbeats on a timer (kafkajs shares one
      // request between concurrent calls), so the session timeout bounds only a dead or cut-off
      // worker, never a slow PG call.
      const beat = (): void => {
        heartbeat().catch((error: unknown) => {
          if (isRebalanceError(error)) rebalancePending = true;
        });
      };
      const ticker = setInterval(beat, heartbeatIntervalMs);
      try {
        await runGroups(
          groupByKey(messages),
          tunables.keysConcurrentlyPerPartition,
          (message) =>
            handle(
              {
                topic: batch.topic,
                partition: batch.partition,
                offset: message.offset,
                key: message.key,
                value: message.value,
                headers: message.headers,
              },
              heartbeat,
            ),
          () => isRunning() && !isStale() && !stopping && !rebalancePending,
          done,
        );
      } finally {
        clearInterval(ticker);
        // Commit what was handled in order, even when stopping or failing part-way.
        const last = committableOffset(messages, done);
        if (last !== undefined) {
          resolveOffset(last);
          await commitOffsetsIfNecessary().catch((error: unknown) => log(`commit failed: ${String(error)}`));
        }
      }
    },
  });
  log(
    `started: pgRetry=${workerPgRetry} guard=${workerGuard} dedup=${workerDedup} transition=${workerTransition} cancel=${workerCancel} poison=${workerPoison} group=${config.kafka.consumerGroup}`,
  );

  // Read even while rebalancing or not yet joined: lag matters most when consumption has stopped.
  const lagTimer = setInterval(() => {
    readConsumerLag(admin, config.kafka.consumerGroup, [topics.paymentEvents.name, topics.retry.name])
      .then((lags) => metrics.setLag(lags))
      .catch((error: unknown) =>
        log(`consumer lag unavailable: ${error instanceof Error ? error.message : String(error)}`),
      );
  }, tunables.lagIntervalMs);

  return {
    workerId,
    port: http.port,
    metrics,
    isReady: ready,
    async stop() {
      stopping = true;
      clearInterval(lagTimer);
      // Waits for running batches; a message waiting for its retry time aborts (the
      // handler throws StoppingError) and is redelivered to whoever owns the partition next.
      await consumer.disconnect().catch((error: unknown) => log(`consumer disconnect: ${String(error)}`));
      await producer.disconnect().catch(() => {});
      await admin.disconnect().catch(() => {});
      httpPg.close();
      await pool.end().catch(() => {});
      await http.close();
    },
  };
}
