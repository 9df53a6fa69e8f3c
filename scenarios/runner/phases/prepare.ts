/**
 * prepare: the lab as this run needs it, without a `down`/`up` — so many short runs in a row (the
 * explorer) pay seconds each, not minutes. It resets exactly what the checks and the SLI bands read:
 *
 * 1. heals what an interrupted run left behind (every toxic removed, every proxy enabled, the PG's
 *    fault profile reset) — before `up`, whose health checks go through those proxies, and again after;
 * 2. `up` with the scenario's knobs and instance counts: starts what is missing, resumes a paused
 *    process, restarts only an app whose knobs changed, stops surplus relays/workers;
 * 3. reseeds the PG's random choices from the run's seed, fault or no fault;
 * 4. waits (at most BACKLOG_WAIT_MS) until no outbox row of any earlier run is pending and the
 *    consumer lag is 0, so the warm-up's steady-state band is this run's, not an earlier backlog's;
 * 5. records the pids (for "lab undisturbed") and the topic offsets (the checker reads from here).
 *
 * It does NOT wipe the DB, the topics or the PG's ledger: every check reads only this run's slice
 * (payments whose idempotency key starts with the run id, topic messages after the marks taken
 * here, ledger entries of this run's payments), so an earlier run's data cannot reach a verdict.
 */
import { sli } from '../../../observability/slis/index.ts';
import { readPendingOutbox } from '../../../chaos/collect/db-history.ts';
import { queryScalar } from '../../../chaos/collect/prometheus-range.ts';
import { topicMarks } from '../../../chaos/collect/topic-history.ts';
import type { LabRuntime } from '../../../system/lab/runtime.ts';
import { errorText, sleep, type PidMap, type RunContext } from '../context.ts';
import { BACKLOG_POLL_MS, BACKLOG_WAIT_MS } from '../timing.ts';

export async function pidSnapshot(runtime: LabRuntime): Promise<PidMap> {
  const status = await runtime.status();
  return new Map(
    status.map((st) => [`${st.service}-${st.instance}`, st.state === 'running' ? st.pid : undefined]),
  );
}

async function healLeftovers(ctx: RunContext): Promise<void> {
  const leftovers = await ctx.engine.heal();
  if (leftovers.length > 0)
    throw new Error(`the lab could not be healed before the run: ${leftovers.join('; ')}`);
}

/** An earlier run's backlog, or null once there is none. Unknown lag (no Prometheus) counts as none. */
async function backlog(ctx: RunContext): Promise<string | null> {
  const pending = await readPendingOutbox(ctx.pool);
  const lag = await queryScalar(ctx.prom, sli('consumer_lag').promql, Date.now()).catch(() => null);
  if (pending === 0 && (lag ?? 0) === 0) return null;
  return `${pending} pending outbox rows, consumer lag ${lag ?? 'unknown'}`;
}

async function waitForBacklog(ctx: RunContext): Promise<void> {
  const deadline = Date.now() + BACKLOG_WAIT_MS;
  let left = await backlog(ctx);
  if (left === null) return;
  ctx.log(`waiting for an earlier run's backlog: ${left}`);
  while (left !== null && Date.now() < deadline && !ctx.signal.aborted) {
    await sleep(BACKLOG_POLL_MS, ctx.signal);
    left = await backlog(ctx);
  }
  if (left !== null)
    ctx.notes.push(
      `an earlier run's backlog was still draining when the load started (${left}): the warm-up band may be wider than this run's own`,
    );
}

export async function prepare(ctx: RunContext): Promise<void> {
  ctx.phase('prepare');
  ctx.log(`run ${ctx.runId}, seed ${ctx.seed}, report in ${ctx.runDir}`);
  await ctx.engine.heal().catch(() => undefined);
  await ctx.runtime.up({
    stack: true,
    strategy: ctx.strategy,
    instances: ctx.scenario.instances,
    onProgress: (line) => ctx.log(line.trim()),
  });
  await healLeftovers(ctx);
  await ctx.pg.setFaults({ seed: ctx.seed });
  await waitForBacklog(ctx);
  if (ctx.signal.aborted) throw new Error('interrupted before the load started');
  ctx.pidsBefore = await pidSnapshot(ctx.runtime).catch(() => null);
  // Before the first create: the checker reads the topics from exactly here.
  ctx.marks = await topicMarks(ctx.config).catch((error: unknown) => {
    ctx.notes.push(
      `topic offsets unreadable at load start, the topic-based checks are unknown: ${errorText(error)}`,
    );
    return null;
  });
}
