/**
 * Lab processes that lost their pid file (a crash, a `kill -9` of the CLI): found by the marker
 * every lab process carries (/proc/<pid>/cmdline or environ), and ended only when /proc proves the
 * process is one of the lab's executables. Never by name: other labs run the same programs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LabConfig } from '../../src/config.ts';
import { appMarker } from './app-services.ts';
import { dbDataDir } from './db.ts';
import { carriesMarker, type PidRecord } from './proc-info.ts';
import type { ProgressSink } from './progress.ts';
import type { Launch, ServiceDef } from './service-def.ts';
import { findMarked, observe, terminate } from './supervisor.ts';

const EXECUTABLES = new Set(['postgres', 'redis-server', 'java', 'prometheus', 'node']);

/** Grace a leftover gets between SIGTERM and SIGKILL. */
const LEFTOVER_GRACE_MS = 10_000;

function looksLikeLabExecutable(cmdline: string[]): boolean {
  const first = cmdline[0]?.split(' ')[0] ?? '';
  const base = path.basename(first);
  return (
    EXECUTABLES.has(base) || base.startsWith('toxiproxy-server') || base === path.basename(process.execPath)
  );
}

function isAliveGroupLeaderCarrying(pgrp: number, marker: string): boolean {
  const leader = observe(pgrp);
  return leader !== undefined && carriesMarker(leader, marker);
}

/** Processes that carry a service's identity but have no pid file (a crash lost it). Children of
 *  a group whose leader is the service itself (PostgreSQL's backends) are the leader's business. */
export function orphansOf(l: Launch): number[] {
  return findMarked(l.marker)
    .filter((o) => looksLikeLabExecutable(o.cmdline))
    .filter((o) => (l.identifiers ?? []).every((id) => carriesMarker(o, id)))
    .filter((o) => o.stat.pgrp === o.stat.pid || !isAliveGroupLeaderCarrying(o.stat.pgrp, l.marker))
    .map((o) => o.stat.pid);
}

/** Ends one orphan the way its service is stopped (its stop signal, its grace). */
export async function killOrphan(pid: number, def: ServiceDef): Promise<void> {
  const observed = observe(pid);
  if (!observed) return;
  const record: PidRecord = {
    service: def.service,
    instance: def.instance,
    pid,
    startTime: observed.stat.startTime,
    marker: observed.cmdline[0] ?? '',
  };
  await terminate(record, def.stopSignal, def.graceMs);
}

/** This process and its ancestors: a sweep must never end the shell or CLI running it. */
function ancestry(pid: number): Set<number> {
  const seen = new Set<number>([pid]);
  let current = pid;
  for (let i = 0; i < 64; i++) {
    try {
      const status = fs.readFileSync(`/proc/${current}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      if (!ppid || seen.has(ppid)) break;
      seen.add(ppid);
      current = ppid;
    } catch {
      break;
    }
  }
  return seen;
}

/** Last resort of `down`: any process still carrying a lab marker is ended. */
export async function sweepLeftovers(config: LabConfig, sink: ProgressSink): Promise<void> {
  const markers = [config.paths.stateDir, dbDataDir(config), appMarker(config)];
  const ancestors = ancestry(process.pid);
  const leftovers = new Map<number, string[]>();
  for (const marker of markers) {
    for (const o of findMarked(marker)) {
      if (ancestors.has(o.stat.pid) || !looksLikeLabExecutable(o.cmdline)) continue;
      leftovers.set(o.stat.pid, o.cmdline);
    }
  }
  for (const [pid, cmdline] of leftovers) {
    const observed = observe(pid);
    if (!observed) continue;
    sink(`  ending leftover lab process ${pid}: ${cmdline.join(' ').slice(0, 120)}`);
    await terminate(
      { service: 'leftover', instance: 0, pid, startTime: observed.stat.startTime, marker: cmdline[0] ?? '' },
      'SIGTERM',
      LEFTOVER_GRACE_MS,
    );
  }
}
