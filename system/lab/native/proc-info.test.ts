import { describe, expect, it } from 'vitest';
import {
  judgeOwnership,
  parseProcStat,
  parsePidRecord,
  formatPidRecord,
  splitNul,
  type ObservedProcess,
  type PidRecord,
} from './proc-info.ts';

// Field 22 (start time) is 4242; the command name contains a space and a parenthesis.
const STAT =
  '4711 (java (x) y) S 1 4711 4711 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 40 0 4242 1000 100 18446744073709551615';

describe('parseProcStat', () => {
  it('reads state, process group and start time even when the command name has spaces and parentheses', () => {
    expect(parseProcStat(STAT)).toEqual({ pid: 4711, state: 'S', pgrp: 4711, startTime: 4242 });
  });
  it('rejects garbage instead of inventing a process', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('12 no-parens S')).toBeUndefined();
  });
});

describe('pid records', () => {
  const record: PidRecord = {
    service: 'kafka',
    instance: 0,
    pid: 4711,
    startTime: 4242,
    marker: '/lab/state/kafka/server.properties',
  };
  it('round-trip through the file format', () => {
    expect(parsePidRecord(formatPidRecord(record))).toEqual(record);
    expect(parsePidRecord(formatPidRecord({ ...record, fingerprint: 'abc' }))?.fingerprint).toBe('abc');
  });
  it('treat half-written or hostile files as absent', () => {
    expect(parsePidRecord('{"service":"kafka","pid":47')).toBeUndefined();
    expect(parsePidRecord('4711')).toBeUndefined();
    expect(parsePidRecord(JSON.stringify({ ...record, pid: 1 }))).toBeUndefined();
    expect(parsePidRecord(JSON.stringify({ ...record, pid: -5 }))).toBeUndefined();
    expect(parsePidRecord(JSON.stringify({ ...record, marker: '' }))).toBeUndefined();
  });
});

describe('judgeOwnership', () => {
  const record: PidRecord = {
    service: 'redis',
    instance: 0,
    pid: 4711,
    startTime: 4242,
    marker: '/lab/state/redis/redis.conf',
  };
  const observed = (
    over: Partial<ObservedProcess['stat']>,
    cmdline: string[],
    environ: string[] = [],
  ): ObservedProcess => ({
    stat: { pid: 4711, state: 'S', pgrp: 4711, startTime: 4242, ...over },
    cmdline,
    environ,
  });

  it('is ours when start time and marker match', () => {
    expect(
      judgeOwnership(record, observed({}, ['redis-server 127.0.0.1:16379 /lab/state/redis/redis.conf'])),
    ).toEqual({ kind: 'ours', paused: false });
  });
  it('reports a stopped (SIGSTOP) process as paused', () => {
    expect(judgeOwnership(record, observed({ state: 'T' }, ['/lab/state/redis/redis.conf']))).toEqual({
      kind: 'ours',
      paused: true,
    });
  });
  it('is gone when no process or only a zombie has the pid', () => {
    expect(judgeOwnership(record, undefined)).toEqual({ kind: 'gone' });
    expect(judgeOwnership(record, observed({ state: 'Z' }, []))).toEqual({ kind: 'gone' });
  });
  it('never claims a reused pid: another start time is foreign even with the marker', () => {
    expect(judgeOwnership(record, observed({ startTime: 9999 }, ['/lab/state/redis/redis.conf'])).kind).toBe(
      'foreign',
    );
  });
  it('never claims a process without the marker', () => {
    expect(judgeOwnership(record, observed({}, ['/usr/bin/vim', 'notes.txt'])).kind).toBe('foreign');
  });
  it('accepts the marker in the environment (node apps keep theirs there)', () => {
    const app = { ...record, marker: 'PAYLAB_SUPERVISED_BY=/lab' };
    expect(judgeOwnership(app, observed({}, ['node', 'api.ts'], ['PAYLAB_SUPERVISED_BY=/lab'])).kind).toBe(
      'ours',
    );
  });
});

describe('splitNul', () => {
  it('splits /proc cmdline and drops the trailing empty part', () => {
    expect(splitNul('java\0-cp\0x\0')).toEqual(['java', '-cp', 'x']);
  });
});
