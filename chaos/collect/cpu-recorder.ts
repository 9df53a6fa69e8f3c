/**
 * CPU per lab process over a load ramp, and the first process that saturated (issue 11: the
 * capacity scenario's report names it). /proc is sampled every few seconds while the load runs;
 * each pair of neighbouring samples is a window, judged by the bench's rule (cpu-groups.ts
 * wallOf): a single-threaded Node service at ≥ 85 % of a core per instance, else the biggest
 * consumer of a ≥ 90 % busy machine. The first window that names a process is the answer.
 *
 * On a machine shared with other work the "busy machine" rule can fire because of that other
 * work: the report gives the machine's busy share beside the name, so a reader can tell.
 */
import { labCpuGroups, wallOf, type Wall } from './cpu-groups.ts';
import { cpuUsage, sampleCpu, type CpuSample, type ProcessGroups } from './proc-cpu.ts';

export interface CpuRecorder {
  /** Stops sampling and returns every sample, oldest first. No last sample is taken: the caller
   *  stops when k6 has exited, and a sample then would count k6's whole life a second time (its
   *  CPU moves from its own pid to the runner's reaped-children time when it ends). */
  stop(): CpuSample[];
}

/** Samples now and every `intervalMs` until stopped. A failed sample (no /proc) is skipped. */
export function startCpuRecorder(intervalMs: number, sample: () => CpuSample = sampleCpu): CpuRecorder {
  const samples: CpuSample[] = [];
  const take = () => {
    try {
      samples.push(sample());
    } catch {
      // Not Linux, or /proc unreadable: the report says CPU was not measured.
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

export interface Saturation extends Wall {
  /** The window (epoch ms) in which it first saturated. */
  from: number;
  to: number;
  /** The machine's busy share in that window (0–1). */
  machineBusy: number;
  /** Cores the lab's own processes used in that window (the rest of a busy machine is other work). */
  labCores: number;
}

export interface RampCpu {
  /** Average cores per process over the whole ramp. */
  averageCores: Record<string, number>;
  /** The highest cores per process in any one window. */
  peakCores: Record<string, number>;
  /** The machine's busy share over the ramp, and its CPU count. */
  machineBusy: number;
  cpus: number;
  windows: number;
  firstSaturation: Saturation | null;
}

/**
 * The lab's processes by name from a pid snapshot ("worker-1" → pid): one group per service,
 * and how many instances it runs (a saturated worker is judged per instance).
 */
export function groupsFromPids(
  pids: ReadonlyMap<string, number | undefined>,
  k6Pid: number | undefined,
): { groups: ProcessGroups; instances: Record<string, number> } {
  const roots = new Map<number, string>();
  const instances: Record<string, number> = {};
  for (const [instance, pid] of pids) {
    if (pid === undefined) continue;
    const name = instance.replace(/-\d+$/, '');
    roots.set(pid, name);
    instances[name] = (instances[name] ?? 0) + 1;
  }
  return { groups: labCpuGroups(roots, k6Pid), instances };
}

export function rampCpu(
  samples: readonly CpuSample[],
  groups: ProcessGroups,
  instances: Readonly<Record<string, number>>,
): RampCpu | null {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || samples.length < 2) return null;
  const peakCores: Record<string, number> = {};
  let firstSaturation: Saturation | null = null;
  for (let i = 1; i < samples.length; i++) {
    const before = samples[i - 1]!;
    const after = samples[i]!;
    const usage = cpuUsage(before, after, groups);
    if (usage.wallSeconds <= 0) continue;
    for (const [name, seconds] of Object.entries(usage.seconds))
      peakCores[name] = Math.max(peakCores[name] ?? 0, seconds / usage.wallSeconds);
    if (firstSaturation) continue;
    const wall = wallOf(usage, instances);
    if (wall)
      firstSaturation = {
        ...wall,
        from: before.at,
        to: after.at,
        machineBusy:
          usage.machineCapacitySeconds > 0 ? usage.machineBusySeconds / usage.machineCapacitySeconds : 0,
        labCores: Object.values(usage.seconds).reduce((a, b) => a + b, 0) / usage.wallSeconds,
      };
  }
  const whole = cpuUsage(first, last, groups);
  const wallSeconds = whole.wallSeconds || 1;
  const averageCores = Object.fromEntries(
    Object.entries(whole.seconds).map(([name, seconds]) => [name, seconds / wallSeconds]),
  );
  return {
    averageCores,
    peakCores,
    machineBusy:
      whole.machineCapacitySeconds > 0 ? whole.machineBusySeconds / whole.machineCapacitySeconds : 0,
    cpus: last.machine.cpus,
    windows: samples.length - 1,
    firstSaturation,
  };
}
