/**
 * The run's verdicts: what the scenario expected against what the checker, the recovery
 * analysis and k6 measured. The exit code is 0 only when every verdict passes. "unknown" never
 * passes: a check that could not be decided did not show that the promise was kept.
 */
import type { CheckResult } from './checker/result.ts';
import type { TimelineEvent } from './timeline.ts';
import type { FaultRecovery } from './recovery/recovery.ts';
import type { K6Numbers } from './collect/k6-output.ts';
import { UNEXPECTED_CREATE_STATUSES, type JudgedScenario } from './expectations.ts';
import { CREATE_STATUS_CLASSES } from './collect/create-status.ts';

export interface Verdict {
  name: string;
  expected: string;
  actual: string;
  pass: boolean;
}

export interface FaultRecoveryRecord {
  faultId: string;
  label: string;
  start: number;
  end: number | null;
  recovery: FaultRecovery;
}

function fmt(n: number | null, digits = 3): string {
  return n === null ? 'n/a' : String(Math.round(n * 10 ** digits) / 10 ** digits);
}

export function checkVerdicts(scenario: JudgedScenario, checks: readonly CheckResult[]): Verdict[] {
  const out: Verdict[] = [];
  const byName = new Map(checks.map((c) => [c.name, c]));
  for (const name of scenario.expect.hold) {
    const c = byName.get(name);
    out.push({
      name,
      expected: 'holds',
      actual:
        c === undefined
          ? 'not run'
          : c.valid === true
            ? 'holds'
            : c.valid === false
              ? `violated (${c.problemCount})`
              : `unknown: ${c.note ?? ''}`,
      pass: c?.valid === true,
    });
  }
  for (const name of scenario.expect.catch) {
    const c = byName.get(name);
    out.push({
      name: `${name} (naive)`,
      expected: 'violation caught',
      actual:
        c === undefined
          ? 'not run'
          : c.valid === false
            ? `caught (${c.problemCount})`
            : c.valid === true
              ? 'not caught: the invariant held'
              : `unknown: ${c.note ?? ''}`,
      pass: c?.valid === false,
    });
  }
  return out;
}

/** A fault of the run's schedule, as the timeline names it. */
export interface PlannedFault {
  id: string;
  label: string;
}

/**
 * Whether the schedule was played: every fault started, and was removed by its own end. A fault
 * whose start threw never happened, so every other verdict of the run looked at a run without it;
 * one removed only by the heal after its stop failed stayed on longer than the scenario says; and
 * `leftFaulted` (what the final heal could not undo) means the lab itself is still faulted.
 */
export function faultsPlayedVerdicts(
  planned: readonly PlannedFault[],
  events: readonly TimelineEvent[],
  leftFaulted: readonly string[],
): Verdict[] {
  if (planned.length === 0 && leftFaulted.length === 0) return [];
  const problems: string[] = [];
  if (leftFaulted.length > 0) problems.push(`LAB LEFT FAULTED: ${leftFaulted.join('; ')}`);
  for (const { id, label } of planned) {
    const of = (type: TimelineEvent['event']) => events.filter((e) => e.faultId === id && e.event === type);
    const name = `${id} (${label})`;
    const startFailed = of('start-failed')[0];
    const stopFailed = of('stop-failed');
    const removed = of('end').length + of('heal').length > 0;
    if (startFailed) problems.push(`${name} could not start: ${startFailed.detail ?? 'no reason given'}`);
    else if (of('start').length === 0) problems.push(`${name} never started`);
    else if (stopFailed.length > 0)
      problems.push(
        `${name} ${removed ? 'was removed only by the heal after its stop failed' : 'could not be removed'}: ${stopFailed.map((e) => e.detail ?? '?').join('; ')}`,
      );
    else if (!removed) problems.push(`${name} was never removed`);
  }
  return [
    {
      name: 'faults played',
      expected: 'every scheduled fault started, and removed by its own end',
      actual:
        problems.length === 0
          ? `${planned.length} of ${planned.length} started and removed`
          : problems.join(' · '),
      pass: problems.length === 0,
    },
  ];
}

export function recoveryVerdicts(
  scenario: JudgedScenario,
  records: readonly FaultRecoveryRecord[],
): Verdict[] {
  if (scenario.expect.recovery !== 'required') return [];
  return records.map((r) => ({
    name: `recovery ${r.faultId}`,
    expected: 'recovers before the drain deadline',
    actual:
      r.recovery.status === 'recovered'
        ? `${fmt(r.recovery.seconds, 1)} s`
        : r.recovery.status === 'unknown'
          ? 'unknown (no steady state or no samples)'
          : 'did not recover',
    pass: r.recovery.status === 'recovered',
  }));
}

export function sloVerdicts(scenario: JudgedScenario, k6: K6Numbers | null, planned: number): Verdict[] {
  const slo = scenario.expect.slo;
  const out: Verdict[] = [];
  const missing = (name: string, expected: string): Verdict => ({
    name,
    expected,
    actual: 'no k6 summary',
    pass: false,
  });
  if (slo.createP95Ms !== undefined) {
    const name = 'create p95 (k6)';
    const expected = `≤ ${slo.createP95Ms} ms`;
    out.push(
      k6 === null || k6.createP95Ms === null
        ? missing(name, expected)
        : { name, expected, actual: `${fmt(k6.createP95Ms, 1)} ms`, pass: k6.createP95Ms <= slo.createP95Ms },
    );
  }
  if (slo.createErrorRate !== undefined) {
    const name = 'create error rate (k6)';
    const expected = `≤ ${slo.createErrorRate}`;
    out.push(
      k6 === null || k6.createErrorRate === null
        ? missing(name, expected)
        : {
            name,
            expected,
            actual: fmt(k6.createErrorRate, 4),
            pass: k6.createErrorRate <= slo.createErrorRate,
          },
    );
  }
  if (slo.droppedIterationsRatio !== undefined) {
    const name = 'dropped iterations';
    const expected = `≤ ${slo.droppedIterationsRatio * 100} % of ${planned} planned`;
    if (k6 === null) out.push(missing(name, expected));
    else {
      const ratio = planned === 0 ? 0 : k6.droppedIterations / planned;
      out.push({
        name,
        expected,
        actual: `${k6.droppedIterations} (${fmt(ratio * 100, 2)} %)`,
        pass: ratio <= slo.droppedIterationsRatio,
      });
    }
  }
  if (slo.achievedRateRatio !== undefined) {
    const name = 'achieved vs target rate';
    const expected = `≥ ${slo.achievedRateRatio * 100} %`;
    if (k6 === null) out.push(missing(name, expected));
    else {
      const ratio = planned === 0 ? 1 : k6.iterations / planned;
      out.push({
        name,
        expected,
        actual: `${k6.iterations} of ${planned} iterations (${fmt(ratio * 100, 1)} %)`,
        pass: ratio >= slo.achievedRateRatio,
      });
    }
  }
  return out;
}

/** Why a class of client errors was answered, in words a reader can act on. */
const CLIENT_ERROR_MEANING: Record<(typeof UNEXPECTED_CREATE_STATUSES)[number], string> = {
  '401': 'the API refused the merchant API key',
  '409': 'a key was still in progress',
  '422': 'a key was reused with other parameters',
  '4xx': 'the API rejected the request',
};

/** The minimums a run must have exercised before any other verdict means something: enough
 *  accepted creates, every create answered by an expected class, and cancels when the load asks
 *  for them. A run that exercised nothing fails here, whatever the invariants say. */
export function exercisedVerdicts(
  scenario: JudgedScenario,
  k6: K6Numbers | null,
  planned: number,
): Verdict[] {
  const { acceptedShare, allowedCreateStatuses } = scenario.expect.exercised;
  const cancels = scenario.load.cancelRatio > 0;
  const acceptedExpected = `≥ ${fmt(acceptedShare * 100, 1)} % of ${planned} planned iterations accepted`;
  const answersExpected = `every create answered; no 401 or other client error${allowedCreateStatuses.length > 0 ? ` except ${allowedCreateStatuses.join(', ')}` : ''}`;
  const cancelsExpected = `≥ 1 cancel answered (cancel ratio ${scenario.load.cancelRatio})`;
  if (k6 === null) {
    const none = (name: string, expected: string): Verdict => ({
      name,
      expected,
      actual: 'no k6 summary',
      pass: false,
    });
    return [
      none('exercised: accepted', acceptedExpected),
      none('exercised: create answers', answersExpected),
      ...(cancels ? [none('exercised: cancels', cancelsExpected)] : []),
    ];
  }
  const accepted = k6.iterationsAccepted ?? k6.createsAccepted;
  const share = planned === 0 ? 0 : accepted / planned;
  const unexpected = UNEXPECTED_CREATE_STATUSES.filter(
    (c) => !allowedCreateStatuses.includes(c) && k6.createStatus[c] > 0,
  );
  const answered = CREATE_STATUS_CLASSES.reduce((sum, c) => sum + k6.createStatus[c], 0);
  const unaccounted = k6.createsAttempted - answered;
  const answerProblems = [
    ...unexpected.map((c) => `${c} × ${k6.createStatus[c]} (${CLIENT_ERROR_MEANING[c]})`),
    ...(unaccounted !== 0
      ? [`${unaccounted} of ${k6.createsAttempted} creates unaccounted for by any answer`]
      : []),
  ];
  const byClass = CREATE_STATUS_CLASSES.filter((c) => k6.createStatus[c] > 0)
    .map((c) => `${c} × ${k6.createStatus[c]}`)
    .join(', ');
  const verdicts: Verdict[] = [
    {
      name: 'exercised: accepted',
      expected: acceptedExpected,
      actual: `${accepted} of ${planned} (${fmt(share * 100, 1)} %)${byClass === '' ? '' : `; answers: ${byClass}`}`,
      pass: planned > 0 && share >= acceptedShare,
    },
    {
      name: 'exercised: create answers',
      expected: answersExpected,
      actual:
        answerProblems.length === 0 ? `all accounted for (${byClass || 'none'})` : answerProblems.join('; '),
      pass: answerProblems.length === 0,
    },
  ];
  if (cancels)
    verdicts.push({
      name: 'exercised: cancels',
      expected: cancelsExpected,
      actual: `${k6.cancelsAccepted} accepted, ${k6.cancelsRefused} refused, ${k6.cancelErrors} errors`,
      pass: k6.cancelsAccepted + k6.cancelsRefused > 0,
    });
  return verdicts;
}

export function allPass(verdicts: readonly Verdict[]): boolean {
  return verdicts.length > 0 && verdicts.every((v) => v.pass);
}
