/**
 * What the bench needs of the lab: the config, the native runtime (to run a stage with only some of
 * the stack's processes), a DB pool for the independent truth (counts and timestamps in the DB),
 * and the lab's process groups for CPU accounting. The DB is reached through its proxy, as every
 * client of the stack does.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Admin } from 'kafkajs';
import pg from 'pg';
import { createKafka } from '../system/src/bin/kafka-client.ts';
import { readConsumerLag } from '../system/src/worker/consumer-lag.ts';
import { databaseUrl, loadConfig, type KafkaClientName, type LabConfig } from '../system/src/config.ts';
import { NativeRuntime } from '../system/lab/native/runtime.ts';
import { parsePidRecord } from '../system/lab/native/proc-info.ts';
import { loadSecrets, type LabSecrets } from '../system/src/secrets.ts';
import { BENCH_KEY_PREFIX, BENCH_MERCHANT, QUEUE_SEQUENCE } from './sql-templates.ts';

export type Log = (line: string) => void;

export interface BenchLab {
  config: LabConfig;
  runtime: NativeRuntime;
  pool: pg.Pool;
  secrets: LabSecrets;
  log: Log;
  /** A Kafka admin client (connected on first use) for consumer lag. */
  admin(): Promise<Admin>;
  close(): Promise<void>;
}

export function openLab(log: Log, config: LabConfig = loadConfig()): BenchLab {
  const pool = new pg.Pool({
    connectionString: databaseUrl(config),
    max: 4,
    application_name: 'paylab-bench',
  });
  pool.on('error', () => {});
  let admin: Promise<Admin> | undefined;
  return {
    config,
    runtime: new NativeRuntime(config),
    pool,
    secrets: loadSecrets(config),
    log,
    admin() {
      admin ??= (async () => {
        const client = createKafka(config, 'bench', () => {}).admin();
        await client.connect();
        return client;
      })();
      return admin;
    },
    async close() {
      if (admin) await (await admin).disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}

/** Messages of the payment topics the worker group has not committed yet (0 when it never read them). */
export async function consumerLag(lab: BenchLab): Promise<number> {
  const { config } = lab;
  const lags = await readConsumerLag(await lab.admin(), config.kafka.consumerGroup, [
    config.topics.paymentEvents.name,
    config.topics.retry.name,
  ]);
  return lags.reduce((sum, p) => sum + p.lag, 0);
}

/**
 * Runs the stack with exactly these instance counts (surplus relays/workers are stopped); with
 * `kafkaClient`, the relay on that client library (the lab restarts a relay whose client changed).
 */
export async function setStack(
  lab: BenchLab,
  instances: { relay: number; worker: number },
  kafkaClient?: KafkaClientName,
): Promise<void> {
  const runtime =
    kafkaClient === undefined || kafkaClient === lab.config.kafka.client
      ? lab.runtime
      : new NativeRuntime({ ...lab.config, kafka: { ...lab.config.kafka, client: kafkaClient } });
  await runtime.up({ stack: true, instances, onProgress: () => {} });
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value, or throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function scalar(lab: BenchLab, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await lab.pool.query<{ v: string | number | null }>(sql, values);
  return Number(rows[0]?.v ?? 0);
}

export const pendingOutbox = (lab: BenchLab) =>
  scalar(lab, `SELECT count(*) AS v FROM outbox WHERE status = 'pending'`);

export const openPayments = (lab: BenchLab) =>
  scalar(lab, `SELECT count(*) AS v FROM payments WHERE state NOT IN ('completed', 'failed', 'canceled')`);

/**
 * Waits until the stack has nothing in flight: no pending outbox row and no event the workers have
 * not committed (open payments are no measure: a dead-lettered one stays open for ever).
 */
export async function waitSettled(lab: BenchLab, timeoutMs: number): Promise<void> {
  await waitFor(
    'the stack to settle (no pending outbox row, no consumer lag)',
    async () => ((await pendingOutbox(lab)) === 0 && (await consumerLag(lab)) === 0 ? true : undefined),
    timeoutMs,
    500,
  );
}

/**
 * Vacuums and analyzes the tables the bench filled and emptied, so that autovacuum does not start
 * on them inside a CPU window (its workers' CPU lands in the db's account) and plans see real sizes.
 */
export async function maintainTables(lab: BenchLab): Promise<void> {
  await lab.pool.query(
    'VACUUM (ANALYZE) outbox, payments, payment_items, payment_history, processed_events, idempotency_records',
  );
}

/** Deletes everything the SQL limits wrote (their merchant, their outbox keys, their sequence). */
export async function deleteLimitRows(lab: BenchLab): Promise<void> {
  await lab.pool.query(
    `WITH gone AS (DELETE FROM payments WHERE merchant_id = $1 RETURNING id),
          events AS (DELETE FROM processed_events WHERE payment_id IN (SELECT id FROM gone)),
          rows AS (DELETE FROM outbox WHERE aggregate_id IN (SELECT id FROM gone) OR partition_key LIKE $2 || '%')
     DELETE FROM idempotency_records WHERE merchant_id = $1`,
    [BENCH_MERCHANT, BENCH_KEY_PREFIX],
  );
  await lab.pool.query(`DROP SEQUENCE IF EXISTS ${QUEUE_SEQUENCE}`);
}

/** The main process of each lab service (relay-0 and relay-1 are both "relay"). */
export function labProcessGroups(config: LabConfig): Map<number, string> {
  const groups = new Map<number, string>();
  if (!fs.existsSync(config.paths.runDir)) return groups;
  for (const file of fs.readdirSync(config.paths.runDir)) {
    if (!file.endsWith('.pid')) continue;
    const record = parsePidRecord(fs.readFileSync(path.join(config.paths.runDir, file), 'utf8'));
    if (!record) continue;
    // relay-0 and relay-1 are one process kind in the report.
    groups.set(record.pid, record.service);
  }
  return groups;
}
