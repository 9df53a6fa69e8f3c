/**
 * Wiring of one relay instance: PostgreSQL, Kafka, LISTEN/NOTIFY, metrics endpoint and the relay
 * loop. bin/relay.ts runs it as a process; integration tests run it in-process, swapping single
 * operations (a mark that fails, a short lease) to stage faults.
 */
import { databaseUrl, LOOPBACK, type LabConfig } from '../config.ts';
import { OUTBOX_CHANNEL } from '../db/channels.ts';
import { migrate } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { makeKafkaPublisher } from '../relay/kafka-publisher.ts';
import { createRelayMetrics } from '../relay/metrics.ts';
import { listenForOutbox } from '../relay/outbox-listener.ts';
import { makeRelay, type RelayOperations } from '../relay/relay-loop.ts';
import { RELAY_DEFAULTS, type RelayOptions } from '../relay/relay-options.ts';
import { renewingProducer } from '../relay/renewing-producer.ts';
import { claimDueRows } from '../relay/sql/claim-due-rows.ts';
import { deleteSentRows } from '../relay/sql/delete-sent-rows.ts';
import { markFailed } from '../relay/sql/mark-failed.ts';
import { markSent } from '../relay/sql/mark-sent.ts';
import { readOutboxStats } from '../relay/sql/outbox-stats.ts';
import { relayProducerFactory } from './relay-producer.ts';
import { startServiceHttp } from './service-http.ts';
import { untilDone } from './until-done.ts';

export interface RelayServiceOverrides {
  options?: Partial<Omit<RelayOptions, 'relayId' | 'ackMode' | 'orderMode'>>;
  /** Replace single operations, e.g. a markSent that fails, to stage "killed between publish and mark". */
  ops?: (real: RelayOperations) => Partial<RelayOperations>;
  /** 0 picks a free port (tests); default: relayMetricsBase + instance. */
  httpPort?: number;
  log?: (line: string) => void;
}

export interface RelayService {
  relayId: string;
  port: number;
  stop(): Promise<void>;
}

export async function startRelayService(
  config: LabConfig,
  instance: number,
  overrides: RelayServiceOverrides = {},
): Promise<RelayService> {
  const relayId = `relay-${instance}`;
  const log = overrides.log ?? (() => {});
  const connectionString = databaseUrl(config);
  const { relayAck, relayOrder, relayProducer } = config.strategy;
  // The naive relayProducer: the leader's ack alone, and no idempotence (acks=1 cannot have it).
  const acksAll = relayProducer === 'acks-all';

  const pool = createPool({
    connectionString,
    applicationName: `paylab-${relayId}`,
    max: config.tuning.dbPool.relay,
    onIdleError: (error) => log(`db idle client error: ${error.message}`),
  });
  const metrics = createRelayMetrics(`${relayAck},${relayOrder}`, () => readOutboxStats(pool), log);
  let producerConnected = () => false;
  let lastRoundOkAt = 0;
  const observer = {
    ...metrics.observer,
    batchClaimed(size: number) {
      lastRoundOkAt = Date.now();
      metrics.observer.batchClaimed(size);
    },
  };
  const http = await startServiceHttp(
    LOOPBACK,
    overrides.httpPort ?? config.services.relayMetricsBase + instance,
    metrics.registry,
    () => ({
      ready: producerConnected() && Date.now() - lastRoundOkAt < 10_000,
      detail: {
        relay: relayId,
        producerConnected: producerConnected(),
        ackMode: relayAck,
        orderMode: relayOrder,
      },
    }),
  );

  await untilDone('migrate', () => migrate(connectionString, log), log);
  const relayOptions: RelayOptions = {
    ...RELAY_DEFAULTS,
    ...overrides.options,
    relayId,
    ackMode: relayAck,
    orderMode: relayOrder,
  };
  const newProducer = relayProducerFactory(config, {
    name: relayId,
    topic: config.topics.paymentEvents.name,
    idempotent: acksAll,
    log,
  });
  // parallel: several connections, so concurrent sends are really concurrent (see kafka-publisher.ts).
  // Each is replaced after a failed send: its idempotent sequence state is suspect (renewing-producer.ts).
  const producers = Array.from(
    { length: relayOrder === 'parallel' ? config.tuning.relay.parallelProducers : 1 },
    () => renewingProducer(newProducer, log),
  );
  const producer = producers[0];
  if (!producer) throw new Error('no producer');
  producerConnected = () => producer.isConnected();
  const connectAll = () => Promise.all(producers.map((p) => p.connect()));
  // fire-and-forget must run even when the broker is unreachable (that is its failure mode);
  // the robust relay waits for the broker before it claims anything.
  if (relayAck === 'ack') await untilDone('kafka producer connect', connectAll, log);
  else void connectAll().catch((error: unknown) => log(`kafka producer connect failed: ${String(error)}`));

  const real: RelayOperations = {
    claim: (options) => claimDueRows(pool, options),
    publish: makeKafkaPublisher(
      producers,
      config.topics.paymentEvents.name,
      relayOptions.publishTimeoutMs,
      acksAll ? -1 : 1,
    ),
    markSent: (owner, ids) => markSent(pool, owner, ids),
    markFailed: (input) => markFailed(pool, input),
    deleteSent: (retentionMs) => deleteSentRows(pool, retentionMs),
  };
  const relay = makeRelay(relayOptions, { ...real, ...overrides.ops?.(real) }, observer);
  const listener = listenForOutbox(connectionString, OUTBOX_CHANNEL, () => relay.wake(), log);
  const done = relay.start();
  log(
    `started: ack=${relayAck} order=${relayOrder} producer=${relayProducer} client=${config.kafka.client} topic=${config.topics.paymentEvents.name}`,
  );

  return {
    relayId,
    port: http.port,
    async stop() {
      await relay.stop();
      await done;
      await listener.close();
      await Promise.all(producers.map((p) => p.disconnect().catch(() => {})));
      await pool.end().catch(() => {});
      await http.close();
    },
  };
}
