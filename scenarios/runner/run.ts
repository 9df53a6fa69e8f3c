/**
 * One scenario, end to end, as named phases over one run context (context.ts):
 *
 *   prepare → warm-up → load+faults → heal → drain      against the lab; any error ends them early
 *   (final heal)                                        on every exit path: success, failure,
 *                                                       Ctrl-C, k6 aborting
 *   collect → check → report                            always, over whatever the run got to see
 *   release                                             always: restore the robust stack, close
 *
 * Each phase is a small function in phases/, announced to the live view; its waits are named in
 * timing.ts. A caller that runs many scenarios in a row (the explorer) calls runScenario with one
 * runtime and `restoreStrategy: false`, and gets a lab reset between runs only as far as the checks need
 * (phases/prepare.ts says what that is).
 */
import type { RunReport } from '../../chaos/report/model.ts';
import type { Scenario } from '../lib/define.ts';
import { errorText, openRun, type RunContext, type RunOptions } from './context.ts';
import { check } from './phases/check.ts';
import { collect } from './phases/collect.ts';
import { drain } from './phases/drain.ts';
import { heal, healFinally } from './phases/heal.ts';
import { loadAndFaults } from './phases/load.ts';
import { prepare } from './phases/prepare.ts';
import { release } from './phases/release.ts';
import { writeReport } from './phases/report.ts';
import { warmUp } from './phases/warm-up.ts';

export type { RunOptions } from './context.ts';
export { foreignRestarts } from './phases/drain.ts';
export { restoreRobustStack } from './phases/release.ts';

export interface RunOutcome {
  report: RunReport;
  runDir: string;
}

/** The phases that touch the lab. An error ends them and becomes a note; the final heal follows. */
async function playAgainstTheLab(ctx: RunContext): Promise<void> {
  try {
    await prepare(ctx);
    await warmUp(ctx);
    await loadAndFaults(ctx);
    await heal(ctx);
    await drain(ctx);
  } catch (error) {
    ctx.notes.push(`run error: ${errorText(error)}`);
  } finally {
    await healFinally(ctx);
  }
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunOutcome> {
  const ctx = await openRun(scenario, options);
  try {
    await playAgainstTheLab(ctx);
    const collected = await collect(ctx);
    const report = check(ctx, collected);
    writeReport(ctx, report);
    return { report, runDir: ctx.runDir };
  } finally {
    await release(ctx);
  }
}
