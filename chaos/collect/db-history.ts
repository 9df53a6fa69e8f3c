/**
 * Reads the run's slice of the DB: payments whose idempotency key starts with the run id, and
 * their outbox rows, processed events and history. Connects to PostgreSQL directly, not through
 * the db link's proxy: the observer must not be subject to the faults it observes.
 */
import pg from 'pg';
import type { LabConfig } from '../../system/src/config.ts';
import type { PaymentState } from '../../system/src/domain/events.ts';
import type { DbPayment, HistoryRow, OutboxRow, ProcessedEvent } from '../checker/history.ts';

export function directDatabaseUrl(config: LabConfig): string {
  const { host, port } = config.services.db;
  const auth = config.db.password
    ? `${encodeURIComponent(config.db.user)}:${encodeURIComponent(config.db.password)}`
    : encodeURIComponent(config.db.user);
  return `postgres://${auth}@${host}:${port}/${encodeURIComponent(config.db.database)}`;
}

export function observerPool(config: LabConfig): pg.Pool {
  return new pg.Pool({
    connectionString: directDatabaseUrl(config),
    max: 2,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 60_000,
    application_name: 'paylab-scenario-observer',
  });
}

const RUN_PAYMENTS = `SELECT id FROM payments WHERE idempotency_key LIKE $1`;

function ms(d: Date | null): number | null {
  return d === null ? null : d.getTime();
}

export interface DbSlice {
  payments: DbPayment[];
  outbox: OutboxRow[];
  processed: ProcessedEvent[];
  history: HistoryRow[];
}

export async function readRunSlice(pool: pg.Pool, runId: string): Promise<DbSlice> {
  const prefix = `${runId}-%`;
  const payments = await pool.query<{
    id: string;
    idempotency_key: string;
    state: PaymentState;
    captured: boolean;
    created_at: Date;
    updated_at: Date;
  }>(
    `SELECT id, idempotency_key, state, captured, created_at, updated_at FROM payments WHERE idempotency_key LIKE $1`,
    [prefix],
  );
  const outbox = await pool.query<{
    event_id: string;
    aggregate_id: string;
    event_type: string;
    status: OutboxRow['status'];
    sequence: string | null;
    created_at: Date;
    sent_at: Date | null;
  }>(
    `SELECT event_id, aggregate_id, event_type, status, payload->>'sequence' AS sequence, created_at, sent_at
       FROM outbox WHERE aggregate_id IN (${RUN_PAYMENTS})`,
    [prefix],
  );
  const processed = await pool.query<{
    event_id: string;
    payment_id: string;
    event_type: string;
    processed_at: Date;
  }>(
    `SELECT event_id, payment_id, event_type, processed_at FROM processed_events WHERE payment_id IN (${RUN_PAYMENTS})`,
    [prefix],
  );
  const history = await pool.query<{
    payment_id: string;
    previous_state: string | null;
    new_state: string;
    changed_by: string;
    created_at: Date;
  }>(
    `SELECT payment_id, previous_state, new_state, changed_by, created_at FROM payment_history WHERE payment_id IN (${RUN_PAYMENTS}) ORDER BY id`,
    [prefix],
  );
  return {
    payments: payments.rows.map((r) => ({
      id: r.id,
      idempotencyKey: r.idempotency_key,
      state: r.state,
      captured: r.captured,
      createdAt: r.created_at.getTime(),
      updatedAt: r.updated_at.getTime(),
    })),
    outbox: outbox.rows.map((r) => ({
      eventId: r.event_id,
      paymentId: r.aggregate_id,
      eventType: r.event_type,
      status: r.status,
      sequence: r.sequence === null || !/^\d+$/.test(r.sequence) ? null : Number(r.sequence),
      createdAt: r.created_at.getTime(),
      sentAt: ms(r.sent_at),
    })),
    processed: processed.rows.map((r) => ({
      eventId: r.event_id,
      paymentId: r.payment_id,
      eventType: r.event_type,
      processedAt: r.processed_at.getTime(),
    })),
    history: history.rows.map((r) => ({
      paymentId: r.payment_id,
      previousState: r.previous_state,
      newState: r.new_state,
      changedBy: r.changed_by,
      at: r.created_at.getTime(),
    })),
  };
}

export interface Progress {
  payments: number;
  open: number;
  pendingOutbox: number;
}

/** How far the run's payments have settled: the drain phase waits for open = 0 and no pending rows. */
export async function readProgress(pool: pg.Pool, runId: string): Promise<Progress> {
  const prefix = `${runId}-%`;
  const { rows } = await pool.query<{ payments: string; open: string; pending: string }>(
    `SELECT count(*) AS payments,
            count(*) FILTER (WHERE state NOT IN ('completed', 'failed', 'canceled')) AS open,
            (SELECT count(*) FROM outbox WHERE status = 'pending' AND aggregate_id IN (${RUN_PAYMENTS})) AS pending
       FROM payments WHERE idempotency_key LIKE $1`,
    [prefix],
  );
  const r = rows[0];
  return {
    payments: Number(r?.payments ?? 0),
    open: Number(r?.open ?? 0),
    pendingOutbox: Number(r?.pending ?? 0),
  };
}

/** Outbox rows of ANY run still waiting for the relay: a backlog an earlier run left behind. */
export async function readPendingOutbox(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ pending: string }>(
    `SELECT count(*) AS pending FROM outbox WHERE status = 'pending'`,
  );
  return Number(rows[0]?.pending ?? 0);
}
