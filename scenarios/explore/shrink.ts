/**
 * The shrinker: greedy delta debugging over an ExploreCase. Each candidate is strictly smaller
 * than the case it comes from (fewer faults, shorter windows, lower rate, fewer payments, fewer
 * cancels or reused keys); the first candidate that still violates the same invariant becomes the
 * case, and the search starts again from it, until no candidate fails or the run budget is spent.
 *
 * Why not fast-check's integrated shrinking: every "test" here is a ~1 minute lab run. fast-check
 * walks the shrink tree of every drawn number (binary search on each attribute), which is the
 * right trade for millisecond properties and far too many runs for this one. The candidates below
 * are few and ordered by payoff (dropping a whole fault first), so a handful of runs reach a
 * case a person can read; fast-check still checks the generator and these steps (shrink.test.ts).
 */
import {
  faultFieldCount,
  faultHasWindow,
  faultLabel,
  faultSimpler,
} from '../../chaos/faults/kinds/registry.ts';
import type { ExploreCase } from './schedule.ts';

/** The smallest load a shrunk case keeps: below this a run judges too few payments to mean much. */
export const MIN_RATE = 2;
/** A load keeps this many seconds after the last fault ends, so the fault bites under load. */
export const TAIL_SECONDS = 3;

/** The measures a shrink step lowers; a candidate is smaller when it lowers one and raises none. */
export function sizeOf(c: ExploreCase): number[] {
  return [
    c.faults.length,
    c.faults.reduce((sum, f) => sum + faultFieldCount(f.fault), 0),
    c.faults.reduce((sum, f) => sum + f.durationSeconds, 0),
    c.load.rate,
    c.load.durationSeconds,
    c.load.cancelRatio,
    c.load.cancelAfterMaxSeconds,
    (c.load.keyReuse?.replayShare ?? 0) + (c.load.keyReuse?.raceShare ?? 0),
  ];
}

export function strictlySmaller(a: ExploreCase, b: ExploreCase): boolean {
  const x = sizeOf(a);
  const y = sizeOf(b);
  return x.every((v, i) => v <= (y[i] ?? 0)) && x.some((v, i) => v < (y[i] ?? 0));
}

export interface Candidate {
  /** What the step did, for the report ("drop f2: link down on kafka link"). */
  step: string;
  case: ExploreCase;
}

function withFaults(c: ExploreCase, faults: ExploreCase['faults']): ExploreCase {
  return { ...c, faults };
}

/**
 * The smaller variants of `c`, most promising first. Pure; every one is strictly smaller.
 * `blame[i]` is how many of the violation's problems fell in fault i's window: faults with the
 * least blame are dropped first (the ones that probably do not matter).
 */
export function shrinkCandidates(
  c: ExploreCase,
  label: (i: number) => string,
  blame: readonly number[] = [],
): Candidate[] {
  const out: Candidate[] = [];
  // Fewer faults: the biggest step, and what a reader most wants to know (which fault matters).
  const order = c.faults.map((_, i) => i).sort((a, b) => (blame[a] ?? 0) - (blame[b] ?? 0));
  for (const i of order)
    out.push({
      step: `drop ${label(i)}`,
      case: withFaults(
        c,
        c.faults.filter((_, j) => j !== i),
      ),
    });
  // Simpler faults: one setting fewer (a PG fault that only loses answers, not also slow).
  c.faults.forEach((f, i) => {
    for (const fault of faultSimpler(f.fault))
      out.push({
        step: `simplify ${label(i)} → ${faultLabel(fault)}`,
        case: withFaults(
          c,
          c.faults.map((g, j) => (j === i ? { ...g, fault } : g)),
        ),
      });
  });
  // Shorter windows: halve each.
  c.faults.forEach((f, i) => {
    if (!faultHasWindow(f.fault) || f.durationSeconds <= 1) return;
    const durationSeconds = Math.max(1, Math.floor(f.durationSeconds / 2));
    out.push({
      step: `halve the window of ${label(i)} (${f.durationSeconds} → ${durationSeconds} s)`,
      case: withFaults(
        c,
        c.faults.map((g, j) => (j === i ? { ...g, durationSeconds } : g)),
      ),
    });
  });
  // Lower rate.
  if (c.load.rate > MIN_RATE) {
    const rate = Math.max(MIN_RATE, Math.floor(c.load.rate / 2));
    out.push({ step: `rate ${c.load.rate} → ${rate}/s`, case: { ...c, load: { ...c.load, rate } } });
  }
  // Fewer payments: the load ends soon after the last fault (faults never move into the warm-up).
  const lastEnd = Math.max(c.warmUpSeconds, ...c.faults.map((f) => f.atSeconds + f.durationSeconds));
  const durationSeconds = Math.max(lastEnd + TAIL_SECONDS, c.warmUpSeconds + TAIL_SECONDS);
  if (durationSeconds < c.load.durationSeconds)
    out.push({
      step: `load ${c.load.durationSeconds} → ${durationSeconds} s`,
      case: { ...c, load: { ...c.load, durationSeconds } },
    });
  // Simpler payments: no cancels, cancels right away, no reused keys.
  if (c.load.cancelRatio > 0)
    out.push({
      step: 'no cancels',
      case: { ...c, load: { ...c.load, cancelRatio: 0, cancelAfterMaxSeconds: 0 } },
    });
  else if (c.load.cancelAfterMaxSeconds > 0)
    out.push({ step: 'cancels right away', case: { ...c, load: { ...c.load, cancelAfterMaxSeconds: 0 } } });
  if (c.load.keyReuse !== undefined) {
    const { keyReuse: _, ...load } = c.load;
    out.push({ step: 'no reused keys', case: { ...c, load } });
  }
  return out;
}

export interface ShrinkStep {
  step: string;
  /** The candidate still violated the invariant, and became the case. */
  kept: boolean;
  /** What the run said, when it did not fail the same way. */
  detail: string;
}

export interface ShrinkResult {
  case: ExploreCase;
  runs: number;
  steps: ShrinkStep[];
  /** True when no smaller candidate fails (a local minimum); false when the budget ran out first. */
  minimal: boolean;
}

/**
 * Greedy search: takes the first failing candidate, starts over from it. Terminates: every kept
 * step lowers the size (a tuple of non-negative numbers that only goes down), and `maxRuns`
 * bounds the runs anyway.
 */
export async function shrink(
  initial: ExploreCase,
  stillFails: (
    c: ExploreCase,
    step: string,
  ) => Promise<{ fails: boolean; detail: string; blame?: readonly number[] }>,
  options: {
    maxRuns: number;
    label: (c: ExploreCase, i: number) => string;
    /** Problems per fault of the initial failing run (see shrinkCandidates). */
    blame?: readonly number[];
    signal?: AbortSignal;
  },
): Promise<ShrinkResult> {
  let current = initial;
  let blame = options.blame ?? [];
  let runs = 0;
  const steps: ShrinkStep[] = [];
  // A schedule without faults that held once is not tried again at a smaller load: the faults
  // are what the search is about, and the retry would cost a run per kept step.
  let faultlessHeld = false;
  // Steps that did not reproduce are tried again only after the others (a smaller load can make
  // the difference, so they are not dropped, but they are the unlikely ones).
  const rejected = new Set<string>();
  for (;;) {
    let improved = false;
    const candidates = shrinkCandidates(current, (i) => options.label(current, i), blame);
    const ordered = [
      ...candidates.filter((c) => !rejected.has(c.step)),
      ...candidates.filter((c) => rejected.has(c.step)),
    ];
    for (const candidate of ordered) {
      if (candidate.case.faults.length === 0 && faultlessHeld) continue;
      if (runs >= options.maxRuns || options.signal?.aborted)
        return { case: current, runs, steps, minimal: false };
      runs += 1;
      const verdict = await stillFails(candidate.case, candidate.step);
      steps.push({ step: candidate.step, kept: verdict.fails, detail: verdict.detail });
      if (!verdict.fails && candidate.case.faults.length === 0) faultlessHeld = true;
      if (!verdict.fails) rejected.add(candidate.step);
      if (verdict.fails) {
        current = candidate.case;
        blame = verdict.blame ?? [];
        improved = true;
        break;
      }
    }
    if (!improved) return { case: current, runs, steps, minimal: true };
  }
}
