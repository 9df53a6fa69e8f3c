/**
 * collect: reads back what happened from independent truth — k6's summary and its accepted ids,
 * Prometheus' SLI and chart series, the run's slice of the DB, the topics from prepare's marks,
 * the PG's ledger, two worker counters — and runs every check of the checker over that history.
 * A source that does not answer is a note, and the checks it feeds say "unknown", never "pass".
 */
import fs from 'node:fs';
import path from 'node:path';
import { SLIS, type SliId } from '../../../observability/slis/index.ts';
import { METRICS, SCRAPE_JOBS } from '../../../system/src/metric-names.ts';
import { ALL_CHECKS } from '../../../chaos/checker/checks.ts';
import { runChecks } from '../../../chaos/checker/compose.ts';
import type { AcceptedPayment, RunHistory, TopicMessage } from '../../../chaos/checker/history.ts';
import { readRunSlice } from '../../../chaos/collect/db-history.ts';
import { parseAccepted, readK6Summary, type K6Numbers } from '../../../chaos/collect/k6-output.ts';
import {
  counterGrowth,
  queryRange,
  queryRangeRaw,
  queryScalar,
} from '../../../chaos/collect/prometheus-range.ts';
import { readTopicsSince } from '../../../chaos/collect/topic-history.ts';
import type { Sample } from '../../../chaos/recovery/recovery.ts';
import type { ChartData } from '../../../chaos/report/model.ts';
import { windowsOf } from '../../../chaos/timeline.ts';
import { CHART_QUERIES } from '../analysis.ts';
import { sleep, type Collected, type RunContext } from '../context.ts';
import { SERIES_LEAD_MS, TOPIC_READ_ATTEMPTS, TOPIC_READ_RETRY_MS } from '../timing.ts';

function readK6(ctx: RunContext): { numbers: K6Numbers | null; accepted: AcceptedPayment[] } {
  const files = ctx.k6Files;
  let numbers: K6Numbers | null = null;
  if (fs.existsSync(files.summary)) {
    try {
      numbers = readK6Summary(JSON.parse(fs.readFileSync(files.summary, 'utf8')));
    } catch (error) {
      ctx.notes.push(`k6 summary unreadable: ${String(error)}`);
    }
  } else ctx.notes.push('k6 wrote no summary');
  const accepted = fs.existsSync(files.console) ? parseAccepted(fs.readFileSync(files.console, 'utf8')) : [];
  return { numbers, accepted };
}

/** Every SLI and chart series from just before the load to the end of the observation. */
async function readSeries(ctx: RunContext): Promise<Pick<Collected, 'sliSeries' | 'charts'>> {
  const from = (ctx.clocks.loadStart ?? ctx.clocks.startedAt) - SERIES_LEAD_MS;
  const to = Math.max(from + 1000, ctx.clocks.observedUntil);
  const sliSeries: Partial<Record<SliId, Sample[]>> = {};
  const charts: ChartData[] = [];
  try {
    for (const sli of SLIS) sliSeries[sli.id] = await queryRange(ctx.prom, sli.promql, from, to);
    for (const c of CHART_QUERIES) {
      const series = [];
      for (const s of c.series)
        series.push({
          name: s.name,
          color: s.color,
          samples: await queryRange(ctx.prom, s.promql, from, to),
        });
      charts.push({ id: c.id, title: c.title, unit: c.unit, series });
    }
  } catch (error) {
    ctx.notes.push(`Prometheus series unavailable: ${String(error)}`);
  }
  return { sliSeries, charts };
}

/** Counter growth over the run, or null when the worker was never scraped (then we cannot know). */
async function counterIncrease(
  ctx: RunContext,
  metric: string,
  from: number,
  to: number,
): Promise<number | null> {
  const seconds = Math.max(1, Math.ceil((to - from) / 1000));
  const scraped = await queryScalar(
    ctx.prom,
    `max_over_time(up{job="${SCRAPE_JOBS.worker}"}[${seconds}s])`,
    to,
  ).catch(() => null);
  if (scraped === null) return null;
  const series = await queryRangeRaw(ctx.prom, metric, from - SERIES_LEAD_MS, to).catch(() => null);
  // No series: the counter was never incremented by a scraped worker, which is a real zero.
  return series === null ? null : Math.round(counterGrowth(series, from));
}

/** Reads the run's messages back; a connection the broker closed (a link just healed, a busy
 *  machine) is worth another try with a fresh consumer before every topic verdict turns unknown. */
async function readTopicsRetrying(ctx: RunContext): Promise<TopicMessage[] | null> {
  if (ctx.marks === null) return null;
  for (let attempt = 1; attempt <= TOPIC_READ_ATTEMPTS; attempt += 1) {
    try {
      const readId = attempt === 1 ? ctx.runId : `${ctx.runId}-${attempt}`;
      return await readTopicsSince(ctx.config, ctx.marks, { readId });
    } catch (error) {
      ctx.notes.push(`reading the topics back, try ${attempt} of ${TOPIC_READ_ATTEMPTS}: ${String(error)}`);
      if (attempt < TOPIC_READ_ATTEMPTS) await sleep(TOPIC_READ_RETRY_MS);
    }
  }
  ctx.notes.push('the topics could not be read back: every topic verdict is unknown');
  return null;
}

/** The run's history as the checker reads it, written to history.json. */
async function readHistory(
  ctx: RunContext,
  k6: { numbers: K6Numbers | null; accepted: AcceptedPayment[] },
  loadStart: number,
  loadEnd: number,
): Promise<RunHistory> {
  const { clocks } = ctx;
  const slice = await readRunSlice(ctx.pool, ctx.runId);
  const ledger = await ctx.pg.ledger().catch((error: unknown) => {
    ctx.notes.push(`PG ledger unreadable: ${String(error)}`);
    return null;
  });
  const ids = new Set(slice.payments.map((p) => p.id));
  for (const a of k6.accepted) ids.add(a.paymentId);
  return {
    runId: ctx.runId,
    createsAttempted: k6.numbers?.createsAttempted ?? 0,
    createsAcceptedByK6: k6.numbers?.createsAccepted ?? k6.accepted.length,
    accepted: k6.accepted,
    ...slice,
    topics: await readTopicsRetrying(ctx),
    ledger: ledger === null ? null : ledger.filter((e) => ids.has(e.paymentId)),
    counters: {
      duplicateDeliveries: await counterIncrease(
        ctx,
        METRICS.workerDuplicateDeliveries,
        loadStart,
        clocks.observedUntil,
      ),
      deadLetters: await counterIncrease(ctx, METRICS.workerDeadLetters, loadStart, clocks.observedUntil),
    },
    injectedPoisonMessages: ctx.engine.injected.poison,
    injectedRedeliveries: ctx.engine.injected.redelivered,
    faultWindows: windowsOf(ctx.timeline.events).map((w) => ({
      id: w.id,
      label: w.label,
      start: w.start,
      end: w.end ?? clocks.observedUntil,
    })),
    loadStart,
    loadEnd,
    drainDeadline: clocks.drainDeadline ?? clocks.observedUntil,
  };
}

export async function collect(ctx: RunContext): Promise<Collected> {
  ctx.phase('collect');
  const k6 = readK6(ctx);
  const series = await readSeries(ctx);
  const { loadStart, loadEnd } = ctx.clocks;
  let checks: Collected['checks'] = [];
  if (loadStart !== null && loadEnd !== null) {
    try {
      const history = await readHistory(ctx, k6, loadStart, loadEnd);
      fs.writeFileSync(path.join(ctx.runDir, 'history.json'), JSON.stringify(history));
      checks = runChecks(ALL_CHECKS, history);
    } catch (error) {
      ctx.notes.push(`the run's data could not be collected, every check is unknown: ${String(error)}`);
    }
  } else ctx.notes.push('the load never ran: nothing to check');
  ctx.collected = { k6: k6.numbers, accepted: k6.accepted, ...series, checks };
  return ctx.collected;
}
