/**
 * The explorer's schedule generator: from one run seed, a load (rate, cancels, key reuse) and
 * 1–4 faults drawn from the fault registry (kind, target, attributes, start, window; overlaps
 * allowed). Pure: the same seed and options always give the same case, and every case is an
 * ordinary scenario (toScenario) that the runner plays and the checker judges.
 */
import type { StrategyKnobs } from '../../system/src/config.ts';
import type { TimedFault } from '../../chaos/faults/spec.ts';
import { FAULT_KINDS, faultHasWindow, type FaultSpec } from '../../chaos/faults/kinds/registry.ts';
import { between, chance, int, pick, seededRandom, type Random } from '../../chaos/faults/kinds/random.ts';
import type { KeyReuse } from '../k6/lib/payment-requests.ts';
import { defineScenario, type ClientErrorClass, type Scenario, type ScenarioInput } from '../lib/define.ts';
import { steady } from '../lib/profiles.ts';

/** The load of one exploration run: what the shrinker may lower. */
export interface ExploreLoad {
  /** Create requests per second. */
  rate: number;
  durationSeconds: number;
  /** Share of payments canceled after their create was accepted. */
  cancelRatio: number;
  /** Cancels arrive uniformly 0..this many seconds after the accepted create (mid-capture). */
  cancelAfterMaxSeconds: number;
  keyReuse?: KeyReuse;
}

/** One exploration run, complete: replaying it with its seed plays the same run. */
export interface ExploreCase {
  /** The run's seed: the schedule was drawn from it, and k6's payments and the PG's faults use it. */
  seed: number;
  strategy: Partial<StrategyKnobs>;
  load: ExploreLoad;
  warmUpSeconds: number;
  drainDeadlineSeconds: number;
  faults: TimedFault[];
}

/** Which kinds (and targets) the explorer may draw: `--faults pg,link:kafka,process:worker`. */
export type FaultFilter = ReadonlyMap<string, readonly string[]>;

export interface DrawOptions {
  strategy: Partial<StrategyKnobs>;
  /** Absent: every kind of the registry on every target. */
  faults?: FaultFilter;
  bounds?: Partial<Bounds>;
}

/** Bounds of a drawn case; the defaults keep one run within about a minute, drain included. */
export interface Bounds {
  minFaults: number;
  maxFaults: number;
  minRate: number;
  maxRate: number;
  loadSeconds: number;
  /** The warm-up measures each SLI's steady band before the first fault (validation wants ≥ 15). */
  warmUpSeconds: number;
  /** The drain stops as soon as payments settled and SLIs recovered; this is the most it waits. */
  drainDeadlineSeconds: number;
  /** A fault window lasts at least this long, and at most until the load ends. */
  minWindowSeconds: number;
  maxWindowSeconds: number;
}

export const DEFAULT_BOUNDS: Bounds = {
  minFaults: 1,
  maxFaults: 4,
  minRate: 5,
  maxRate: 20,
  loadSeconds: 30,
  warmUpSeconds: 15,
  drainDeadlineSeconds: 25,
  minWindowSeconds: 2,
  maxWindowSeconds: 15,
};

export class FilterError extends Error {
  override name = 'FilterError';
}

/** The kinds the explorer draws: its runs use one Kafka broker, so cluster-only kinds (a broker,
 *  the controller, a rolling restart) are left to the kafka-* scenarios. */
const EXPLORABLE_KINDS = FAULT_KINDS.filter((k) => k.needsCluster !== true);

/** Parses `pg,link:kafka,process:worker` against the registry; names what is unknown. */
export function parseFaultFilter(text: string): FaultFilter {
  const out = new Map<string, string[]>();
  for (const item of text.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const [kindName = '', target] = item.split(':');
    const kind = EXPLORABLE_KINDS.find((k) => k.kind === kindName);
    if (!kind)
      throw new FilterError(
        FAULT_KINDS.some((k) => k.kind === kindName)
          ? `--faults: ${kindName} needs the 3-broker Kafka cluster; the explorer plays on one broker (known: ${EXPLORABLE_KINDS.map((k) => k.kind).join(', ')})`
          : `--faults: unknown fault kind "${kindName}" (known: ${EXPLORABLE_KINDS.map((k) => k.kind).join(', ')})`,
      );
    if (target !== undefined && !kind.targets.includes(target))
      throw new FilterError(
        `--faults: ${kindName} has no target "${target}" (known: ${kind.targets.join(', ')})`,
      );
    const targets = out.get(kindName) ?? [];
    out.set(kindName, target === undefined ? [...kind.targets] : [...new Set([...targets, target])]);
  }
  if (out.size === 0) throw new FilterError('--faults: name at least one fault kind');
  return out;
}

function drawLoad(random: Random, b: Bounds): ExploreLoad {
  const load: ExploreLoad = {
    rate: int(random, b.minRate, b.maxRate),
    durationSeconds: b.loadSeconds,
    cancelRatio: pick(random, [0, 0.1, 0.3, 0.5]),
    cancelAfterMaxSeconds: 0,
  };
  if (load.cancelRatio > 0 && chance(random, 0.5)) load.cancelAfterMaxSeconds = int(random, 1, 4);
  if (chance(random, 0.3))
    load.keyReuse = { replayShare: between(random, 0.05, 0.2), raceShare: between(random, 0, 0.1) };
  return load;
}

function drawFault(random: Random, filter: FaultFilter | undefined, b: Bounds): TimedFault {
  const kinds = filter ? EXPLORABLE_KINDS.filter((k) => filter.has(k.kind)) : EXPLORABLE_KINDS;
  const kind = pick(random, kinds);
  const target = pick(random, filter?.get(kind.kind) ?? kind.targets);
  const fault = kind.draw(random, target) as FaultSpec;
  const lastStart = b.loadSeconds - (faultHasWindow(fault) ? b.minWindowSeconds : 0);
  const atSeconds = int(random, b.warmUpSeconds, lastStart);
  const durationSeconds = faultHasWindow(fault)
    ? int(random, b.minWindowSeconds, Math.min(b.maxWindowSeconds, b.loadSeconds - atSeconds))
    : 0;
  return { fault, atSeconds, durationSeconds };
}

/** The case of one run, drawn from its seed. */
export function drawCase(seed: number, options: DrawOptions): ExploreCase {
  const b = { ...DEFAULT_BOUNDS, ...options.bounds };
  const random = seededRandom(seed);
  const load = drawLoad(random, b);
  const count = int(random, b.minFaults, b.maxFaults);
  const faults = Array.from({ length: count }, () => drawFault(random, options.faults, b)).sort(
    (x, y) => x.atSeconds - y.atSeconds,
  );
  return {
    seed,
    strategy: { ...options.strategy },
    load,
    warmUpSeconds: b.warmUpSeconds,
    drainDeadlineSeconds: b.drainDeadlineSeconds,
    faults,
  };
}

/** The share of planned creates a run must get accepted to be judged at all; faults on the API's
 *  path (the DB down, the API killed) legitimately refuse many, so it is low. */
export const EXPLORE_ACCEPTED_SHARE = 0.3;

/**
 * The case as an ordinary scenario: every invariant it exercises must hold, recovery and SLOs are
 * reported but not judged — the explorer hunts broken invariants, not slow recoveries.
 */
export function toScenarioInput(c: ExploreCase, name: string, description: string): ScenarioInput {
  // A reused key meets its first request still in progress now and then (racing on purpose, or a
  // replay while faults slow the first): the API answers 409, as designed.
  const allowed: ClientErrorClass[] = c.load.keyReuse ? ['409'] : [];
  return {
    name,
    description,
    seed: c.seed,
    load: steady(c.load.rate, c.load.durationSeconds, {
      cancelRatio: c.load.cancelRatio,
      ...(c.load.cancelAfterMaxSeconds > 0
        ? {
            cancelAfterSeconds: { min: 0, max: c.load.cancelAfterMaxSeconds },
            preAllocatedVUs: Math.max(5, c.load.rate * (c.load.cancelAfterMaxSeconds + 1)),
            maxVUs: Math.max(50, c.load.rate * (c.load.cancelAfterMaxSeconds + 1) * 3),
          }
        : {}),
      ...(c.load.keyReuse ? { keyReuse: c.load.keyReuse } : {}),
    }),
    warmUpSeconds: c.warmUpSeconds,
    strategy: c.strategy,
    faults: c.faults,
    drainDeadlineSeconds: c.drainDeadlineSeconds,
    expect: {
      recovery: 'reported',
      slo: {},
      exercised: { acceptedShare: EXPLORE_ACCEPTED_SHARE, allowedCreateStatuses: allowed },
    },
  };
}

export function toScenario(c: ExploreCase, name: string, description: string): Scenario {
  return defineScenario(toScenarioInput(c, name, description));
}
