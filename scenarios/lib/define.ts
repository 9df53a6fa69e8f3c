/**
 * The shape of a scenario file and its validation. A scenario is data: the load, the fault
 * timeline, the strategy knobs, and what must be true afterwards. defineScenario() validates on
 * load and names the field and what was expected, so a typo in a file is one clear message.
 */
import {
  KAFKA_BROKER_COUNTS,
  KNOB_NAMES,
  KNOBS,
  type KafkaBrokerCount,
  type StrategyKnobs,
} from '../../system/src/config.ts';
import { CHECK_NAMES, type CheckName } from '../../chaos/checker/result.ts';
import type { TimedFault } from '../../chaos/faults/spec.ts';
import { fail, FaultSpecError, isRecord, noUnknownKeys, num, oneOf } from '../../chaos/faults/kinds/check.ts';
import { exercisedByFaults, faultRestarts, findKind, parseFault } from '../../chaos/faults/kinds/registry.ts';
import {
  DEFAULT_EXERCISED,
  UNEXPECTED_CREATE_STATUSES,
  type Expectations,
  type ExercisedMinimums,
  type SloThresholds,
} from '../../chaos/expectations.ts';
import type { KeyReuse } from '../k6/lib/payment-requests.ts';

// What a scenario expects is the checker's vocabulary (chaos/expectations.ts); scenario files and
// the explorer keep importing it from here.
export {
  DEFAULT_EXERCISED,
  UNEXPECTED_CREATE_STATUSES,
  type ClientErrorClass,
  type Expectations,
  type ExercisedMinimums,
  type SloThresholds,
} from '../../chaos/expectations.ts';

export const EXECUTORS = ['constant-arrival-rate', 'ramping-arrival-rate'] as const;
export type Executor = (typeof EXECUTORS)[number];

export interface Stage {
  /** Target arrival rate (iterations per second) at the end of this stage. */
  target: number;
  durationSeconds: number;
}

export interface LoadProfile {
  executor: Executor;
  /** constant-arrival-rate: iterations (create requests) per second. */
  rate?: number;
  /** constant-arrival-rate: how long the load runs. */
  durationSeconds?: number;
  /** ramping-arrival-rate: the rate at the start, then each stage ramps to its target. */
  startRate?: number;
  stages?: Stage[];
  preAllocatedVUs: number;
  maxVUs: number;
  /** Share of iterations (0..1) that request a cancel after their create was accepted. */
  cancelRatio: number;
  /** Idempotency keys used again on purpose (replays and racing retries); absent: none. */
  keyReuse?: KeyReuse;
  /** How long after the accepted create the merchant cancels, drawn per payment from the seed
   *  (uniform min..max seconds). Default 0: right after, usually before the worker even starts;
   *  a few seconds puts the cancel while the capture is in flight. */
  cancelAfterSeconds?: { min: number; max: number };
  /** Per-request timeout of k6. */
  requestTimeoutSeconds: number;
}

export interface CapacitySettings {
  /** The rate counts as sustained only while accept p95 stays below this (seconds)… */
  maxP95Seconds: number;
  /** …and outbox lag below this (seconds)… */
  maxOutboxLagSeconds: number;
  /** …and consumer lag below this (messages). */
  maxConsumerLag: number;
}

export interface Scenario {
  name: string;
  description: string;
  load: LoadProfile;
  /** The first seconds of the load, before any fault: the steady-state band of each SLI. */
  warmUpSeconds: number;
  faults: TimedFault[];
  strategy: Partial<StrategyKnobs>;
  instances: { relay: number; worker: number };
  /** Kafka brokers: 1 (default) or the 3-broker KRaft cluster, which the broker fault kinds need. */
  brokers: KafkaBrokerCount;
  /** After the load ends, how long payments may take to become terminal and SLIs to recover. */
  drainDeadlineSeconds: number;
  expect: Expectations;
  capacity?: CapacitySettings;
  /** The seed a run uses when --seed is not given: a scenario the explorer found replays its run. */
  seed?: number;
}

export type ScenarioInput = Omit<Scenario, 'expect' | 'strategy' | 'instances' | 'faults' | 'brokers'> & {
  brokers?: KafkaBrokerCount;
  faults?: TimedFault[];
  strategy?: Partial<StrategyKnobs>;
  instances?: Partial<Scenario['instances']>;
  expect?: Partial<Omit<Expectations, 'slo' | 'exercised'>> & {
    slo?: SloThresholds;
    tolerate?: CheckName[];
    exercised?: Partial<ExercisedMinimums>;
  };
};

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** Checks that hold in every healthy run; a naive variant catches some and tolerates the fallout. */
export const DEFAULT_SLO: SloThresholds = { droppedIterationsRatio: 0.05, achievedRateRatio: 0.9 };

export function loadDurationSeconds(load: LoadProfile): number {
  if (load.executor === 'constant-arrival-rate') return load.durationSeconds ?? 0;
  return (load.stages ?? []).reduce((sum, s) => sum + s.durationSeconds, 0);
}

/** Iterations k6 is asked to start: what "achieved" and "dropped" are measured against. */
export function plannedIterations(load: LoadProfile): number {
  if (load.executor === 'constant-arrival-rate')
    return Math.round((load.rate ?? 0) * (load.durationSeconds ?? 0));
  let previous = load.startRate ?? 0;
  let total = 0;
  for (const s of load.stages ?? []) {
    total += ((previous + s.target) / 2) * s.durationSeconds;
    previous = s.target;
  }
  return Math.round(total);
}

function validateLoad(load: unknown): void {
  if (!isRecord(load)) fail('load', 'an object', load);
  noUnknownKeys('load', load, [
    'executor',
    'rate',
    'durationSeconds',
    'startRate',
    'stages',
    'preAllocatedVUs',
    'maxVUs',
    'cancelRatio',
    'keyReuse',
    'cancelAfterSeconds',
    'requestTimeoutSeconds',
  ]);
  const executor = oneOf('load.executor', load.executor, EXECUTORS);
  if (executor === 'constant-arrival-rate') {
    num('load.rate', load.rate, 1, 2000);
    num('load.durationSeconds', load.durationSeconds, 1, 3600, true);
    if (load.stages !== undefined)
      fail('load.stages', 'nothing for constant-arrival-rate (use rate and durationSeconds)', load.stages);
  } else {
    num('load.startRate', load.startRate ?? 0, 0, 2000);
    if (!Array.isArray(load.stages) || load.stages.length === 0)
      fail('load.stages', 'a non-empty list of { target, durationSeconds }', load.stages);
    load.stages.forEach((s: unknown, i) => {
      if (!isRecord(s)) fail(`load.stages[${i}]`, 'an object', s);
      num(`load.stages[${i}].target`, s.target, 0, 2000);
      num(`load.stages[${i}].durationSeconds`, s.durationSeconds, 1, 3600, true);
    });
    if (load.rate !== undefined)
      fail('load.rate', 'nothing for ramping-arrival-rate (use stages)', load.rate);
  }
  const pre = num('load.preAllocatedVUs', load.preAllocatedVUs, 1, 2000, true);
  const max = num('load.maxVUs', load.maxVUs, 1, 2000, true);
  if (max < pre) fail('load.maxVUs', `at least preAllocatedVUs (${pre})`, max);
  num('load.cancelRatio', load.cancelRatio, 0, 1);
  if (load.keyReuse !== undefined) {
    const r = load.keyReuse;
    if (!isRecord(r)) fail('load.keyReuse', 'an object { replayShare, raceShare }', r);
    noUnknownKeys('load.keyReuse', r, ['replayShare', 'raceShare']);
    const replay = num('load.keyReuse.replayShare', r.replayShare, 0, 1);
    num('load.keyReuse.raceShare', r.raceShare, 0, Math.round((1 - replay) * 1e6) / 1e6);
  }
  if (load.cancelAfterSeconds !== undefined) {
    const after = load.cancelAfterSeconds;
    if (!isRecord(after)) fail('load.cancelAfterSeconds', 'an object { min, max } in seconds', after);
    noUnknownKeys('load.cancelAfterSeconds', after, ['min', 'max']);
    const min = num('load.cancelAfterSeconds.min', after.min, 0, 60);
    num('load.cancelAfterSeconds.max', after.max, min, 60);
  }
  num('load.requestTimeoutSeconds', load.requestTimeoutSeconds, 1, 120);
}

function validateFault(path: string, timed: unknown, loadSeconds: number, warmUp: number): void {
  if (!isRecord(timed)) fail(path, 'an object { fault, atSeconds, durationSeconds }', timed);
  noUnknownKeys(path, timed, ['fault', 'atSeconds', 'durationSeconds', 'jitterSeconds']);
  const at = num(`${path}.atSeconds`, timed.atSeconds, 0, loadSeconds);
  if (at < warmUp)
    fail(
      `${path}.atSeconds`,
      `a start after the warm-up (${warmUp} s) — the band is measured before the first fault`,
      at,
    );
  const duration = num(`${path}.durationSeconds`, timed.durationSeconds, 0, 3600);
  const jitter = num(`${path}.jitterSeconds`, timed.jitterSeconds ?? 0, 0, 600);
  if (at - jitter < warmUp)
    fail(
      `${path}.jitterSeconds`,
      `at most ${at - warmUp} so the fault cannot start inside the warm-up`,
      jitter,
    );
  if (at + jitter + duration > loadSeconds)
    fail(`${path}.durationSeconds`, `a window that ends before the load does (${loadSeconds} s)`, duration);
  // What the fault itself must look like is its kind's business (chaos/faults/kinds/).
  parseFault(timed.fault, `${path}.fault`, {
    durationSeconds: duration,
    durationPath: `${path}.durationSeconds`,
  });
}

function checkList(path: string, value: unknown): CheckName[] {
  if (!Array.isArray(value)) fail(path, `a list of check names (${CHECK_NAMES.join(', ')})`, value);
  return value.map((v, i) => oneOf(`${path}[${i}]`, v, CHECK_NAMES));
}

/** Validates a complete scenario (after defaults and CLI overrides). Throws ScenarioError. */
export function validateScenario(s: unknown): Scenario {
  // One set of field checks serves scenario files and fault specs (chaos/faults/kinds/check.ts); here
  // its error becomes the scenario's.
  try {
    return validateScenarioFields(s);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new ScenarioError(error.message, { cause: error });
    throw error;
  }
}

function validateScenarioFields(s: unknown): Scenario {
  if (!isRecord(s)) fail('scenario', 'an object', s);
  noUnknownKeys('scenario', s, [
    'name',
    'description',
    'load',
    'warmUpSeconds',
    'faults',
    'strategy',
    'instances',
    'brokers',
    'drainDeadlineSeconds',
    'expect',
    'capacity',
    'seed',
  ]);
  if (typeof s.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(s.name))
    fail('name', 'lower-case words joined by dashes', s.name);
  if (
    typeof s.description !== 'string' ||
    s.description.length === 0 ||
    s.description.includes('\n') ||
    s.description.length > 110
  ) {
    fail('description', 'one line of at most 110 characters', s.description);
  }
  if (s.seed !== undefined) num('seed', s.seed, 0, 2 ** 31 - 1, true);
  validateLoad(s.load);
  const loadSeconds = loadDurationSeconds(s.load as LoadProfile);
  const warmUp = num('warmUpSeconds', s.warmUpSeconds, 0, loadSeconds);
  if (!Array.isArray(s.faults)) fail('faults', 'a list', s.faults);
  if (s.faults.length > 0 && warmUp < 15)
    fail(
      'warmUpSeconds',
      'at least 15 when there are faults (the SLI rate window must fill before the band is measured)',
      warmUp,
    );
  s.faults.forEach((f: unknown, i) => validateFault(`faults[${i}]`, f, loadSeconds, warmUp));
  if (!isRecord(s.strategy)) fail('strategy', 'an object of strategy knobs', s.strategy);
  noUnknownKeys('strategy', s.strategy, KNOB_NAMES);
  for (const knob of KNOB_NAMES) {
    if (s.strategy[knob] !== undefined)
      oneOf<string>(`strategy.${knob}`, s.strategy[knob], KNOBS[knob].modes);
  }
  if (!isRecord(s.instances)) fail('instances', 'an object { relay, worker }', s.instances);
  num('instances.relay', s.instances.relay, 1, 9, true);
  num('instances.worker', s.instances.worker, 1, 9, true);
  if (!(KAFKA_BROKER_COUNTS as readonly unknown[]).includes(s.brokers))
    fail('brokers', `one of ${KAFKA_BROKER_COUNTS.join(', ')}`, s.brokers);
  const clusterFaults = (s.faults as { fault?: { kind?: unknown } }[])
    .map((f) => findKind(String(f.fault?.kind)))
    .filter((k) => k?.needsCluster === true)
    .map((k) => k?.kind);
  if (clusterFaults.length > 0 && s.brokers === 1)
    fail('brokers', `3 for the fault kinds ${[...new Set(clusterFaults)].join(', ')}`, s.brokers);
  const instances = s.instances as Scenario['instances'];
  (s.faults as TimedFault[]).forEach((f, i) => {
    for (const instance of faultRestarts(f.fault)) {
      // "worker-2": a fault on an instance the run does not start would hit nothing, and its
      // restart would scale out an instance nobody asked for.
      const [, service, n] = /^(relay|worker)-(\d+)$/.exec(instance) ?? [];
      const running = service === 'relay' || service === 'worker' ? instances[service] : undefined;
      if (running !== undefined && Number(n) >= running)
        throw new ScenarioError(
          `faults[${i}]: ${instance} is not running (the scenario runs ${running} ${service} instance${running === 1 ? '' : 's'}, 0–${running - 1})`,
        );
    }
  });
  num('drainDeadlineSeconds', s.drainDeadlineSeconds, 5, 3600, true);
  if (!isRecord(s.expect)) fail('expect', 'an object', s.expect);
  const hold = checkList('expect.hold', s.expect.hold);
  const caught = checkList('expect.catch', s.expect.catch);
  const both = hold.filter((c) => caught.includes(c));
  if (both.length > 0) fail('expect.catch', `checks not also listed in expect.hold`, both);
  if (!isRecord(s.expect.slo)) fail('expect.slo', 'an object', s.expect.slo);
  noUnknownKeys('expect.slo', s.expect.slo, [
    'createP95Ms',
    'createErrorRate',
    'droppedIterationsRatio',
    'achievedRateRatio',
  ]);
  if (s.expect.slo.createP95Ms !== undefined)
    num('expect.slo.createP95Ms', s.expect.slo.createP95Ms, 1, 120_000);
  for (const k of ['createErrorRate', 'droppedIterationsRatio', 'achievedRateRatio'] as const) {
    if (s.expect.slo[k] !== undefined) num(`expect.slo.${k}`, s.expect.slo[k], 0, 1);
  }
  oneOf('expect.recovery', s.expect.recovery, ['required', 'reported'] as const);
  const ex = s.expect.exercised;
  if (!isRecord(ex)) fail('expect.exercised', 'an object { acceptedShare, allowedCreateStatuses }', ex);
  noUnknownKeys('expect.exercised', ex, ['acceptedShare', 'allowedCreateStatuses']);
  num('expect.exercised.acceptedShare', ex.acceptedShare, 0, 1);
  if (!Array.isArray(ex.allowedCreateStatuses))
    fail(
      'expect.exercised.allowedCreateStatuses',
      `a list of ${UNEXPECTED_CREATE_STATUSES.join(', ')}`,
      ex.allowedCreateStatuses,
    );
  ex.allowedCreateStatuses.forEach((c: unknown, i) =>
    oneOf(`expect.exercised.allowedCreateStatuses[${i}]`, c, UNEXPECTED_CREATE_STATUSES),
  );
  if (s.capacity !== undefined) {
    if (!isRecord(s.capacity)) fail('capacity', 'an object', s.capacity);
    num('capacity.maxP95Seconds', s.capacity.maxP95Seconds, 0.001, 60);
    num('capacity.maxOutboxLagSeconds', s.capacity.maxOutboxLagSeconds, 0.001, 600);
    num('capacity.maxConsumerLag', s.capacity.maxConsumerLag, 1, 1_000_000);
  }
  return s as unknown as Scenario;
}

/** Every check not caught or tolerated, except checks that can only be exercised by what this
 *  scenario does: duplicate-delivery needs forced redeliveries (the fault kinds say which checks
 *  only they exercise), one-per-key reused keys, reorder a second event per payment (cancels),
 *  cancel-honoured accepted cancels. Listing them elsewhere would be a verdict over nothing. */
function defaultHold(
  load: LoadProfile,
  faults: readonly TimedFault[],
  caught: readonly CheckName[],
  tolerated: readonly CheckName[],
): CheckName[] {
  const exercisedBy: Partial<Record<CheckName, boolean>> = {
    ...exercisedByFaults(faults.map((f) => f.fault)),
    'one-per-key': load.keyReuse !== undefined && load.keyReuse.replayShare + load.keyReuse.raceShare > 0,
    reorder: load.cancelRatio > 0,
    'cancel-honoured': load.cancelRatio > 0,
  };
  return CHECK_NAMES.filter((c) => !caught.includes(c) && !tolerated.includes(c) && exercisedBy[c] !== false);
}

/** Fills defaults and validates. hold defaults to every check not caught or tolerated. */
export function defineScenario(input: ScenarioInput): Scenario {
  const caught = input.expect?.catch ?? [];
  const tolerated = input.expect?.tolerate ?? [];
  const scenario = {
    ...input,
    faults: input.faults ?? [],
    strategy: input.strategy ?? {},
    instances: { relay: input.instances?.relay ?? 1, worker: input.instances?.worker ?? 2 },
    brokers: input.brokers ?? 1,
    expect: {
      hold: input.expect?.hold ?? defaultHold(input.load, input.faults ?? [], caught, tolerated),
      catch: caught,
      slo: input.expect?.slo ?? DEFAULT_SLO,
      recovery: input.expect?.recovery ?? (caught.length > 0 ? 'reported' : 'required'),
      exercised: { ...DEFAULT_EXERCISED, ...input.expect?.exercised },
    },
  };
  try {
    return validateScenario(scenario);
  } catch (error) {
    if (error instanceof ScenarioError) throw new ScenarioError(`scenario ${input.name}: ${error.message}`);
    throw error;
  }
}
