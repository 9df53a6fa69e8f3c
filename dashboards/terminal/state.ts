/**
 * The live view's state and its pure reducer: Prometheus samples and runner events in, view
 * state out. Nothing here renders or does I/O, so every rule is unit-tested on literal input.
 */
import {
  DEFAULT_CONSECUTIVE,
  judgedAfterLoad,
  steadyBand,
  withinLimit,
} from '../../observability/slis/band.ts';
import { SLI_IDS, SLIS, type SliDefinition, type SliId } from '../../observability/slis/index.ts';
import { COUNTER_IDS, SCALAR_QUERIES, type CounterId, type ScalarId } from '../queries.ts';
import type { LiveEventBody, LoadProgressEvent } from './live-events.ts';
import type { Sample } from './sampler.ts';
import type { BrokersSample } from './brokers.ts';

/** Points kept per sparkline: two minutes at one sample a second. */
export const HISTORY_LENGTH = 120;
/** Consecutive in-band samples before the view calls a fault recovered: the runner's rule. */
export const RECOVERY_STREAK = DEFAULT_CONSECUTIVE;
const WARMUP_MAX_SAMPLES = 600;

/** Every scalar the view reads keeps a sparkline history: an SLI added in its file gets one too. */
export const SERIES_IDS: readonly ScalarId[] = SCALAR_QUERIES.map((q) => q.id);
export type SeriesId = ScalarId;

export interface FaultView {
  faultId: string;
  label: string;
  target: string;
  kind: string;
  startedAt: number;
}

export interface RecoveryTimer {
  faultId: string;
  label: string;
  endedAt: number;
  status: 'running' | 'recovered' | 'not-recovered';
  /** Frozen recovery time once status is not running. */
  seconds?: number;
  /** measured: the runner's number (what the report says); observed: the view's own estimate. */
  source?: 'measured' | 'observed';
  streak: number;
  firstInBandAt?: number;
}

export type LogTone = 'fault' | 'heal' | 'ok' | 'bad' | 'info';

export interface LogEntry {
  id: number;
  at: number;
  text: string;
  tone: LogTone;
}

/** A counter's increase since the view started, summed over its series, reset-aware. */
export interface CounterTrack {
  last: Record<string, number>;
  total: number;
}

export interface ViewState {
  title: string;
  startedAt: number;
  now: number;
  totalSeconds?: number;
  latest: Partial<Record<ScalarId, number>>;
  /** Absent until the first successful read of that counter. */
  counters: Partial<Record<CounterId, CounterTrack>>;
  history: Record<SeriesId, (number | undefined)[]>;
  sampleCount: number;
  lastSampleAt?: number;
  prometheusError?: string;
  /** gauge: faults are read from the active-faults gauge (standalone); events: the runner reports them. */
  faultSource: 'gauge' | 'events';
  activeFaults: FaultView[];
  recoveries: RecoveryTimer[];
  log: LogEntry[];
  load?: LoadProgressEvent;
  invariants: { stuck?: number; lost?: number };
  /** Steady-state band per SLI, as the limit on its bad side. */
  limits: Partial<Record<SliId, number>>;
  bandSource: 'none' | 'estimated' | 'measured';
  warmup: Partial<Record<SliId, number[]>>;
  anyFaultSeen: boolean;
  phase?: string;
  /** The last successful read of the brokers' state (kept through a failed read). */
  kafka?: BrokersSample;
}

export type ViewAction =
  { type: 'sample'; sample: Sample } | { type: 'tick'; at: number } | (LiveEventBody & { at: number });

export function initialViewState(options: {
  title: string;
  startedAt: number;
  totalSeconds?: number;
}): ViewState {
  const history = Object.fromEntries(SERIES_IDS.map((id) => [id, []])) as unknown as ViewState['history'];
  return {
    title: options.title,
    startedAt: options.startedAt,
    now: options.startedAt,
    ...(options.totalSeconds !== undefined ? { totalSeconds: options.totalSeconds } : {}),
    latest: {},
    counters: {},
    history,
    sampleCount: 0,
    faultSource: 'gauge',
    activeFaults: [],
    recoveries: [],
    log: [],
    invariants: {},
    limits: {},
    bandSource: 'none',
    warmup: {},
    anyFaultSeen: false,
  };
}

/**
 * The standalone view's own band, by the runner's rule (observability/slis `steadyBand`), so the
 * estimate and the report agree on what "in band" means. Used only when no band was pushed.
 */
export function estimateLimit(definition: SliDefinition, values: readonly number[]): number | undefined {
  const band = steadyBand(
    definition,
    values.map((v) => ({ t: 0, v })),
  );
  return band?.limit;
}

function appendCapped<T>(list: readonly T[], item: T, cap: number): T[] {
  const next = [...list, item];
  return next.length > cap ? next.slice(next.length - cap) : next;
}

function addLog(state: ViewState, at: number, text: string, tone: LogTone): ViewState {
  const id = (state.log.at(-1)?.id ?? 0) + 1;
  return { ...state, log: [...state.log, { id, at, text, tone }] };
}

function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(1)}s`;
}

function withEstimatedBands(state: ViewState): ViewState {
  if (state.bandSource !== 'none') return state;
  const limits: Partial<Record<SliId, number>> = {};
  for (const definition of SLIS) {
    const limit = estimateLimit(definition, state.warmup[definition.id] ?? []);
    if (limit !== undefined) limits[definition.id] = limit;
  }
  if (Object.keys(limits).length === 0) return state;
  return { ...state, limits, bandSource: 'estimated' };
}

function startFault(state: ViewState, fault: FaultView): ViewState {
  if (state.activeFaults.some((f) => f.faultId === fault.faultId)) return state;
  const next = withEstimatedBands({
    ...state,
    anyFaultSeen: true,
    activeFaults: [...state.activeFaults, fault],
  });
  return addLog(next, fault.startedAt, `fault started: ${fault.label}`, 'fault');
}

function endFault(state: ViewState, faultId: string, at: number): ViewState {
  const fault = state.activeFaults.find((f) => f.faultId === faultId);
  if (!fault) return state;
  const timer: RecoveryTimer = { faultId, label: fault.label, endedAt: at, status: 'running', streak: 0 };
  const next: ViewState = {
    ...state,
    activeFaults: state.activeFaults.filter((f) => f.faultId !== faultId),
    recoveries: [...state.recoveries.filter((r) => r.faultId !== faultId), timer],
  };
  return addLog(
    next,
    at,
    `fault removed after ${formatSeconds((at - fault.startedAt) / 1000)}: ${fault.label}`,
    'heal',
  );
}

function gaugeFaultId(target: string, kind: string): string {
  return `${target}/${kind}`;
}

function applyGaugeFaults(state: ViewState, sample: Sample): ViewState {
  // A failed read says nothing about faults; ending them all would start bogus recovery timers.
  if (state.faultSource !== 'gauge' || sample.faults === undefined) return state;
  const seen = new Set<string>();
  let next = state;
  for (const f of sample.faults) {
    const faultId = gaugeFaultId(f.target, f.kind);
    seen.add(faultId);
    next = startFault(next, {
      faultId,
      label: `${f.target} ${f.kind}`,
      target: f.target,
      kind: f.kind,
      startedAt: sample.at,
    });
  }
  for (const f of state.activeFaults) {
    if (!seen.has(f.faultId)) next = endFault(next, f.faultId, sample.at);
  }
  return next;
}

function loadEnded(state: ViewState): boolean {
  return state.load !== undefined && state.load.elapsedSeconds >= state.load.totalSeconds;
}

function allBandedSlisInBand(state: ViewState, values: Sample['values']): boolean {
  let checked = 0;
  const afterLoad = loadEnded(state);
  for (const definition of SLIS) {
    const limit = state.limits[definition.id];
    if (limit === undefined) continue;
    // Each SLI's after-load rule: request-path SLIs say nothing once the load has stopped; lags still do.
    if (afterLoad && !judgedAfterLoad(definition)) continue;
    const value = values[definition.id];
    // No value (e.g. no requests, so no latency quantile) is not evidence of recovery.
    if (value === undefined || !withinLimit(definition, value, limit)) return false;
    checked += 1;
  }
  return checked > 0;
}

function advanceRecoveries(state: ViewState, sample: Sample): ViewState {
  if (!state.recoveries.some((r) => r.status === 'running')) return state;
  const inBand = allBandedSlisInBand(state, sample.values);
  let next = state;
  const recoveries = state.recoveries.map((timer) => {
    if (timer.status !== 'running' || sample.at < timer.endedAt) return timer;
    if (!inBand) return { ...timer, streak: 0, firstInBandAt: undefined };
    const firstInBandAt = timer.firstInBandAt ?? sample.at;
    const streak = timer.streak + 1;
    if (streak < RECOVERY_STREAK) return { ...timer, streak, firstInBandAt };
    const seconds = Math.max(0, (firstInBandAt - timer.endedAt) / 1000);
    next = addLog(
      next,
      sample.at,
      `back in band after ${formatSeconds(seconds)} (view estimate): ${timer.label}`,
      'ok',
    );
    return {
      ...timer,
      streak,
      firstInBandAt,
      status: 'recovered' as const,
      seconds,
      source: 'observed' as const,
    };
  });
  return { ...next, recoveries };
}

function recordWarmup(state: ViewState, values: Sample['values']): ViewState {
  if (state.anyFaultSeen || state.bandSource !== 'none') return state;
  const warmup = { ...state.warmup };
  for (const id of SLI_IDS) {
    const value = values[id];
    if (value !== undefined) warmup[id] = appendCapped(warmup[id] ?? [], value, WARMUP_MAX_SAMPLES);
  }
  return { ...state, warmup };
}

/**
 * Adds one reading of a counter's series to its track. The first reading is the baseline; a
 * series that shows up later (a restarted process) counts from 0; a series that went down was
 * reset, so all of its new value is new.
 */
export function trackCounter(track: CounterTrack | undefined, reading: Record<string, number>): CounterTrack {
  if (track === undefined) return { last: { ...reading }, total: 0 };
  let total = track.total;
  for (const [series, value] of Object.entries(reading)) {
    const before = track.last[series] ?? 0;
    total += value >= before ? value - before : value;
  }
  return { last: { ...track.last, ...reading }, total };
}

function applyCounters(state: ViewState, sample: Sample): ViewState {
  if (!sample.counters) return state;
  const counters = { ...state.counters };
  for (const id of COUNTER_IDS) {
    const reading = sample.counters[id];
    if (reading !== undefined) counters[id] = trackCounter(counters[id], reading);
  }
  return { ...state, counters };
}

/** What the view shows for a counter: its increase since the view started, or nothing yet. */
export function counterSinceStart(state: ViewState, id: CounterId): number | undefined {
  return state.counters[id]?.total;
}

function applySample(state: ViewState, sample: Sample): ViewState {
  const history = { ...state.history };
  for (const id of SERIES_IDS) history[id] = appendCapped(history[id], sample.values[id], HISTORY_LENGTH);
  let next: ViewState = {
    ...state,
    now: Math.max(state.now, sample.at),
    latest: sample.values,
    history,
    sampleCount: state.sampleCount + 1,
    lastSampleAt: sample.at,
  };
  if (sample.kafka !== undefined) next.kafka = sample.kafka;
  if (sample.error !== undefined) next.prometheusError = sample.error;
  else delete next.prometheusError;
  next = applyCounters(next, sample);
  // Faults first: a sample that already shows a fault must not widen the warm-up band.
  next = applyGaugeFaults(next, sample);
  next = recordWarmup(next, sample.values);
  return advanceRecoveries(next, sample);
}

function freezeMeasured(state: ViewState, faultId: string, seconds: number | null, at: number): ViewState {
  const timer = state.recoveries.find((r) => r.faultId === faultId);
  const label = timer?.label ?? faultId;
  const frozen: RecoveryTimer = {
    faultId,
    label,
    endedAt: timer?.endedAt ?? at,
    streak: timer?.streak ?? 0,
    source: 'measured',
    ...(seconds === null ? { status: 'not-recovered' } : { status: 'recovered', seconds }),
  };
  const recoveries = timer
    ? state.recoveries.map((r) => (r.faultId === faultId ? frozen : r))
    : [...state.recoveries, frozen];
  const text =
    seconds === null
      ? `did not recover before the drain deadline: ${label}`
      : `recovered in ${formatSeconds(seconds)}: ${label}`;
  return addLog({ ...state, recoveries }, at, text, seconds === null ? 'bad' : 'ok');
}

export function viewReducer(state: ViewState, action: ViewAction): ViewState {
  if (action.type === 'sample') return applySample(state, action.sample);
  const at = action.at;
  const base = { ...state, now: Math.max(state.now, at) };
  switch (action.type) {
    case 'tick':
      return base;
    case 'load-progress': {
      const { at: _at, ...load } = action;
      return { ...base, load };
    }
    case 'load-finished': {
      if (!base.load) return base;
      const elapsedSeconds = Math.min(base.load.totalSeconds, action.elapsedSeconds);
      return { ...base, load: { ...base.load, elapsedSeconds, achievedRate: 0, vus: 0 } };
    }
    case 'fault-started': {
      // The runner knows its faults better than the gauge: from now on trust only its events.
      const fromEvents =
        base.faultSource === 'events' ? base : { ...base, faultSource: 'events' as const, activeFaults: [] };
      return startFault(fromEvents, {
        faultId: action.faultId,
        label: action.label,
        target: action.target,
        kind: action.kind,
        startedAt: at,
      });
    }
    case 'fault-ended':
      return endFault(base, action.faultId, at);
    case 'recovery-measured':
      return freezeMeasured(base, action.faultId, action.seconds, at);
    case 'steady-band':
      return { ...base, limits: { ...action.limits }, bandSource: 'measured' };
    case 'invariant-counts':
      return { ...base, invariants: { stuck: action.stuck, lost: action.lost } };
    case 'phase':
      return addLog({ ...base, phase: action.phase }, at, `phase: ${action.phase}`, 'info');
    case 'message':
      return addLog(base, at, action.text, 'info');
  }
}

/** The runner is still bringing the lab up: Prometheus not answering yet is expected, not news. */
export function labStarting(state: ViewState): boolean {
  return state.phase === 'prepare';
}

/**
 * SLIs the live view's panels lay out by hand (completion rate as its completed and failed parts).
 * Any other SLI, e.g. one just added in its own file, gets a row from its definition.
 */
export const HAND_LAID_SLIS: ReadonlySet<string> = new Set<SliId>([
  'accept_error_rate',
  'accept_p95_latency',
  'outbox_lag',
  'consumer_lag',
  'completion_rate',
]);

export interface SliRow {
  id: string;
  label: string;
  unit: SliDefinition['unit'];
  value: number | undefined;
  points: readonly (number | undefined)[];
}

/** Rows for the SLIs no hand-laid panel shows, from their definitions (label, unit). */
export function otherSliRows(
  state: ViewState,
  definitions: readonly Pick<SliDefinition, 'id' | 'liveLabel' | 'unit'>[] = SLIS,
): SliRow[] {
  // Keyed by whatever ids the SLI files declare; a definition the view does not sample yet shows "–".
  const latest: Readonly<Record<string, number | undefined>> = state.latest;
  const history: Readonly<Record<string, readonly (number | undefined)[] | undefined>> = state.history;
  return definitions
    .filter((d) => !HAND_LAID_SLIS.has(d.id))
    .map((d) => ({
      id: d.id,
      label: d.liveLabel,
      unit: d.unit,
      value: latest[d.id],
      points: history[d.id] ?? [],
    }));
}

/** Seconds shown on a recovery timer: live while running, frozen once measured or observed. */
export function recoveryTimerSeconds(timer: RecoveryTimer, now: number): number {
  return timer.seconds ?? Math.max(0, (now - timer.endedAt) / 1000);
}
