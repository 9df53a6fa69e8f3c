/**
 * CPU time per process from /proc, grouped into the lab's processes (api, relay, db…). A sample is
 * every process's utime + stime; the CPU a group spent over a window is the difference of two samples
 * (a process born in the window counts from zero; one that died in it is lost, which for the lab's
 * long-lived processes and pooled PostgreSQL backends is nothing).
 *
 * Shared by the bench (bench/stages/) and the capacity scenario's report (cpu-recorder.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { splitProcStat } from '../../system/lab/proc-stat.ts';

export interface ProcCpu {
  pid: number;
  ppid: number;
  pgrp: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** cutime + cstime: CPU of children that ended and were waited for (PostgreSQL backends, k6). */
  childTicks: number;
}

/** /proc/<pid>/stat's CPU fields. */
export function parseProcCpu(content: string): ProcCpu | undefined {
  const split = splitProcStat(content);
  if (!split) return undefined;
  const { pid, rest } = split;
  // rest[0] is field 3 (state): ppid is field 4, pgrp 5, utime 14, stime 15, cutime 16, cstime 17.
  const [ppid, pgrp, utime, stime, cutime, cstime] = [1, 2, 11, 12, 13, 14].map((i) => Number(rest[i]));
  const fields = [pid, ppid, pgrp, utime, stime, cutime, cstime];
  if (!fields.every((f) => f !== undefined && Number.isFinite(f)) || !Number.isInteger(pid)) return undefined;
  return {
    pid,
    ppid: ppid as number,
    pgrp: pgrp as number,
    ticks: (utime as number) + (stime as number),
    childTicks: (cutime as number) + (cstime as number),
  };
}

export interface MachineCpu {
  /** All jiffies of all CPUs (busy + idle). */
  total: number;
  idle: number;
  cpus: number;
}

/** The aggregate `cpu` line of /proc/stat and the count of `cpuN` lines. */
export function parseMachineCpu(content: string): MachineCpu | undefined {
  const lines = content.split('\n');
  const agg = lines.find((l) => /^cpu\s/.test(l));
  if (!agg) return undefined;
  const fields = agg.trim().split(/\s+/).slice(1).map(Number);
  if (fields.length < 4 || !fields.every(Number.isFinite)) return undefined;
  // user nice system idle iowait irq softirq steal (guest is already inside user).
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const cpus = lines.filter((l) => /^cpu\d+\s/.test(l)).length;
  return { total, idle, cpus };
}

export interface CpuSample {
  at: number;
  procs: Map<number, ProcCpu>;
  machine: MachineCpu;
}

export function sampleCpu(procDir = '/proc'): CpuSample {
  const procs = new Map<number, ProcCpu>();
  for (const entry of fs.readdirSync(procDir)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parsed = parseProcCpu(fs.readFileSync(`${procDir}/${entry}/stat`, 'utf8'));
      if (parsed) procs.set(parsed.pid, parsed);
    } catch {
      // The process ended between readdir and read.
    }
  }
  const machine = parseMachineCpu(fs.readFileSync(`${procDir}/stat`, 'utf8'));
  if (!machine) throw new Error(`${procDir}/stat has no cpu line`);
  return { at: Date.now(), procs, machine };
}

let ticksPerSecond: number | undefined;
/** USER_HZ: 100 on every Linux the lab runs on, asked once anyway. */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * Which lab process a process belongs to: its own pid (k6), else the nearest ancestor that is a
 * root (a service's main process: PostgreSQL's backends call setsid, so process groups would miss
 * them, but they are the postmaster's children). `reapedTo` names where the CPU of a root's ended
 * children goes (cutime): the postmaster's finished backends to db, the runner's k6 to k6.
 */
export interface ProcessGroups {
  byPid: ReadonlyMap<number, string>;
  roots: ReadonlyMap<number, string>;
  reapedTo?: ReadonlyMap<number, string>;
}

export function groupOf(
  proc: ProcCpu,
  groups: ProcessGroups,
  procs: ReadonlyMap<number, ProcCpu>,
): string | undefined {
  const own = groups.byPid.get(proc.pid);
  if (own !== undefined) return own;
  let current: ProcCpu | undefined = proc;
  for (let depth = 0; current && depth < 64; depth++) {
    const root = groups.roots.get(current.pid);
    if (root !== undefined) return root;
    if (current.ppid <= 1) return undefined;
    current = procs.get(current.ppid);
  }
  return undefined;
}

export interface CpuUsage {
  /** CPU seconds per named group over the window. */
  seconds: Record<string, number>;
  wallSeconds: number;
  /** CPU seconds the whole machine spent busy, and its capacity (cpus × wall). */
  machineBusySeconds: number;
  machineCapacitySeconds: number;
}

export function cpuUsage(
  before: CpuSample,
  after: CpuSample,
  groups: ProcessGroups,
  hz: number = clockTicks(),
): CpuUsage {
  const seconds: Record<string, number> = {};
  const names = [...groups.byPid.values(), ...groups.roots.values(), ...(groups.reapedTo?.values() ?? [])];
  for (const name of new Set(names)) seconds[name] = 0;
  for (const proc of after.procs.values()) {
    const name = groupOf(proc, groups, after.procs);
    if (name === undefined) continue;
    const earlier = before.procs.get(proc.pid);
    // A pid reused by another process (other parent) counts from zero.
    const same = earlier !== undefined && earlier.ppid === proc.ppid;
    const delta = same ? proc.ticks - earlier.ticks : proc.ticks;
    seconds[name] = (seconds[name] ?? 0) + Math.max(0, delta) / hz;
  }
  for (const [pid, name] of groups.reapedTo ?? []) {
    const earlier = before.procs.get(pid);
    const later = after.procs.get(pid);
    if (!earlier || !later) continue;
    seconds[name] = (seconds[name] ?? 0) + Math.max(0, later.childTicks - earlier.childTicks) / hz;
  }
  const totalDelta = after.machine.total - before.machine.total;
  const idleDelta = after.machine.idle - before.machine.idle;
  const wallSeconds = (after.at - before.at) / 1000;
  const cpus = after.machine.cpus || 1;
  return {
    seconds,
    wallSeconds,
    machineBusySeconds: Math.max(0, totalDelta - idleDelta) / hz,
    // Jiffies are counted per CPU, so the total delta is the capacity; fall back to cpus × wall.
    machineCapacitySeconds: totalDelta > 0 ? totalDelta / hz : cpus * wallSeconds,
  };
}
