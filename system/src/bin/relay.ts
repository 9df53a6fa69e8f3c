/**
 * The outbox relay process: `node --import tsx system/src/bin/relay.ts`, PAYLAB_INSTANCE=<i>.
 * Wires PostgreSQL, Kafka, LISTEN/NOTIFY, metrics and the relay loop; nothing else wires them.
 */
import { Partitioners } from 'kafkajs';
import { databaseUrl, LOOPBACK, loadConfig } from '../config.ts';
import { OUTBOX_CHANNEL } from '../db/channels.ts';
import { migrate } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { makeKafkaPublisher } from '../relay/kafka-publisher.ts';
import { createRelayMetrics } from '../relay/metrics.ts';
import { listenForOutbox } from '../relay/outbox-listener.ts';
import { makeRelay } from '../relay/relay-loop.ts';
import { RELAY_DEFAULTS } from '../relay/relay-options.ts';
import { claimDueRows } from '../relay/sql/claim-due-rows.ts';
import { deleteSentRows } from '../relay/sql/delete-sent-rows.ts';
import { markFailed } from '../relay/sql/mark-failed.ts';
import { markSent } from '../relay/sql/mark-sent.ts';
import { readOutboxStats } from '../relay/sql/outbox-stats.ts';
import { createKafka } from './kafka-client.ts';
import { instanceFromEnv, logLine, startServiceHttp } from './service-http.ts';

const config = loadConfig();
const instance = instanceFromEnv();
const relayId = `relay-${instance}`;
const log = logLine(relayId);
const connectionString = databaseUrl(config);
const { relayAck, relayOrder } = config.strategy;

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

const pool = createPool({
  connectionString,
  applicationName: `paylab-${relayId}`,
  max: 4,
  onIdleError: (error) => log(`db idle client error: ${error.message}`),
});
const metrics = createRelayMetrics(`${relayAck},${relayOrder}`, () => readOutboxStats(pool), log);

let producerConnected = false;
let lastRoundOkAt = 0;
const observer = {
  ...metrics.observer,
  batchClaimed(size: number) {
    lastRoundOkAt = Date.now();
    metrics.observer.batchClaimed(size);
  },
};

const http = await startServiceHttp(LOOPBACK, config.services.relayMetricsBase + instance, metrics.registry, () => ({
  ready: producerConnected && Date.now() - lastRoundOkAt < 10_000,
  detail: { relay: relayId, producerConnected, ackMode: relayAck, orderMode: relayOrder },
}));

await untilDone('migrate', () => migrate(connectionString, log));

const kafka = createKafka(config, relayId, log);
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
  // Bounded, unlike the idempotent default (infinite): a publish must fail within the lease so
  // the row is retried by the relay's own backoff. Duplicates that follow are absorbed downstream.
  retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 3_000 },
});
producer.on(producer.events.CONNECT, () => (producerConnected = true));
producer.on(producer.events.DISCONNECT, () => (producerConnected = false));
await untilDone('kafka producer connect', () => producer.connect());

const relay = makeRelay(
  { ...RELAY_DEFAULTS, relayId, ackMode: relayAck, orderMode: relayOrder },
  {
    claim: (options) => claimDueRows(pool, options),
    publish: makeKafkaPublisher(producer, config.topics.paymentEvents.name),
    markSent: (owner, ids) => markSent(pool, owner, ids),
    markFailed: (input) => markFailed(pool, input),
    deleteSent: (retentionMs) => deleteSentRows(pool, retentionMs),
  },
  observer,
);
const listener = listenForOutbox(connectionString, OUTBOX_CHANNEL, () => relay.wake(), log);
const done = relay.start();
log(`started: ack=${relayAck} order=${relayOrder} topic=${config.topics.paymentEvents.name}`);

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${signal}: finishing the round in flight`);
  await relay.stop();
  await done;
  await listener.close();
  await producer.disconnect().catch(() => {});
  await pool.end().catch(() => {});
  await http.close();
  log('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
