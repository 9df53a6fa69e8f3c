/**
 * Limits of the database, measured with pgbench running the stack's own statements
 * (sql-templates.ts) through the db proxy, as the stack reaches it: the create statement alone,
 * the relay's claim + mark, the worker's three statements, and all of one payment's SQL. fsync and
 * synchronous_commit are whatever the lab's PostgreSQL runs with (on). The relay and the workers
 * must be stopped: the limits write rows they would otherwise publish.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { databaseUrl } from '../../system/src/config.ts';
import { toolPaths } from '../../system/lab/native/tools.ts';
import { RELAY_DEFAULTS } from '../../system/src/relay/relay-options.ts';
import { deleteLimitRows, scalar, type BenchLab } from '../lab.ts';
import { BENCH_KEY_PREFIX, BENCH_MERCHANT, pgbenchScripts, QUEUE_SEQUENCE } from '../sql-templates.ts';

export interface SqlLimitOptions {
  seconds: number;
  clients: number;
  /** Where the scripts and pgbench's output are kept. */
  dir: string;
}

export interface SqlLimits {
  createTps: number;
  relayRowsPerSec: number;
  workerPaymentsPerSec: number;
  fullPaymentTps: number;
}

/** pgbench's "tps = 1234.5 (without initial connection time)". */
export function parsePgbenchTps(output: string): number | undefined {
  const m = /^tps = ([\d.]+) \(without initial connection time\)/m.exec(output);
  return m ? Number(m[1]) : undefined;
}

export function pgbenchPath(lab: BenchLab): string {
  const local = path.join(toolPaths(lab.config).postgresBin, 'pgbench');
  return fs.existsSync(local) ? local : 'pgbench';
}

async function pgbench(
  lab: BenchLab,
  script: string,
  options: SqlLimitOptions,
  name: string,
): Promise<number> {
  const file = path.join(options.dir, `${name}.pgbench.sql`);
  fs.writeFileSync(file, script);
  const args = [
    '-n',
    '-M',
    'prepared',
    '-c',
    String(options.clients),
    '-j',
    '2',
    '-T',
    String(options.seconds),
    '-f',
    file,
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(pgbenchPath(lab), [...args, databaseUrl(lab.config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(text));
  });
  fs.writeFileSync(path.join(options.dir, `${name}.pgbench.out`), output);
  const tps = parsePgbenchTps(output);
  if (tps === undefined || /aborted/.test(output))
    throw new Error(`pgbench ${name} failed: ${output.trim().split('\n').slice(-3).join(' | ')}`);
  return tps;
}

/** Outbox rows shaped like the API's (a payment.requested event), under the bench's own keys. */
async function prefillOutbox(lab: BenchLab, rows: number): Promise<void> {
  await lab.pool.query(
    `INSERT INTO outbox (event_id, aggregate_id, event_type, partition_key, payload)
     SELECT e, p, 'payment.requested', $2 || n,
            jsonb_build_object('eventId', e, 'type', 'payment.requested', 'paymentId', p, 'merchantId', $3::text,
                               'occurredAt', now(), 'sequence', 1, 'amount', 15000, 'currency', 'KRW',
                               'method', 'card', 'methodReference', 'tok_lab_5a1b2c3d')
       FROM (SELECT n, gen_random_uuid() AS e, gen_random_uuid() AS p FROM generate_series(1, $1::int) n) ids`,
    [rows, BENCH_KEY_PREFIX, BENCH_MERCHANT],
  );
}

/** Requested payments the worker limit takes one by one (idempotency key q-<n>, n from a sequence). */
async function prefillQueue(lab: BenchLab, payments: number): Promise<void> {
  await lab.pool.query(`DROP SEQUENCE IF EXISTS ${QUEUE_SEQUENCE}`);
  await lab.pool.query(`CREATE SEQUENCE ${QUEUE_SEQUENCE}`);
  await lab.pool.query(
    `INSERT INTO payments (id, merchant_id, order_id, amount, currency, method, method_reference, method_display,
                           state, idempotency_key, event_sequence)
     SELECT gen_random_uuid(), $2, 'order-q-' || n, 15000, 'KRW', 'card', 'tok_lab_5a1b2c3d', 'card **** 2c3d',
            'requested', 'q-' || n, 1
       FROM generate_series(1, $1::int) n`,
    [payments, BENCH_MERCHANT],
  );
}

export async function measureSqlLimits(lab: BenchLab, options: SqlLimitOptions): Promise<SqlLimits> {
  fs.mkdirSync(options.dir, { recursive: true });
  const scripts = await pgbenchScripts(RELAY_DEFAULTS.batchSize);
  await deleteLimitRows(lab);
  try {
    lab.log('  limits: pgbench create statement');
    const createTps = await pgbench(lab, scripts.create, options, 'create');

    lab.log('  limits: pgbench relay claim + mark');
    // Enough backlog that a claim always finds a full batch: twice what the limit could drain.
    const pending = await scalar(lab, `SELECT count(*) AS v FROM outbox WHERE status = 'pending'`);
    await prefillOutbox(lab, Math.max(0, 12_000 * options.seconds - pending));
    // Statistics for the grown table, as autovacuum would give them: without them the planner
    // believes the outbox is small and the claim's anti-joins go quadratic (seen: 242 s per claim).
    await lab.pool.query('ANALYZE outbox');
    const startedAt = new Date();
    await pgbench(lab, scripts.relay, options, 'relay');
    const sent = await scalar(
      lab,
      `SELECT count(*) AS v FROM outbox WHERE status = 'sent' AND sent_at >= $1`,
      [startedAt],
    );
    const relayRowsPerSec = sent / options.seconds;

    lab.log('  limits: pgbench worker load + start + settle');
    await prefillQueue(lab, Math.ceil(4_000 * options.seconds));
    await lab.pool.query('ANALYZE payments');
    const workerPaymentsPerSec = await pgbench(lab, scripts.worker, options, 'worker');

    lab.log('  limits: pgbench all the SQL of one payment');
    const fullPaymentTps = await pgbench(lab, scripts.full, options, 'full');
    return { createTps, relayRowsPerSec, workerPaymentsPerSec, fullPaymentTps };
  } finally {
    await deleteLimitRows(lab);
  }
}
