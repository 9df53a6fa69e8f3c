/**
 * check: judges the run. Steady bands from the warm-up, recovery per fault window, capacity (when
 * the scenario measures it), then every verdict — exercised minimums, the checker's invariants,
 * recovery, SLOs, that the load ran, and that nobody else restarted a service meanwhile. The
 * result is the whole report as data; a run passes only when every verdict holds and it was not
 * interrupted.
 */
import type { SliId } from '../../../observability/slis/index.ts';
import { groupsFromPids, rampCpu, type RampCpu } from '../../../chaos/collect/cpu-recorder.ts';
import type { RunReport } from '../../../chaos/report/model.ts';
import { scheduleFaults } from '../../../chaos/faults/schedule.ts';
import { faultLabel } from '../../../chaos/faults/spec.ts';
import { windowsOf } from '../../../chaos/timeline.ts';
import {
  allPass,
  checkVerdicts,
  exercisedVerdicts,
  faultsPlayedVerdicts,
  recoveryVerdicts,
  sloVerdicts,
  type Verdict,
} from '../../../chaos/verdicts.ts';
import { bandsFromWarmUp, capacityOf, recoveriesOf, warmUpRange } from '../analysis.ts';
import type { Collected, RunContext } from '../context.ts';

function undisturbedVerdict(disturbed: string[] | null): Verdict {
  return {
    name: 'lab undisturbed',
    expected: 'no process restarted except by the timeline',
    actual:
      disturbed === null
        ? 'unknown (no process status)'
        : disturbed.length === 0
          ? 'undisturbed'
          : `restarted by something else: ${disturbed.join(', ')}`,
    pass: disturbed !== null && disturbed.length === 0,
  };
}

function capacity(ctx: RunContext, collected: Collected): RunReport['capacity'] {
  const { loadStart, loadEnd } = ctx.clocks;
  if (!ctx.scenario.capacity || loadStart === null || loadEnd === null) return null;
  const { charts, sliSeries } = collected;
  const acceptedRate = charts.find((c) => c.id === 'throughput')?.series[0]?.samples ?? [];
  const result = capacityOf(
    ctx.scenario.capacity,
    acceptedRate,
    sliSeries.accept_p95_latency ?? [],
    sliSeries.outbox_lag ?? [],
    sliSeries.consumer_lag ?? [],
    warmUpRange(loadStart, 0).from,
    loadEnd,
  );
  return { ...result, cpu: cpuOverRamp(ctx) };
}

/** CPU per process over the ramp, by the pids prepare recorded (the lab's roots) and k6's. */
function cpuOverRamp(ctx: RunContext): RampCpu | null {
  if (!ctx.cpuSamples || !ctx.pidsBefore) return null;
  const { groups, instances } = groupsFromPids(ctx.pidsBefore, ctx.k6.run?.child.pid);
  if (groups.roots.size === 0) return null;
  return rampCpu(ctx.cpuSamples, groups, instances);
}

export function check(ctx: RunContext, collected: Collected): RunReport {
  ctx.phase('check');
  const { scenario, clocks, view, planned } = ctx;
  const { checks, sliSeries, k6 } = collected;
  const windows = windowsOf(ctx.timeline.events);
  const bands =
    clocks.loadStart === null ? {} : bandsFromWarmUp(sliSeries, clocks.loadStart, scenario.warmUpSeconds);
  const recoveries =
    clocks.loadEnd === null
      ? []
      : recoveriesOf(windows, sliSeries, bands, clocks.loadEnd, clocks.observedUntil, clocks.settledAt);

  const count = (name: string) => checks.find((c) => c.name === name)?.problemCount ?? 0;
  if (checks.length > 0) view.push({ type: 'invariant-counts', stuck: count('stuck'), lost: count('lost') });
  const limits: Partial<Record<SliId, number>> = {};
  for (const [id, band] of Object.entries(bands)) if (band) limits[id as SliId] = band.limit;
  view.push({ type: 'steady-band', limits });
  for (const r of recoveries)
    view.push({
      type: 'recovery-measured',
      faultId: r.faultId,
      seconds: r.recovery.status === 'recovered' ? r.recovery.seconds : null,
    });

  const leftFaulted = ctx.engine.leftBehind();
  const scheduled = scheduleFaults(scenario.faults, ctx.seed).map((f) => ({
    id: f.id,
    label: faultLabel(f.fault),
  }));
  const verdicts = [
    ...faultsPlayedVerdicts(scheduled, ctx.timeline.events, leftFaulted),
    ...exercisedVerdicts(scenario, k6, planned),
    ...checkVerdicts(scenario, checks),
    ...recoveryVerdicts(scenario, recoveries),
    ...sloVerdicts(scenario, k6, planned),
  ];
  if (clocks.loadStart === null)
    verdicts.push({ name: 'load ran', expected: 'k6 started the load', actual: 'it did not', pass: false });
  verdicts.push(undisturbedVerdict(ctx.disturbed));

  return {
    runId: ctx.runId,
    scenario,
    seed: ctx.seed,
    strategy: ctx.strategy,
    startedAt: clocks.startedAt,
    loadStart: clocks.loadStart,
    loadEnd: clocks.loadEnd,
    drainDeadline: clocks.drainDeadline,
    finishedAt: Date.now(),
    plannedIterations: planned,
    k6,
    k6ExitCode: ctx.k6.exitCode,
    timeline: ctx.timeline.events,
    windows,
    checks,
    bands,
    recoveries,
    capacity: capacity(ctx, collected),
    verdicts,
    passed: allPass(verdicts) && !ctx.signal.aborted,
    charts: collected.charts,
    notes: ctx.notes,
    leftFaulted,
  };
}
