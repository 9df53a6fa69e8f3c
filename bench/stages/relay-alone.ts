/**
 * One relay alone draining a pre-filled outbox backlog (workers stopped, so the topic fills for the
 * worker stage). The rate comes from the DB: rows marked sent per second between the first and the
 * last mark (the relay's start-up is not throughput; the first batch is left out of the count).
 */
import type { KafkaClientName } from '../../system/src/config.ts';
import { prefillPayments } from '../backlog.ts';
import { maintainTables, pendingOutbox, setStack, waitFor, type BenchLab } from '../lab.ts';

export interface RelayAlone {
  rowsPerSec: number;
  rows: number;
}

/** `client`: the Kafka client library of the relay (default: the stack's, config.kafka.client). */
export async function measureRelayAlone(
  lab: BenchLab,
  backlog: number,
  client: KafkaClientName = lab.config.kafka.client,
): Promise<RelayAlone> {
  await setStack(lab, { relay: 0, worker: 0 });
  const pending = await pendingOutbox(lab);
  lab.log(
    `  relay alone: pre-filling ${Math.max(0, backlog - pending)} payments (${pending} already pending)`,
  );
  await prefillPayments(lab, backlog - pending);
  // A previous relay run left tens of thousands of dead row versions, which autovacuum would clean
  // during THIS run (likely why, without this, the second client measured in a repetition ran
  // 1.7–2.7× slower than the first, whichever client it was): both start from a vacuumed table.
  await maintainTables(lab);
  const total = await pendingOutbox(lab);
  const startedAt = new Date();
  await setStack(lab, { relay: 1, worker: 0 }, client);
  await waitFor(
    `the relay to drain ${total} outbox rows`,
    async () => ((await pendingOutbox(lab)) === 0 ? true : undefined),
    60_000 + total * 5,
    200,
  );
  const { rows } = await lab.pool.query<{ rows: string; first: string; span: number | null }>(
    `WITH s AS (SELECT sent_at FROM outbox WHERE status = 'sent' AND sent_at >= $1)
     SELECT count(*) AS rows,
            count(*) FILTER (WHERE sent_at = (SELECT min(sent_at) FROM s)) AS first,
            extract(epoch FROM max(sent_at) - min(sent_at))::float8 AS span
       FROM s`,
    [startedAt],
  );
  const row = rows[0];
  const sent = Number(row?.rows ?? 0);
  const span = row?.span ?? 0;
  const rowsPerSec = span > 0 ? (sent - Number(row?.first ?? 0)) / span : Number.NaN;
  lab.log(
    `  relay alone (${client}): ${sent} rows in ${span.toFixed(2)} s → ${rowsPerSec.toFixed(0)} rows/s`,
  );
  return { rowsPerSec, rows: sent };
}
