import { describe, expect, it } from 'vitest';
import { cpuUsage, parseMachineCpu, parseProcCpu, type CpuSample, type ProcCpu } from './proc-cpu.ts';

// A real /proc/<pid>/stat line with a command holding a space and a parenthesis.
const STAT =
  '4242 (node (api) x) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 567 30 40 20 0 11 0 1037769 1 2 3';

describe('parseProcCpu', () => {
  it('reads pid, ppid, process group and utime + stime past a command with spaces and parentheses', () => {
    expect(parseProcCpu(STAT)).toEqual({ pid: 4242, ppid: 1, pgrp: 4242, ticks: 1234 + 567, childTicks: 70 });
  });
  it('refuses a truncated line', () => {
    expect(parseProcCpu('4242 (node) S 1')).toBeUndefined();
    expect(parseProcCpu('garbage')).toBeUndefined();
  });
});

describe('parseMachineCpu', () => {
  it('sums the first eight fields of the cpu line and counts the cpus', () => {
    const stat = [
      'cpu  100 5 50 800 20 1 2 3 7 0',
      'cpu0 50 2 25 400 10 0 1 1 3 0',
      'cpu1 50 3 25 400 10 1 1 2 4 0',
      'intr 1 2 3',
    ].join('\n');
    expect(parseMachineCpu(stat)).toEqual({ total: 981, idle: 820, cpus: 2 });
  });
  it('refuses a file without a cpu line', () => {
    expect(parseMachineCpu('intr 1 2')).toBeUndefined();
  });
});

describe('cpuUsage', () => {
  const proc = (pid: number, ppid: number, ticks: number, childTicks = 0): ProcCpu => ({
    pid,
    ppid,
    pgrp: pid,
    ticks,
    childTicks,
  });
  const sample = (at: number, procs: ProcCpu[], total: number, idle: number): CpuSample => ({
    at,
    procs: new Map(procs.map((p) => [p.pid, p])),
    machine: { total, idle, cpus: 2 },
  });

  it('adds a root and its descendants (own process groups or not), counts a newborn from zero, ignores strangers', () => {
    const before = sample(0, [proc(10, 1, 100), proc(11, 10, 50), proc(99, 1, 7)], 1000, 600);
    const after = sample(
      1000,
      [proc(10, 1, 130), proc(11, 10, 60), proc(12, 11, 5), proc(99, 1, 900), proc(50, 77, 20)],
      1200,
      700,
    );
    const usage = cpuUsage(
      before,
      after,
      { byPid: new Map([[50, 'k6']]), roots: new Map([[10, 'db']]) },
      100,
    );
    expect(usage.seconds).toEqual({ k6: 0.2, db: 0.45 });
    expect(usage.wallSeconds).toBe(1);
    expect(usage.machineBusySeconds).toBe(1);
    expect(usage.machineCapacitySeconds).toBe(2);
  });

  it('counts the CPU of children that ended in the window where reapedTo says', () => {
    const before = sample(0, [proc(10, 1, 100, 500), proc(20, 1, 10, 0)], 0, 0);
    const after = sample(1000, [proc(10, 1, 100, 540), proc(20, 1, 10, 300)], 200, 100);
    const usage = cpuUsage(
      before,
      after,
      {
        byPid: new Map([[20, 'runner']]),
        roots: new Map([[10, 'db']]),
        reapedTo: new Map([
          [10, 'db'],
          [20, 'k6'],
        ]),
      },
      100,
    );
    expect(usage.seconds).toEqual({ runner: 0, db: 0.4, k6: 3 });
  });

  it('treats a reused pid under another parent as a new process', () => {
    const before = sample(0, [proc(10, 77, 500)], 0, 0);
    const after = sample(1000, [proc(10, 1, 30)], 200, 100);
    const usage = cpuUsage(before, after, { byPid: new Map(), roots: new Map([[10, 'db']]) }, 100);
    expect(usage.seconds.db).toBeCloseTo(0.3);
  });
});
