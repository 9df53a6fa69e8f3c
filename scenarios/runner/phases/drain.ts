/**
 * drain: after the load, wait until every payment of the run is terminal with no pending outbox
 * row AND every fault's SLIs are back in their band — or the drain deadline passes. Observes at
 * least MIN_OBSERVATION_AFTER_SECONDS after the load and the last fault, so lags have samples to
 * recover in. Ends by comparing pids with prepare's (a restart nobody played disturbs the run).
 */
import { SLIS, type SliId } from '../../../observability/slis/index.ts';
import { readProgress } from '../../../chaos/collect/db-history.ts';
import { queryRange } from '../../../chaos/collect/prometheus-range.ts';
import type { Sample } from '../../../chaos/recovery/recovery.ts';
import { windowsOf } from '../../../chaos/timeline.ts';
import type { FaultRecoveryRecord } from '../../../chaos/verdicts.ts';
import { bandsFromWarmUp, drainMayStop, recoveriesOf } from '../analysis.ts';
import { sleep, type PidMap, type RunContext } from '../context.ts';
import {
  DRAIN_POLL_MS,
  FINAL_SCRAPE_WAIT_MS,
  MIN_OBSERVATION_AFTER_SECONDS,
  SERIES_LEAD_MS,
} from '../timing.ts';
import { pidSnapshot } from './prepare.ts';

/** Services whose process changed during the run although no fault of the timeline touched them:
 *  the lab is shared, and a restart by someone else makes the run's numbers untrustworthy. */
export function foreignRestarts(before: PidMap, after: PidMap, faulted: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const [key, pid] of before) {
    if (faulted.has(key) || pid === undefined) continue;
    const now = after.get(key);
    if (now !== pid) out.push(`${key} (pid ${pid} → ${now ?? 'not running'})`);
  }
  return out;
}

/** The recovery of every fault window as the SLIs show it up to `now` (none, if Prometheus cannot say). */
async function recoveriesSoFar(ctx: RunContext, now: number): Promise<FaultRecoveryRecord[]> {
  const { loadStart, loadEnd, settledAt } = ctx.clocks;
  const windows = windowsOf(ctx.timeline.events);
  if (windows.length === 0 || loadStart === null || loadEnd === null) return [];
  try {
    const series: Partial<Record<SliId, Sample[]>> = {};
    for (const sli of SLIS)
      series[sli.id] = await queryRange(ctx.prom, sli.promql, loadStart - SERIES_LEAD_MS, now);
    const bands = bandsFromWarmUp(series, loadStart, ctx.scenario.warmUpSeconds);
    return recoveriesOf(windows, series, bands, loadEnd, now, settledAt);
  } catch {
    return [];
  }
}

export async function drain(ctx: RunContext): Promise<void> {
  const { clocks, signal } = ctx;
  if (clocks.loadEnd === null) throw new Error('the drain phase needs the load to have ended');
  ctx.phase('drain');
  const deadline = clocks.loadEnd + ctx.scenario.drainDeadlineSeconds * 1000;
  clocks.drainDeadline = deadline;
  const lastFaultEnd = Math.max(clocks.loadEnd, ...windowsOf(ctx.timeline.events).map((w) => w.end ?? 0));
  const minUntil = lastFaultEnd + MIN_OBSERVATION_AFTER_SECONDS * 1000;
  while (!signal.aborted) {
    const now = Date.now();
    if (now >= deadline) break;
    const p = await readProgress(ctx.pool, ctx.runId).catch(() => null);
    if (p)
      ctx.log(
        `drain: ${p.open} of ${p.payments} payments not terminal, ${p.pendingOutbox} outbox rows pending`,
      );
    const settled = p !== null && p.open === 0 && p.pendingOutbox === 0;
    if (settled) clocks.settledAt ??= now;
    else clocks.settledAt = null;
    if (settled && now >= minUntil) {
      // Payments settled; the SLIs must also be seen back in band, or the deadline must pass.
      const recoveries = await recoveriesSoFar(ctx, now);
      if (drainMayStop(now, settled, minUntil, recoveries)) break;
      const waiting = recoveries.filter((r) => r.recovery.status === 'not-recovered').map((r) => r.label);
      ctx.log(`drain: waiting for ${waiting.join(', ')} to recover`);
    }
    await sleep(Math.min(DRAIN_POLL_MS, deadline - now), signal);
  }
  if (signal.aborted)
    ctx.notes.push(
      'interrupted by the user: the drain was cut short, so "stuck" counts payments that might still have settled',
    );
  clocks.observedUntil = Math.min(Date.now(), deadline);
  if (ctx.pidsBefore) {
    const after = await pidSnapshot(ctx.runtime).catch(() => null);
    ctx.disturbed = after === null ? null : foreignRestarts(ctx.pidsBefore, after, ctx.faulted);
  }
  await sleep(FINAL_SCRAPE_WAIT_MS);
}
