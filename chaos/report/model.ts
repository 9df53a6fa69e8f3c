/** Everything a run produced, as one JSON-able object: the report writers render only this. */
import type { StrategyKnobs } from '../../system/src/config.ts';
import type { SliId } from '../../observability/slis/index.ts';
import type { CheckResult } from '../checker/result.ts';
import type { ReportedScenario } from '../expectations.ts';
import type { RampCpu } from '../collect/cpu-recorder.ts';
import type { K6Numbers } from '../collect/k6-output.ts';
import type { Band, Sample } from '../recovery/recovery.ts';
import type { TimelineEvent, Window } from '../timeline.ts';
import type { FaultRecoveryRecord, Verdict } from '../verdicts.ts';

export interface ChartData {
  id: string;
  title: string;
  unit: string;
  series: { name: string; color: string; samples: Sample[] }[];
}

export interface CapacityResult {
  /** Highest accepted rate (per second) sustained while latency and lags stayed bounded. */
  sustainedRate: number | null;
  limits: { maxP95Seconds: number; maxOutboxLagSeconds: number; maxConsumerLag: number };
  /** When the bound was first broken (epoch ms), if it was. */
  firstBreach: number | null;
  /** CPU per lab process over the ramp (from /proc) and the first process that saturated;
   *  absent or null: not measured (no pids from the runtime, no /proc). */
  cpu?: RampCpu | null;
}

export interface RunReport {
  runId: string;
  /** The scenario as it ran (result.json holds all of it; the report reads these fields). */
  scenario: ReportedScenario;
  seed: number;
  strategy: StrategyKnobs;
  startedAt: number;
  loadStart: number | null;
  loadEnd: number | null;
  drainDeadline: number | null;
  finishedAt: number;
  plannedIterations: number;
  k6: K6Numbers | null;
  k6ExitCode: number | null;
  timeline: TimelineEvent[];
  windows: Window[];
  checks: CheckResult[];
  bands: Partial<Record<SliId, Band | null>>;
  recoveries: FaultRecoveryRecord[];
  capacity: CapacityResult | null;
  verdicts: Verdict[];
  passed: boolean;
  charts: ChartData[];
  /** Things a reader must know: heal problems, collection errors, an interrupted run. */
  notes: string[];
  /** What the final heal could not undo (a fault still on, a process still down): the lab itself
   *  is left faulted. Empty when the lab was healed. */
  leftFaulted: string[];
}
