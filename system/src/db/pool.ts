/**
 * The PostgreSQL pool every paylab service uses. Timeouts are short on purpose: behind a faulted
 * Toxiproxy link a request must fail fast (and be answered 503) instead of queueing forever.
 */
import pg from 'pg';
import { isConnectionError } from './db-errors.ts';

export interface PoolOptions {
  connectionString: string;
  /** Shows in pg_stat_activity, so a chaos run can see who holds connections. */
  applicationName: string;
  max?: number;
  connectionTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** Called for errors of idle clients (a dropped link); without a listener pg would crash the process. */
  onIdleError?: (error: Error) => void;
}

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    application_name: options.applicationName,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 2_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 5_000,
    // A client-side bound too: a black-holed link never answers the server-side timeout.
    query_timeout: (options.statementTimeoutMs ?? 5_000) + 1_000,
    idle_in_transaction_session_timeout: 10_000,
    keepAlive: true,
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}

export type Queryable = Pick<pg.Pool, 'query'>;

/**
 * Runs `work` in one transaction on one client. On an error the transaction is rolled back; when
 * the error is the link itself (reset, timeout, refused), the client is destroyed instead — the
 * server rolls back a transaction whose connection dies, and a ROLLBACK sent down a black-holed
 * link would only wait for its own timeout. A client whose rollback failed is destroyed too.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (isConnectionError(error)) {
      broken = error instanceof Error ? error : new Error(String(error));
    } else {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
    }
    throw error;
  } finally {
    client.release(broken ?? false);
  }
}
