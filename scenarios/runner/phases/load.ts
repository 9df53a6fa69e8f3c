/**
 * load+faults: the chaos engine plays the seeded schedule on the load's clock while k6 runs to its
 * end. Faults all end before the load does (validated); a k6 that stopped early cuts them short,
 * and the heal phase removes what is still on.
 */
import { startCpuRecorder } from '../../../chaos/collect/cpu-recorder.ts';
import { scheduleFaults } from '../../../chaos/faults/schedule.ts';
import type { RunContext } from '../context.ts';

/** Long enough that 100 Hz CPU ticks give a steady figure; short enough to see a ramp's steps. */
const CPU_SAMPLE_MS = 5_000;

export async function loadAndFaults(ctx: RunContext): Promise<void> {
  const { k6, clocks } = ctx;
  if (k6.run === null || clocks.loadStart === null) throw new Error('the load phase needs a started k6');
  ctx.phase('load');
  // A k6 that already ended (it aborted during the warm-up) leaves nothing to fault.
  if (k6.exitCode === null && !ctx.signal.aborted) {
    const schedule = scheduleFaults(ctx.scenario.faults, ctx.seed);
    ctx.chaos.playing = ctx.engine.play(schedule, clocks.loadStart, ctx.chaos.abort.signal);
  }
  // A capacity ramp samples CPU per process, so the report can name who saturated first.
  const cpu = ctx.scenario.capacity ? startCpuRecorder(CPU_SAMPLE_MS) : null;
  try {
    k6.exitCode = await k6.run.exited;
  } finally {
    k6.stopProgress();
    if (cpu) ctx.cpuSamples = cpu.stop();
  }
  clocks.loadEnd = Date.now();
  ctx.view.push({ type: 'load-finished', elapsedSeconds: (clocks.loadEnd - clocks.loadStart) / 1000 });
  ctx.chaos.abort.abort();
  await ctx.chaos.playing;
}
