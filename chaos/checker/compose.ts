/**
 * Runs independent checks over one history. A check that throws does not take the others
 * down: its verdict becomes 'unknown' with the error as the note (jepsen.checker/compose).
 */
import type { FaultWindow, RunHistory } from './history.ts';
import { EXAMPLE_LIMIT, type CheckName, type CheckResult, type Problem, type Validity } from './result.ts';

export interface CheckOutcome {
  valid: Validity;
  counts: Record<string, number>;
  problems: Problem[];
  note?: string;
}

export interface Check {
  name: CheckName;
  title: string;
  run(history: RunHistory): CheckOutcome;
}

/** Attributes each timed problem to the fault window it falls in; a window's effects outlive it,
 *  so a problem up to `graceMs` after a window's end still counts for that window. */
export function problemsPerWindow(
  problems: Problem[],
  windows: FaultWindow[],
  graceMs: number,
): Record<string, number> {
  const counts: Record<string, number> = { outside: 0 };
  for (const w of windows) counts[w.id] = 0;
  for (const p of problems) {
    const hit =
      p.at === undefined ? undefined : windows.find((w) => p.at! >= w.start && p.at! <= w.end + graceMs);
    const key = hit ? hit.id : 'outside';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function summarise(
  check: Pick<Check, 'name' | 'title'>,
  outcome: CheckOutcome,
  windows: FaultWindow[],
  graceMs: number,
): CheckResult {
  const ordered = [...outcome.problems].sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
  let worst: Problem | undefined;
  for (const p of ordered) if (!worst || p.severity > worst.severity) worst = p;
  const result: CheckResult = {
    name: check.name,
    title: check.title,
    valid: outcome.valid,
    counts: outcome.counts,
    problemCount: ordered.length,
    examples: ordered.slice(0, EXAMPLE_LIMIT),
    perWindow: problemsPerWindow(ordered, windows, graceMs),
  };
  if (ordered[0]) result.first = ordered[0];
  if (worst) result.worst = worst;
  if (outcome.note !== undefined) result.note = outcome.note;
  return result;
}

export function runChecks(checks: readonly Check[], history: RunHistory, graceMs = 5_000): CheckResult[] {
  return checks.map((check) => {
    try {
      return summarise(check, check.run(history), history.faultWindows, graceMs);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return summarise(
        check,
        { valid: 'unknown', counts: {}, problems: [], note: `the check crashed: ${message}` },
        history.faultWindows,
        graceMs,
      );
    }
  });
}
