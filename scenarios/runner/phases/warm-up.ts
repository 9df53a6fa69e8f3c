/**
 * warm-up: k6 starts the load and the first `warmUpSeconds` pass with no fault at all — the
 * steady-state band of every SLI is measured here (chaos/recovery), so nothing may disturb it.
 * The schedule cannot start a fault earlier: validation keeps every start (jitter included) at or
 * after the warm-up.
 */
import { loadDurationSeconds, type Scenario } from '../../lib/define.ts';
import { queryScalar } from '../../../chaos/collect/prometheus-range.ts';
import { sleep, type RunContext } from '../context.ts';
import { startK6, waitForLoadStart } from '../k6-process.ts';
import { LOAD_PROGRESS_INTERVAL_MS } from '../timing.ts';

/** The arrival rate the scenario asks for at `elapsedSeconds` into the load. */
export function targetRateAt(s: Scenario, elapsedSeconds: number): number {
  if (s.load.executor === 'constant-arrival-rate') return s.load.rate ?? 0;
  let from = s.load.startRate ?? 0;
  let t = elapsedSeconds;
  for (const st of s.load.stages ?? []) {
    if (t <= st.durationSeconds) return from + ((st.target - from) * t) / st.durationSeconds;
    t -= st.durationSeconds;
    from = st.target;
  }
  return from;
}

/** Pushes k6's progress (from its remote-written metrics) to the live view until stopped. */
function reportLoadProgress(ctx: RunContext, loadStart: number): () => void {
  const totalSeconds = loadDurationSeconds(ctx.scenario.load);
  const q = (promql: string) => queryScalar(ctx.prom, promql, Date.now()).catch(() => null);
  const testid = `testid="${ctx.runId}"`;
  const timer = setInterval(() => {
    const elapsed = (Date.now() - loadStart) / 1000;
    void Promise.all([
      q(`sum(rate(k6_iterations_total{${testid}}[10s]))`),
      q(`sum(k6_dropped_iterations_total{${testid}})`),
      // k6_vus is the instant count of busy VUs, mostly 0 between short requests: take the peak.
      q(`max(max_over_time(k6_vus{${testid}}[10s]))`),
      q(`max(k6_vus_max{${testid}})`),
    ]).then(([achieved, dropped, vus, vusAllocated]) =>
      ctx.view.push({
        type: 'load-progress',
        elapsedSeconds: Math.min(elapsed, totalSeconds),
        totalSeconds,
        targetRate: targetRateAt(ctx.scenario, elapsed),
        achievedRate: achieved ?? 0,
        vus: vus ?? 0,
        vusAllocated: vusAllocated ?? 0,
        droppedIterations: dropped ?? 0,
      }),
    );
  }, LOAD_PROGRESS_INTERVAL_MS);
  return () => clearInterval(timer);
}

/** Starts k6 and returns when the warm-up is over (or k6 ended, or the run was interrupted). */
export async function warmUp(ctx: RunContext): Promise<void> {
  ctx.phase('warm-up');
  // An abort already signalled would never reach the listeners below: k6 would run to its end.
  if (ctx.signal.aborted) throw new Error('interrupted before the load started');
  const { scenario, k6Files: files } = ctx;
  const run = startK6({
    k6Path: ctx.runtime.k6Path(),
    config: ctx.config,
    load: scenario.load,
    maxDroppedIterations: Math.floor((scenario.expect.slo.droppedIterationsRatio ?? 1) * ctx.planned),
    runId: ctx.runId,
    seed: ctx.seed,
    apiKey: ctx.merchantApiKey,
    files,
  });
  ctx.k6.run = run;
  void run.exited.then(
    (code) => (ctx.k6.exitCode = code),
    () => undefined,
  );
  // Ctrl-C: k6 ends its test and still writes its summary; the chaos player stops with it.
  // (Scoped to the run: a caller's signal shared by many runs keeps no listener of this one.)
  const scope = { once: true, signal: ctx.scope.signal };
  ctx.signal.addEventListener('abort', () => run.interrupt(), scope);
  ctx.signal.addEventListener('abort', () => ctx.chaos.abort.abort(), scope);
  const loadStart = await waitForLoadStart(files.console, run.exited);
  if (loadStart === null) {
    run.interrupt();
    ctx.k6.exitCode = await run.exited;
    throw new Error(`k6 did not start the load (exit code ${ctx.k6.exitCode}); see ${files.log}`);
  }
  ctx.clocks.loadStart = loadStart;
  ctx.k6.stopProgress = reportLoadProgress(ctx, loadStart);
  const ended = new AbortController();
  const end = () => ended.abort();
  void run.exited.then(end, end);
  const either = AbortSignal.any([ctx.signal, ended.signal]);
  await sleep(loadStart + scenario.warmUpSeconds * 1000 - Date.now(), either);
}
