/** Real processes (`sleep`), real /proc: the supervision rules the lab relies on after a crash. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatPidRecord } from './proc-info.ts';
import { findMarked, isAlive, launch, observe, signalGroup, terminate, track } from './supervisor.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-supervisor-'));
const started: number[] = [];

function startSleeper(name: string): { pidFile: string; marker: string; pid: number } {
  const marker = `PAYLAB_TEST_MARK=${dir}/${name}`;
  const pidFile = path.join(dir, `${name}.pid`);
  const record = launch({
    service: name,
    instance: 0,
    cmd: 'sleep',
    args: ['300'],
    env: { PATH: process.env.PATH, PAYLAB_TEST_MARK: `${dir}/${name}` },
    cwd: dir,
    logFile: path.join(dir, `${name}.log`),
    pidFile,
    marker,
  });
  started.push(record.pid);
  return { pidFile, marker, pid: record.pid };
}

const waitFor = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 250 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
};

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('supervisor', () => {
  it('starts a detached process in its own group and recognises it as ours', () => {
    const { pidFile, pid } = startSleeper('detached');
    const tracked = track(pidFile);
    expect(tracked.ownership).toEqual({ kind: 'ours', paused: false });
    expect(observe(pid)?.stat.pgrp).toBe(pid);
  });

  it('pauses with SIGSTOP and resumes with SIGCONT', async () => {
    const { pidFile } = startSleeper('pausable');
    const record = track(pidFile).record;
    if (!record) throw new Error('no record');
    expect(signalGroup(record, 'SIGSTOP')).toBe(true);
    await waitFor(
      () =>
        track(pidFile).ownership.kind === 'ours' && (track(pidFile).ownership as { paused: boolean }).paused,
    );
    expect(track(pidFile).ownership).toEqual({ kind: 'ours', paused: true });
    signalGroup(record, 'SIGCONT');
    await waitFor(() => !(track(pidFile).ownership as { paused?: boolean }).paused);
    expect(track(pidFile).ownership).toEqual({ kind: 'ours', paused: false });
  });

  it('terminates gracefully, and a paused process too', async () => {
    const { pidFile } = startSleeper('stoppable');
    const record = track(pidFile).record;
    if (!record) throw new Error('no record');
    signalGroup(record, 'SIGSTOP');
    await terminate(record, 'SIGTERM', 2000);
    expect(isAlive(record)).toBe(false);
  });

  it('treats the pid file of a killed process as stale and removes it', async () => {
    const { pidFile, pid } = startSleeper('crashed');
    process.kill(pid, 'SIGKILL');
    await waitFor(() => observe(pid) === undefined || observe(pid)?.stat.state === 'Z');
    expect(track(pidFile).ownership).toEqual({ kind: 'gone' });
    expect(fs.existsSync(pidFile)).toBe(false);
  });

  it('never signals a pid that now belongs to someone else', () => {
    // A stale pid file naming this test process (a pid "reused" by an unrelated process).
    const self = observe(process.pid);
    if (!self) throw new Error('cannot observe self');
    const pidFile = path.join(dir, 'reused.pid');
    const record = {
      service: 'reused',
      instance: 0,
      pid: process.pid,
      startTime: self.stat.startTime + 1,
      marker: 'x',
    };
    fs.writeFileSync(pidFile, formatPidRecord(record));
    expect(track(pidFile).ownership.kind).toBe('foreign');
    expect(signalGroup(record, 'SIGKILL')).toBe(false);
    // Same start time but no marker: still not ours.
    expect(
      signalGroup({ ...record, startTime: self.stat.startTime, marker: 'PAYLAB_NOT_HERE' }, 'SIGKILL'),
    ).toBe(false);
  });

  it('finds processes by marker when their pid file was lost', () => {
    const { marker, pid } = startSleeper('orphan');
    expect(findMarked(marker).map((o) => o.stat.pid)).toEqual([pid]);
  });
});
