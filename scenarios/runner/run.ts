/**
 * One scenario, end to end: bring the lab up with the scenario's strategy, heal leftovers, run
 * k6 while the chaos engine plays the timeline, heal, drain, collect, check, report. Phases are
 * announced to the live view; every exit path — success, failure, Ctrl-C, k6 aborting — heals.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  loadConfig,
  ROBUST_STRATEGY,
  withBrokers,
  type LabConfig,
  type StrategyKnobs,
} from '../../system/src/config.ts';
import { loadSecrets } from '../../system/src/secrets.ts';
import { METRICS, SCRAPE_JOBS } from '../../system/src/metric-names.ts';
import { NativeRuntime } from '../../system/lab/native/runtime.ts';
import { toolPaths } from '../../system/lab/native/tools.ts';
import { SLIS, type SliId } from '../../dashboards/sli.ts';
import type { LiveView } from '../../dashboards/terminal/live-events.ts';
import { ALL_CHECKS } from '../../chaos/checker/checks.ts';
import { runChecks } from '../../chaos/checker/compose.ts';
import type { RunHistory, TopicMessage } from '../../chaos/checker/history.ts';
import { kafkaInjector, pgAdmin, toxiproxyLinks } from '../../chaos/faults/clients.ts';
import { ChaosEngine } from '../../chaos/faults/engine.ts';
import { kafkaClusterControl } from '../../chaos/faults/kafka-cluster.ts';
import { faultRestarts } from '../../chaos/faults/spec.ts';
import { startLabMetrics } from '../../chaos/lab-metrics.ts';
import { grafanaAnnotator } from '../../chaos/grafana.ts';
import { TimelineRecorder, windowsOf, type TimelineEvent } from '../../chaos/timeline.ts';
import { observerPool, readProgress, readRunSlice } from '../../chaos/collect/db-history.ts';
import { parseAccepted, readK6Summary, type K6Numbers } from '../../chaos/collect/k6-output.ts';
import { readTopicsSince, topicMarks, type TopicMarks } from '../../chaos/collect/topic-history.ts';
import {
  counterGrowth,
  queryRange,
  queryRangeRaw,
  queryScalar,
} from '../../chaos/collect/prometheus-range.ts';
import type { Sample } from '../../chaos/recovery/recovery.ts';
import {
  allPass,
  checkVerdicts,
  exercisedVerdicts,
  recoveryVerdicts,
  sloVerdicts,
} from '../../chaos/verdicts.ts';
import type { ChartData, RunReport } from '../../chaos/report/model.ts';
import { renderMarkdown } from '../../chaos/report/markdown.ts';
import { renderHtml } from '../../chaos/report/html.ts';
import { loadDurationSeconds, plannedIterations, type Scenario } from '../lib/define.ts';
import { scheduleFaults } from '../lib/overrides.ts';
import {
  bandsFromWarmUp,
  capacityOf,
  CHART_QUERIES,
  drainMayStop,
  recoveriesOf,
  warmUpRange,
} from './analysis.ts';
import type { FaultRecoveryRecord } from '../../chaos/verdicts.ts';
import { k6Files, startK6, waitForLoadStart } from './k6-process.ts';

export interface RunOptions {
  seed: number;
  view: LiveView;
  signal: AbortSignal;
  config?: LabConfig;
}

export interface RunOutcome {
  report: RunReport;
  runDir: string;
}

/** Seconds the drain phase keeps observing after the load at least, so lags have samples to recover in. */
const MIN_OBSERVATION_AFTER_SECONDS = 10;

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-').replace('Z', '');
}

function newRunId(now: number): string {
  // Lower-case hex and digits only: no PG simulator trigger word can ever appear in an order id.
  return `r${now.toString(36)}${randomBytes(3).toString('hex')}`;
}

function prometheusUrl(config: LabConfig): string {
  return `http://${config.services.prometheus.host}:${config.services.prometheus.port}`;
}

async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

type PidMap = Map<string, number | undefined>;

async function pidSnapshot(runtime: NativeRuntime): Promise<PidMap> {
  const status = await runtime.status();
  return new Map(
    status.map((st) => [`${st.service}-${st.instance}`, st.state === 'running' ? st.pid : undefined]),
  );
}

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

/** Counter growth over the run, or null when the worker was never scraped (then we cannot know). */
async function counterIncrease(
  base: string,
  metric: string,
  from: number,
  to: number,
): Promise<number | null> {
  const seconds = Math.max(1, Math.ceil((to - from) / 1000));
  const scraped = await queryScalar(
    base,
    `max_over_time(up{job="${SCRAPE_JOBS.worker}"}[${seconds}s])`,
    to,
  ).catch(() => null);
  if (scraped === null) return null;
  const series = await queryRangeRaw(base, metric, from - 5000, to).catch(() => null);
  // No series: the counter was never incremented by a scraped worker, which is a real zero.
  return series === null ? null : Math.round(counterGrowth(series, from));
}

/** The recovery of every fault window as the SLIs show it up to `now` (none, if Prometheus cannot say). */
async function recoveriesSoFar(
  prom: string,
  scenario: Scenario,
  events: readonly TimelineEvent[],
  loadStart: number,
  loadEnd: number,
  now: number,
  settledAt: number | null,
): Promise<FaultRecoveryRecord[]> {
  const windows = windowsOf(events);
  if (windows.length === 0) return [];
  try {
    const series: Partial<Record<SliId, Sample[]>> = {};
    for (const sli of SLIS) series[sli.id] = await queryRange(prom, sli.promql, loadStart - 5000, now);
    const bands = bandsFromWarmUp(series, loadStart, scenario.warmUpSeconds);
    return recoveriesOf(windows, series, bands, loadEnd, now, settledAt);
  } catch {
    return [];
  }
}

/** Reads the run's messages back; a connection the broker closed (a link just healed, a busy
 *  machine) is worth another try with a fresh consumer before every topic verdict turns unknown. */
async function readTopicsRetrying(
  config: LabConfig,
  marks: TopicMarks,
  runId: string,
  notes: string[],
): Promise<TopicMessage[] | null> {
  const attempts = 3;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      return await readTopicsSince(config, marks, { readId: attempt === 1 ? runId : `${runId}-${attempt}` });
    } catch (error) {
      notes.push(`reading the topics back, try ${attempt} of ${attempts}: ${String(error)}`);
      if (attempt < attempts) await sleep(2000);
    }
  }
  notes.push('the topics could not be read back: every topic verdict is unknown');
  return null;
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunOutcome> {
  // The scenario picks the Kafka topology; every client of the run (chaos, checker) follows it.
  const config = withBrokers(options.config ?? loadConfig(), scenario.brokers);
  const cluster = config.kafka.brokers > 1 ? kafkaClusterControl(config) : undefined;
  const { view, signal } = options;
  const log = (text: string) => view.push({ type: 'message', text });
  const phase = (name: string) => view.push({ type: 'phase', phase: name });
  const startedAt = Date.now();
  const runId = newRunId(startedAt);
  const runDir = path.join(config.paths.reportsDir, `${stamp(startedAt)}-${scenario.name}`);
  fs.mkdirSync(runDir, { recursive: true });
  const strategy: StrategyKnobs = { ...ROBUST_STRATEGY, ...scenario.strategy };
  fs.writeFileSync(
    path.join(runDir, 'scenario.json'),
    `${JSON.stringify({ runId, seed: options.seed, strategy, scenario }, null, 2)}\n`,
  );
  const notes: string[] = [];
  const secrets = loadSecrets(config);
  const merchant = secrets.merchants[0];
  if (!merchant) throw new Error('no merchant credentials in the lab secrets');

  const metrics = await startLabMetrics(config);
  const grafana = await grafanaAnnotator(config, runId);
  const timelineFile = path.join(runDir, 'timeline.jsonl');
  fs.writeFileSync(timelineFile, '');
  const timeline = new TimelineRecorder(timelineFile, metrics, {
    annotate(e: TimelineEvent) {
      grafana.annotate(e);
      if (e.event === 'start')
        view.push({
          type: 'fault-started',
          faultId: e.faultId,
          label: e.label,
          target: e.target,
          kind: e.kind,
          at: e.t,
        });
      if (e.event === 'end' || e.event === 'heal')
        view.push({ type: 'fault-ended', faultId: e.faultId, at: e.t });
      if (e.event === 'error') log(`fault ${e.faultId}: ${e.detail ?? 'error'}`);
    },
  });
  const runtime = new NativeRuntime(config);
  const pool = observerPool(config);
  const pg = pgAdmin(config, secrets.pgMockAdminToken);
  const engine = new ChaosEngine({
    links: toxiproxyLinks(config),
    pg,
    runtime,
    injector: kafkaInjector(config, pool, runId),
    ...(cluster ? { cluster } : {}),
    timeline,
    seed: options.seed,
    log,
  });
  const files = k6Files(runDir);
  const prom = prometheusUrl(config);

  let loadStart: number | null = null;
  let loadEnd: number | null = null;
  let drainDeadline: number | null = null;
  let observedUntil = Date.now();
  let settledAt: number | null = null;
  let k6ExitCode: number | null = null;
  let k6Numbers: K6Numbers | null = null;
  const planned = plannedIterations(scenario.load);
  let pidsBefore: PidMap | null = null;
  let marks: TopicMarks | null = null;
  let disturbed: string[] | null = null;
  const faulted = new Set(scenario.faults.flatMap((f) => faultRestarts(f.fault)));

  try {
    phase('prepare');
    log(`run ${runId}, seed ${options.seed}, report in ${runDir}`);
    // Leftovers of an interrupted run (a disabled proxy, a PG fault) would make the stack fail its
    // health checks, so heal what can be reached before starting it, and strictly after.
    await engine.heal().catch(() => undefined);
    await runtime.up({
      stack: true,
      strategy,
      instances: scenario.instances,
      onProgress: (line) => log(line.trim()),
    });
    const leftovers = await engine.heal();
    if (leftovers.length > 0)
      throw new Error(`the lab could not be healed before the run: ${leftovers.join('; ')}`);
    // The PG's random choices come from the run's seed, fault or no fault.
    await pg.setFaults({ seed: options.seed });
    if (signal.aborted) throw new Error('interrupted before the load started');

    pidsBefore = await pidSnapshot(runtime).catch(() => null);
    // Before the first create: the checker reads the topics from exactly here.
    marks = await topicMarks(config).catch((error: unknown) => {
      notes.push(
        `topic offsets unreadable at load start, the topic-based checks are unknown: ${String(error)}`,
      );
      return null;
    });

    phase('load');
    const k6 = startK6({
      k6Path: toolPaths(config).k6,
      config,
      load: scenario.load,
      maxDroppedIterations: Math.floor((scenario.expect.slo.droppedIterationsRatio ?? 1) * planned),
      runId,
      seed: options.seed,
      apiKey: merchant.apiKey,
      files,
    });
    const onAbort = () => k6.interrupt();
    signal.addEventListener('abort', onAbort, { once: true });
    loadStart = await waitForLoadStart(files.console, k6.exited);
    if (loadStart === null) {
      k6.interrupt();
      k6ExitCode = await k6.exited;
      throw new Error(`k6 did not start the load (exit code ${k6ExitCode}); see ${files.log}`);
    }
    const totalSeconds = loadDurationSeconds(scenario.load);
    const schedule = scheduleFaults(scenario.faults, options.seed);
    const chaosAbort = new AbortController();
    signal.addEventListener('abort', () => chaosAbort.abort(), { once: true });
    const playing = engine.play(schedule, loadStart, chaosAbort.signal);
    const progress = setInterval(() => {
      const elapsed = (Date.now() - (loadStart ?? Date.now())) / 1000;
      void Promise.all([
        queryScalar(prom, `sum(rate(k6_iterations_total{testid="${runId}"}[10s]))`, Date.now()).catch(
          () => null,
        ),
        queryScalar(prom, `sum(k6_dropped_iterations_total{testid="${runId}"})`, Date.now()).catch(
          () => null,
        ),
        // k6_vus is the instant count of busy VUs, mostly 0 between short requests: take the peak.
        queryScalar(prom, `max(max_over_time(k6_vus{testid="${runId}"}[10s]))`, Date.now()).catch(() => null),
        queryScalar(prom, `max(k6_vus_max{testid="${runId}"})`, Date.now()).catch(() => null),
      ]).then(([achieved, dropped, vus, vusAllocated]) =>
        view.push({
          type: 'load-progress',
          elapsedSeconds: Math.min(elapsed, totalSeconds),
          totalSeconds,
          targetRate: targetRateAt(scenario, elapsed),
          achievedRate: achieved ?? 0,
          vus: vus ?? 0,
          vusAllocated: vusAllocated ?? 0,
          droppedIterations: dropped ?? 0,
        }),
      );
    }, 2000);
    try {
      k6ExitCode = await k6.exited;
    } finally {
      clearInterval(progress);
      signal.removeEventListener('abort', onAbort);
    }
    loadEnd = Date.now();
    view.push({ type: 'load-finished', elapsedSeconds: (loadEnd - loadStart) / 1000 });
    // Faults all end before the load does (validated); a k6 that stopped early cuts them short.
    chaosAbort.abort();
    await playing;

    phase('heal');
    const problems = await engine.heal();
    for (const p of problems) notes.push(`heal problem: ${p}`);
    if (k6ExitCode !== 0 && k6ExitCode !== 99)
      notes.push(
        `k6 exited with code ${k6ExitCode} (99 = thresholds crossed is expected to be judged, anything else means the load did not run as planned); see k6.log`,
      );

    phase('drain');
    drainDeadline = loadEnd + scenario.drainDeadlineSeconds * 1000;
    const lastFaultEnd = Math.max(loadEnd, ...windowsOf(timeline.events).map((w) => w.end ?? 0));
    const minUntil = lastFaultEnd + MIN_OBSERVATION_AFTER_SECONDS * 1000;
    while (!signal.aborted) {
      const now = Date.now();
      if (now >= drainDeadline) break;
      const p = await readProgress(pool, runId).catch(() => null);
      if (p)
        view.push({
          type: 'message',
          text: `drain: ${p.open} of ${p.payments} payments not terminal, ${p.pendingOutbox} outbox rows pending`,
        });
      const settled = p !== null && p.open === 0 && p.pendingOutbox === 0;
      if (settled) settledAt ??= now;
      else settledAt = null;
      if (settled && now >= minUntil) {
        // Payments settled; the SLIs must also be seen back in band, or the deadline must pass.
        const recoveries = await recoveriesSoFar(
          prom,
          scenario,
          timeline.events,
          loadStart,
          loadEnd,
          now,
          settledAt,
        );
        if (drainMayStop(now, settled, minUntil, recoveries)) break;
        const waiting = recoveries.filter((r) => r.recovery.status === 'not-recovered').map((r) => r.label);
        view.push({ type: 'message', text: `drain: waiting for ${waiting.join(', ')} to recover` });
      }
      await sleep(Math.min(2000, drainDeadline - now), signal);
    }
    if (signal.aborted)
      notes.push(
        'interrupted by the user: the drain was cut short, so "stuck" counts payments that might still have settled',
      );
    observedUntil = Math.min(Date.now(), drainDeadline);
    if (pidsBefore) {
      const after = await pidSnapshot(runtime).catch(() => null);
      disturbed = after === null ? null : foreignRestarts(pidsBefore, after, faulted);
    }
    // Let Prometheus scrape the last second before the range queries read it.
    await sleep(2500);
  } catch (error) {
    notes.push(`run error: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    const problems = await engine.heal().catch((error: unknown) => [String(error)]);
    for (const p of problems) notes.push(`final heal problem: ${p}`);
  }

  phase('collect');
  if (fs.existsSync(files.summary)) {
    try {
      k6Numbers = readK6Summary(JSON.parse(fs.readFileSync(files.summary, 'utf8')));
    } catch (error) {
      notes.push(`k6 summary unreadable: ${String(error)}`);
    }
  } else notes.push('k6 wrote no summary');
  const accepted = fs.existsSync(files.console) ? parseAccepted(fs.readFileSync(files.console, 'utf8')) : [];
  const windows = windowsOf(timeline.events);

  const seriesFrom = (loadStart ?? startedAt) - 5000;
  const seriesTo = Math.max(seriesFrom + 1000, observedUntil);
  const sliSeries: Partial<Record<SliId, Sample[]>> = {};
  const charts: ChartData[] = [];
  try {
    for (const sli of SLIS) sliSeries[sli.id] = await queryRange(prom, sli.promql, seriesFrom, seriesTo);
    for (const c of CHART_QUERIES) {
      const series = [];
      for (const s of c.series)
        series.push({
          name: s.name,
          color: s.color,
          samples: await queryRange(prom, s.promql, seriesFrom, seriesTo),
        });
      charts.push({ id: c.id, title: c.title, unit: c.unit, series });
    }
  } catch (error) {
    notes.push(`Prometheus series unavailable: ${String(error)}`);
  }

  let checks: RunReport['checks'] = [];
  if (loadStart !== null && loadEnd !== null) {
    try {
      const slice = await readRunSlice(pool, runId);
      const ledger = await pg.ledger().catch((error: unknown) => {
        notes.push(`PG ledger unreadable: ${String(error)}`);
        return null;
      });
      const ids = new Set(slice.payments.map((p) => p.id));
      for (const a of accepted) ids.add(a.paymentId);
      const topics = marks === null ? null : await readTopicsRetrying(config, marks, runId, notes);
      const history: RunHistory = {
        runId,
        createsAttempted: k6Numbers?.createsAttempted ?? 0,
        createsAcceptedByK6: k6Numbers?.createsAccepted ?? accepted.length,
        accepted,
        ...slice,
        topics,
        ledger: ledger === null ? null : ledger.filter((e) => ids.has(e.paymentId)),
        counters: {
          duplicateDeliveries: await counterIncrease(
            prom,
            METRICS.workerDuplicateDeliveries,
            loadStart,
            observedUntil,
          ),
          deadLetters: await counterIncrease(prom, METRICS.workerDeadLetters, loadStart, observedUntil),
        },
        injectedPoisonMessages: engine.injected.poison,
        injectedRedeliveries: engine.injected.redelivered,
        faultWindows: windows.map((w) => ({
          id: w.id,
          label: w.label,
          start: w.start,
          end: w.end ?? observedUntil,
        })),
        loadStart,
        loadEnd,
        drainDeadline: drainDeadline ?? observedUntil,
      };
      fs.writeFileSync(path.join(runDir, 'history.json'), JSON.stringify(history));
      checks = runChecks(ALL_CHECKS, history);
    } catch (error) {
      notes.push(`the run's data could not be collected, every check is unknown: ${String(error)}`);
    }
  } else notes.push('the load never ran: nothing to check');

  phase('check');
  const bands = loadStart === null ? {} : bandsFromWarmUp(sliSeries, loadStart, scenario.warmUpSeconds);
  const recoveries =
    loadEnd === null ? [] : recoveriesOf(windows, sliSeries, bands, loadEnd, observedUntil, settledAt);
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
  let capacity: RunReport['capacity'] = null;
  if (scenario.capacity && loadStart !== null && loadEnd !== null) {
    const acceptedRate = charts.find((c) => c.id === 'throughput')?.series[0]?.samples ?? [];
    capacity = capacityOf(
      scenario.capacity,
      acceptedRate,
      sliSeries.accept_p95_latency ?? [],
      sliSeries.outbox_lag ?? [],
      sliSeries.consumer_lag ?? [],
      warmUpRange(loadStart, 0).from,
      loadEnd,
    );
  }
  const verdicts = [
    ...exercisedVerdicts(scenario, k6Numbers, planned),
    ...checkVerdicts(scenario, checks),
    ...recoveryVerdicts(scenario, recoveries),
    ...sloVerdicts(scenario, k6Numbers, planned),
  ];
  if (loadStart === null)
    verdicts.push({ name: 'load ran', expected: 'k6 started the load', actual: 'it did not', pass: false });
  verdicts.push({
    name: 'lab undisturbed',
    expected: 'no process restarted except by the timeline',
    actual:
      disturbed === null
        ? 'unknown (no process status)'
        : disturbed.length === 0
          ? 'undisturbed'
          : `restarted by something else: ${disturbed.join(', ')}`,
    pass: disturbed !== null && disturbed.length === 0,
  });

  const report: RunReport = {
    runId,
    scenario,
    seed: options.seed,
    strategy,
    startedAt,
    loadStart,
    loadEnd,
    drainDeadline,
    finishedAt: Date.now(),
    plannedIterations: planned,
    k6: k6Numbers,
    k6ExitCode,
    timeline: timeline.events,
    windows,
    checks,
    bands,
    recoveries,
    capacity,
    verdicts,
    passed: allPass(verdicts) && !signal.aborted,
    charts,
    notes,
  };
  phase('report');
  const markdown = renderMarkdown(report);
  fs.writeFileSync(path.join(runDir, 'result.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(runDir, 'report.md'), markdown);
  fs.writeFileSync(path.join(runDir, 'report.html'), renderHtml(report, markdown));
  const latest = path.join(config.paths.reportsDir, 'latest');
  fs.rmSync(latest, { force: true });
  fs.symlinkSync(path.basename(runDir), latest);

  // The lab is shared: a naive strategy or odd instance count must not outlive the run.
  const robust = Object.entries(ROBUST_STRATEGY).every(([k, v]) => strategy[k as keyof StrategyKnobs] === v);
  const defaultInstances =
    scenario.instances.relay === config.instances.relay &&
    scenario.instances.worker === config.instances.worker;
  if (!robust || !defaultInstances) {
    phase('restore');
    await runtime
      .up({
        stack: true,
        strategy: ROBUST_STRATEGY,
        instances: config.instances,
        onProgress: (line) => log(line.trim()),
      })
      .catch((error: unknown) => log(`could not restore the robust stack: ${String(error)}`));
  }
  // The gauge must be scraped at 0 after healing before its endpoint disappears.
  await sleep(1500);
  await metrics.close();
  await pool.end().catch(() => undefined);
  await cluster?.close();
  return { report, runDir };
}

function targetRateAt(s: Scenario, elapsedSeconds: number): number {
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
