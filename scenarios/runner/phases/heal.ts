/**
 * heal: every fault removed — toxics, disabled proxies, the PG's faults, stopped or paused
 * processes — right after the load (Jepsen's final generator). healFinally() runs the same on
 * every exit path: success, failure, Ctrl-C, k6 aborting; healing twice is harmless.
 */
import { errorText, type RunContext } from '../context.ts';
import { K6_THRESHOLDS_CROSSED } from '../timing.ts';

export async function heal(ctx: RunContext): Promise<void> {
  ctx.phase('heal');
  for (const p of await ctx.engine.heal()) ctx.notes.push(`heal problem: ${p}`);
  const code = ctx.k6.exitCode;
  if (code !== 0 && code !== K6_THRESHOLDS_CROSSED)
    ctx.notes.push(
      `k6 exited with code ${code} (${K6_THRESHOLDS_CROSSED} = thresholds crossed is expected to be judged, anything else means the load did not run as planned); see k6.log`,
    );
}

export async function healFinally(ctx: RunContext): Promise<void> {
  // Whatever happened, the chaos player stops first, so it cannot start a fault after the heal.
  ctx.chaos.abort.abort();
  await ctx.chaos.playing?.catch(() => undefined);
  const problems = await ctx.engine.heal().catch((error: unknown) => [errorText(error)]);
  for (const p of problems) ctx.notes.push(`final heal problem: ${p}`);
}
