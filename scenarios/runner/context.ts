/**
 * One run's context: everything the phases share, in one object. What is fixed when the run opens
 * (scenario, config, runtime, seed, run id, report folder, the clients it opened) is readonly;
 * what the phases learn (clocks, k6's outcome, topic marks, pids, collected data) is filled in as
 * the run goes, and is null until the phase that measures it has run — a later phase reads null as
 * "never happened" (the load never started, Prometheus never answered), never as zero.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import {
  loadConfig,
  ROBUST_STRATEGY,
  withBrokers,
  type LabConfig,
  type StrategyKnobs,
} from '../../system/src/config.ts';
import { loadSecrets } from '../../system/src/secrets.ts';
import { createRuntime } from '../../system/lab/create-runtime.ts';
import type { LabRuntime } from '../../system/lab/runtime.ts';
import type { SliId } from '../../observability/slis/index.ts';
import type { LiveView } from '../../dashboards/terminal/live-events.ts';
import type { CheckResult } from '../../chaos/checker/result.ts';
import { kafkaInjector, pgAdmin, toxiproxyLinks, type PgAdmin } from '../../chaos/faults/clients.ts';
import { ChaosEngine } from '../../chaos/faults/engine.ts';
import { kafkaClusterControl, type KafkaClusterControl } from '../../chaos/faults/kafka-cluster.ts';
import { faultRestarts } from '../../chaos/faults/spec.ts';
import { startLabMetrics, type LabMetricsServer } from '../../chaos/lab-metrics.ts';
import { grafanaAnnotator } from '../../chaos/grafana.ts';
import { TimelineRecorder, type TimelineEvent } from '../../chaos/timeline.ts';
import { observerPool } from '../../chaos/collect/db-history.ts';
import type { AcceptedPayment } from '../../chaos/checker/history.ts';
import type { K6Numbers } from '../../chaos/collect/k6-output.ts';
import type { CpuSample } from '../../chaos/collect/proc-cpu.ts';
import type { TopicMarks } from '../../chaos/collect/topic-history.ts';
import type { Sample } from '../../chaos/recovery/recovery.ts';
import type { ChartData } from '../../chaos/report/model.ts';
import { plannedIterations, type Scenario } from '../lib/define.ts';
import { k6Files, type K6Files, type K6Run } from './k6-process.ts';

export interface RunOptions {
  seed: number;
  view: LiveView;
  signal: AbortSignal;
  config?: LabConfig;
  /** The lab to run against; by default the one createRuntime() chooses (PAYLAB_RUNTIME). A caller
   *  running many scenarios in a row passes one runtime to all of them. */
  runtime?: LabRuntime;
  /** Put the robust strategy and default instances back after a run that changed them (default
   *  true). A caller that runs many scenarios with one strategy passes false and restores once at
   *  the end (restoreRobustStack in phases/release.ts). */
  restoreStrategy?: boolean;
}

/** Service instance ("worker-1") → pid while running, undefined when not. */
export type PidMap = Map<string, number | undefined>;

/** The run's clocks, epoch ms. null: that moment never came (the load never started…). */
export interface RunClocks {
  readonly startedAt: number;
  /** When k6's arrival-rate clock started (its setup() printed the mark). */
  loadStart: number | null;
  loadEnd: number | null;
  /** loadEnd + the scenario's drain deadline. */
  drainDeadline: number | null;
  /** The last moment observed: the drain's end, never past its deadline. */
  observedUntil: number;
  /** Since when every payment of the run has been terminal with no pending outbox row; null: not (yet). */
  settledAt: number | null;
}

/** What the collect phase read back, for the check and report phases. */
export interface Collected {
  k6: K6Numbers | null;
  accepted: AcceptedPayment[];
  sliSeries: Partial<Record<SliId, Sample[]>>;
  charts: ChartData[];
  checks: CheckResult[];
}

export interface RunContext {
  readonly scenario: Scenario;
  readonly config: LabConfig;
  readonly runtime: LabRuntime;
  readonly seed: number;
  readonly runId: string;
  /** The report folder: reports/<time>-<scenario>/. */
  readonly runDir: string;
  /** The scenario's knobs over the robust defaults: what the stack runs with. */
  readonly strategy: StrategyKnobs;
  readonly planned: number;
  readonly view: LiveView;
  /** Ctrl-C or the live view's quit: every phase stops early, and the run still heals. */
  readonly signal: AbortSignal;
  /** Aborted by the release phase: listeners this run adds to `signal` (which a caller may share
   *  between many runs) are registered with this scope and end with the run. */
  readonly scope: AbortController;
  /** RunOptions.restoreStrategy, defaulted. */
  readonly restoreStrategy: boolean;
  readonly merchantApiKey: string;
  /** Prometheus' base URL. */
  readonly prom: string;
  readonly k6Files: K6Files;
  /** Process faults a scenario plays: "worker-0"; a restart of these is not a disturbance. */
  readonly faulted: ReadonlySet<string>;

  // Opened for the run, closed by the release phase.
  readonly metrics: LabMetricsServer;
  readonly pool: pg.Pool;
  readonly pg: PgAdmin;
  readonly timeline: TimelineRecorder;
  readonly engine: ChaosEngine;
  /** Partition leaders, the controller, each broker's proxies: only in cluster mode. */
  readonly cluster: KafkaClusterControl | undefined;

  readonly clocks: RunClocks;
  /** Offsets of every topic before the first create: the checker reads messages from here. */
  marks: TopicMarks | null;
  pidsBefore: PidMap | null;
  /** Services restarted by something other than the timeline; null: could not be told. */
  disturbed: string[] | null;
  /** k6's process, its exit code once it exited (null: still running, never started, or killed by
   *  a signal), and what stops the live view's load progress. */
  k6: { run: K6Run | null; exitCode: number | null; stopProgress: () => void };
  /** The chaos engine playing the schedule during the load, and how to cut it short. */
  chaos: { playing: Promise<void> | null; abort: AbortController };
  /** /proc samples over the load of a capacity scenario (who saturated first); null: not taken. */
  cpuSamples: CpuSample[] | null;
  collected: Collected | null;
  /** Things a reader of the report must know: heal problems, collection errors, interruptions. */
  readonly notes: string[];

  log(text: string): void;
  /** Announces a phase to the live view. */
  phase(name: PhaseName): void;
}

export const PHASES = [
  'prepare',
  'warm-up',
  'load',
  'heal',
  'drain',
  'collect',
  'check',
  'report',
  'restore',
] as const;
export type PhaseName = (typeof PHASES)[number];

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-').replace('Z', '');
}

function newRunId(now: number): string {
  // Lower-case hex and digits only: no PG simulator trigger word can ever appear in an order id.
  return `r${now.toString(36)}${randomBytes(3).toString('hex')}`;
}

function faultedInstances(scenario: Scenario): Set<string> {
  return new Set(scenario.faults.flatMap((f) => faultRestarts(f.fault)));
}

/** Forwards the fault timeline to the live view (and Grafana, when it answers). */
function timelineAnnotator(view: LiveView, grafana: { annotate(e: TimelineEvent): void }) {
  return {
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
    },
  };
}

/** Opens a run: its id and report folder (scenario.json written), the lab metrics endpoint, the
 *  timeline, the observer pool and the chaos engine. Touches no service of the stack. */
export async function openRun(scenario: Scenario, options: RunOptions): Promise<RunContext> {
  // The scenario picks the Kafka topology; every client of the run (chaos, checker) follows it.
  const config = withBrokers(options.config ?? loadConfig(), scenario.brokers);
  const runtime = options.runtime ?? createRuntime(undefined, config);
  const cluster = config.kafka.brokers > 1 ? kafkaClusterControl(config, runtime) : undefined;
  const { view, signal, seed } = options;
  const log = (text: string) => view.push({ type: 'message', text });
  const startedAt = Date.now();
  const runId = newRunId(startedAt);
  const runDir = path.join(config.paths.reportsDir, `${stamp(startedAt)}-${scenario.name}`);
  fs.mkdirSync(runDir, { recursive: true });
  const strategy: StrategyKnobs = { ...ROBUST_STRATEGY, ...scenario.strategy };
  fs.writeFileSync(
    path.join(runDir, 'scenario.json'),
    `${JSON.stringify({ runId, seed, strategy, scenario }, null, 2)}\n`,
  );
  const secrets = loadSecrets(config);
  const merchant = secrets.merchants[0];
  if (!merchant) throw new Error('no merchant credentials in the lab secrets');

  const metrics = await startLabMetrics(config);
  // A refused annotation (Grafana's anonymous role without Editor) is said, not dropped.
  const grafana = await grafanaAnnotator(config, runId, log);
  const timelineFile = path.join(runDir, 'timeline.jsonl');
  fs.writeFileSync(timelineFile, '');
  const timeline = new TimelineRecorder(timelineFile, metrics, timelineAnnotator(view, grafana));
  const pool = observerPool(config);
  const pgClient = pgAdmin(config, secrets.pgMockAdminToken);
  const engine = new ChaosEngine({
    links: toxiproxyLinks(config),
    pg: pgClient,
    runtime,
    injector: kafkaInjector(config, pool, runId),
    ...(cluster ? { cluster } : {}),
    timeline,
    seed,
    log,
  });
  return {
    scenario,
    config,
    runtime,
    seed,
    runId,
    runDir,
    strategy,
    planned: plannedIterations(scenario.load),
    view,
    signal,
    scope: new AbortController(),
    restoreStrategy: options.restoreStrategy !== false,
    merchantApiKey: merchant.apiKey,
    prom: `http://${config.services.prometheus.host}:${config.services.prometheus.port}`,
    k6Files: k6Files(runDir),
    faulted: faultedInstances(scenario),
    metrics,
    pool,
    pg: pgClient,
    timeline,
    engine,
    cluster,
    clocks: {
      startedAt,
      loadStart: null,
      loadEnd: null,
      drainDeadline: null,
      observedUntil: startedAt,
      settledAt: null,
    },
    marks: null,
    pidsBefore: null,
    disturbed: null,
    k6: { run: null, exitCode: null, stopProgress: () => undefined },
    chaos: { playing: null, abort: new AbortController() },
    cpuSamples: null,
    collected: null,
    notes: [],
    log,
    phase: (name) => view.push({ type: 'phase', phase: name }),
  };
}

/** Resolves after ms, or at once when the run is interrupted. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
