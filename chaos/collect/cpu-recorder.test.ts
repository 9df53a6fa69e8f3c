import { describe, expect, it } from 'vitest';
import { groupsFromPids, rampCpu, startCpuRecorder } from './cpu-recorder.ts';
import { clockTicks, type CpuSample, type ProcCpu } from './proc-cpu.ts';

const HZ = clockTicks();
const proc = (pid: number, ppid: number, ticks: number): ProcCpu => ({
  pid,
  ppid,
  pgrp: pid,
  ticks,
  childTicks: 0,
});

/** A 2-CPU machine; `busySeconds` of its CPU time busy since boot, at `at` seconds. */
function sample(atSeconds: number, busySeconds: number, procs: ProcCpu[]): CpuSample {
  const total = atSeconds * 2 * HZ;
  return {
    at: atSeconds * 1000,
    procs: new Map(procs.map((p) => [p.pid, p])),
    machine: { total, idle: total - busySeconds * HZ, cpus: 2 },
  };
}

describe('groupsFromPids', () => {
  it('names each service once, counts its instances, and skips stopped ones', () => {
    const { groups, instances } = groupsFromPids(
      new Map([
        ['worker-0', 10],
        ['worker-1', 11],
        ['relay-0', 12],
        ['relay-1', undefined],
        ['db-0', 13],
      ]),
      99,
    );
    expect(instances).toEqual({ worker: 2, relay: 1, db: 1 });
    expect([...groups.roots]).toEqual([
      [10, 'worker'],
      [11, 'worker'],
      [12, 'relay'],
      [13, 'db'],
    ]);
    expect(groups.byPid.get(99)).toBe('k6');
  });
});

describe('rampCpu', () => {
  const { groups, instances } = groupsFromPids(
    new Map([
      ['api-0', 100],
      ['worker-0', 200],
      ['db-0', 300],
    ]),
    undefined,
  );

  it('names the first window in which a process saturated, with per-process averages and peaks', () => {
    // 0–5 s: worker 0.4 cores. 5–10 s: worker 0.96 cores (saturated). 10–15 s: api 0.9 cores too.
    const samples = [
      sample(0, 0, [proc(100, 1, 0), proc(200, 1, 0), proc(300, 1, 0), proc(301, 300, 0)]),
      sample(5, 3, [proc(100, 1, 1 * HZ), proc(200, 1, 2 * HZ), proc(300, 1, 0), proc(301, 300, 1 * HZ)]),
      sample(10, 8, [proc(100, 1, 2 * HZ), proc(200, 1, 6.8 * HZ), proc(300, 1, 0), proc(301, 300, 2 * HZ)]),
      sample(15, 14, [
        proc(100, 1, 6.5 * HZ),
        proc(200, 1, 11.6 * HZ),
        proc(300, 1, 0),
        proc(301, 300, 3 * HZ),
      ]),
    ];
    const ramp = rampCpu(samples, groups, instances);
    expect(ramp?.firstSaturation).toMatchObject({ process: 'worker', from: 5000, to: 10000 });
    expect(ramp?.firstSaturation?.cores).toBeCloseTo(0.96, 2);
    // api 0.2 + worker 0.96 + db 0.2 in that window.
    expect(ramp?.firstSaturation?.labCores).toBeCloseTo(1.36, 2);
    expect(ramp?.windows).toBe(3);
    expect(ramp?.averageCores.worker).toBeCloseTo(11.6 / 15, 2);
    // A backend (a child of the postmaster) counts as db.
    expect(ramp?.averageCores.db).toBeCloseTo(3 / 15, 2);
    expect(ramp?.peakCores.api).toBeCloseTo(0.9, 2);
    expect(ramp?.machineBusy).toBeCloseTo(14 / 30, 2);
  });

  it('names nothing when no process ran out of CPU', () => {
    const samples = [
      sample(0, 0, [proc(100, 1, 0), proc(200, 1, 0)]),
      sample(5, 2, [proc(100, 1, 1 * HZ), proc(200, 1, 1 * HZ)]),
    ];
    expect(rampCpu(samples, groups, instances)?.firstSaturation).toBeNull();
  });

  it('is null without two samples (not measured, never "nothing saturated")', () => {
    expect(rampCpu([sample(0, 0, [])], groups, instances)).toBeNull();
  });
});

describe('startCpuRecorder', () => {
  it('samples at start and then on its timer only (none at stop), skipping a sample that fails', async () => {
    let calls = 0;
    const recorder = startCpuRecorder(20, () => {
      calls += 1;
      if (calls === 2) throw new Error('no /proc');
      return sample(calls, 0, []);
    });
    await new Promise((r) => setTimeout(r, 70));
    const samples = recorder.stop();
    expect(samples.length).toBe(calls - 1);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(samples.length + 1); // stopped: no more samples
  });
});
