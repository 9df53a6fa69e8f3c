/**
 * release: the lab is shared, so a naive strategy or an odd instance count must not outlive the
 * run — the robust stack is restored (unless the caller asked not to: it restores later) — and
 * what the run opened is closed: the lab metrics endpoint (after its fault gauge was scraped at 0),
 * the observer pool, the run's listeners on the caller's signal.
 */
import { ROBUST_STRATEGY, type LabConfig, type StrategyKnobs } from '../../../system/src/config.ts';
import type { LabRuntime } from '../../../system/lab/runtime.ts';
import { errorText, sleep, type RunContext } from '../context.ts';
import { GAUGE_ZERO_SCRAPE_WAIT_MS } from '../timing.ts';

/** True when the stack runs other knobs or instance counts than the lab's defaults. */
export function differsFromRobust(
  config: LabConfig,
  strategy: StrategyKnobs,
  instances: { relay: number; worker: number },
): boolean {
  const robust = Object.entries(ROBUST_STRATEGY).every(([k, v]) => strategy[k as keyof StrategyKnobs] === v);
  return (
    !robust || instances.relay !== config.instances.relay || instances.worker !== config.instances.worker
  );
}

/** Brings the robust strategy and default instance counts back (apps restart only where they differ). */
export async function restoreRobustStack(
  runtime: LabRuntime,
  config: LabConfig,
  log: (line: string) => void,
): Promise<void> {
  await runtime.up({
    stack: true,
    strategy: ROBUST_STRATEGY,
    instances: config.instances,
    onProgress: (line) => log(line.trim()),
  });
}

export async function release(ctx: RunContext): Promise<void> {
  if (ctx.restoreStrategy && differsFromRobust(ctx.config, ctx.strategy, ctx.scenario.instances)) {
    ctx.phase('restore');
    await restoreRobustStack(ctx.runtime, ctx.config, ctx.log).catch((error: unknown) =>
      ctx.log(`could not restore the robust stack: ${errorText(error)}`),
    );
  }
  ctx.scope.abort();
  await sleep(GAUGE_ZERO_SCRAPE_WAIT_MS);
  await ctx.metrics.close();
  await ctx.pool.end().catch(() => undefined);
  await ctx.cluster?.close().catch(() => undefined);
}
