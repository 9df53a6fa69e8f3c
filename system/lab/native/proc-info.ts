/**
 * Pure reading of Linux /proc facts. A pid alone proves nothing after a crash (pids are reused),
 * so the lab records each process's start time and a marker and checks both before it signals.
 */

import { splitProcStat } from '../proc-stat.ts';

export { splitProcStat };

export interface ProcStat {
  pid: number;
  /** R running, S sleeping, T stopped (SIGSTOP), Z zombie… */
  state: string;
  pgrp: number;
  /** Start time in clock ticks since boot: with the pid, it names one process for ever. */
  startTime: number;
}

/** Parses /proc/<pid>/stat. */
export function parseProcStat(content: string): ProcStat | undefined {
  const split = splitProcStat(content);
  if (!split) return undefined;
  const { pid, rest } = split;
  const state = rest[0];
  const pgrp = Number(rest[2]);
  const startTime = Number(rest[19]);
  if (
    !Number.isInteger(pid) ||
    state === undefined ||
    !Number.isFinite(pgrp) ||
    !Number.isFinite(startTime)
  ) {
    return undefined;
  }
  return { pid, state, pgrp, startTime };
}

/** /proc/<pid>/cmdline and environ are NUL-separated. */
export function splitNul(content: string): string[] {
  return content.split('\0').filter((part) => part.length > 0);
}

export interface PidRecord {
  service: string;
  instance: number;
  pid: number;
  startTime: number;
  /** A string that must appear in the process's cmdline or environment. */
  marker: string;
  /** Hash of what the process was started with (command, strategy env): a change means restart. */
  fingerprint?: string;
}

export function formatPidRecord(record: PidRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Parses a pid file; anything malformed is treated as absent (a crash may leave half a file). */
export function parsePidRecord(content: string): PidRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (
    typeof v.service !== 'string' ||
    typeof v.instance !== 'number' ||
    typeof v.pid !== 'number' ||
    !Number.isInteger(v.pid) ||
    v.pid <= 1 ||
    typeof v.startTime !== 'number' ||
    typeof v.marker !== 'string' ||
    v.marker.length === 0
  ) {
    return undefined;
  }
  return {
    service: v.service,
    instance: v.instance,
    pid: v.pid,
    startTime: v.startTime,
    marker: v.marker,
    ...(typeof v.fingerprint === 'string' ? { fingerprint: v.fingerprint } : {}),
  };
}

export interface ObservedProcess {
  stat: ProcStat;
  cmdline: string[];
  environ: string[];
}

export type Ownership =
  /** Alive and the very process the lab started. */
  | { kind: 'ours'; paused: boolean }
  /** No such process (or a zombie): the pid file is stale. */
  | { kind: 'gone' }
  /** The pid now belongs to someone else: never signal it. */
  | { kind: 'foreign'; reason: string };

export function carriesMarker(
  observed: Pick<ObservedProcess, 'cmdline' | 'environ'>,
  marker: string,
): boolean {
  return (
    observed.cmdline.some((arg) => arg.includes(marker)) ||
    observed.environ.some((entry) => entry.includes(marker))
  );
}

/** Decides whether the process a pid file names is still ours. */
export function judgeOwnership(record: PidRecord, observed: ObservedProcess | undefined): Ownership {
  if (observed === undefined || observed.stat.state === 'Z' || observed.stat.state === 'X')
    return { kind: 'gone' };
  if (observed.stat.startTime !== record.startTime) {
    return { kind: 'foreign', reason: `pid ${record.pid} was reused by a process started later` };
  }
  if (!carriesMarker(observed, record.marker)) {
    return { kind: 'foreign', reason: `pid ${record.pid} does not carry the lab's marker` };
  }
  return { kind: 'ours', paused: observed.stat.state === 'T' || observed.stat.state === 't' };
}
