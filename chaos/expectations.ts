/**
 * What a scenario expects of its run, in the words the verdicts judge: checks that must hold or be
 * caught, SLO thresholds, whether recovery is required, and what the run must have exercised.
 * Scenario files write it (scenarios/lib/define.ts fills defaults and validates); chaos/verdicts.ts
 * and the report read it. It lives here, below both, so chaos never imports scenarios/.
 */
import type { CheckName } from './checker/result.ts';
import type { CreateStatusClass } from './collect/create-status.ts';

/** SLOs judged from k6's own measurements (the client's view). Omitted: not judged. */
export interface SloThresholds {
  /** p95 of create requests as k6 measured them, in ms. */
  createP95Ms?: number;
  /** Share of create requests that did not get a 2xx. */
  createErrorRate?: number;
  /** Dropped iterations as a share of planned iterations (coordinated omission made visible). */
  droppedIterationsRatio?: number;
  /** Achieved iterations / planned iterations must be at least this. */
  achievedRateRatio?: number;
}

/** Create answers that are a client's mistake: each fails the run unless the scenario expects it. */
export const UNEXPECTED_CREATE_STATUSES = [
  '401',
  '409',
  '422',
  '4xx',
] as const satisfies readonly CreateStatusClass[];
export type ClientErrorClass = (typeof UNEXPECTED_CREATE_STATUSES)[number];

/** What a run must have exercised to be judged at all (a check over nothing is not a pass). */
export interface ExercisedMinimums {
  /** Iterations whose create was accepted, as a share of planned iterations (default 0.8). */
  acceptedShare: number;
  /** Client-error answers to a create this scenario causes on purpose (e.g. 409 for racing keys). */
  allowedCreateStatuses: ClientErrorClass[];
}

export const DEFAULT_EXERCISED: ExercisedMinimums = { acceptedShare: 0.8, allowedCreateStatuses: [] };

export interface Expectations {
  /** Checks that must hold (valid true). */
  hold: CheckName[];
  /** Checks whose violation must be caught (valid false): the point of a naive variant. */
  catch: CheckName[];
  slo: SloThresholds;
  /** required: a fault that does not recover before the drain deadline fails the run. */
  recovery: 'required' | 'reported';
  exercised: ExercisedMinimums;
}

/** The part of a scenario the verdicts read. */
export interface JudgedScenario {
  expect: Expectations;
  load: { cancelRatio: number };
}

/** The part of a scenario the report shows (result.json keeps the whole scenario as it ran). The
 *  runner hands it a Scenario of scenarios/lib/define.ts, so the compiler keeps the two in step. */
export interface ReportedScenario extends JudgedScenario {
  name: string;
  description: string;
  instances: { relay: number; worker: number };
  warmUpSeconds: number;
  drainDeadlineSeconds: number;
  load: JudgedScenario['load'] & {
    executor: string;
    rate?: number;
    durationSeconds?: number;
    startRate?: number;
    stages?: { target: number; durationSeconds: number }[];
  };
}
