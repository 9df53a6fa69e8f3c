/**
 * The SQL one payment costs, captured from the stack's own functions (createPayment, claimDueRows,
 * markSent, loadPayment, transitionPayment) by a recording connection, and turned into pgbench
 * scripts. So the limits run the exact statements the API, the relay and the worker send — a
 * change to a statement changes its limit too — with parameters bound either to the literal the
 * code sent or to a pgbench variable where each transaction needs its own value (ids, keys).
 */
import type pg from 'pg';
import { createPayment } from '../system/src/db/create-payment.ts';
import type { Queryable } from '../system/src/db/pool.ts';
import { claimDueRows } from '../system/src/relay/sql/claim-due-rows.ts';
import { markSent } from '../system/src/relay/sql/mark-sent.ts';
import { loadPayment } from '../system/src/worker/sql/load-payment.ts';
import { transitionPayment } from '../system/src/worker/sql/transition-payment.ts';

export interface Statement {
  text: string;
  values: readonly unknown[];
}

/** A connection that answers every query with `rows` and remembers what it was sent. */
function recorder(rows: readonly Record<string, unknown>[]): { db: Queryable; sent: Statement[] } {
  const sent: Statement[] = [];
  const query = async (text: string, values: unknown[] = []) => {
    sent.push({ text, values });
    return { rows, rowCount: rows.length };
  };
  // The stack's functions take pg's Queryable; only `query(text, values)` is ever called on it.
  return { db: { query } as unknown as Queryable, sent };
}

function only(sent: Statement[], what: string): Statement {
  const [first] = sent;
  if (sent.length !== 1 || !first) throw new Error(`${what} sent ${sent.length} statements, expected 1`);
  return first;
}

/** The merchant every pgbench row belongs to, so the bench can delete what it wrote. */
export const BENCH_MERCHANT = 'bench-limits';
/** Outbox rows the relay limit drains carry this partition-key prefix. */
export const BENCH_KEY_PREFIX = 'bench-limits-';

const SAMPLE_ID = '00000000-0000-4000-8000-000000000001';

export async function captureCreate(): Promise<Statement> {
  const { db, sent } = recorder([{ payments: '1', items: '1', history: '1', outbox: '1', notified: '1' }]);
  await createPayment(db as unknown as pg.Pool, {
    paymentId: SAMPLE_ID,
    eventId: SAMPLE_ID,
    merchantId: BENCH_MERCHANT,
    idempotencyKey: 'sample',
    requestHash: 'f'.repeat(64),
    // The shape k6 sends (scenarios/k6/lib/payment-requests.ts): one item, a card token.
    input: {
      orderId: 'order-bench-000000000000-1',
      amount: 15_000,
      currency: 'KRW',
      method: 'card',
      methodReference: 'tok_lab_5a1b2c3d',
      items: [{ name: 'lab item', quantity: 3, unitPrice: 5_000 }],
    },
    respond: (payment) => ({ status: 201, body: JSON.stringify(payment) }),
  });
  return only(sent, 'createPayment');
}

export async function captureClaim(limit: number): Promise<Statement> {
  const { db, sent } = recorder([]);
  await claimDueRows(db, { limit, leaseMs: 30_000, leaseOwner: 'sample', perKeyOrder: true });
  return only(sent, 'claimDueRows');
}

export async function captureMark(): Promise<Statement> {
  const { db, sent } = recorder([]);
  await markSent(db, 'sample', [SAMPLE_ID]);
  return only(sent, 'markSent');
}

const PAYMENT_ROW = {
  id: SAMPLE_ID,
  order_id: 'o',
  amount: '15000',
  currency: 'KRW',
  method: 'card',
  method_reference: 'tok',
  state: 'processing',
  version: 1,
  captured: false,
  pg_idempotency_key: null,
  pg_transaction_id: null,
  created_at: new Date(0),
  already_processed: false,
  processed_events: 0,
  duplicate: false,
};

/** The worker's three statements for one captured payment: load, start the capture, settle it. */
export async function captureWorker(): Promise<{ load: Statement; start: Statement; settle: Statement }> {
  const { db, sent } = recorder([PAYMENT_ROW]);
  await loadPayment(db, SAMPLE_ID, SAMPLE_ID);
  await transitionPayment(db, {
    paymentId: SAMPLE_ID,
    from: 'requested',
    to: 'processing',
    version: 0,
    set: { pgIdempotencyKey: `pay_${SAMPLE_ID}_1` },
    reason: 'charging at the PG',
    changedBy: 'worker:worker-0',
  });
  await transitionPayment(db, {
    paymentId: SAMPLE_ID,
    from: 'processing',
    to: 'completed',
    version: 1,
    set: { captured: true, pgTransactionId: 'pg_tx_0123456789abcdef' },
    reason: 'captured at the PG',
    // The PG's answer as pg-mock gives it (contract.ts CaptureResult).
    pgResponse: {
      transactionId: 'pg_tx_0123456789abcdef',
      status: 'captured',
      pgIdempotencyKey: `pay_${SAMPLE_ID}_1`,
      amount: 15_000,
      currency: 'KRW',
    },
    processedEvent: { eventId: SAMPLE_ID, paymentId: SAMPLE_ID, type: 'payment.requested' },
    changedBy: 'worker:worker-0',
  });
  const [load, start, settle] = sent;
  if (sent.length !== 3 || !load || !start || !settle)
    throw new Error(`the worker sent ${sent.length} statements for one payment, expected 3`);
  return { load, start, settle };
}

/** A value as an SQL literal (what the driver would have sent as a parameter). */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return quote(value.toISOString());
  if (Array.isArray(value)) return quote(`{${value.map(arrayElement).join(',')}}`);
  if (typeof value === 'string') return quote(value);
  return quote(JSON.stringify(value));
}

/**
 * pgbench reads `:name` inside a script as a variable, even inside a string literal (a JSON
 * `"amount":15000` would become a variable reference), so a literal with a colon is written as a
 * Unicode-escape string: the same value, with the colon spelled \003A.
 */
function quote(text: string): string {
  const sql = text.replaceAll("'", "''");
  if (!sql.includes(':')) return `'${sql}'`;
  return `U&'${sql.replaceAll('\\', '\\005C').replaceAll(':', '\\003A')}'`;
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text = typeof value === 'string' ? value : String(value);
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * The statement with every $n replaced: by `bindings[n]` (a pgbench expression such as `:pid`) when
 * given, else by the literal of the value the code sent. Comments are dropped (pgbench reads the
 * script line by line) and the statement is left unterminated for the caller.
 */
export function bindStatement(statement: Statement, bindings: Readonly<Record<number, string>> = {}): string {
  const text = statement.text.replace(/--[^\n]*/g, '').replace(/\$(\d+)\b/g, (_, digits: string) => {
    const n = Number(digits);
    const bound = bindings[n];
    if (bound !== undefined) return `(${bound})`;
    if (n < 1 || n > statement.values.length)
      throw new Error(`statement uses $${n} but has ${statement.values.length} values`);
    return sqlLiteral(statement.values[n - 1]);
  });
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .join('\n');
}

/** pgbench script texts for the four SQL limits. */
export interface PgbenchScripts {
  /** The API's create statement, one per transaction. */
  create: string;
  /** The relay's claim of `claimLimit` rows and the mark of what it claimed. */
  relay: string;
  /** The worker's load + start + settle of one pre-created payment. */
  worker: string;
  /** Everything one payment costs: create, a claim + mark of one row, the worker's three statements. */
  full: string;
  claimLimit: number;
}

/** Name of the sequence handing each worker-limit transaction its own pre-created payment. */
export const QUEUE_SEQUENCE = 'paylab_bench_queue';

export async function pgbenchScripts(claimLimit: number): Promise<PgbenchScripts> {
  const create = await captureCreate();
  const claimBatch = await captureClaim(claimLimit);
  const claimOne = await captureClaim(1);
  const mark = await captureMark();
  const worker = await captureWorker();

  const key = `\\set k random(1, 9007199254740991)`;
  const createSql = bindStatement(create, {
    1: ':pid',
    2: `'${BENCH_MERCHANT}'`,
    3: `'bench-' || :k`,
    18: ':eid',
  });
  const ids = (claim: Statement) =>
    `WITH claimed AS (\n${bindStatement(claim, { 2: `'bench-relay-' || :k` })}\n)\n` +
    `SELECT coalesce(array_agg(event_id), '{}') AS ids FROM claimed \\gset`;
  const markSql = `${bindStatement(mark, { 1: ':ids', 2: `'bench-relay-' || :k` })};`;
  const load = `${bindStatement(worker.load, { 1: ':pid', 2: ':eid' })};`;
  const start = `${bindStatement(worker.start, { 1: ':pid' })};`;
  const settle = `${bindStatement(worker.settle, { 1: ':pid', 11: ':eid' })};`;
  const fresh = `SELECT gen_random_uuid() AS pid, gen_random_uuid() AS eid \\gset`;
  const queued =
    `SELECT id AS pid, gen_random_uuid() AS eid FROM payments\n` +
    // A scalar subquery, so nextval runs once per transaction (in the WHERE it would run per row scanned).
    ` WHERE merchant_id = '${BENCH_MERCHANT}' AND idempotency_key = (SELECT 'q-' || nextval('${QUEUE_SEQUENCE}')) \\gset`;

  return {
    claimLimit,
    create: [key, fresh, `${createSql};`].join('\n') + '\n',
    relay: [key, ids(claimBatch), markSql].join('\n') + '\n',
    worker: [queued, load, start, settle].join('\n') + '\n',
    full: [key, fresh, `${createSql};`, ids(claimOne), markSql, load, start, settle].join('\n') + '\n',
  };
}
