/**
 * The workers alone (relay stopped) draining the events the relay stage published, with pg-mock at
 * zero latency and no faults. The rate comes from the DB: payments settled per second between the
 * first and the last settle (group join and start-up are not throughput).
 */
import { pgAdmin } from '../../chaos/faults/clients.ts';
import { consumerLag, openPayments, setStack, waitFor, type BenchLab } from '../lab.ts';

export interface WorkersAlone {
  paymentsPerSec: number;
  payments: number;
  workers: number;
}

export async function measureWorkersAlone(lab: BenchLab, workers: number): Promise<WorkersAlone> {
  await pgAdmin(lab.config, lab.secrets.pgMockAdminToken).resetFaults();
  const open = await openPayments(lab);
  const startedAt = new Date();
  await setStack(lab, { relay: 0, worker: workers });
  // Started: the backlog is in the topic (the relay stage published it) and the lag says so.
  await waitFor(
    'the workers to start consuming',
    async () => ((await consumerLag(lab)) > 0 ? true : undefined),
    30_000,
    250,
  ).catch(() => undefined);
  await waitFor(
    `${workers} workers to drain the topic (${open} open payments)`,
    async () => ((await consumerLag(lab)) === 0 ? true : undefined),
    60_000 + open * 20,
    250,
  );
  const { rows } = await lab.pool.query<{ n: string; span: number | null }>(
    `SELECT count(*) AS n, extract(epoch FROM max(completed_at) - min(completed_at))::float8 AS span
       FROM payments WHERE completed_at >= $1`,
    [startedAt],
  );
  const settled = Number(rows[0]?.n ?? 0);
  const span = rows[0]?.span ?? 0;
  const paymentsPerSec = span > 0 ? (settled - 1) / span : Number.NaN;
  lab.log(
    `  workers alone: ${settled} payments in ${span.toFixed(2)} s → ${paymentsPerSec.toFixed(0)} payments/s`,
  );
  return { paymentsPerSec, payments: settled, workers };
}
