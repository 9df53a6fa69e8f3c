/**
 * What the scenario runner tells the live view, besides what the view reads from Prometheus.
 * Type-only module: the runner imports it without pulling in Ink or React.
 */
import type { SliId } from '../../observability/slis/index.ts';

/** k6's progress as the runner sees it. Rates are iterations (requests) per second. */
export interface LoadProgressEvent {
  type: 'load-progress';
  elapsedSeconds: number;
  totalSeconds: number;
  targetRate: number;
  achievedRate: number;
  /** Peak of k6's busy VUs over the last seconds (the instant value is mostly 0 between requests). */
  vus: number;
  /** VUs k6 has allocated so far (its summary's vus_max). */
  vusAllocated: number;
  droppedIterations: number;
}

/** k6 has exited: the load is over after this many seconds (the bar stops short of 100 % otherwise). */
export interface LoadFinishedEvent {
  type: 'load-finished';
  elapsedSeconds: number;
}

export interface FaultStartedEvent {
  type: 'fault-started';
  /** Unique within the run; fault-ended and recovery-measured refer to it. */
  faultId: string;
  /** Human text, e.g. "db latency 500ms ±100ms". */
  label: string;
  target: string;
  kind: string;
}

export interface FaultEndedEvent {
  type: 'fault-ended';
  faultId: string;
}

/** The runner's authoritative recovery time; it overrides the view's own estimate. */
export interface RecoveryMeasuredEvent {
  type: 'recovery-measured';
  faultId: string;
  /** null: the SLIs did not come back in band before the drain deadline. */
  seconds: number | null;
}

/**
 * The steady-state band measured in the warm-up (LAB.md: recovery time), as the limit on each
 * SLI's bad side — chaos/recovery's `Band.limit`.
 */
export interface SteadyBandEvent {
  type: 'steady-band';
  limits: Partial<Record<SliId, number>>;
}

/** Invariant counts the checker knows so far (from the DB and the PG ledger, not Prometheus). */
export interface InvariantCountsEvent {
  type: 'invariant-counts';
  stuck: number;
  lost: number;
}

export interface PhaseEvent {
  type: 'phase';
  /** e.g. "warm-up", "load", "drain", "checking", "report". */
  phase: string;
}

export interface MessageEvent {
  type: 'message';
  text: string;
}

export type LiveEventBody =
  | LoadProgressEvent
  | LoadFinishedEvent
  | FaultStartedEvent
  | FaultEndedEvent
  | RecoveryMeasuredEvent
  | SteadyBandEvent
  | InvariantCountsEvent
  | PhaseEvent
  | MessageEvent;

/** `at` is epoch milliseconds; when omitted the view stamps the event with the time it arrived. */
export type LiveEvent = LiveEventBody & { at?: number };

export interface LiveViewOptions {
  prometheusUrl: string;
  title: string;
  /** Planned load duration, for the progress bar before k6 reports its own. */
  totalSeconds?: number;
  /** Called once when the user presses q (or Ctrl-C in the view); the runner stops cleanly. */
  onQuit?: () => void;
}

export interface LiveView {
  push(event: LiveEvent): void;
  /** Renders the final state, stops polling and releases the terminal. */
  stop(): Promise<void>;
}
