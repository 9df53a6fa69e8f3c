/**
 * Backlog drain after a Kafka outage: k6 keeps a steady arrival rate while the kafka link is down
 * (the relay cannot publish, the workers cannot fetch), then the link comes back. The drain rate is
 * the payments settled per second from the first settle after the heal until every payment accepted
 * before the heal is settled, counted in the DB; the target compares it with the arrival rate. The
 * time from the heal to that first settle (the relay's backoff, the consumer's reconnect) is
 * reported beside it as the restart delay: it is recovery time, not drain throughput.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { toxiproxyLinks } from '../../chaos/faults/clients.ts';
import { startConstantLoad } from '../k6-load.ts';
import { scalar, setStack, sleep, waitFor, waitSettled, type BenchLab } from '../lab.ts';

export interface OutageDrain {
  arrivalPerSec: number;
  ratePerSec: number;
  /** Heal → first payment settled. */
  restartSeconds: number;
  outageSeconds: number;
  backlogAtHeal: number;
  drainSeconds: number;
}

export async function measureOutageDrain(
  lab: BenchLab,
  options: {
    rate: number;
    outageSeconds: number;
    warmSeconds: number;
    maxDrainSeconds: number;
    dir: string;
    seed: number;
    workers: number;
  },
): Promise<OutageDrain> {
  await setStack(lab, { relay: 1, worker: options.workers });
  await waitSettled(lab, 120_000);
  const links = toxiproxyLinks(lab.config);
  const proxy = lab.config.links.kafka.proxy;
  const load = await startConstantLoad(lab, {
    rate: options.rate,
    seconds: options.warmSeconds + options.outageSeconds + options.maxDrainSeconds,
    dir: path.join(options.dir, 'outage'),
    seed: options.seed,
    runId: randomUUID().replaceAll('-', '').slice(0, 12),
  });
  if (load.started === null) throw new Error('k6 did not start the outage load');
  const loadStarted = new Date(load.started);
  try {
    await sleep(options.warmSeconds * 1000);
    lab.log(`  outage: kafka link down for ${options.outageSeconds} s at ${options.rate}/s`);
    await links.setEnabled(proxy, false);
    await sleep(options.outageSeconds * 1000);
  } finally {
    await links.setEnabled(proxy, true);
  }
  const healedAt = new Date();
  const openBefore = () =>
    scalar(
      lab,
      `SELECT count(*) AS v FROM payments
        WHERE created_at >= $1 AND created_at < $2 AND state NOT IN ('completed', 'failed', 'canceled')`,
      [loadStarted, healedAt],
    );
  const backlogAtHeal = await openBefore();
  let drainedAt: Date;
  try {
    await waitFor(
      'the backlog to drain',
      async () => ((await openBefore()) === 0 ? true : undefined),
      options.maxDrainSeconds * 1000,
      250,
    );
    drainedAt = new Date();
  } catch {
    drainedAt = new Date();
    lab.log(`  outage: the backlog did not drain within ${options.maxDrainSeconds} s`);
  }
  load.k6.interrupt();
  await load.finish().catch(() => undefined);
  const { rows } = await lab.pool.query<{ n: string; restart: number | null; span: number | null }>(
    `SELECT count(*) AS n,
            extract(epoch FROM min(completed_at) - $1::timestamptz)::float8 AS restart,
            extract(epoch FROM max(completed_at) - min(completed_at))::float8 AS span
       FROM payments WHERE completed_at >= $1 AND completed_at <= $2`,
    [healedAt, drainedAt],
  );
  const settled = Number(rows[0]?.n ?? 0);
  const drainSeconds = rows[0]?.span ?? 0;
  const restartSeconds = rows[0]?.restart ?? Number.NaN;
  const ratePerSec = drainSeconds > 0 ? (settled - 1) / drainSeconds : Number.NaN;
  lab.log(
    `  outage: ${backlogAtHeal} payments open at the heal; first settle ${restartSeconds.toFixed(1)} s after it, ` +
      `then ${settled} settled in ${drainSeconds.toFixed(1)} s → ${ratePerSec.toFixed(0)}/s (arrival ${options.rate}/s)`,
  );
  return {
    arrivalPerSec: options.rate,
    ratePerSec,
    restartSeconds,
    outageSeconds: options.outageSeconds,
    backlogAtHeal,
    drainSeconds,
  };
}
