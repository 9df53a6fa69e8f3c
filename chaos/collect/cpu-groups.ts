/**
 * The lab's processes for CPU accounting, and which of them is "the wall": the first process to
 * run out of CPU. A Node service is single-threaded, so it saturates near one core whatever the
 * machine has left; PostgreSQL, Kafka and the Go tools spread over cores, so they are the wall only
 * when the machine itself is nearly busy.
 */
import type { CpuUsage, ProcessGroups } from './proc-cpu.ts';

/** The stack's own processes (the "stack CPU per payment"). */
export const STACK_PROCESSES = ['api', 'relay', 'worker', 'pg-mock', 'db'] as const;
/** What the lab adds around the stack to measure it. */
export const LAB_OVERHEAD_PROCESSES = ['k6', 'toxiproxy', 'prometheus', 'runner'] as const;
/** Single-threaded event loops: saturated near one core each. */
const SINGLE_THREADED = new Set(['api', 'relay', 'worker', 'pg-mock', 'runner']);

/**
 * The lab's services are roots (their descendants count with them, ended ones too); the runner is
 * this process (the bench's or the scenario runner's), and k6 its child: alive it counts by pid,
 * ended its CPU is in the runner's cutime.
 */
export function labCpuGroups(
  labRoots: ReadonlyMap<number, string>,
  k6Pid: number | undefined,
): ProcessGroups {
  const byPid = new Map<number, string>([[process.pid, 'runner']]);
  if (k6Pid !== undefined) byPid.set(k6Pid, 'k6');
  const reapedTo = new Map<number, string>(labRoots);
  reapedTo.set(process.pid, 'k6');
  return { byPid, roots: labRoots, reapedTo };
}

export function sumOf(usage: CpuUsage, names: readonly string[]): number {
  return names.reduce((sum, name) => sum + (usage.seconds[name] ?? 0), 0);
}

export interface Wall {
  process: string;
  /** Cores it used on average over the window. */
  cores: number;
  why: string;
}

/**
 * The process that saturated: a single-threaded one at ≥ 85 % of a core, else — when the machine
 * was ≥ 90 % busy — the biggest consumer; else nothing saturated on CPU (the wall is a wait:
 * fsync, a lock, a network round trip).
 */
export function wallOf(usage: CpuUsage, instances: Readonly<Record<string, number>> = {}): Wall | undefined {
  const wall = usage.wallSeconds || 1;
  const cores = Object.entries(usage.seconds).map(([name, s]) => ({ name, cores: s / wall }));
  const saturated = cores
    .filter((c) => SINGLE_THREADED.has(c.name) && c.cores / (instances[c.name] ?? 1) >= 0.85)
    .sort((a, b) => b.cores - a.cores)[0];
  if (saturated)
    return {
      process: saturated.name,
      cores: saturated.cores,
      why: 'a single-threaded process at ≥ 85 % of a core',
    };
  const busy = usage.machineCapacitySeconds > 0 ? usage.machineBusySeconds / usage.machineCapacitySeconds : 0;
  if (busy >= 0.9) {
    const top = cores.sort((a, b) => b.cores - a.cores)[0];
    if (top)
      return {
        process: top.name,
        cores: top.cores,
        why: `the machine was ${(busy * 100).toFixed(0)} % busy; the biggest consumer`,
      };
  }
  return undefined;
}
