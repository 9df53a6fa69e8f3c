/**
 * Starting lab processes detached from the CLI (own session and process group, output to a log
 * file) and signalling them only after /proc proves they are still the processes the lab started.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  formatPidRecord,
  judgeOwnership,
  parseProcStat,
  parsePidRecord,
  splitNul,
  type ObservedProcess,
  type Ownership,
  type PidRecord,
} from './proc-info.ts';

export interface LaunchSpec {
  service: string;
  instance: number;
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  pidFile: string;
  marker: string;
  uid?: number;
  gid?: number;
}

export function observe(pid: number): ObservedProcess | undefined {
  try {
    const stat = parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (!stat) return undefined;
    const cmdline = splitNul(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    let environ: string[] = [];
    try {
      environ = splitNul(fs.readFileSync(`/proc/${pid}/environ`, 'utf8'));
    } catch {
      // another user's process as non-root: the cmdline must carry the marker then
    }
    return { stat, cmdline, environ };
  } catch {
    return undefined;
  }
}

export function readPidRecord(pidFile: string): PidRecord | undefined {
  try {
    return parsePidRecord(fs.readFileSync(pidFile, 'utf8'));
  } catch {
    return undefined;
  }
}

export interface Tracked {
  record?: PidRecord;
  ownership: Ownership;
}

/** What the pid file says and whether that process is still ours. Stale files are removed. */
export function track(pidFile: string): Tracked {
  const record = readPidRecord(pidFile);
  if (!record) {
    if (fs.existsSync(pidFile)) fs.rmSync(pidFile, { force: true });
    return { ownership: { kind: 'gone' } };
  }
  const ownership = judgeOwnership(record, observe(record.pid));
  if (ownership.kind !== 'ours') fs.rmSync(pidFile, { force: true });
  return { record, ownership };
}

export function launch(spec: LaunchSpec): PidRecord {
  fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
  fs.mkdirSync(path.dirname(spec.pidFile), { recursive: true });
  const out = fs.openSync(spec.logFile, 'a');
  fs.writeSync(out, `\n--- ${new Date().toISOString()} lab starts ${spec.cmd} ${spec.args.join(' ')}\n`);
  if (spec.uid !== undefined) fs.fchownSync(out, spec.uid, spec.gid ?? spec.uid);
  try {
    const child = spawn(spec.cmd, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      // Own session and process group: `up` can exit, and a group signal reaches helpers
      // (postgres backends) but nothing outside the lab.
      detached: true,
      stdio: ['ignore', out, out],
      uid: spec.uid,
      gid: spec.gid,
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.cmd}`);
    child.unref();
    const stat = parseProcStat(fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8'));
    if (!stat) throw new Error(`could not read /proc/${child.pid}/stat of ${spec.service}`);
    const record: PidRecord = {
      service: spec.service,
      instance: spec.instance,
      pid: child.pid,
      startTime: stat.startTime,
      marker: spec.marker,
    };
    fs.writeFileSync(spec.pidFile, formatPidRecord(record));
    return record;
  } finally {
    fs.closeSync(out);
  }
}

/** Signals the process group the lab started (the leader's pid is its group id). */
export function signalGroup(record: PidRecord, signal: NodeJS.Signals): boolean {
  const observed = observe(record.pid);
  if (judgeOwnership(record, observed).kind !== 'ours') return false;
  try {
    process.kill(observed?.stat.pgrp === record.pid ? -record.pid : record.pid, signal);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function isAlive(record: PidRecord): boolean {
  return judgeOwnership(record, observe(record.pid)).kind === 'ours';
}

/** Graceful stop: `signal`, then SIGKILL to the group after `graceMs`. Resumes a paused process first. */
export async function terminate(record: PidRecord, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!isAlive(record)) return;
  signalGroup(record, 'SIGCONT');
  signalGroup(record, signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(record)) return;
    await sleep(100);
  }
  signalGroup(record, 'SIGKILL');
  const hardDeadline = Date.now() + 5000;
  while (isAlive(record) && Date.now() < hardDeadline) await sleep(50);
}

/** Every live process carrying `marker` (for a last sweep after a crash lost its pid file). */
export function findMarked(marker: string): ObservedProcess[] {
  const found: ObservedProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const observed = observe(pid);
    if (!observed || observed.stat.state === 'Z') continue;
    if (
      observed.cmdline.some((a) => a.includes(marker)) ||
      observed.environ.some((e) => e.includes(marker))
    ) {
      found.push(observed);
    }
  }
  return found;
}
